"""Selection panels over a batch and a category (reviews/panels.py and its pages): forming
one, the proposal over several projects, a member added to every project, a project the
county forwards later joining the open panel, who sees which panel, constant queries."""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from guardian.shortcuts import get_perms

from pilots import services as pilot_services
from pilots.choices import State
from pilots.demo import demo_plan
from pilots.errors import InvalidInput, NotAllowedNow, NotPermitted
from pilots.models import AuditEntry, Batch, Category, Notification
from reviews import panels
from reviews.declarations import declare
from reviews.models import ExpertAssignment, ExpertProfile, Panel
from reviews.sheets import save_draft, sheet_for, submit
from tests.factories import applicant

COMMUNITY_FORWARDER = {"jinchengjiang": "jinchengjiang_ecology", "yizhou": "yizhou_ecology"}


@pytest.fixture
def batch(demo):
    """Next year's call, open today, with no panel yet (the demo's panels stay apart)."""
    today = timezone.localdate()
    return Batch.objects.create(year=today.year + 1, name=f"{today.year + 1}年度试点申报",
                                opens_on=today - datetime.timedelta(days=1),
                                closes_on=today + datetime.timedelta(days=60))


@pytest.fixture
def community(demo):
    return Category.objects.get(code="community")


def forwarded(demo, batch, user, name, county="jinchengjiang"):
    """A community project of ``user``'s organisation in ``batch``, submitted and forwarded
    by the county to city review."""
    category = Category.objects.get(code="community")
    project = pilot_services.create_project(actor=user, batch=batch, category=category,
                                            name=name)
    pilot_services.save_plan(project, user, demo_plan(category))
    project = pilot_services.fire(project, "submit", user)
    return pilot_services.fire(project, "county_forward",
                               demo.user(COMMUNITY_FORWARDER[county]), reason="同意上报。")


@pytest.fixture
def two(demo, batch):
    """Two community projects in city review: 金城江区 (A) and 宜州区 (B)."""
    a = forwarded(demo, batch, demo.user("app_community_jinchengjiang"), "城北社区二期")
    b = forwarded(demo, batch, demo.user("app_community_yizhou"), "城北社区二期（宜州）",
                  county="yizhou")
    return a, b


@pytest.fixture
def panel(demo, batch, community, two):
    return panels.form_selection_panel(demo.user("eco_admin"), batch, community)


def experts(demo, *names):
    return [demo.user(n) for n in names]


def pairs(panel):
    return sorted(ExpertAssignment.objects.filter(panel=panel)
                  .values_list("project__name", "expert__username"))


# --- Forming ------------------------------------------------------------------------------

def test_the_admin_forms_a_panel_on_the_page_and_lands_on_it(demo, client, batch, community,
                                                              two):
    client.force_login(demo.user("eco_admin"))
    response = client.post("/reviews/panels/", {"batch": batch.pk, "category": community.pk},
                           follow=True)
    panel = Panel.objects.get(batch=batch, category=community)
    html = response.content.decode()

    assert response.redirect_chain == [(f"/reviews/panels/{panel.pk}/", 302)]
    assert (panel.kind, panel.organiser.username, panel.closed_at) == (
        "selection", "eco_admin", None)
    assert "已组建近零碳排放社区遴选专家组，请加入专家。" in html
    # Both projects of the batch and category in city review are the panel's.
    assert [p.name for p in panels.open_projects(panel)] == ["城北社区二期", "城北社区二期（宜州）"]
    assert html.count('<tr id="project-') == 2
    assert '<dd id="min-size">3</dd>' in html


def test_forming_a_second_open_panel_is_refused_and_changes_nothing(demo, client, panel, batch,
                                                                     community):
    client.force_login(demo.user("city_ecology"))
    response = client.post("/reviews/panels/", {"batch": batch.pk, "category": community.pk})

    assert response.status_code == 409
    assert (f"{batch.name}的近零碳排放社区已有评分尚未结束的遴选专家组，请在该专家组中调整成员。"
            in response.content.decode())
    assert Panel.objects.filter(batch=batch).count() == 1


@pytest.mark.parametrize(("data", "message"), [
    ({"batch": "abc", "category": "community"}, "请选择申报批次。"),
    ({"batch": "", "category": ""}, "请选择申报批次。"),
    ({"category": "99999"}, "请选择申报批次。"),
])
def test_bad_forming_input_is_told_in_chinese(demo, client, batch, community, data, message):
    client.force_login(demo.user("eco_admin"))
    data = {k: v.replace("community", str(community.pk)) for k, v in data.items()}
    response = client.post("/reviews/panels/", data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Panel.objects.filter(batch=batch).exists()


def test_a_city_officer_forms_only_for_the_categories_its_body_leads(demo, client, batch,
                                                                      community):
    education = demo.user("city_education")  # leads campus
    client.force_login(education)
    page = client.get("/reviews/panels/").content.decode()
    response = client.post("/reviews/panels/", {"batch": batch.pk, "category": community.pk})

    assert f'<option value="{community.pk}"' not in page
    assert f'<option value="{Category.objects.get(code="campus").pk}"' in page
    assert response.status_code == 400
    assert "请选择您可以组建专家组的试点类别。" in response.content.decode()
    assert panels.may_form_panel(education, community) is False
    with pytest.raises(NotPermitted):
        panels.form_selection_panel(education, batch, community)
    assert panels.may_form_panel(demo.user("city_ndrc"), community) is True
    assert panels.may_form_panel(demo.user("jinchengjiang_ecology"), community) is False
    assert not Panel.objects.filter(batch=batch).exists()


# --- The proposal over several projects, adding members ------------------------------------

def test_an_expert_employed_by_one_projects_applicant_is_never_proposed_nor_added(
        demo, client, panel, two):
    a, b = two
    expert2 = ExpertProfile.objects.get(user__username="expert2")
    expert2.employer = b.applicant
    expert2.save()
    reason = "工作单位「宜州区城北社区居民委员会」是本项目的申报单位。"

    rows = panels.candidates([a, b], [], 3, kind="selection", category=panel.category)
    assert [r["expert"].username for r in rows if r["proposed"]] == [
        "expert1", "expert3", "expert4"]
    blocked = {r["expert"].username: r["blocking"] for r in rows if r["blocking"]}
    assert list(blocked) == ["expert2"]
    assert (blocked["expert2"].project, blocked["expert2"].reason_text) == (b, reason)

    client.force_login(demo.user("eco_admin"))
    page = client.get(f"/reviews/panels/{panel.pk}/").content.decode()
    assert f'value="{expert2.user_id}" disabled>' in page
    assert f"不可加入（与「{b.name}」存在任职单位冲突）：{reason}" in page
    for name in ("expert1", "expert3", "expert4"):
        assert f'value="{demo.user(name).pk}" checked>' in page

    message = f"王晓梅不能加入专家组：与「{b.name}」存在任职单位冲突，{reason}"
    with pytest.raises(InvalidInput) as refused:
        panels.add_members(panel, demo.user("eco_admin"), experts(demo, "expert1", "expert2"))
    assert refused.value.message == message
    response = client.post(f"/reviews/panels/{panel.pk}/members/",
                           {"experts": [demo.user("expert1").pk, expert2.user_id]}, follow=True)
    assert message in response.content.decode()
    assert pairs(panel) == []  # all or nothing: expert1 neither
    assert not AuditEntry.objects.filter(project__in=two, kind="panel_member_added").exists()


def test_a_member_added_sits_on_every_project_of_the_panel(demo, client, panel, two):
    a, b = two
    client.force_login(demo.user("city_ndrc"))
    response = client.post(f"/reviews/panels/{panel.pk}/members/",
                           {"experts": [demo.user("expert1").pk, demo.user("expert3").pk]},
                           follow=True)

    assert "已加入2名专家，共4项指派。" in response.content.decode()
    assert pairs(panel) == [("城北社区二期", "expert1"), ("城北社区二期", "expert3"),
                            ("城北社区二期（宜州）", "expert1"), ("城北社区二期（宜州）", "expert3")]
    for project in (a, b):
        for name in ("expert1", "expert3"):
            assert get_perms(demo.user(name), project) == ["view_project"]
        entries = project.audit_entries.filter(kind="panel_member_added").order_by("pk")
        assert [(e.actor.username, e.data) for e in entries] == [
            ("city_ndrc", {"expert_id": demo.user("expert1").pk, "name": "李建华"}),
            ("city_ndrc", {"expert_id": demo.user("expert3").pk, "name": "陈志远"})]
    # Each expert is told once, of both projects.
    told = Notification.objects.filter(recipient=demo.user("expert1"), project=None,
                                       title__startswith="您被指派为近零碳排放社区遴选专家组")
    assert [n.title for n in told] == ["您被指派为近零碳排放社区遴选专家组的评审专家（2个项目）"]
    assert "城北社区二期\n" in told[0].body and "城北社区二期（宜州）\n" in told[0].body
    # The page lists them with each project's declaration.
    page = client.get(f"/reviews/panels/{panel.pk}/").content.decode()
    assert page.count("：未声明</li>") == 4
    assert '<td data-label="已提交评分表" class="sheets">0/2</td>' in page
    # Adding them again adds nothing, and says so.
    with pytest.raises(InvalidInput) as refused:
        panels.add_members(panel, demo.user("eco_admin"), experts(demo, "expert1"))
    assert refused.value.message == "所选专家已在本专家组的每个项目中。"


def test_the_same_county_needs_a_reason_kept_in_that_projects_trail_only(demo, panel, two):
    a, b = two  # expert4 works in 宜州区, as B is
    admin = demo.user("eco_admin")
    with pytest.raises(InvalidInput) as refused:
        panels.add_members(panel, admin, experts(demo, "expert4"))
    assert refused.value.message == (
        f"黄立新与「{b.name}」存在利益冲突提示：专家与项目同属宜州区。如仍要加入，请填写理由。")
    assert refused.value.fields == {"override_reason": [refused.value.message]}
    assert pairs(panel) == []

    panels.add_members(panel, admin, experts(demo, "expert4"), override_reason="本地专家熟悉情况")

    assert a.audit_entries.get(kind="panel_member_added").data == {
        "expert_id": demo.user("expert4").pk, "name": "黄立新"}
    entry = b.audit_entries.get(kind="panel_member_added")
    assert entry.data == {"expert_id": demo.user("expert4").pk, "name": "黄立新",
                          "conflicts": ["专家与项目同属宜州区。"],
                          "override_reason": "本地专家熟悉情况"}
    assert entry.data_lines == ["专家：黄立新", "利益冲突提示：专家与项目同属宜州区。",
                                "仍予指派的理由：本地专家熟悉情况"]


@pytest.mark.parametrize(("data", "message"), [
    ({}, "请选择至少一名专家。"),
    ({"experts": ["x"]}, "所选专家无效，请重新选择。"),
    ({"experts": ["999999"]}, "所选用户不是专家库成员。"),
    ({"action": "remove", "expert": "abc"}, "请选择要移出的专家。"),
    ({"action": "remove", "expert": "999999"}, "请选择要移出的专家。"),
])
def test_bad_member_input_is_told_in_chinese_and_changes_nothing(demo, client, panel, data,
                                                                  message):
    client.force_login(demo.user("eco_admin"))
    response = client.post(f"/reviews/panels/{panel.pk}/members/", data, follow=True)

    assert f'<li class="msg msg-error">{message}</li>' in response.content.decode()
    assert pairs(panel) == []


def test_removing_a_member_takes_it_off_the_projects_in_city_review(demo, client, panel, two):
    a, b = two
    admin = demo.user("eco_admin")
    panels.add_members(panel, admin, experts(demo, "expert1", "expert2", "expert3"))
    client.force_login(admin)

    response = client.post(f"/reviews/panels/{panel.pk}/members/",
                           {"action": "remove", "expert": demo.user("expert2").pk}, follow=True)

    assert "已将王晓梅移出专家组（2个市级审核中的项目）。" in response.content.decode()
    assert {name for _p, name in pairs(panel)} == {"expert1", "expert3"}
    assert get_perms(demo.user("expert2"), a) == []
    assert [e.data["name"] for e in b.audit_entries.filter(kind="panel_member_removed")] == [
        "王晓梅"]


def test_under_expert_review_a_member_leaves_only_when_scoring_is_closed(demo, panel, two):
    a, b = two
    admin = demo.user("eco_admin")
    panels.add_members(panel, admin, experts(demo, "expert1", "expert2", "expert3"))
    deadline = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    for project in (a, b):
        pilot_services.fire(project, "start_expert_review", admin,
                            data={"scoring_deadline": deadline})

    with pytest.raises(NotAllowedNow) as refused:
        panels.remove_member(panel, admin, demo.user("expert2"))
    assert refused.value.message == "王晓梅所评项目已提交专家评审：如需移出，请在结束评分时填写理由。"
    assert len(pairs(panel)) == 6


# --- A project forwarded later joins the open panel ---------------------------------------------

def test_a_project_forwarded_later_joins_the_open_panel_with_its_members(demo, batch, panel,
                                                                          two):
    admin = demo.user("eco_admin")
    panels.add_members(panel, admin, experts(demo, "expert1", "expert3"))
    third = applicant("app_community_third", county="jinchengjiang")
    # expert3 now works for the new project's applicant: it is skipped, nothing recorded.
    ExpertProfile.objects.filter(user__username="expert3").update(employer=third.organisation)

    project = forwarded(demo, batch, third, "城南社区")

    assert list(ExpertAssignment.objects.filter(project=project)
                .values_list("panel_id", "expert__username", "assigned_by__username")) == [
        (panel.pk, "expert1", "eco_admin")]
    assert get_perms(demo.user("expert1"), project) == ["view_project"]
    assert get_perms(demo.user("expert3"), project) == []
    assert [(e.actor.username, e.data["name"]) for e in
            project.audit_entries.filter(kind__startswith="panel_member")] == [
        ("eco_admin", "李建华")]
    assert Notification.objects.filter(
        recipient=demo.user("expert1"), project=project,
        title="您被指派为近零碳排放社区遴选专家组的评审专家（1个项目）").count() == 1
    assert not Notification.objects.filter(recipient=demo.user("expert3"),
                                           project=project).exists()
    assert project in panels.open_projects(panel)


def test_without_an_open_panel_a_forwarded_project_has_no_members(demo, batch, two):
    a, _b = two
    assert not ExpertAssignment.objects.filter(project=a).exists()
    assert a.state == State.CITY_REVIEW


# --- Who sees which panel ---------------------------------------------------------------------

@pytest.mark.parametrize(("username", "listed", "detail"), [
    ("eco_admin", 200, 200),
    ("city_ecology", 200, 200),
    ("city_ndrc", 200, 200),
    ("city_commerce", 200, 404),
    ("jinchengjiang_ecology", 403, 404),
    ("expert1", 403, 404),
    ("app_community_jinchengjiang", 403, 404),
])
def test_a_panel_is_seen_by_the_admin_and_its_categorys_city_officers_only(
        demo, client, panel, username, listed, detail):
    client.force_login(demo.user(username))
    listing = client.get("/reviews/panels/")

    assert listing.status_code == listed
    assert client.get(f"/reviews/panels/{panel.pk}/").status_code == detail
    if listed == 200:
        assert (f'<tr id="panel-{panel.pk}">' in listing.content.decode()) is (detail == 200)
        assert '<a href="/reviews/panels/">专家组</a>' in listing.content.decode()
    if detail == 404:
        response = client.post(f"/reviews/panels/{panel.pk}/members/",
                               {"experts": [demo.user("expert1").pk]})
        assert response.status_code == 404
        assert pairs(panel) == []


def test_the_project_card_links_to_its_panel(demo, client, panel, two):
    a, _b = two
    panels.add_members(panel, demo.user("eco_admin"), experts(demo, "expert1"))
    client.force_login(demo.user("city_ecology"))
    page = client.get(f"/projects/{a.pk}/").content.decode()

    assert f'<a href="/reviews/panels/{panel.pk}/" id="panel-link">' in page


# --- Constant queries -------------------------------------------------------------------------

@pytest.mark.parametrize("extra", [0, 2])
def test_the_list_runs_a_constant_number_of_queries(demo, client, batch, extra,
                                                    django_assert_num_queries):
    admin = demo.user("eco_admin")
    for code in ["park", "campus", "commercial"][:extra + 1]:
        panels.form_selection_panel(admin, batch, Category.objects.get(code=code))
    client.force_login(admin)
    with django_assert_num_queries(12):
        response = client.get("/reviews/panels/")
    assert response.content.decode().count('<tr id="panel-') == (
        Panel.objects.count())


@pytest.mark.parametrize("size", [1, 3])
def test_the_detail_runs_a_constant_number_of_queries(demo, client, batch, community, size,
                                                      django_assert_num_queries):
    admin = demo.user("eco_admin")
    batch.expert_panel_min_size = 5  # members still missing at both sizes: a proposal shows
    batch.save()
    names = ["app_community_jinchengjiang", "app_community_yizhou"]
    for n in range(size):
        user = demo.user(names[n]) if n < 2 else applicant(f"app_extra{n}",
                                                           county="jinchengjiang")
        forwarded(demo, batch, user, f"社区{n}",
                  county="yizhou" if user.username.endswith("yizhou") else "jinchengjiang")
    panel = panels.form_selection_panel(admin, batch, community)
    members = experts(demo, "expert1", "expert2", "expert3")[:size]
    panels.add_members(panel, admin, members)
    client.force_login(admin)
    with django_assert_num_queries(19):
        page = client.get(f"/reviews/panels/{panel.pk}/").content.decode()
    assert page.count('<tr id="project-') == size
    assert page.count("<tr data-expert=") == size


# --- Ranking and closing the panel's scoring ---------------------------------------------------

def _score(assignment, share):
    """The member declares no conflict and submits a sheet: ``share`` of every weight."""
    sheet = sheet_for(declare(assignment, assignment.expert, conflict=False))
    save_draft(sheet, assignment.expert,
               scores={c.code: str(c.weight * Decimal(share)) for c in sheet.rubric.criteria.all()},
               opinions=[{"text": "请补充基准年数据来源。", "plan_path": ""}])
    submit(sheet, assignment.expert)


def test_the_panel_page_ranks_its_projects_and_the_admin_closes_its_scoring(
        demo, client, batch, panel, two):
    a, b = two
    admin = demo.user("eco_admin")
    batch.expert_panel_min_size = 2
    batch.save()
    panels.add_members(panel, admin, experts(demo, "expert1", "expert2", "expert3"))
    deadline = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    for project in (a, b):
        pilot_services.fire(project, "start_expert_review", admin,
                            data={"scoring_deadline": deadline})
    on = {(x.project_id, x.expert.username): x for x in
          ExpertAssignment.objects.filter(panel=panel).select_related("expert", "project")}
    # A: 90, 80, 70 (mean 80); B: 60, 50 (mean 55), expert3 never submits on B.
    for name, share in (("expert1", "0.9"), ("expert2", "0.8"), ("expert3", "0.7")):
        _score(on[(a.pk, name)], share)
    for name, share in (("expert1", "0.6"), ("expert2", "0.5")):
        _score(on[(b.pk, name)], share)
    declare(on[(b.pk, "expert3")], demo.user("expert3"), conflict=False)
    client.force_login(admin)

    page = client.get(f"/reviews/panels/{panel.pk}/").content.decode()
    ranking = page[page.index('id="ranking-table"'):]
    assert [cell.split("<")[0] for cell in ranking.split('class="rank">')[1:]] == ["1", "2"]
    assert ranking.index(a.name) < ranking.index(b.name)
    assert '<td data-label="得分" class="score">80.00</td>' in ranking
    assert '<td data-label="得分" class="score">55.00</td>' in ranking
    assert "不通过" in ranking  # 55 is below the pass line of 60
    assert '<td data-label="已提交评分表" class="sheets">2/3</td>' in page
    assert f'name="remove_{demo.user("expert3").pk}"' in page
    assert f'name="remove_{demo.user("expert1").pk}"' not in page

    refused = client.post(f"/reviews/panels/{panel.pk}/close/", {}, follow=True)
    assert (f"以下专家尚未提交评分表：陈志远（{b.name}）。请等待其提交，或填写理由将其移出专家组。"
            in refused.content.decode())
    assert Panel.objects.get(pk=panel.pk).closed_at is None

    closed = client.post(f"/reviews/panels/{panel.pk}/close/",
                         {f"remove_{demo.user('expert3').pk}": "未按期提交评分表"}, follow=True)
    html = closed.content.decode()
    panel.refresh_from_db()
    assert '<li class="msg msg-success">评分已结束。</li>' in html
    assert (panel.closed_by.username, panel.is_closed) == ("eco_admin", True)
    assert [e.reason for e in b.audit_entries.filter(kind="panel_member_removed")] == [
        "未按期提交评分表"]
    assert 'id="close-scoring"' not in html and 'id="add-members"' not in html


def test_only_the_ecology_admin_closes_a_panels_scoring(demo, client, panel):
    client.force_login(demo.user("city_ecology"))
    response = client.post(f"/reviews/panels/{panel.pk}/close/", {})

    assert response.status_code == 403
    assert Panel.objects.get(pk=panel.pk).closed_at is None
