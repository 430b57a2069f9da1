"""A panel's results and closing its scoring through the API (issue 7 items 6 and 9): every
project of a selection panel with its figures worked out by hand, who may read them,
closing the whole panel at once (refused while a member has not submitted, unless taken
off with a reason) and a panel closing with its last project."""
import datetime

import pytest
from django.utils import timezone

from pilots import services as pilot_services
from pilots.choices import State
from pilots.demo import demo_plan
from pilots.errors import NotAllowedNow
from pilots.models import AuditEntry, Batch, Category, Project
from reviews import closing, sheets
from reviews.declarations import declare
from reviews.models import ExpertAssignment, Panel, ScoreSheet, ScoringClosure
from reviews.services import assign_experts, open_selection_panel
from tests import factories

PANEL = ("expert1", "expert2", "expert3")
SAME_COUNTY = "同县专家，回避已核实。"
# (distinctive /30, indicators /30, replication /20, feasibility /20) of each expert.
SCORES = {
    "实验一中": {"expert1": (25, 24.5, 16, 18),    # 83.5
                 "expert2": (27, 26, 17, 19),      # 89
                 "expert3": (20, 21, 15, 14)},     # 70
    "实验二中": {"expert1": (28, 28, 18, 18),      # 92
                 "expert2": (27.5, 27, 18, 17),    # 89.5
                 "expert3": (15, 16, 10, 10)},     # 51
    "实验三中": {"expert1": (15, 15, 10, 10),      # 50
                 "expert2": (18, 17, 12, 12.5),    # 59.5
                 "expert3": (20, 18, 12, 11)},     # 61
}
CODES = ("distinctive", "indicators", "replication", "feasibility")
REASON = "该专家长期出差，无法在截止日期前评分。"


def _deadline():
    return timezone.localdate() + datetime.timedelta(days=10)


def _panel_world(demo, names, experts=PANEL, override_reason=""):
    """Campus projects of a new batch (so the demo's panels stay apart), forwarded by the
    county, put on one panel formed by the category's city officer, sent to the experts,
    and declared by every member. Returns the panel and the projects, by id."""
    today = timezone.localdate()
    year = Batch.objects.order_by("-year").first().year + 1
    batch = Batch.objects.create(year=year, name=f"{year}年度近零碳排放区试点申报",
                                 opens_on=today, closes_on=today + datetime.timedelta(days=30))
    campus = Category.objects.get(code="campus")
    made = []
    for name in names:
        applicant = factories.applicant(f"app_{name}", organisation=f"宜州区{name}")
        project = pilot_services.create_project(actor=applicant, batch=batch, category=campus,
                                                name=f"宜州区{name}近零碳排放校园")
        pilot_services.save_plan(project, applicant, demo_plan(campus))
        project = pilot_services.fire(project, "submit", applicant)
        made.append(pilot_services.fire(project, "county_forward",
                                        demo.user("yizhou_education"), reason="同意上报。"))
    members = [demo.user(username) for username in experts]
    for project in made:
        assign_experts(project, demo.user("city_education"), members,
                       override_reason=override_reason)
    for project in made:
        pilot_services.fire(project, "start_expert_review", demo.user("eco_admin"),
                            data={"scoring_deadline": _deadline().isoformat()})
    for assignment in ExpertAssignment.objects.filter(project__in=made).select_related("expert"):
        declare(assignment, assignment.expert, conflict=False)
    panel = open_selection_panel(batch, campus)
    return panel, list(Project.objects.filter(pk__in=[p.pk for p in made]).order_by("pk"))


def _sheet(project, username):
    assignment = ExpertAssignment.objects.select_related("project", "expert", "panel").get(
        project=project, expert__username=username)
    return sheets.sheet_for(assignment)


def _draft(demo, project, username, points):
    sheet = _sheet(project, username)
    sheets.save_draft(sheet, demo.user(username), scores=dict(zip(CODES, points, strict=True)),
                      opinions=[{"text": f"{username}：请细化分年度目标。", "plan_path": ""}])
    return sheet


def _submit(demo, project, username, points):
    return sheets.submit(_draft(demo, project, username, points), demo.user(username))


def _score_all(demo, projects, skip=()):
    """Every member submits its sheet on every project, but the (name, expert) in ``skip``."""
    for project in projects:
        name = project.name.removeprefix("宜州区").removesuffix("近零碳排放校园")
        for username, points in SCORES[name].items():
            if (name, username) not in skip:
                _submit(demo, project, username, points)


def _project(project):
    return {"id": project.pk, "code": project.code, "name": project.name}


def _row(project, sheets_, mean, trimmed, score, passed, spread, rank):
    return {"project": _project(project), "sheets": sheets_, "mean": mean,
            "trimmed_mean": trimmed, "score": score, "passed": passed,
            "spread_flag": spread, "rank": rank}


def _panel_body(panel, closed=False):
    return {"id": panel.pk, "kind": "selection", "batch": panel.batch.year,
            "category": "campus", "project": None,
            "scoring_deadline": _deadline().isoformat(), "closed": closed}


def _results(api, user, panel):
    api.force_authenticate(user)
    return api.get(f"/api/reviews/panels/{panel.pk}/results/")


def _close(api, user, panel, body=None):
    api.force_authenticate(user)
    return api.post(f"/api/reviews/panels/{panel.pk}/close/", body or {}, format="json")


@pytest.fixture
def world(demo):
    return _panel_world(demo, ["实验一中", "实验二中", "实验三中"])


def _state(panel, projects):
    """What closing would change: the panel's end, the closures, members, sheets, trail."""
    return (Panel.objects.get(pk=panel.pk).closed_at,
            ScoringClosure.objects.filter(project__in=projects).count(),
            ExpertAssignment.objects.filter(project__in=projects).count(),
            ScoreSheet.objects.filter(assignment__project__in=projects).count(),
            AuditEntry.objects.filter(project__in=projects).count())


# --- Results -------------------------------------------------------------------------------

def test_the_results_of_every_project_worked_out_by_hand(demo, api, world):
    panel, (first, second, third) = world
    _score_all(demo, [first, second, third])

    response = _results(api, demo.user("eco_admin"), panel)

    assert response.status_code == 200
    assert response.json() == {"panel": _panel_body(panel), "results": [
        # (83.5 + 89 + 70) / 3 = 80.833…; 89 − 70 = 19, not over 20
        _row(first, 3, "80.83", None, "80.83", True, False, 1),
        # (92 + 89.5 + 51) / 3 = 77.5; 92 − 51 = 41 > 20: flagged
        _row(second, 3, "77.50", None, "77.50", True, True, 2),
        # (50 + 59.5 + 61) / 3 = 56.833… < 60: fails
        _row(third, 3, "56.83", None, "56.83", False, False, 3),
    ]}


def test_a_project_without_a_submitted_sheet_reads_null_and_comes_last(demo, api, world):
    panel, (first, second, third) = world
    _score_all(demo, [second])
    _draft(demo, first, "expert1", SCORES["实验一中"]["expert1"])  # a draft does not count

    response = _results(api, demo.user("eco_admin"), panel)

    assert response.json()["results"] == [
        _row(second, 3, "77.50", None, "77.50", True, True, 1),
        _row(first, 0, None, None, None, None, False, None),
        _row(third, 0, None, None, None, None, False, None),
    ]


def test_five_sheets_drop_the_highest_and_the_lowest(demo, api):
    panel, (project,) = _panel_world(demo, ["实验五中"], experts=[f"expert{n}" for n in
                                                                  range(1, 6)],
                                     override_reason=SAME_COUNTY)
    for username, points in zip(
            [f"expert{n}" for n in range(1, 6)],
            [(27, 27, 18, 18), (26, 25, 17, 17), (24, 24, 16, 16), (21, 21, 14, 14),
             (12, 12, 8, 8)],  # 90, 85, 80, 70, 40
            strict=True):
        _submit(demo, project, username, points)

    response = _results(api, demo.user("eco_admin"), panel)

    # mean 365 / 5 = 73; trimmed (85 + 80 + 70) / 3 = 78.333…, the score; 90 − 40 = 50
    assert response.json()["results"] == [
        _row(project, 5, "73.00", "78.33", "78.33", True, True, 1)]


def test_who_may_read_a_panels_results(demo, api, world):
    panel, projects = world
    _score_all(demo, projects)
    refused = {"detail": "只有组织评审的部门可以查看专家组的评分结果。"}
    admin_body = _results(api, demo.user("eco_admin"), panel).json()

    # The organiser (the campus city officer) reads what the ecology admin reads.
    organiser = _results(api, demo.user("city_education"), panel)
    assert (organiser.status_code, organiser.json()) == (200, admin_body)
    for username in ("expert1", "city_commerce", "yizhou_education"):
        response = _results(api, demo.user(username), panel)
        assert (response.status_code, response.json()) == (403, refused), username
    api.force_authenticate(projects[0].created_by)
    assert api.get(f"/api/reviews/panels/{panel.pk}/results/").status_code == 403
    api.force_authenticate(None)
    assert api.get(f"/api/reviews/panels/{panel.pk}/results/").status_code == 401
    missing = _results(api, demo.user("eco_admin"), Panel(pk=panel.pk + 1000))
    assert missing.status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_the_results_run_a_constant_number_of_queries(demo, api, count,
                                                      django_assert_num_queries):
    names = ["实验一中", "实验二中", "实验三中"][:count]
    panel, projects = _panel_world(demo, names)
    _score_all(demo, projects)
    api.force_authenticate(demo.user("eco_admin"))

    # The panel, the caller's roles, the projects, the rubric, its criteria, the sheets.
    with django_assert_num_queries(6):
        response = api.get(f"/api/reviews/panels/{panel.pk}/results/")

    assert [row["sheets"] for row in response.json()["results"]] == [3] * count


# --- Closing the panel -----------------------------------------------------------------------

def test_closing_is_refused_while_a_member_has_not_submitted_naming_who_and_where(
        demo, api, world):
    panel, (first, second, third) = world
    _score_all(demo, [first, second, third],
                skip={("实验二中", "expert3"), ("实验三中", "expert3")})
    _draft(demo, third, "expert3", SCORES["实验三中"]["expert3"])
    before = _state(panel, world[1])

    response = _close(api, demo.user("eco_admin"), panel)

    assert response.status_code == 409
    assert response.json() == {"detail": (
        f"以下专家尚未提交评分表：{demo.user('expert3')}（{second.name}、{third.name}）。"
        "请等待其提交，或填写理由将其移出专家组。")}
    assert _state(panel, world[1]) == before


def test_closing_with_a_member_taken_off_closes_the_panel_and_every_project(demo, api, world):
    panel, (first, second, third) = world
    Batch.objects.filter(pk=panel.batch_id).update(expert_panel_min_size=2)
    _score_all(demo, [first, second, third], skip={("实验三中", "expert3")})
    draft = _draft(demo, third, "expert3", SCORES["实验三中"]["expert3"])
    expert3, admin = demo.user("expert3"), demo.user("eco_admin")

    response = _close(api, admin, panel, {"removals": {str(expert3.pk): REASON}})

    assert response.status_code == 200, response.json()
    assert response.json() == {"panel": _panel_body(panel, closed=True), "results": [
        _row(first, 3, "80.83", None, "80.83", True, False, 1),
        _row(second, 3, "77.50", None, "77.50", True, True, 2),
        # without expert3: (50 + 59.5) / 2 = 54.75
        _row(third, 2, "54.75", None, "54.75", False, False, 3),
    ]}
    panel.refresh_from_db()
    assert panel.closed_at is not None and panel.closed_by == admin
    assert [(c.project_id, c.kind, c.closed_by) for c in
            ScoringClosure.objects.filter(project__in=world[1]).order_by("project_id")] == [
        (first.pk, "selection", admin), (second.pk, "selection", admin),
        (third.pk, "selection", admin)]
    # expert3 leaves only the project it had not submitted on; its draft goes with it.
    assert list(ExpertAssignment.objects.filter(expert=expert3, project__in=world[1])
                .order_by("project_id").values_list("project_id", flat=True)) == [
        first.pk, second.pk]
    assert not ScoreSheet.objects.filter(pk=draft.pk).exists()
    removed, closed = AuditEntry.objects.filter(project=third).order_by("-pk")[:2][::-1]
    assert (removed.kind, removed.actor, removed.reason, removed.data) == (
        "panel_member_removed", admin, REASON, {"expert_id": expert3.pk, "name": str(expert3)})
    assert (closed.kind, closed.data) == (
        "scoring_closed", {"kind": "selection", "sheets": 2, "score": "54.75"})
    assert AuditEntry.objects.filter(project=first).order_by("-pk").first().data == {
        "kind": "selection", "sheets": 3, "score": "80.83"}
    # Scoring closed: select is allowed now.
    response = api.post(f"/api/projects/{first.pk}/transitions/select/",
                        {"data": {"opinions": [{"text": "请补充基准年数据来源。"}]}},
                        format="json")
    assert response.status_code == 200, response.json()
    assert Project.objects.get(pk=first.pk).state == State.REVISION


def test_closing_a_closed_panel_is_refused(demo, api, world):
    panel, projects = world
    _score_all(demo, projects)
    assert _close(api, demo.user("eco_admin"), panel).status_code == 200

    response = _close(api, demo.user("eco_admin"), panel)

    assert (response.status_code, response.json()) == (409, {"detail": "该专家组的评分已结束。"})


def test_closing_is_refused_while_a_project_of_the_panel_is_in_city_review(demo, api, world):
    panel, projects = world
    _score_all(demo, projects)
    applicant = factories.applicant("app_late", organisation="宜州区实验四中")
    late = pilot_services.create_project(actor=applicant, batch=panel.batch,
                                         category=panel.category, name="宜州区实验四中近零碳排放校园")
    pilot_services.save_plan(late, applicant, demo_plan(panel.category))
    late = pilot_services.fire(late, "submit", applicant)
    late = pilot_services.fire(late, "county_forward", demo.user("yizhou_education"),
                               reason="同意上报。")
    before = _state(panel, projects)

    response = _close(api, demo.user("eco_admin"), panel)

    assert (response.status_code, response.json()) == (409, {"detail": (
        f"以下项目仍在「市级审核」阶段，尚未交专家评分：{late.name}。"
        "请先将其提交评审或作出审核决定，再结束专家组评分。")})
    assert _state(panel, projects) == before


@pytest.mark.parametrize(("body", "errors"), [
    ({"removals": {"{expert1}": REASON}}, {"removals.{expert1}": ["只能移出尚未提交评分表的专家。"]}),
    ({"removals": {"{expert3}": "  "}}, {"removals.{expert3}": ["请填写移出{name3}的理由。"]}),
    ({"removals": {"{expert3}": "长" * 2001}}, {"removals.{expert3}": ["理由不能超过2000个字。"]}),
    ({"removals": {"abc": REASON}}, {"removals.abc": ["专家编号无效。"]}),
    ({"removals": ["{expert3}"]}, {"removals": ["removals 应为对象(专家编号: 移出理由)。"]}),
    ({"reason": REASON}, {"reason": ["结束评分不接受此项数据。"]}),
])
def test_bad_removals_are_refused_naming_the_field_and_change_nothing(demo, api, world, body,
                                                                      errors):
    panel, projects = world
    _score_all(demo, projects, skip={("实验三中", "expert3")})
    ids = {"expert1": str(demo.user("expert1").pk), "expert3": str(demo.user("expert3").pk),
           "name3": str(demo.user("expert3"))}

    def fill(value):
        if isinstance(value, dict):
            return {fill(k): fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        return value.format(**ids) if isinstance(value, str) else value

    before = _state(panel, projects)

    response = _close(api, demo.user("eco_admin"), panel, fill(body))

    expected = fill(errors)
    assert response.status_code == 400
    assert response.json() == {"detail": next(iter(expected.values()))[0], **expected}
    assert _state(panel, projects) == before


def test_only_the_ecology_admin_closes_a_panel(demo, api, world):
    panel, projects = world
    _score_all(demo, projects)
    before = _state(panel, projects)
    for username in ("city_education", "expert1"):
        response = _close(api, demo.user(username), panel)
        assert (response.status_code, response.json()) == (
            403, {"detail": "只有市生态环境局可以结束评分。"}), username
    assert _close(api, demo.user("eco_admin"), Panel(pk=panel.pk + 1000)).status_code == 404
    assert _state(panel, projects) == before


def test_the_schema_documents_the_panel_endpoints(demo, api):
    api.force_authenticate(demo.user("eco_admin"))

    paths = api.get("/api/schema/", {"format": "json"}).json()["paths"]

    results = paths["/api/reviews/panels/{id}/results/"]["get"]["responses"]
    assert sorted(results) == ["200", "401", "403", "404"]
    close = paths["/api/reviews/panels/{id}/close/"]["post"]["responses"]
    assert sorted(close) == ["200", "400", "401", "403", "404", "409"]
    assert close["400"]["content"]["application/json"]["examples"]["缺少理由"]["value"] == {
        "detail": "请填写移出王晓梅的理由。", "removals.12": ["请填写移出王晓梅的理由。"]}


# --- A panel closes with its last project ---------------------------------------------------

def test_closing_the_last_project_one_by_one_closes_the_panel(demo, world):
    panel, (first, second, third) = world
    _score_all(demo, [first, second, third])
    admin = demo.user("eco_admin")

    for project in (first, second):
        closing.close_scoring(project, admin)
        assert Panel.objects.get(pk=panel.pk).closed_at is None
    closing.close_scoring(third, admin)

    panel.refresh_from_db()
    assert panel.closed_at is not None and panel.closed_by == admin
    with pytest.raises(NotAllowedNow) as refused:
        closing.close_panel(panel, admin)
    assert refused.value.message == "该专家组的评分已结束。"


def test_a_panel_stays_open_while_a_project_of_it_is_in_city_review(demo, world):
    panel, projects = world
    _score_all(demo, projects)
    applicant = factories.applicant("app_late", organisation="宜州区实验四中")
    late = pilot_services.create_project(actor=applicant, batch=panel.batch,
                                         category=panel.category, name="宜州区实验四中近零碳排放校园")
    pilot_services.save_plan(late, applicant, demo_plan(panel.category))
    pilot_services.fire(pilot_services.fire(late, "submit", applicant), "county_forward",
                        demo.user("yizhou_education"), reason="同意上报。")

    for project in projects:
        closing.close_scoring(project, demo.user("eco_admin"))

    assert Panel.objects.get(pk=panel.pk).closed_at is None


def test_acceptance_scoring_is_closed_only_in_acceptance_review(demo, world):
    panel, projects = world
    _score_all(demo, projects)

    with pytest.raises(NotAllowedNow) as refused:
        closing.close_scoring(projects[0], demo.user("eco_admin"), kind="acceptance")

    assert refused.value.message == "项目不在验收评审阶段，不能结束评分。"
    assert not ScoringClosure.objects.filter(project=projects[0]).exists()
