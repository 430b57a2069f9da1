"""Acceptance panels (验收专家组): one project each, formed by the ecology admin from the
pool's proposal with a scoring deadline; its members declare, then score on the acceptance
rubric; grant_title and fail_acceptance wait for closed scoring, grant_title for a score at
the pass line; the decision ends the members' grants."""
import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pilots import registry, services
from pilots.choices import State
from pilots.demo import REASONS, TO_ACCEPTANCE_REVIEW
from pilots.errors import InvalidInput, NotAllowedNow, NotPermitted
from pilots.models import AuditEntry, Notification, Project
from pilots.selectors import projects_visible_to, waiting_for
from reviews import acceptance_panels, closing, sheets
from reviews.access import DECLARE_FIRST
from reviews.declarations import declare
from reviews.models import ExpertAssignment, ExpertProfile, Panel, ScoreSheet
from reviews.proposal import propose
from tests import factories

SELECTION_PANEL = ("expert1", "expert2", "expert3")
APPLICANT_ORG = "金城江区实验中学"
# Points per acceptance criterion (targets 40, tasks 30, management 15, disclosure 15).
PASSING = {
    "expert1": {"targets": "36", "tasks": "27.5", "management": "12", "disclosure": "13"},  # 88.5
    "expert2": {"targets": "30", "tasks": "24", "management": "10.5", "disclosure": "11"},  # 75.5
    "expert4": {"targets": "28", "tasks": "20", "management": "9", "disclosure": "8.25"},  # 65.25
}
FAILING = {
    "expert1": {"targets": "24", "tasks": "18", "management": "9", "disclosure": "9"},  # 60
    "expert2": {"targets": "20", "tasks": "15", "management": "7.5", "disclosure": "7.5"},  # 50
    "expert4": {"targets": "22", "tasks": "16", "management": "8", "disclosure": "9.25"},  # 55.25
}


def _deadline(days=20):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


@pytest.fixture
def project(demo):
    """A campus project of 金城江区 walked to acceptance review as the demo walks its own;
    expert1..3 sat on its selection panel (declared, scored, closed)."""
    applicant = factories.applicant("app_acceptance", county="jinchengjiang",
                                    organisation=APPLICANT_ORG)
    [project] = factories.projects(applicant, ["金城江区实验中学近零碳排放校园"], submit=True)
    admin = demo.user("eco_admin")
    actors = {"submit_revision": applicant, "apply_acceptance": applicant,
              "county_forward": demo.user("jinchengjiang_education"),
              "forward_acceptance": demo.user("jinchengjiang_ecology")}
    people = {"admin": admin, "applicant": applicant,
              "experts": [demo.user(u) for u in SELECTION_PANEL]}
    for step in TO_ACCEPTANCE_REVIEW[1:]:
        registry.prepare_for(step, project, people)
        project = services.fire(project, step, actors.get(step, admin),
                                reason=REASONS.get(step, ""),
                                data=registry.demo_input(step, project))
    assert project.state == State.ACCEPTANCE_REVIEW
    return project


def _experts(demo, *usernames):
    return [demo.user(u) for u in usernames]


def _form(demo, project, usernames=("expert1", "expert2", "expert4"), **kwargs):
    kwargs.setdefault("scoring_deadline", _deadline())
    return acceptance_panels.form_acceptance_panel(
        demo.user("eco_admin"), project, _experts(demo, *usernames), **kwargs)


def _assignment(panel, username):
    return (ExpertAssignment.objects.select_related("project", "expert", "panel")
            .get(panel=panel, expert__username=username))


def _declared(panel, username):
    assignment = _assignment(panel, username)
    declare(assignment, assignment.expert, conflict=False)
    return _assignment(panel, username)


def _scored(demo, panel, scores, opinion="目标基本完成。"):
    """Each of ``scores``' experts declares and submits its sheet."""
    for username, points in scores.items():
        assignment = _declared(panel, username)
        sheet = sheets.sheet_for(assignment)
        sheets.save_draft(sheet, assignment.expert, scores=points, opinions=[{"text": opinion}])
        sheets.submit(sheet, assignment.expert)


def _reads(api, user, project):
    api.force_authenticate(user)
    return api.get(f"/api/projects/{project.pk}/").status_code


# --- Forming ---------------------------------------------------------------------------------

def test_the_admin_forms_the_panel_with_its_deadline_and_the_members_are_told(demo, project):
    panel = _form(demo, project, scoring_deadline=_deadline(30))

    panel.refresh_from_db()
    assert (panel.kind, panel.project_id, panel.batch_id, panel.category_id,
            panel.organiser.username, panel.scoring_deadline, panel.closed_at) == (
        "acceptance", project.pk, project.batch_id, project.category_id, "eco_admin",
        timezone.localdate() + datetime.timedelta(days=30), None)
    assert sorted(panel.assignments.values_list("expert__username", flat=True)) == [
        "expert1", "expert2", "expert4"]
    assert acceptance_panels.current_panel(project) == panel
    # Each member sees the project (its plan only once it declared) and is told.
    for username in ("expert1", "expert2", "expert4"):
        assert projects_visible_to(demo.user(username)).filter(pk=project.pk).exists()
    title = f"您被指派为「{project.name}」的验收评审专家"
    told = Notification.objects.filter(project=project, title=title)
    assert sorted(n.recipient.username for n in told) == ["expert1", "expert2", "expert4"]
    assert told[0].body.splitlines()[1] == f"评分截止日期：{_deadline(30)}"
    kinds = list(AuditEntry.objects.filter(project=project).order_by("-pk")
                 .values_list("kind", flat=True)[:4])
    assert kinds == ["panel_member_added"] * 3 + ["acceptance_panel_formed"]


def test_a_second_panel_only_the_admin_and_only_in_acceptance_review_are_refused(demo, project):
    _form(demo, project)
    with pytest.raises(NotAllowedNow) as error:
        _form(demo, project)
    assert error.value.message == "本项目已有验收专家组，请在其中增补或移出专家。"
    with pytest.raises(NotPermitted) as error:
        acceptance_panels.form_acceptance_panel(
            demo.user("city_education"), project, _experts(demo, "expert5", "expert6", "expert3"),
            scoring_deadline=_deadline())
    assert error.value.message == "只有市生态环境局可以组建验收专家组。"
    construction = demo.project_in(State.CONSTRUCTION)
    with pytest.raises(NotAllowedNow) as error:
        _form(demo, construction)
    assert error.value.message == "项目不在验收评审阶段，不能调整验收专家组。"
    assert Panel.objects.filter(kind="acceptance", project__in=[project, construction]).count() == 1


@pytest.mark.parametrize(("deadline", "message"), [
    ("", "请填写评分截止日期。"),
    ("2026-13-45", "评分截止日期格式应为年-月-日，如2026-12-31。"),
    ("today", "评分截止日期应晚于今天。"),
    ("91", "评分截止日期不能晚于90天之后。"),
])
def test_the_deadline_is_checked_as_expert_review_checks_it(demo, project, deadline, message):
    if deadline == "today":
        deadline = timezone.localdate().isoformat()
    elif deadline == "91":
        deadline = _deadline(91)
    with pytest.raises(InvalidInput) as error:
        _form(demo, project, scoring_deadline=deadline)
    assert (error.value.message, error.value.fields) == (message, {"scoring_deadline": [message]})
    assert not Panel.objects.filter(project=project).exists()
    _form(demo, project, scoring_deadline=_deadline(90))  # the last day allowed


def test_a_panel_smaller_than_the_batch_minimum_is_refused(demo, project):
    with pytest.raises(InvalidInput) as error:
        _form(demo, project, usernames=("expert1", "expert2"))
    assert error.value.message == "验收专家组至少需要3名专家。"
    assert not Panel.objects.filter(project=project).exists()


# --- Conflicts -------------------------------------------------------------------------------

def test_an_expert_employed_by_the_applicant_is_never_proposed_and_cannot_be_put_on(demo, project):
    profile = ExpertProfile.objects.get(user__username="expert4")
    profile.employer = project.applicant
    profile.save()

    proposed = propose([project], 6, kind="acceptance", category=project.category)
    assert "expert4" not in [p.expert.username for p in proposed]
    assert len(proposed) == 5
    with pytest.raises(InvalidInput) as error:
        _form(demo, project)
    expert4 = demo.user("expert4")
    assert error.value.message == (
        f"不能指派{expert4}：任职单位冲突，工作单位「{APPLICANT_ORG}」是本项目的申报单位。")
    assert not Panel.objects.filter(project=project).exists()
    # Nor added to a panel formed without it.
    panel = _form(demo, project, usernames=SELECTION_PANEL)
    with pytest.raises(InvalidInput):
        acceptance_panels.add_members(demo.user("eco_admin"), panel, [expert4])
    assert not panel.assignments.filter(expert=expert4).exists()


def test_the_same_county_is_no_conflict_for_acceptance(demo, project):
    profile = ExpertProfile.objects.get(user__username="expert4")
    profile.county = project.county
    profile.save()

    proposed = {p.expert.username: p for p in propose([project], 6, kind="acceptance",
                                                      category=project.category)}
    assert proposed["expert4"].warnings == ()
    panel = _form(demo, project)  # no override reason asked
    assert panel.assignments.filter(expert__username="expert4").exists()


def test_the_card_proposes_members_and_shows_who_may_not_sit(demo, project, client):
    profile = ExpertProfile.objects.get(user__username="expert4")
    profile.employer = project.applicant
    profile.save()
    proposed = [p.expert for p in acceptance_panels.proposed(project)]
    client.force_login(demo.user("eco_admin"))

    page = client.get(reverse("project-detail", args=[project.pk])).content.decode()

    assert 'id="acceptance-panel"' in page and "尚未组建验收专家组。" in page
    assert len(proposed) == 3
    for expert in proposed:
        assert f'name="experts" value="{expert.pk}" checked>' in page
    assert f'value="{demo.user("expert4").pk}" disabled>' in page
    assert 'name="scoring_deadline"' in page
    # Nobody else gets the card.
    for username in ("city_education", "expert1", "app_acceptance"):
        client.force_login(demo.user(username))
        response = client.get(reverse("project-detail", args=[project.pk]))
        assert 'id="acceptance-panel"' not in response.content.decode(), username


def test_forming_on_the_page_then_removing_and_adding_a_member(demo, project, client):
    client.force_login(demo.user("eco_admin"))
    url = reverse("project-acceptance-panel", args=[project.pk])
    ids = [demo.user(u).pk for u in ("expert1", "expert2", "expert4")]

    page = client.post(url, {"action": "form", "experts": ids, "scoring_deadline": "bad"},
                       follow=True).content.decode()
    assert "评分截止日期格式应为年-月-日，如2026-12-31。" in page
    page = client.post(url, {"action": "form", "experts": ids,
                             "scoring_deadline": _deadline()}, follow=True).content.decode()
    assert "已组建验收专家组（3名专家）。" in page
    panel = acceptance_panels.current_panel(project)
    assert 'id="acceptance-members"' in page and page.count("尚未声明") == 3

    page = client.post(url, {"action": "remove", "expert": demo.user("expert4").pk},
                       follow=True).content.decode()
    assert "验收专家组至少需要3名专家，请先增补再移出。" in page
    client.post(url, {"action": "add", "experts": [demo.user("expert5").pk]})
    page = client.post(url, {"action": "remove", "expert": demo.user("expert4").pk},
                       follow=True).content.decode()
    assert f"已将{demo.user('expert4')}移出验收专家组。" in page
    assert sorted(panel.assignments.values_list("expert__username", flat=True)) == [
        "expert1", "expert2", "expert5"]
    assert not projects_visible_to(demo.user("expert4")).filter(pk=project.pk).exists()


def test_members_are_fixed_once_a_sheet_is_submitted(demo, project):
    panel = _form(demo, project)
    _scored(demo, panel, {"expert1": PASSING["expert1"]})
    admin = demo.user("eco_admin")

    message = "已有专家提交评分表，不能再调整验收专家组。"
    with pytest.raises(NotAllowedNow) as error:
        acceptance_panels.add_members(admin, panel, _experts(demo, "expert5"))
    assert error.value.message == message
    with pytest.raises(NotAllowedNow) as error:
        acceptance_panels.remove_member(admin, panel, demo.user("expert2"))
    assert error.value.message == message
    assert panel.assignments.count() == 3


# --- Declaring, then reading ----------------------------------------------------------------

def test_a_member_declares_before_reading_even_after_declaring_on_the_selection_panel(
        demo, project, api, client):
    panel = _form(demo, project)
    expert1, expert4 = demo.user("expert1"), demo.user("expert4")

    # expert1 declared no conflict on the selection panel: that does not carry over.
    assert ExpertAssignment.objects.get(project=project, expert=expert1,
                                        panel__kind="selection").declared
    for expert in (expert1, expert4):
        api.force_authenticate(expert)
        response = api.get(f"/api/projects/{project.pk}/")
        assert (response.status_code, response.json()) == (403, {"detail": DECLARE_FIRST})
        client.force_login(expert)
        page = client.get(reverse("project-detail", args=[project.pk])).content.decode()
        assert 'id="declaration"' in page and 'id="plan"' not in page
        with pytest.raises(NotPermitted):
            sheets.sheet_for(_assignment(panel, expert.username))

    client.force_login(expert4)
    client.post(reverse("project-declaration", args=[project.pk]), {"conflict": "no"})
    assert _assignment(panel, "expert4").declared
    assert _reads(api, expert4, project) == 200
    assert _reads(api, expert1, project) == 403
    # The sheet is one click away, on the project page and in the queue.
    client.force_login(expert4)
    page = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    sheet_url = reverse("review-sheet", args=[_assignment(panel, "expert4").pk])
    assert f'href="{sheet_url}" id="sheet-link"' in page
    assert project in waiting_for(expert4)


def test_a_member_declaring_a_conflict_leaves_and_a_replacement_is_proposed(demo, project):
    panel = _form(demo, project)
    assignment = _assignment(panel, "expert4")

    declare(assignment, assignment.expert, conflict=True, type="personal", statement="亲属任职。")

    assert not panel.assignments.filter(expert__username="expert4").exists()
    assert not projects_visible_to(demo.user("expert4")).filter(pk=project.pk).exists()
    body = Notification.objects.get(recipient__username="eco_admin", project=project,
                                    title__contains="存在利益冲突").body
    assert body.splitlines()[3].startswith("推荐替补专家：")
    # Short of the minimum, the admin may add even though no one can be removed.
    acceptance_panels.add_members(demo.user("eco_admin"), panel, _experts(demo, "expert5"))
    assert panel.assignments.count() == 3


# --- Scoring --------------------------------------------------------------------------------

def test_members_score_on_the_acceptance_rubric_and_results_keep_the_panels_apart(demo, project):
    panel = _form(demo, project)
    _scored(demo, panel, PASSING)

    sheet = ScoreSheet.objects.get(assignment__panel=panel, assignment__expert__username="expert1")
    assert (sheet.rubric.kind, [c.code for c in sheet.rubric.criteria.all()]) == (
        "acceptance", ["targets", "tasks", "management", "disclosure"])
    results = sheets.results_of(project, kind="acceptance")
    assert results["panel"] == panel
    assert [(row["expert"].username, row["total"]) for row in results["rows"]] == [
        ("expert1", D("88.5")), ("expert2", D("75.5")), ("expert4", D("65.25"))]
    # (88.5 + 75.5 + 65.25) / 3 = 229.25 / 3 = 76.4166…
    assert results["result"].mean == D("229.25") / 3
    assert results["grade"] == "pass"
    # The selection panel's results are still its own: expert1..3 and their totals.
    selection = sheets.results_of(project)
    assert [row["expert"].username for row in selection["rows"]] == list(SELECTION_PANEL)
    assert selection["rubric"].kind == "selection"
    assert selection["panel"].kind == "selection"


def test_independence_holds_per_panel(demo, project):
    panel = _form(demo, project)
    _scored(demo, panel, {"expert2": PASSING["expert2"], "expert4": PASSING["expert4"]})
    expert1 = demo.user("expert1")
    _declared(panel, "expert1")
    own = sheets.sheet_for(_assignment(panel, "expert1"))

    # expert1 submitted its selection sheet long ago; on the acceptance panel it has not.
    assert list(sheets.sheets_visible_to(expert1, project, panel)) == [own]
    sheets.save_draft(own, expert1, scores=PASSING["expert1"], opinions=[{"text": "好"}])
    sheets.submit(own, expert1)
    assert sheets.sheets_visible_to(expert1, project, panel).count() == 3


def test_scoring_waits_for_acceptance_review(demo, project):
    panel = _form(demo, project)
    assignment = _declared(panel, "expert4")
    services.fire(project, "cancel", demo.user("eco_admin"), reason="建设主体申请终止。")
    with pytest.raises(NotAllowedNow) as error:
        sheets.sheet_for(_assignment(panel, "expert4"))
    assert error.value.message == "项目不在验收评审阶段，不能评分。"
    # Cancelling ends the members' grants too.
    assert not projects_visible_to(assignment.expert).filter(pk=project.pk).exists()


def test_the_results_page_shows_the_acceptance_results_to_the_admin_only(demo, project, client):
    panel = _form(demo, project)
    _scored(demo, panel, PASSING)
    url = reverse("review-results", args=[project.pk])

    client.force_login(demo.user("eco_admin"))
    page = client.get(url, {"kind": "acceptance"}).content.decode()
    assert "验收评分结果" in page and 'id="mean">76.42<' in page
    assert 'name="kind" value="acceptance"' in page
    assert client.get(url, {"kind": "other"}).status_code == 404
    detail = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    assert f'href="{url}?kind=acceptance" id="acceptance-results-link"' in detail
    client.force_login(demo.user("city_education"))
    assert client.get(url, {"kind": "acceptance"}).status_code == 403


def test_the_admin_closes_acceptance_scoring_on_the_results_page(demo, project, client):
    panel = _form(demo, project)
    _scored(demo, panel, PASSING)
    client.force_login(demo.user("eco_admin"))

    response = client.post(reverse("review-close", args=[project.pk]), {"kind": "acceptance"})

    assert response.url == reverse("review-results", args=[project.pk]) + "?kind=acceptance"
    assert acceptance_panels.scoring_closed(project)
    # One closure per kind: the selection's (before select) and now the acceptance's.
    assert sorted(project.scoring_closures.values_list("kind", flat=True)) == [
        "acceptance", "selection"]
    assert Panel.objects.get(pk=panel.pk).closed_at is not None
    page = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    assert 'id="acceptance-scoring"><span class="state state-titled">评分已结束' in page
    assert 'id="acceptance-panel-form"' not in page  # the panel is fixed


# --- The decision -----------------------------------------------------------------------------

NOT_CLOSED = "验收评分尚未结束：请先组建验收专家组，待专家提交评分表后结束评分。"


def test_grant_title_and_fail_acceptance_wait_for_closed_scoring(demo, project):
    admin = demo.user("eco_admin")
    for name in ("grant_title", "fail_acceptance"):
        with pytest.raises(NotAllowedNow) as error:
            services.fire(project, name, admin, reason="验收意见。")
        assert error.value.message == NOT_CLOSED
    panel = _form(demo, project)
    _scored(demo, panel, PASSING)
    with pytest.raises(NotAllowedNow) as error:
        services.fire(project, "grant_title", admin)
    assert error.value.message == NOT_CLOSED
    assert Project.objects.get(pk=project.pk).state == State.ACCEPTANCE_REVIEW


def test_grant_title_is_refused_below_the_pass_line_and_fail_acceptance_allowed(demo, project):
    admin = demo.user("eco_admin")
    panel = _form(demo, project)
    _scored(demo, panel, FAILING)
    closing.close_scoring(project, admin, kind="acceptance")

    with pytest.raises(NotAllowedNow) as error:
        services.fire(project, "grant_title", admin)
    # (60 + 50 + 55.25) / 3 = 55.08 (rounded for the message)
    assert error.value.message == "验收评审得分55.08分，低于通过线60分，不能授予称号。"

    project = services.fire(project, "fail_acceptance", admin, reason="目标未完成，限期整改。")
    assert project.state == State.CONSTRUCTION
    for username in ("expert1", "expert2", "expert4"):
        assert not projects_visible_to(demo.user(username)).filter(pk=project.pk).exists()


def test_grant_title_with_a_passing_score_ends_the_members_grants(demo, project, api):
    admin = demo.user("eco_admin")
    panel = _form(demo, project)
    _scored(demo, panel, PASSING)
    closing.close_scoring(project, admin, kind="acceptance")
    assert _reads(api, demo.user("expert4"), project) == 200

    project = services.fire(project, "grant_title", admin)

    assert project.state == State.TITLED
    for username in ("expert1", "expert2", "expert4"):
        assert _reads(api, demo.user(username), project) == 404
    # Assignments and sheets stay: the results stand on them.
    assert ScoreSheet.objects.filter(assignment__panel=panel, submitted_at__isnull=False
                                     ).count() == 3
    assert sheets.results_of(project, kind="acceptance")["result"].mean == D("229.25") / 3


def test_a_score_exactly_at_the_pass_line_passes(demo, project):
    admin = demo.user("eco_admin")
    panel = _form(demo, project)
    _scored(demo, panel, {"expert1": FAILING["expert1"], "expert2": FAILING["expert1"],
                          "expert4": FAILING["expert1"]})  # 60, 60, 60
    closing.close_scoring(project, admin, kind="acceptance")

    assert services.fire(project, "grant_title", admin).state == State.TITLED


def test_the_demo_prepares_both_decisions(demo):
    project = demo.project_in(State.ACCEPTANCE_REVIEW)
    panel = acceptance_panels.current_panel(project)
    # The demo leaves its panel scoring: three declared, two sheets submitted.
    assert panel.assignments.filter(declared_at__isnull=False).count() == 3
    assert ScoreSheet.objects.filter(assignment__panel=panel, submitted_at__isnull=False
                                     ).count() == 2
    registry.prepare_for("grant_title", project, {"admin": demo.user("eco_admin"),
                                                  "experts": []})
    assert acceptance_panels.scoring_closed(project)
    assert services.fire(project, "grant_title", demo.user("eco_admin")).state == State.TITLED


def test_the_card_runs_a_fixed_number_of_queries_whatever_the_panel_size(
        demo, project, client, django_assert_num_queries):
    client.force_login(demo.user("eco_admin"))
    url = reverse("project-detail", args=[project.pk])
    panel = _form(demo, project)
    client.get(url)
    with CaptureQueriesContext(connection) as three:
        client.get(url)
    acceptance_panels.add_members(demo.user("eco_admin"), panel, _experts(demo, "expert5"))
    _declared(panel, "expert5")
    with django_assert_num_queries(len(three)):
        client.get(url)


# --- A second round -------------------------------------------------------------------------

def test_a_project_failed_at_acceptance_is_scored_and_closed_again_by_a_new_panel(demo, project):
    admin, applicant = demo.user("eco_admin"), demo.user("app_acceptance")
    first = _form(demo, project)
    _scored(demo, first, FAILING)
    closing.close_scoring(project, admin, kind="acceptance")
    project = services.fire(project, "fail_acceptance", admin, reason="目标未完成，限期整改。")
    assert project.state == State.CONSTRUCTION

    # Back to acceptance review as the fixture walked there the first time.
    actors = {"apply_acceptance": applicant,
              "forward_acceptance": demo.user("jinchengjiang_ecology")}
    people = {"admin": admin, "applicant": applicant, "experts": []}
    for step in ("apply_acceptance", "forward_acceptance"):
        registry.prepare_for(step, project, people)
        project = services.fire(project, step, actors[step], reason=REASONS.get(step, ""),
                                data=registry.demo_input(step, project))
    assert project.state == State.ACCEPTANCE_REVIEW
    # The first round's closure does not close this one: nothing to decide on yet.
    assert acceptance_panels.current_panel(project) is None
    assert not acceptance_panels.scoring_closed(project)
    with pytest.raises(NotAllowedNow) as error:
        services.fire(project, "grant_title", admin)
    assert error.value.message == NOT_CLOSED

    second = _form(demo, project, usernames=("expert1", "expert2", "expert4"))
    assert acceptance_panels.current_panel(project) == second
    assert not closing.scoring_closed(project, "acceptance")
    assert closing.closure_of(project, "acceptance") is None
    _scored(demo, second, PASSING)
    with pytest.raises(NotAllowedNow) as error:
        services.fire(project, "grant_title", admin)
    assert error.value.message == NOT_CLOSED

    # The project's scoring on the new panel closes (it said "评分已结束。" before).
    closing.close_scoring(project, admin, kind="acceptance")

    second.refresh_from_db()
    assert second.closed_at is not None
    assert acceptance_panels.scoring_closed(project)
    assert closing.closure_of(project, "acceptance").panel == second
    with pytest.raises(NotAllowedNow) as error:
        closing.close_scoring(project, admin, kind="acceptance")
    assert error.value.message == "评分已结束。"
    # (88.5 + 75.5 + 65.25) / 3 = 76.42, over the pass line of 60.
    project = services.fire(project, "grant_title", admin)
    assert project.state == State.TITLED
    # Both rounds stand: two acceptance closures, one per panel, each panel's three sheets.
    assert list(project.scoring_closures.order_by("closed_at", "pk")
                .values_list("kind", "panel_id")) == [
        ("selection", sheets.results_of(project)["panel"].pk),
        ("acceptance", first.pk), ("acceptance", second.pk)]
    for panel, mean in ((first, D("165.25") / 3), (second, D("229.25") / 3)):
        assert ScoreSheet.objects.filter(assignment__panel=panel,
                                         submitted_at__isnull=False).count() == 3
        assert sheets.results_of(project, kind="acceptance", panel=panel)["result"].mean == mean
    closed = AuditEntry.objects.filter(project=project, kind="scoring_closed").order_by("pk")
    assert [(e.data["kind"], e.data["score"]) for e in closed] == [
        ("selection", closed[0].data["score"]), ("acceptance", "55.08"),
        ("acceptance", "76.42")]
