"""The expert pool and conflicts of interest: who is proposed for a panel, who may not be
added, and the pool's pages, which only the city Ecology and Environment Bureau keeps."""
import datetime

import pytest
from django.utils import timezone

from pilots import registry
from pilots import services as pilot_services
from pilots.choices import Role, State
from pilots.errors import InvalidInput
from pilots.models import AuditEntry, Organisation, RoleGrant, User
from reviews import pool
from reviews.conflicts import Conflict, conflicts
from reviews.models import (
    DeclaredRelation,
    ExpertAssignment,
    ExpertProfile,
    Panel,
    ScoreSheet,
)
from reviews.proposal import propose
from reviews.services import assign_expert, assign_experts, selection_panel_for

SINCE = datetime.date(2024, 3, 1)


def profile(demo, username):
    return ExpertProfile.objects.get(user=demo.user(username))


def names(proposed):
    return [p.expert.username for p in proposed]


@pytest.fixture
def community(demo):
    """金城江区城北社区, in city review: its panel may be formed (needs buildings,
    ecology and carbon sinks, management)."""
    project = demo.project_in(State.CITY_REVIEW)
    assert (project.category.code, project.county.code) == ("community", "jinchengjiang")
    return project


@pytest.fixture
def campus(demo):
    """宜州区第一初级中学's campus application, walked to city review. The demo's open campus
    panel is closed first: the project would join it with its members (reviews.panels)."""
    Panel.objects.filter(category__code="campus", closed_at__isnull=True).update(
        closed_at=timezone.now())
    project = demo.draft("app_campus_yizhou")
    project = pilot_services.fire(project, "submit", demo.user("app_campus_yizhou"))
    return pilot_services.fire(project, "county_forward", demo.user("yizhou_education"),
                               reason="同意上报。")


def panel_page(client, demo, project, username="city_ecology"):
    client.force_login(demo.user(username))
    return client.get(f"/projects/{project.pk}/").content.decode()


# --- Conflicts ---------------------------------------------------------------------------

def test_an_expert_employed_by_the_applicant_is_never_proposed_and_cannot_be_added(
        demo, client, community):
    expert4 = profile(demo, "expert4")
    expert4.employer = community.applicant
    expert4.save()
    reason = "工作单位「金城江区城北社区居民委员会」是本项目的申报单位。"

    assert conflicts(expert4.user, community, kind="selection") == [
        Conflict("institutional", reason, True)]
    assert conflicts(expert4.user, community, kind="acceptance") == [
        Conflict("institutional", reason, True)]
    assert "expert4" not in names(propose([community], 6, kind="selection",
                                          category="community"))
    with pytest.raises(InvalidInput) as refused:
        assign_expert(community, demo.user("eco_admin"), expert4.user,
                      override_reason="确需本地专家")
    assert refused.value.message == f"不能指派黄立新：任职单位冲突，{reason}"

    page = panel_page(client, demo, community)
    assert f'value="{expert4.user_id}" disabled>' in page
    assert f"不可指派（任职单位冲突）：{reason}" in page
    response = client.post(f"/projects/{community.pk}/panel/",
                           {"experts": [expert4.user_id]}, follow=True)
    assert f"不能指派黄立新：任职单位冲突，{reason}" in response.content.decode()
    assert community.expert_assignments.count() == 0
    assert community.audit_entries.filter(kind="panel_member_added").count() == 0


def test_an_expert_of_an_invited_consultancy_may_not_review_the_project(demo, community):
    applicant = demo.user("app_community_jinchengjiang")
    pilot_services.invite_consultant(community, applicant, demo.user("consultant1"))
    expert6 = demo.user("expert6")  # employed by 广西绿源低碳技术咨询有限公司, the consultancy

    assert conflicts(expert6, community, kind="selection") == [Conflict(
        "institutional", "工作单位「广西绿源低碳技术咨询有限公司」是受邀参与本项目的专业机构。", True)]
    assert "expert6" not in names(propose([community], 6, kind="selection",
                                          category="community"))
    with pytest.raises(InvalidInput):
        assign_expert(community, demo.user("eco_admin"), expert6)
    assert community.expert_assignments.count() == 0


def test_a_declared_relation_excludes(demo, client, community):
    admin = demo.user("eco_admin")
    expert2 = profile(demo, "expert2")
    pool.add_relation(admin, expert2, organisation=community.applicant, kind="collaborator",
                      since=SINCE, note="编制社区低碳规划")
    reason = "申报了与申报单位「金城江区城北社区居民委员会」的合作/咨询关系（2024-03-01起）。"

    assert conflicts(expert2.user, community, kind="selection") == [
        Conflict("collaborator", reason, True)]
    assert "expert2" not in names(propose([community], 6, kind="selection",
                                          category="community"))
    with pytest.raises(InvalidInput) as refused:
        assign_experts(community, admin, [demo.user("expert1"), expert2.user])
    assert refused.value.message == f"不能指派王晓梅：合作/咨询关系冲突，{reason}"
    assert community.expert_assignments.count() == 0  # all or none: expert1 neither

    assert f"不可指派（合作/咨询关系冲突）：{reason}" in panel_page(client, demo, community)


def test_the_same_county_is_a_warning_that_needs_a_reason_kept_in_the_trail(
        demo, client, community):
    expert1 = profile(demo, "expert1")
    expert1.county = community.county
    expert1.save()
    warning = Conflict("other", "专家与项目同属金城江区。", False)

    assert conflicts(expert1.user, community, kind="selection") == [warning]
    assert conflicts(expert1.user, community, kind="acceptance") == []
    proposed = {p.expert.username: p for p in propose([community], 6, kind="selection",
                                                      category="community")}
    assert proposed["expert1"].warnings == (warning,)

    page = panel_page(client, demo, community)
    assert "利益冲突提示：专家与项目同属金城江区。" in page
    assert 'name="override_reason"' in page

    # Without a reason: refused, with the reason asked for; nothing written.
    response = client.post(f"/projects/{community.pk}/panel/",
                           {"experts": [expert1.user_id], "override_reason": "  "}, follow=True)
    assert ("李建华存在利益冲突提示：专家与项目同属金城江区。如仍要指派，请填写理由。"
            in response.content.decode())
    assert community.expert_assignments.count() == 0

    reason = "本地熟悉社区情况的碳核算专家仅此一位。"
    response = client.post(f"/projects/{community.pk}/panel/",
                           {"experts": [expert1.user_id], "override_reason": reason}, follow=True)
    assert "已指派1名专家。" in response.content.decode()
    assert list(community.expert_assignments.values_list("expert__username", flat=True)) == [
        "expert1"]
    entry = AuditEntry.objects.get(project=community, kind="panel_member_added")
    assert entry.data == {"expert_id": expert1.user_id, "name": "李建华",
                          "conflicts": ["专家与项目同属金城江区。"], "override_reason": reason}
    assert registry.describe(entry.kind, entry.transition, entry.data) == [
        "专家：李建华", "利益冲突提示：专家与项目同属金城江区。", f"仍予指派的理由：{reason}"]


def test_the_proposal_covers_the_fields_first_then_the_least_loaded(demo, community):
    fields = {"expert1": ["energy"], "expert2": ["buildings"],
              "expert3": ["ecology_carbon_sink", "management"], "expert4": ["energy"],
              "expert5": ["buildings", "management"], "expert6": ["energy"]}
    for username, codes in fields.items():
        ExpertProfile.objects.filter(user__username=username).update(fields=codes, county=None)
    admin = demo.user("eco_admin")
    # The loads below are worked out without reviews' three demo panels (示范17..19).
    demo_panels = ExpertAssignment.objects.filter(project__name__regex=r"（示范1[789]）$")
    ScoreSheet.objects.filter(assignment__in=demo_panels).delete()
    demo_panels.delete()
    # Open assignments: expert1..3 sit on the demo's panel in expert review (1 each);
    # expert5 and expert6 join it; expert4's only panel has moved on to revision (closed).
    reviewing = demo.project_in(State.EXPERT_REVIEW)
    revising = demo.project_in(State.REVISION)
    for username, project in [("expert5", reviewing), ("expert6", reviewing),
                              ("expert4", revising)]:
        ExpertAssignment.objects.create(panel=selection_panel_for(project, admin),
                                        project=project, expert=demo.user(username),
                                        assigned_by=admin)

    proposed = propose([community], 4, kind="selection", category="community")

    # expert3 and expert5 each cover two of buildings, ecology and sinks, management:
    # equally loaded, expert3 by name; buildings is left: expert2 before expert5 by name;
    # then the least loaded: expert4 (0), then expert1 (1, first by name).
    assert [(p.expert.username, p.covers, p.load) for p in proposed] == [
        ("expert3", ("ecology_carbon_sink", "management"), 1),
        ("expert2", ("buildings",), 1),
        ("expert4", (), 0),
        ("expert1", (), 1),
    ]
    assert proposed[0].cover_labels == ["生态与碳汇", "管理"]
    # Already on the panel: not proposed again, and what it covers is covered.
    assert names(propose([community], 2, kind="selection", category="community",
                         members=[demo.user("expert3")])) == ["expert2", "expert4"]
    assert propose([community], 0, kind="selection", category="community") == []


def test_the_demo_panel_card_proposes_three_conflict_free_experts(demo, client, campus):
    page = panel_page(client, demo, campus, "city_education")
    for username in ("expert1", "expert2", "expert3"):
        assert f'value="{demo.user(username).pk}" checked>' in page
    for username in ("expert4", "expert6"):
        assert f'value="{demo.user(username).pk}">' in page
    assert page.count("利益冲突提示：专家与项目同属宜州区。") == 2
    year = timezone.localdate().year - 1
    assert (f"不可指派（合作/咨询关系冲突）：申报了与申报单位「宜州区第一初级中学」的合作/咨询关系"
            f"（{year}-03-01起）。") in page
    assert f'value="{demo.user("expert5").pk}" disabled>' in page
    assert "推荐：覆盖建筑、管理" in page  # expert2, for a campus (buildings, energy, management)


def test_a_deactivated_expert_is_neither_proposed_nor_assignable(demo, client, community):
    client.force_login(demo.user("eco_admin"))
    expert1 = profile(demo, "expert1")
    response = client.post(f"/programme/experts/{expert1.pk}/active/", {"active": "0"},
                           follow=True)
    assert "已停用李建华：不再推荐和指派。" in response.content.decode()
    assert "expert1" not in names(propose([community], 6, kind="selection",
                                          category="community"))
    assert f'value="{expert1.user_id}"' not in panel_page(client, demo, community)
    with pytest.raises(InvalidInput) as refused:
        assign_expert(community, demo.user("eco_admin"), expert1.user)
    assert refused.value.message == "李建华已从专家库停用，不能指派。"

    client.force_login(demo.user("eco_admin"))
    client.post(f"/programme/experts/{expert1.pk}/active/", {"active": "1"})
    assert ExpertProfile.objects.get(pk=expert1.pk).is_active is True


# --- The pool's pages --------------------------------------------------------------------

def pool_requests(demo):
    p = profile(demo, "expert5")
    relation = p.relations.get()
    return [
        ("get", "/programme/experts/", {}),
        ("get", "/programme/experts/new/", {}),
        ("post", "/programme/experts/new/", {"user": demo.user("expert1").pk, "fields": ["energy"]}),
        ("get", f"/programme/experts/{p.pk}/", {}),
        ("post", f"/programme/experts/{p.pk}/", {"fields": ["energy"]}),
        ("post", f"/programme/experts/{p.pk}/active/", {"active": "0"}),
        ("post", f"/programme/experts/{p.pk}/relations/",
         {"organisation": demo.user("app_park_yizhou").organisation_id, "kind": "personal",
          "since": "2024-01-01"}),
        ("post", f"/programme/experts/{p.pk}/relations/{relation.pk}/delete/", {}),
    ]


def pool_state():
    return (list(ExpertProfile.objects.order_by("pk").values_list("pk", "fields", "is_active",
                                                                  "employer", "county")),
            list(DeclaredRelation.objects.order_by("pk").values_list("pk", "organisation",
                                                                     "kind")))


@pytest.mark.parametrize("username", ["city_ecology", "expert1", "app_campus_yizhou", None])
def test_the_pool_pages_are_the_ecology_admins_only(demo, client, username):
    expected = 302 if username is None else 403
    if username:
        client.force_login(demo.user(username))
    before = pool_state()
    statuses = [getattr(client, method)(path, data).status_code
                for method, path, data in pool_requests(demo)]
    assert statuses == [expected] * 8
    assert pool_state() == before


def test_the_admin_reaches_the_pool_from_the_programme_settings(demo, client):
    client.force_login(demo.user("eco_admin"))
    page = client.get("/programme/").content.decode()
    assert '<a href="/programme/experts/">专家库</a>' in page
    page = client.get("/programme/experts/").content.decode()
    assert page.count('<tr>') == 1 + 6  # the head and expert1..6
    assert "河池市建筑设计研究院" in page and "宜州区能源技术服务中心" in page


def test_the_admin_puts_an_expert_in_the_pool_and_declares_a_relation(demo, client):
    admin = demo.user("eco_admin")
    newcomer = User.objects.create(username="expert7", last_name="蒙", first_name="丽")
    RoleGrant.objects.create(user=newcomer, role=Role.EXPERT)
    college = Organisation.objects.get(name="河池学院")
    client.force_login(admin)

    response = client.post("/programme/experts/new/", {
        "user": newcomer.pk, "employer": college.pk, "county": "", "fields": ["management", "energy"]})
    created = ExpertProfile.objects.get(user=newcomer)
    assert response.status_code == 302
    assert response["Location"] == f"/programme/experts/{created.pk}/"
    assert (created.employer, created.county, created.fields, created.is_active) == (
        college, None, ["energy", "management"], True)

    school = demo.user("app_campus_jinchengjiang").organisation
    client.post(f"/programme/experts/{created.pk}/relations/", {
        "organisation": school.pk, "kind": "personal", "since": "2023-09-01", "note": "亲属任校长"})
    relation = created.relations.get()
    assert (relation.organisation, relation.kind, relation.since, relation.note) == (
        school, "personal", datetime.date(2023, 9, 1), "亲属任校长")
    page = client.get(f"/programme/experts/{created.pk}/").content.decode()
    assert "金城江区第一初级中学（个人关系，2023-09-01起）" in page

    client.post(f"/programme/experts/{created.pk}/relations/{relation.pk}/delete/")
    assert created.relations.count() == 0

    client.post(f"/programme/experts/{created.pk}/", {"employer": "", "county": "", "fields": ["industry"]})
    created.refresh_from_db()
    assert (created.employer, created.fields) == (None, ["industry"])


@pytest.mark.parametrize(("path_of", "data", "message"), [
    (lambda p: "/programme/experts/new/", {"fields": ["energy"]}, "请选择专家账号。"),
    (lambda p: "/programme/experts/new/", {"user": "APPLICANT", "fields": ["energy"]},
     "所选项无效，请从列表中选择。"),
    (lambda p: "/programme/experts/new/", {"user": "EXPERT1", "fields": ["energy"]},
     "所选项无效，请从列表中选择。"),  # already in the pool
    (lambda p: "/programme/experts/new/", {"user": "NEWCOMER"}, "请至少选择一个专业领域。"),
    (lambda p: "/programme/experts/new/", {"user": "NEWCOMER", "fields": ["astrology"]},
     "专业领域无效，请从列表中选择。"),
    (lambda p: f"/programme/experts/{p.pk}/", {"fields": []}, "请至少选择一个专业领域。"),
    (lambda p: f"/programme/experts/{p.pk}/", {"fields": ["energy"], "county": "99999"},
     "所选项无效，请从列表中选择。"),
    (lambda p: f"/programme/experts/{p.pk}/", {"fields": ["energy"], "employer": "abc"},
     "所选项无效，请从列表中选择。"),
    (lambda p: f"/programme/experts/{p.pk}/relations/",
     {"organisation": "SCHOOL", "kind": "friend", "since": "2024-01-01"},
     "关系类型无效，请从列表中选择。"),
    (lambda p: f"/programme/experts/{p.pk}/relations/",
     {"organisation": "SCHOOL", "kind": "personal", "since": "2024-02-30"},
     "请输入有效日期，如 2024-03-01。"),
    (lambda p: f"/programme/experts/{p.pk}/relations/",
     {"organisation": "SCHOOL", "kind": "personal", "since": "TOMORROW"}, "起始日期不能晚于今天。"),
    (lambda p: f"/programme/experts/{p.pk}/relations/",
     {"organisation": "SCHOOL_YIZHOU", "kind": "personal", "since": "2024-01-01"},
     "已申报与「宜州区第一初级中学」的关系。"),
    (lambda p: f"/programme/experts/{p.pk}/relations/",
     {"kind": "personal", "since": "2024-01-01"}, "请选择单位。"),
    (lambda p: f"/programme/experts/{p.pk}/relations/",
     {"organisation": "SCHOOL", "kind": "personal", "since": "2024-01-01", "note": "长" * 201},
     "说明不能超过200个字。"),
])
def test_bad_input_is_told_in_chinese_and_changes_nothing(demo, client, path_of, data, message):
    newcomer = User.objects.create(username="expert7")
    RoleGrant.objects.create(user=newcomer, role=Role.EXPERT)
    stand_ins = {
        "APPLICANT": demo.user("app_campus_yizhou").pk, "EXPERT1": demo.user("expert1").pk,
        "NEWCOMER": newcomer.pk,
        "SCHOOL": demo.user("app_campus_jinchengjiang").organisation_id,
        "SCHOOL_YIZHOU": demo.user("app_campus_yizhou").organisation_id,
        "TOMORROW": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
    }
    data = {key: stand_ins.get(value, value) if isinstance(value, str) else value
            for key, value in data.items()}
    client.force_login(demo.user("eco_admin"))
    before = pool_state()

    response = client.post(path_of(profile(demo, "expert5")), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert pool_state() == before


@pytest.mark.parametrize(("query", "message"), [
    ("?field=astrology", "专业领域无效，已显示全部专家。"),
    ("?active=maybe", "状态筛选无效，已显示全部专家。"),
])
def test_a_bad_filter_is_told_and_shows_everyone(demo, client, query, message):
    client.force_login(demo.user("eco_admin"))
    response = client.get(f"/programme/experts/{query}")
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert page.count("<tr>") == 1 + 6


def test_the_list_filters_by_field_and_state(demo, client):
    client.force_login(demo.user("eco_admin"))
    ExpertProfile.objects.filter(user__username="expert6").update(is_active=False)

    def listed(query):
        page = client.get(f"/programme/experts/{query}").content.decode()
        return [u for u in (f"expert{n}" for n in range(1, 7))
                if f'<span class="note">{u}</span>' in page]

    assert listed("?field=transport") == ["expert2", "expert5"]
    assert listed("?field=energy&active=1") == ["expert1", "expert4"]
    assert listed("?active=0") == ["expert6"]


@pytest.mark.parametrize("extra", [1, 3])
def test_the_pool_list_runs_a_constant_number_of_queries(
        demo, client, django_assert_num_queries, extra):
    school = demo.user("app_campus_yizhou").organisation
    for n in range(extra):
        user = User.objects.create(username=f"extra_expert{n}")
        RoleGrant.objects.create(user=user, role=Role.EXPERT)
        added = ExpertProfile.objects.create(user=user, employer=school, fields=["energy"])
        DeclaredRelation.objects.create(profile=added, organisation=school, kind="other",
                                        since=SINCE)
    client.force_login(demo.user("eco_admin"))
    with django_assert_num_queries(7):
        page = client.get("/programme/experts/").content.decode()
    assert page.count("<tr>") == 1 + 6 + extra
