"""The creation plan pages: starting a project, drafting and submitting its plan, comparing versions."""
import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from pilots import plan as plan_rules
from pilots import services
from pilots.choices import State
from pilots.demo import demo_plan
from pilots.models import Batch, Category, PlanVersion, Project
from pilots.plan import empty_plan
from pilots.plan_display import plan_rows

APPLICANT = "app_campus_yizhou"
RETURN_REASON = "请补充项目位置的详细门牌号。"


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _editor_url(project):
    return reverse("plan-edit", args=[project.pk])


def _new_project(demo, username=APPLICANT, name="宜州区第二初级中学近零碳排放校园"):
    user = demo.user(username)
    batch = Batch.objects.order_by("-year").first()
    return services.create_project(actor=user, batch=batch,
                                   category=Category.objects.get(code="campus"), name=name)


def _reload(project):
    return Project.objects.get(pk=project.pk)


def _as_post(plan, action):
    """The editor's POST data that types in every value of the schema-2 ``plan``."""
    overview, baseline = plan["overview"], plan["baseline"]
    data = {
        "action": action,
        "location": overview["location"], "boundary": overview["boundary"],
        "area_km2": overview["area_km2"],
        "baseline_year": str(baseline["year"]),
        "total_emissions_t": baseline["total_emissions_t"],
        "total_wan_yuan": plan["investment"]["total_wan_yuan"],
        "support_sought": [str(s) for s in plan["investment"]["support_sought"]],
        "start_year": str(plan["schedule"]["start_year"]),
        "end_year": str(plan["schedule"]["end_year"]),
        "safeguards": plan["safeguards"],
        "eligibility": list(plan["eligibility"]["confirmed"]),
    }
    if overview["key_park"] is not None:
        data["key_park"] = str(overview["key_park"])
    for key, by_year in plan["denominators"].items():
        data[f"denom_{key}"] = by_year[str(baseline["year"])]
    for source, value in baseline["energy_mix"].items():
        data[f"mix_{source}"] = value
    for code, entry in plan["targets"].items():
        if "baseline" in entry:
            data[f"t_{code}_baseline"] = entry["baseline"]
        data[f"t_{code}_target"] = entry["target"]
        for year, value in entry["milestones"].items():
            data[f"t_{code}_y{year}"] = value
    for n, task in enumerate(plan["tasks"]):
        for key, value in task.items():
            data[f"task-{n}-{key}"] = "" if value is None else str(value)
    return data


def _submitted_project(demo, client):
    """A new campus project of the applicant, submitted through the editor with a full plan."""
    project = _new_project(demo)
    client.force_login(demo.user(APPLICANT))
    response = client.post(_editor_url(project), _as_post(demo_plan(project.category), "submit"))
    assert response.status_code == 302
    return _reload(project)


# --- Starting a project -----------------------------------------------------

def test_an_applicant_creates_a_project_and_lands_on_the_editor(demo, client):
    client.force_login(demo.user(APPLICANT))
    campus = Category.objects.get(code="campus")
    assert client.get(reverse("project-create")).status_code == 200

    response = client.post(reverse("project-create"),
                           {"name": " 宜州区实验小学近零碳排放校园 ", "category": campus.pk})

    project = Project.objects.get(name="宜州区实验小学近零碳排放校园")
    assert response.status_code == 302
    assert response["Location"] == _editor_url(project)
    assert (project.category, project.batch, project.state) == (
        campus, Batch.objects.order_by("-year").first(), State.DRAFT)
    assert project.applicant == demo.user(APPLICANT).organisation
    assert project.plan == empty_plan()
    assert client.get(response["Location"]).status_code == 200


def test_the_create_form_offers_only_open_categories(demo, client):
    client.force_login(demo.user(APPLICANT))
    response = client.get(reverse("project-create"))
    offered = [c.code for c in response.context["form"].fields["category"].queryset]
    assert offered == ["region", "park", "community", "campus", "commercial"]


def test_creating_without_a_name_keeps_the_choice_and_creates_nothing(demo, client):
    client.force_login(demo.user(APPLICANT))
    campus = Category.objects.get(code="campus")
    before = Project.objects.count()

    response = client.post(reverse("project-create"), {"name": "  ", "category": campus.pk})

    assert response.status_code == 200
    assert response.context["form"].errors == {"name": ["请填写项目名称。"]}
    assert f'value="{campus.pk}" id="id_category_3" required checked' in response.content.decode()
    assert Project.objects.count() == before


def test_an_officer_may_not_create_a_project(demo, client):
    client.force_login(demo.user("yizhou_education"))
    before = Project.objects.count()
    response = client.post(reverse("project-create"),
                           {"name": "某校园", "category": Category.objects.get(code="campus").pk})
    assert response.status_code == 403
    assert Project.objects.count() == before


# --- Drafting ---------------------------------------------------------------

def test_saving_a_partial_draft_stores_exactly_the_typed_values(demo, client):
    project = _new_project(demo)
    year = project.batch.year
    client.force_login(demo.user(APPLICANT))

    response = client.post(_editor_url(project), {
        "action": "save",
        "location": "  宜州区庆远镇城西路88号 ",
        "area_km2": "0.35",
        "baseline_year": str(year - 1),
        "denom_population": "2,400",
        "mix_electricity": "70",
        "mix_renewable": "30%",
        "t_per_capita_baseline": "1.80",  # not an input: computed from the baseline total
        "t_per_capita_target": "1.2",
        f"t_per_capita_y{year + 1}": "1.6",
        "task-0-field": "energy", "task-0-measure": "建设屋顶光伏500千瓦。",
        "task-0-investment_wan_yuan": "1,280",
        "task-1-field": "", "task-1-measure": "  ",  # a row left empty is not kept
        "support_sought": ["green_credit", "air_pollution_fund"],
        "start_year": str(year + 1),
    })

    assert response.status_code == 302
    assert response["Location"] == _editor_url(project)
    assert _messages(response) == ["草稿已保存。"]
    expected = empty_plan()
    expected["overview"].update(location="宜州区庆远镇城西路88号", area_km2="0.35")
    expected["denominators"] = {"population": {str(year - 1): "2400"}}
    expected["baseline"].update(year=year - 1, energy_mix={"electricity": "70", "renewable": "30"})
    expected["targets"] = {"per_capita": {"target": "1.2",
                                          "milestones": {str(year + 1): "1.6"}}}
    expected["tasks"] = [{"id": "t1", "field": "energy", "measure": "建设屋顶光伏500千瓦。",
                          "expected_result": "", "investment_wan_yuan": "1280",
                          "start_year": None, "end_year": None}]
    expected["task_seq"] = 1
    expected["investment"]["support_sought"] = ["air_pollution_fund", "green_credit"]
    expected["schedule"]["start_year"] = year + 1
    plan = _reload(project).plan
    assert plan == expected
    assert plan["schema"] == 2
    assert type(plan["baseline"]["energy_mix"]["electricity"]) is str  # decimals as strings
    assert _reload(project).state == State.DRAFT


def test_the_editor_shows_the_saved_draft(demo, client):
    project = demo.draft(APPLICANT)
    client.force_login(demo.user(APPLICANT))
    response = client.get(_editor_url(project))
    form = response.context["form"]
    year = timezone.localdate().year
    assert response.status_code == 200
    assert form["location"].value() == "广西河池市"
    assert form["area_km2"].value() == "0.35"
    assert form["denom_population"].value() == "2400"
    assert "t_per_capita_baseline" not in form.fields  # computed: 4320 t ÷ 2400 people
    assert form[f"t_per_capita_y{year + 1}"].value() == "1.62"
    assert "t_total_baseline" not in form.fields  # the baseline total is entered once
    assert form["support_sought"].value() == ["central_budget_investment", "green_credit"]
    assert form["eligibility"].value() == ["builder"]
    assert [title for title, *_rest in form.sections()] == [
        "概况与边界", "遴选条件", "基准年排放与能源结构", "指标目标与逐年计划", "重点任务与措施",
        "投资与资金支持", "建设进度安排", "组织实施与保障措施"]
    assert [row.indicator.code for row in form.target_rows()] == ["per_capita", "total"]
    assert [row.computed for row in form.target_rows()] == ["1.8", ""]
    assert [(task.task_id, task["field"].value()) for task in form.tasks] == [
        ("t1", "energy"), ("t2", "buildings"), ("t3", "transport"), ("t4", "carbon_sink"),
        ("t5", "management")]
    assert form.milestone_years == list(range(project.batch.year, project.batch.year + 5))


def test_saving_the_saved_draft_unchanged_keeps_the_plan(demo, client):
    project = demo.draft(APPLICANT)
    before = project.plan
    client.force_login(demo.user(APPLICANT))
    response = client.post(_editor_url(project), _as_post(before, "save"))
    assert response.status_code == 302
    assert _reload(project).plan == before


def test_a_non_number_is_refused_next_to_its_field_and_nothing_is_stored(demo, client):
    project = _new_project(demo)
    client.force_login(demo.user(APPLICANT))

    response = client.post(_editor_url(project), {
        "action": "save", "location": "宜州区", "area_km2": "约两平方公里", "mix_coal": "120",
    })

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"area_km2": ["请输入数字。"], "mix_coal": ["不能大于100。"]}
    html = response.content.decode()
    assert 'value="约两平方公里"' in html
    assert 'value="宜州区"' in html
    assert '<p class="field-error">请输入数字。</p>' in html
    assert form.error_list() == [
        {"field": "area_km2", "label": "占地面积(平方公里)", "message": "请输入数字。",
         "anchor": "id_area_km2"},
        {"field": "mix_coal", "label": "煤炭占比(%)", "message": "不能大于100。",
         "anchor": "id_mix_coal"},
    ]
    assert _reload(project).plan == empty_plan()


def test_a_bad_milestone_is_named_with_its_indicator(demo, client):
    project = _new_project(demo)
    year = project.batch.year
    client.force_login(demo.user(APPLICANT))
    response = client.post(_editor_url(project), {"action": "save", f"t_total_y{year}": "九十"})
    assert response.context["form"].error_list() == [
        {"field": f"t_total_y{year}", "label": f"碳排放总量 {year}年", "message": "请输入数字。",
         "anchor": f"id_t_total_y{year}"}]
    assert _reload(project).plan == empty_plan()


def test_submitting_an_empty_plan_lists_every_problem_and_keeps_the_draft(demo, client):
    project = _new_project(demo)
    client.force_login(demo.user(APPLICANT))

    response = client.post(_editor_url(project), {"action": "submit", "location": "宜州区"})

    project = _reload(project)
    expected = [p.message for p in project.plan_problems()]
    assert response.status_code == 200
    assert [p["message"] for p in response.context["problems"]] == expected
    html = response.content.decode()
    assert "创建方案尚有以下内容需要补充或修改：" in html
    for message in expected:
        assert message in html
    form = response.context["form"]
    assert form.errors["boundary"] == ["请说明试点边界范围。"]
    assert form.errors["denom_population"] == ["请填写基准年人口(大于0)。"]
    assert form.errors["mix_electricity"] == ["请填写基准年能源结构(各类能源占比，单位%)。"]
    assert form.errors["t_per_capita_target"] == ["请为指标「人均碳排放量」设定目标。"]
    assert form.task_problems == ["请至少在3个领域填写重点任务和措施。"]
    assert form.errors["start_year"] == ["请填写建设起止年份。"]
    assert form.errors["eligibility"] == ["请确认遴选条件：以学校为建设主体"]
    assert '<a href="#id_denom_population">请填写基准年人口(大于0)。</a>' in html
    assert '<a href="#tasks">请至少在3个领域填写重点任务和措施。</a>' in html
    assert "location" not in form.errors
    assert form["location"].value() == "宜州区"
    assert project.state == State.DRAFT
    assert project.plan["overview"]["location"] == "宜州区"
    assert PlanVersion.objects.filter(project=project).count() == 0


def test_submitting_a_complete_plan_moves_it_to_county_review(demo, client):
    project = _new_project(demo)
    plan = demo_plan(project.category)
    client.force_login(demo.user(APPLICANT))

    response = client.post(_editor_url(project), _as_post(plan, "submit"))

    project = _reload(project)
    assert response.status_code == 302
    assert response["Location"] == reverse("project-detail", args=[project.pk])
    assert _messages(response) == ["已提交，方案已保存为第1版。"]
    assert project.state == State.COUNTY_REVIEW
    assert project.plan == plan
    assert list(project.versions.values_list("number", flat=True)) == [1]
    assert project.audit_entries.get().transition == "submit"


def test_a_consultant_without_the_right_to_submit_saves_but_cannot_submit(demo, client):
    project = _new_project(demo)
    consultant = demo.user("consultant1")
    services.invite_consultant(project, demo.user(APPLICANT), consultant)
    plan = demo_plan(project.category)
    client.force_login(consultant)

    response = client.post(_editor_url(project), _as_post(plan, "submit"))

    project = _reload(project)
    assert response.status_code == 200
    assert _messages(response) == ["您无权对该项目执行「提交申报」。"]
    assert (project.state, project.plan) == (State.DRAFT, plan)
    assert project.versions.count() == 0


def test_a_revision_is_submitted_as_a_revision(demo, client):
    project = demo.project_in(State.REVISION)
    applicant = project.applicant.members.get(username__startswith="app_")
    client.force_login(applicant)
    response = client.get(_editor_url(project))
    assert response.status_code == 200
    assert response.context["submit_label"] == "提交完善方案"


# --- Who may open the editor ---------------------------------------------------

EDITOR_ACCESS = [
    # (user, state of the applicant's project, expected status)
    (APPLICANT, State.DRAFT, 200),
    (APPLICANT, State.RETURNED, 200),
    (APPLICANT, State.COUNTY_REVIEW, 403),
    ("app_campus_jinchengjiang", State.DRAFT, 404),
    ("app_park_yizhou", State.DRAFT, 404),
    ("yizhou_education", State.DRAFT, 404),
    ("yizhou_education", State.COUNTY_REVIEW, 403),
    ("yizhou_education", State.RETURNED, 403),
    ("eco_admin", State.DRAFT, 403),
    ("expert1", State.DRAFT, 404),
]


@pytest.mark.parametrize(("username", "state", "status"), EDITOR_ACCESS)
def test_who_may_open_the_editor(demo, client, username, state, status):
    project = _submitted_project(demo, client) if state != State.DRAFT else _new_project(demo)
    if state == State.RETURNED:
        services.fire(project, "county_return", demo.user("yizhou_education"),
                      reason=RETURN_REASON)
    client.force_login(demo.user(username))
    assert _reload(project).state == state
    assert client.get(_editor_url(project)).status_code == status
    saved = 302 if status == 200 else status  # a saved draft redirects back to the editor
    assert client.post(_editor_url(project), {"action": "save"}).status_code == saved


def test_an_anonymous_visitor_is_sent_to_log_in(demo, client):
    project = _new_project(demo)
    response = client.get(_editor_url(project))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={_editor_url(project)}"


# --- Comparing versions -----------------------------------------------------

def _two_versions(demo, client):
    project = _submitted_project(demo, client)
    services.fire(project, "county_return", demo.user("yizhou_education"), reason=RETURN_REASON)
    plan = demo_plan(project.category)
    plan["overview"]["location"] = "河池市宜州区庆远镇城西路88号"
    response = client.post(_editor_url(project), _as_post(plan, "submit"))
    assert response.status_code == 302
    assert _messages(response) == ["已提交，方案已保存为第1版。", "已提交，方案已保存为第2版。"]
    return _reload(project)


def test_a_returned_plan_shows_the_reason_in_the_editor(demo, client):
    project = _submitted_project(demo, client)
    services.fire(project, "county_return", demo.user("yizhou_education"), reason=RETURN_REASON)
    response = client.get(_editor_url(project))
    assert response.context["latest_opinion"].reason == RETURN_REASON
    assert RETURN_REASON in response.content.decode()


def test_comparing_two_versions_marks_the_changed_row(demo, client):
    project = _two_versions(demo, client)
    assert project.state == State.COUNTY_REVIEW

    response = client.get(reverse("version-compare", args=[project.pk]), {"a": 1, "b": 2})

    assert response.status_code == 200
    changed = [row for row in response.context["rows"] if row["changed"]]
    assert changed == [{"section": "概况与边界", "label": "项目位置", "path": "overview.location",
                        "left": "广西河池市", "right": "河池市宜州区庆远镇城西路88号",
                        "changed": True}]
    html = response.content.decode()
    assert html.count('<tr class="changed" data-path="overview.location">') == 1
    assert html.count('class="changed"') == 1
    assert "广西河池市" in html
    assert "河池市宜州区庆远镇城西路88号" in html
    assert len(response.context["rows"]) == len(
        plan_rows(project.versions.get(number=1).content, project.category))


def test_the_comparison_defaults_to_the_last_two_versions(demo, client):
    project = _two_versions(demo, client)
    response = client.get(reverse("version-compare", args=[project.pk]))
    assert (response.context["left"].number, response.context["right"].number) == (1, 2)


def test_the_county_officer_may_compare_the_versions(demo, client):
    project = _two_versions(demo, client)
    client.force_login(demo.user("yizhou_education"))
    response = client.get(reverse("version-compare", args=[project.pk]), {"a": 2, "b": 1})
    assert response.status_code == 200
    assert (response.context["left"].number, response.context["right"].number) == (2, 1)
    assert response.context["changed_count"] == 1


def test_the_comparison_may_show_only_the_changed_rows(demo, client):
    project = _two_versions(demo, client)
    response = client.get(reverse("version-compare", args=[project.pk]),
                          {"a": 1, "b": 2, "changed": "1"})
    assert [row["label"] for row in response.context["rows"]] == ["项目位置"]
    assert response.context["changed_count"] == 1


@pytest.mark.parametrize("query", [{"a": 1, "b": 3}, {"a": "x", "b": 1}, {"a": 0}])
def test_a_missing_version_is_not_found(demo, client, query):
    project = _two_versions(demo, client)
    response = client.get(reverse("version-compare", args=[project.pk]), query)
    assert response.status_code == 404


def test_another_organisation_may_not_compare(demo, client):
    project = _two_versions(demo, client)
    client.force_login(demo.user("app_campus_jinchengjiang"))
    assert client.get(reverse("version-compare", args=[project.pk])).status_code == 404


# --- Reading a plan -----------------------------------------------------------

def test_plan_rows_read_in_chinese(demo):
    project = demo.draft(APPLICANT)
    year = timezone.localdate().year
    rows = {(r.section, r.label): r.value for r in plan_rows(project.plan, project.category)}
    assert rows[("概况与边界", "占地面积")] == "0.35 平方公里"
    assert rows[("概况与边界", "基准年人口")] == "2400 人"
    assert rows[("遴选条件", "以学校为建设主体")] == "已确认"
    assert rows[("基准年排放与能源结构", "基准年")] == f"{year - 1}年"
    assert rows[("基准年排放与能源结构", "基准年碳排放总量")] == "4320 吨二氧化碳"
    assert rows[("基准年排放与能源结构", "能源结构")] == (
        "外购电力 62%；煤炭 8%；油品 10%；天然气 12%；可再生能源 8%")
    assert rows[("指标目标与逐年计划", "人均碳排放量 · 基准值")] == "1.8 吨二氧化碳/人"
    assert rows[("指标目标与逐年计划", "人均碳排放量 · 目标值")] == "1.53 吨二氧化碳/人"
    assert [rows[("指标目标与逐年计划", f"人均碳排放量 · {y}年目标")]
            for y in (year, year + 1, year + 2)] == [
        "1.71 吨二氧化碳/人", "1.62 吨二氧化碳/人", "1.53 吨二氧化碳/人"]
    assert ("指标目标与逐年计划", "碳排放总量 · 基准值") not in rows  # that is the baseline total
    assert rows[("指标目标与逐年计划", "碳排放总量 · 目标值")] == "3672 吨二氧化碳"
    assert rows[("重点任务与措施", "任务1 · 领域")] == "能源"
    assert rows[("重点任务与措施", "任务1 · 具体措施")] == "建设屋顶分布式光伏3兆瓦，推进电能替代。"
    assert rows[("重点任务与措施", "任务1 · 投资")] == "1500 万元"
    assert rows[("重点任务与措施", "任务1 · 实施年份")] == f"{year}年至{year + 1}年"
    assert rows[("重点任务与措施", "任务5 · 实施年份")] == f"{year}年"
    assert rows[("投资与资金支持", "计划总投资")] == "4800 万元"
    assert rows[("投资与资金支持", "申请的资金支持")] == "污染治理和减碳中央预算内投资专项资金、绿色信贷"
    assert ("附件", "附件清单") not in rows


def test_plan_rows_list_the_attachments_of_a_version(demo):
    project = demo.draft(APPLICANT)
    content = {**project.plan, "attachments": [{"id": 1, "name": "边界图.pdf", "size": 2_300_000},
                                               {"id": 2, "name": "能源台账.xlsx", "size": 5000}]}
    rows = plan_rows(content, project.category)
    assert rows[-1] == ("附件", "附件清单", "边界图.pdf 2.2\xa0MB\n能源台账.xlsx 4.9\xa0KB",
                        "attachments")
    assert plan_rows({**project.plan, "attachments": []}, project.category)[-1].value == "无"


# --- Query counts -------------------------------------------------------------

def test_the_editor_runs_the_same_queries_for_two_or_three_indicators(
        demo, client, django_assert_num_queries):
    for username in (APPLICANT, "app_community_yizhou"):  # 2 and 3 indicators
        client.force_login(demo.user(username))
        url = _editor_url(demo.draft(username))
        with django_assert_num_queries(8):
            assert client.get(url).status_code == 200


def test_the_comparison_runs_the_same_queries_for_two_or_three_versions(
        demo, client, django_assert_num_queries):
    project = _two_versions(demo, client)
    url = reverse("version-compare", args=[project.pk])
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200
    services.fire(project, "county_return", demo.user("yizhou_education"), reason=RETURN_REASON)
    assert client.post(_editor_url(project),
                       _as_post(_reload(project).plan, "submit")).status_code == 302
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200


# --- The task limit (review finding 1) ------------------------------------------------

def _plan_with_tasks(category, n):
    """The demo plan of ``category`` with ``n`` task items."""
    plan = demo_plan(category)
    while len(plan["tasks"]) < n:
        task_id = plan_rules.add_task(plan)
        plan["tasks"][-1].update(id=task_id, field="management",
                                 measure=f"建立第{task_id}号能耗计量台账并按月分析。")
    return plan


def test_adding_a_task_to_a_plan_with_the_most_tasks_is_refused(demo, client):
    project = demo.draft(APPLICANT)
    plan = _plan_with_tasks(project.category, plan_rules.MAX_TASKS)
    services.save_plan(project, demo.user(APPLICANT), plan)
    client.force_login(demo.user(APPLICANT))
    data = _as_post(plan, "add_task")
    data["location"] = "河池市宜州区庆远镇城西路88号"

    response = client.post(_editor_url(project), data)

    assert response.status_code == 302
    assert response["Location"] == f"{_editor_url(project)}#tasks"
    assert _messages(response) == ["重点任务最多100项，不能再添加；草稿已保存。"]
    saved = _reload(project).plan
    assert len(saved["tasks"]) == 100
    assert saved["overview"]["location"] == "河池市宜州区庆远镇城西路88号"  # what was typed is kept


def test_empty_rows_do_not_count_toward_the_task_limit(demo, client):
    project = demo.draft(APPLICANT)
    plan = _plan_with_tasks(project.category, plan_rules.MAX_TASKS)
    services.save_plan(project, demo.user(APPLICANT), plan)
    client.force_login(demo.user(APPLICANT))
    data = _as_post(plan, "save")
    data.update({"task-100-id": "", "task-100-field": "", "task-100-measure": " ",
                 "task-101-expected_result": ""})  # rows added in the page, left empty

    response = client.post(_editor_url(project), data)

    assert response.status_code == 302
    assert _messages(response) == ["草稿已保存。"]
    assert _reload(project).plan == plan


def test_a_plan_over_the_task_limit_can_still_remove_a_task(demo, client):
    """A plan saved with 101 items (before the limit held) is not locked: removing one
    brings it back under the limit; saving it as it is says why it is refused."""
    project = demo.draft(APPLICANT)
    plan = _plan_with_tasks(project.category, plan_rules.MAX_TASKS + 1)
    services.save_plan(project, demo.user(APPLICANT), plan)
    client.force_login(demo.user(APPLICANT))

    refused = client.post(_editor_url(project), _as_post(plan, "save"))
    assert refused.status_code == 200
    assert refused.context["form"].non_field_errors() == ["重点任务最多100项。"]

    response = client.post(_editor_url(project), {**_as_post(plan, "save"), "remove_task": "t7"})

    assert response.status_code == 302
    assert _messages(response) == ["已删除任务7，草稿已保存。"]
    tasks = _reload(project).plan["tasks"]
    assert len(tasks) == 100
    assert "t7" not in [t["id"] for t in tasks]


# --- Which call a new project joins (review finding 4) -----------------------------------

@pytest.mark.parametrize(("windows", "joins"), [
    # (this year's window, next year's window) in days from today → the batch joined
    (((-30, 30), (400, 700)), "this"),  # next year's call created while this one runs
    (((-60, -1), (400, 700)), "this"),  # this one closed, the next not open: the latest opened
    (((-60, -1), (-10, 30)), "next"),  # the next one is open
    (((5, 30), (400, 700)), "next"),  # none has opened yet: the latest
])
def test_a_new_project_joins_the_call_open_today(demo, client, windows, joins):
    today = timezone.localdate()
    this = Batch.objects.get(year=today.year)
    later = Batch.objects.create(year=today.year + 1, name=f"{today.year + 1}年度近零碳排放区试点申报",
                                 opens_on=today, closes_on=today)
    for batch, (opens, closes) in zip((this, later), windows, strict=True):
        Batch.objects.filter(pk=batch.pk).update(
            opens_on=today + datetime.timedelta(days=opens),
            closes_on=today + datetime.timedelta(days=closes))
    client.force_login(demo.user(APPLICANT))

    response = client.post(reverse("project-create"), {
        "name": "宜州区实验小学近零碳排放校园", "category": Category.objects.get(code="campus").pk})

    assert response.status_code == 302
    project = Project.objects.get(name="宜州区实验小学近零碳排放校园")
    assert project.batch == (this if joins == "this" else later)


# --- Typing numbers (review finding 8) ---------------------------------------------------

@pytest.mark.parametrize(("typed", "stored", "error"), [
    ("2,5", None, "请使用小数点，如2.5。"),
    ("2，5", None, "请使用小数点，如2.5。"),  # a full-width comma is a comma too
    ("1,2345", None, "请使用小数点，如2.5。"),
    ("12,800", "12800", None),
    ("1,234,567.5", "1234567.5", None),
    ("２.５", "2.5", None),
])
def test_a_decimal_comma_is_refused_and_thousands_separators_are_read(
        demo, client, typed, stored, error):
    project = _new_project(demo)
    client.force_login(demo.user(APPLICANT))

    response = client.post(_editor_url(project), {"action": "save", "total_emissions_t": typed})

    if error:
        assert response.status_code == 200
        assert response.context["form"].errors == {"total_emissions_t": [error]}
        assert _reload(project).plan == empty_plan()
    else:
        assert response.status_code == 302
        assert _reload(project).plan["baseline"]["total_emissions_t"] == stored


# --- Links and rows after a refused save (review finding 10) ---------------------------------

def test_the_error_summary_links_to_the_first_box_of_a_group_of_checkboxes(demo, client):
    project = _new_project(demo)
    client.force_login(demo.user(APPLICANT))

    response = client.post(_editor_url(project), {"action": "save", "eligibility": ["bogus"]})

    assert response.status_code == 200
    html = response.content.decode()
    assert ('<a href="#id_eligibility_0">申报单位确认符合以下遴选条件：「bogus」不是有效的选项。</a>'
            in html)
    assert 'id="id_eligibility_0"' in html


def test_a_plan_problem_of_a_checkbox_group_links_to_its_first_box(demo, client):
    project = _new_project(demo)
    client.force_login(demo.user(APPLICANT))
    response = client.post(_editor_url(project), {"action": "submit"})
    assert '<a href="#id_eligibility_0">请确认遴选条件：以学校为建设主体</a>' in \
        response.content.decode()


def test_a_row_added_in_the_page_keeps_a_remove_button_after_a_refused_save(demo, client):
    project = demo.draft(APPLICANT)
    client.force_login(demo.user(APPLICANT))
    data = _as_post(project.plan, "save")
    data.update({"area_km2": "约两平方公里",  # refused: the page comes back as typed
                 "task-5-id": "", "task-5-field": "energy", "task-5-measure": "更换LED照明。"})

    response = client.post(_editor_url(project), data)

    assert response.status_code == 200
    html = response.content.decode()
    row = html[html.index('name="task-5-id"'):]
    row = row[:row.index("</fieldset>")]
    assert ('<button type="button" class="danger task-remove" data-remove-row hidden>移除此行</button>'
            in row)
    saved_row = html[html.index('name="task-0-id"'):]
    assert ('<button type="submit" name="remove_task" value="t1" class="danger task-remove">'
            '删除任务1</button>') in saved_row[:saved_row.index("</fieldset>")]
