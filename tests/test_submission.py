"""Submitting a creation plan: codes, frozen versions, returns, plan rules, the window, consultants."""
import copy
import datetime

import pytest
from django.utils import timezone

from pilots import services
from pilots.choices import State
from pilots.demo import demo_plan
from pilots.models import (
    Batch,
    Category,
    PlanVersion,
    Project,
    User,
)
from pilots.plan import Problem, empty_plan, problems
from tests import factories

INCOMPLETE = "创建方案尚不完整，请补全后再提交。"
WINDOW_CLOSED = "本批次申报窗口未开放或已截止。"
RETURN_REASON = "请补充基准年能源统计来源。"


def _post(api, user, project, name, reason=""):
    api.force_authenticate(user)
    return api.post(f"/api/projects/{project.pk}/transitions/{name}/", {"reason": reason},
                    format="json")


def _current_batch():
    return Batch.objects.get(year=timezone.localdate().year)


def _next_code(category_code):
    """The code the next first submission of ``category_code`` in the current batch must get."""
    year = timezone.localdate().year
    prefix = f"HC-{year}-{category_code.upper()}-"
    codes = Project.objects.filter(batch__year=year, code__startswith=prefix).values_list(
        "code", flat=True)
    highest = max((int(code.removeprefix(prefix)) for code in codes), default=0)
    return f"{prefix}{highest + 1:03d}"


def _reload(project):
    return Project.objects.get(pk=project.pk)


# --- Submit, return, resubmit -------------------------------------------------

def test_a_first_submission_gets_the_next_code_and_freezes_version_one(demo, api):
    applicant = demo.user("app_campus_yizhou")
    project = demo.draft("app_campus_yizhou")
    year = timezone.localdate().year
    # The demo world walked four campus projects past submission (three in its states, one
    # of reviews' demo panels).
    assert sorted(Project.objects.filter(category__code="campus", code__isnull=False)
                  .values_list("code", flat=True)) == [
        f"HC-{year}-CAMPUS-001", f"HC-{year}-CAMPUS-002", f"HC-{year}-CAMPUS-003",
        f"HC-{year}-CAMPUS-004"]
    expected_code = _next_code("campus")
    assert expected_code == f"HC-{year}-CAMPUS-005"
    assert project.code is None

    response = _post(api, applicant, project, "submit")

    assert response.status_code == 200
    assert (response.json()["code"], response.json()["state"]) == (expected_code,
                                                                   State.COUNTY_REVIEW)
    project = _reload(project)
    assert (project.code, project.state) == (expected_code, State.COUNTY_REVIEW)
    versions = list(project.versions.order_by("number"))
    assert [(v.number, v.created_by.username) for v in versions] == [(1, "app_campus_yizhou")]
    # The frozen version is the plan plus the list of its attachments (none here).
    assert versions[0].content == {**demo_plan(project.category), "attachments": []}
    assert project.plan == demo_plan(project.category)


def test_a_returned_plan_keeps_its_code_and_freezes_a_second_version(demo, api):
    applicant = demo.user("app_campus_yizhou")
    officer = demo.user("yizhou_education")
    project = demo.draft("app_campus_yizhou")
    assert _post(api, applicant, project, "submit").status_code == 200
    code = _reload(project).code

    response = _post(api, officer, project, "county_return", RETURN_REASON)

    assert response.status_code == 200
    assert _reload(project).state == State.RETURNED
    api.force_authenticate(applicant)
    history = api.get(f"/api/projects/{project.pk}/history/").json()
    assert [(e["transition"], e["source"], e["target"], e["actor"]) for e in history] == [
        ("submit", State.DRAFT, State.COUNTY_REVIEW, "app_campus_yizhou"),
        ("county_return", State.COUNTY_REVIEW, State.RETURNED, "yizhou_education"),
    ]
    assert history[-1]["reason"] == RETURN_REASON

    plan = copy.deepcopy(_reload(project).plan)
    plan["baseline"]["source_note"] = "能源消费数据来自学校后勤处2024年度统计台账。"
    services.save_plan(project, applicant, plan)
    response = _post(api, applicant, project, "submit")

    assert response.status_code == 200
    project = _reload(project)
    assert (project.code, project.state) == (code, State.COUNTY_REVIEW)
    assert list(project.versions.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert project.versions.get(number=2).content == {**plan, "attachments": []}
    assert project.versions.get(number=1).content == {**demo_plan(project.category),
                                                       "attachments": []}


def test_codes_are_never_reused_after_a_withdrawal(demo, api):
    first = demo.draft("app_campus_yizhou")
    second = demo.draft("app_campus_jinchengjiang")
    assert _post(api, demo.user("app_campus_yizhou"), first, "submit").status_code == 200
    withdrawn_code = _reload(first).code

    assert _post(api, demo.user("app_campus_yizhou"), first, "withdraw").status_code == 200
    assert (_reload(first).state, _reload(first).code) == (State.WITHDRAWN, withdrawn_code)
    assert _post(api, demo.user("app_campus_jinchengjiang"), second, "submit").status_code == 200

    number = int(withdrawn_code.rsplit("-", 1)[1])
    assert _reload(second).code == f"HC-{timezone.localdate().year}-CAMPUS-{number + 1:03d}"


def test_codes_count_per_category(demo, api):
    campus = demo.draft("app_campus_yizhou")
    park = demo.draft("app_park_yizhou")
    expected = (_next_code("campus"), _next_code("park"))

    assert _post(api, demo.user("app_park_yizhou"), park, "submit").status_code == 200
    assert _post(api, demo.user("app_campus_yizhou"), campus, "submit").status_code == 200

    assert (_reload(campus).code, _reload(park).code) == expected


# --- An incomplete plan --------------------------------------------------------

CAMPUS_PROBLEM_FIELDS = [
    "overview.location", "overview.boundary", "overview.area_km2",
    "denominators.population", "baseline.year", "baseline.total_emissions_t",
    "baseline.energy_mix", "schedule", "targets.per_capita.target", "targets.total.target",
    "tasks", "investment.total_wan_yuan", "safeguards", "eligibility.builder",
]


def test_an_incomplete_plan_cannot_be_submitted(demo, api):
    applicant = demo.user("app_campus_yizhou")
    project = services.create_project(actor=applicant, batch=_current_batch(),
                                       category=Category.objects.get(code="campus"),
                                       name="宜州区第一初级中学新校区近零碳排放校园")
    assert project.plan == empty_plan()

    response = _post(api, applicant, project, "submit")

    assert response.status_code == 409
    assert response.json() == {"detail": INCOMPLETE}
    project = _reload(project)
    assert (project.state, project.code, project.versions.count(),
            project.audit_entries.count()) == (State.DRAFT, None, 0, 0)
    assert [p.field for p in project.plan_problems()] == CAMPUS_PROBLEM_FIELDS


# --- Plan rules ----------------------------------------------------------------

def _plan(category_code):
    return demo_plan(Category.objects.get(code=category_code))


def _problems(category_code, plan):
    return problems(plan, Category.objects.get(code=category_code))


def _base_year(plan):
    return str(plan["baseline"]["year"])


@pytest.mark.parametrize("category_code", ["region", "park", "community", "campus",
                                           "commercial"])
def test_the_demo_plan_of_every_open_category_is_complete(demo, category_code):
    assert _problems(category_code, _plan(category_code)) == []


def test_an_energy_mix_that_does_not_add_up_is_named_with_its_sum(demo):
    plan = _plan("campus")
    plan["baseline"]["energy_mix"] = {"electricity": "62", "coal": "8", "natural_gas": "12",
                                      "oil": "10", "renewable": "3.5"}

    assert _problems("campus", plan) == [
        Problem("baseline.energy_mix", "能源结构各项占比之和应为100%，当前为95.5%。")]


def test_an_energy_mix_summing_to_ninety(demo):
    plan = _plan("campus")
    plan["baseline"]["energy_mix"] = {"electricity": "62", "coal": "8", "natural_gas": "12",
                                      "oil": "8"}

    assert _problems("campus", plan) == [
        Problem("baseline.energy_mix", "能源结构各项占比之和应为100%，当前为90%。")]


def test_an_energy_mix_within_half_a_percent_of_100_is_fine(demo):
    plan = _plan("campus")
    plan["baseline"]["energy_mix"] = {"electricity": "62.3", "coal": "8", "natural_gas": "12",
                                      "oil": "10", "renewable": "8"}

    assert _problems("campus", plan) == []


def test_a_target_above_its_baseline_for_a_falling_indicator(demo):
    plan = _plan("campus")
    plan["targets"]["per_capita"]["target"] = "2"

    assert _problems("campus", plan) == [
        Problem("targets.per_capita.target", "指标「人均碳排放量」的目标值应低于基准值(1.8)。")]


def test_a_target_below_its_baseline_for_a_rising_indicator(demo):
    plan = _plan("community")
    plan["targets"]["awareness"]["target"] = "50"

    assert _problems("community", plan) == [
        Problem("targets.awareness.target", "指标「居民绿色低碳意识」的目标值应高于基准值(60)。")]


def test_milestones_that_go_up_again(demo):
    plan = _plan("campus")
    year = timezone.localdate().year
    plan["targets"]["total"]["milestones"] = {str(year): "92", str(year + 1): "95",
                                              str(year + 2): "78"}
    plan["targets"]["total"]["target"] = "78"

    # Marked on the year that rises, and saying against what (defect B4).
    assert _problems("campus", plan) == [
        Problem(f"targets.total.milestones.{year + 1}",
                f"指标「碳排放总量」应逐年稳步下降：{year + 1}年的目标95高于{year}年的92。")]


def test_a_park_may_set_either_intensity_target(demo):
    plan = _plan("park")
    year = timezone.localdate().year
    assert set(plan["targets"]) == {"per_output_value", "total"}
    assert "baseline" not in plan["targets"]["per_output_value"]  # 920000 t ÷ 2300000 万元
    del plan["targets"]["per_output_value"]
    plan["denominators"] = {"value_added": {_base_year(plan): "690000"}}
    plan["targets"]["per_value_added"] = {  # baseline 920000 t ÷ 690000 万元 = 1.3333
        "target": "1.13",
        "milestones": {str(year): "1.26", str(year + 1): "1.2", str(year + 2): "1.13"}}

    assert _problems("park", plan) == []


def test_a_park_with_neither_intensity_target_gets_one_problem(demo):
    plan = _plan("park")
    del plan["targets"]["per_output_value"]

    assert _problems("park", plan) == [
        Problem("targets.per_output_value.target",
                "请为「单位产值碳排放量或单位工业增加值碳排放量」至少设定一项目标。")]


def test_a_plan_must_state_the_denominator_of_its_indicators(demo):
    plan = _plan("campus")
    plan["denominators"] = {"population": {_base_year(plan): "0"}}

    assert _problems("campus", plan) == [
        Problem(f"denominators.population.{_base_year(plan)}", "请填写基准年人口(大于0)。")]


def test_a_park_must_state_the_denominator_of_the_intensity_target_it_chose(demo):
    plan = _plan("park")
    plan["targets"]["per_value_added"] = plan["targets"].pop("per_output_value")
    plan["denominators"] = {}

    assert _problems("park", plan) == [
        Problem(f"denominators.value_added.{_base_year(plan)}", "请填写基准年工业增加值(大于0)。")]


# --- The batch window -------------------------------------------------------------

def _close_window():
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Batch.objects.filter(pk=_current_batch().pk).update(
        opens_on=yesterday - datetime.timedelta(days=30), closes_on=yesterday)


def test_a_first_submission_after_the_window_closed_is_refused(demo, api):
    project = demo.draft("app_campus_yizhou")
    _close_window()

    response = _post(api, demo.user("app_campus_yizhou"), project, "submit")

    assert response.status_code == 409
    assert response.json() == {"detail": WINDOW_CLOSED}
    project = _reload(project)
    assert (project.state, project.code, project.versions.count()) == (State.DRAFT, None, 0)


def test_a_first_submission_before_the_window_opens_is_refused(demo, api):
    project = demo.draft("app_campus_yizhou")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    Batch.objects.filter(pk=_current_batch().pk).update(
        opens_on=tomorrow, closes_on=tomorrow + datetime.timedelta(days=30))

    response = _post(api, demo.user("app_campus_yizhou"), project, "submit")

    assert response.status_code == 409
    assert response.json() == {"detail": WINDOW_CLOSED}
    assert _reload(project).state == State.DRAFT


def test_a_returned_project_may_come_back_after_the_window_closed(demo, api):
    project = demo.project_in(State.RETURNED)
    code = project.code
    assert code is not None
    _close_window()
    applicant = User.objects.get(username=f"app_{project.category.code}_{project.county.code}")

    response = _post(api, applicant, project, "submit")

    assert response.status_code == 200
    project = _reload(project)
    assert (project.state, project.code) == (State.COUNTY_REVIEW, code)
    assert list(project.versions.values_list("number", flat=True)) == [1, 2]


# --- Consultants ----------------------------------------------------------------

def _consultant():
    return factories.consultant("consultant_green", organisation="广西绿碳咨询有限公司")


def test_an_invited_consultant_may_draft_but_not_submit(demo, api):
    applicant = demo.user("app_campus_yizhou")
    project = demo.draft("app_campus_yizhou")
    consultant = _consultant()
    services.invite_consultant(project, applicant, consultant)
    plan = copy.deepcopy(project.plan)
    plan["safeguards"] = "委托广西绿碳咨询有限公司编制方案，学校后勤处配合。"

    services.save_plan(project, consultant, plan)
    response = _post(api, consultant, project, "submit")

    assert _reload(project).plan == plan
    assert response.status_code == 403
    assert response.json() == {"detail": "您无权对该项目执行「提交申报」。"}
    project = _reload(project)
    assert (project.state, project.code, project.versions.count()) == (State.DRAFT, None, 0)
    api.force_authenticate(consultant)
    assert [r["id"] for r in api.get("/api/projects/").json()["results"]] == [project.pk]
    assert api.get(f"/api/projects/{project.pk}/").json()["available_transitions"] == []


def test_a_consultant_allowed_to_submit_may_submit(demo, api):
    applicant = demo.user("app_campus_yizhou")
    project = demo.draft("app_campus_yizhou")
    consultant = _consultant()
    services.invite_consultant(project, applicant, consultant, may_submit=True)

    response = _post(api, consultant, project, "submit")

    assert response.status_code == 200
    assert response.json()["state"] == State.COUNTY_REVIEW
    version = PlanVersion.objects.get(project=project)
    assert (version.number, version.created_by) == (1, consultant)
    entry = project.audit_entries.get(kind="transition")
    assert (entry.transition, entry.actor) == ("submit", consultant)


def test_a_consultant_not_invited_may_not_touch_the_plan(demo, api):
    project = demo.draft("app_campus_yizhou")
    consultant = _consultant()

    with pytest.raises(services.NotPermitted):
        services.save_plan(project, consultant, empty_plan())
    assert _post(api, consultant, project, "submit").status_code == 404
    assert _reload(project).plan == demo_plan(project.category)
