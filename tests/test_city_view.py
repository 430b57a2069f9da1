"""The city-wide view of the pilots' indicators (/disclosure/overview/): verdict cells worked
out by hand, who sees which pilots, the filters, the xlsx export and a query count that does
not grow with the pilots.

The pilots are industrial parks in 南丹县 (no demo pilot there) whose emissions are entered
as process emissions in tCO2, so every figure below is plain arithmetic, independent of the
factor library. Their plan is the demo park plan moved two years back: baseline year
Y-3 (total 920000 tCO2, output value 2300000 万元, so 0.4 tCO2/万元), construction Y-2 to
Y, milestones 95 %, 90 %, 85 % of the baseline: total 874000, 828000, 782000; per unit
of output value 0.38, 0.36, 0.34.
"""
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from disclosure.activity import save_activity
from pilots import services
from pilots.choices import Role, State
from pilots.demo import demo_plan
from pilots.models import Batch, Category, Department, Project, RoleGrant, User
from tests import factories

pytestmark = pytest.mark.django_db

Y = timezone.localdate().year
PAGE = "/disclosure/overview/"
XLSX = "/disclosure/overview.xlsx"
NANDAN = "?county=nandan&category=park"


def moved_back(plan, years):
    """The plan with every year ``years`` earlier."""
    def shift(by_year):
        return {str(int(k) - years): v for k, v in by_year.items()}

    plan["baseline"]["year"] -= years
    plan["denominators"] = {k: shift(v) for k, v in plan["denominators"].items()}
    plan["schedule"] = {k: v - years for k, v in plan["schedule"].items()}
    for entry in plan["targets"].values():
        entry["milestones"] = shift(entry["milestones"])
    for task in plan["tasks"]:
        task["start_year"] -= years
        task["end_year"] -= years
    return plan


def park(username, figures, *, name=None):
    """A park pilot in 南丹县, in construction, with ``figures``: {year: (process tCO2,
    output value 万元)} entered by its builder."""
    user = factories.applicant(username, county="nandan")
    category = Category.objects.get(code="park")
    project = services.create_project(actor=user, batch=Batch.objects.get(year=Y),
                                      category=category, name=name or f"{username}园区")
    services.save_plan(project, user, moved_back(demo_plan(category), 2))
    project = services.fire(project, "submit", user)
    Project.objects.filter(pk=project.pk).update(state=State.CONSTRUCTION)
    project = Project.objects.get(pk=project.pk)
    for year, (process, output) in figures.items():
        save_activity(project, user, year, {"process": process, "output_value": output})
    return project


def county_ecology(username, county):
    department = Department.objects.get(body__code="ecology", county__code=county)
    user = User.objects.create(username=username, department=department)
    RoleGrant.objects.create(user=user, role=Role.COUNTY_ECOLOGY)
    return User.objects.get(pk=user.pk)


A_FIGURES = {Y - 2: ("850000", "2300000"), Y - 1: ("820000", "2400000")}
B_FIGURES = {Y - 2: ("900000", "2300000"), Y: ("800000", "2100000")}


def cells(response):
    """{(project code, indicator code): [(year, status, value as shown)]} from the page."""
    return {(row.project.code, row.indicator.code):
            [(c.year, c.verdict.status if c.verdict else None, c.value_text) for c in row.cells]
            for row in response.context["overview"].rows}


def test_verdict_cells_worked_by_hand(client, demo):
    a = park("city_a", A_FIGURES)
    b = park("city_b", B_FIGURES)
    client.force_login(demo.user("eco_admin"))
    response = client.get(PAGE + NANDAN)
    assert response.status_code == 200
    assert response.context["overview"].years == [Y - 2, Y - 1, Y]
    assert cells(response) == {
        # Y-2: 850000 < 920000 and ≤ 874000; 850000/2300000 = 0.369565… → 0.3696 ≤ 0.38.
        # Y-1: 820000 < 850000, ≤ 828000; 820000/2400000 = 0.341666… → 0.3417 ≤ 0.36.
        # Y, this year, is not due before it ends: not judged while nothing is entered.
        (a.code, "per_output_value"): [(Y - 2, "met", "0.3696"), (Y - 1, "met", "0.3417"),
                                       (Y, None, "")],
        (a.code, "total"): [(Y - 2, "met", "850000"), (Y - 1, "met", "820000"), (Y, None, "")],
        # Y-2: 900000 above the milestone 874000; 900000/2300000 = 0.391304… → 0.3913 > 0.38.
        # Y-1: nothing. Y: 800000 below 900000 (Y-2) but above 782000;
        # 800000/2100000 = 0.380952… → 0.381 < 0.3913 but above 0.34.
        (b.code, "per_output_value"): [(Y - 2, "not_met", "0.3913"), (Y - 1, "missing", ""),
                                       (Y, "not_met", "0.381")],
        (b.code, "total"): [(Y - 2, "not_met", "900000"), (Y - 1, "missing", ""),
                            (Y, "not_met", "800000")],
    }
    rows = {(r.project.code, r.indicator.code): r for r in response.context["overview"].rows}
    assert rows[(a.code, "total")].baseline_text == "920000"
    assert rows[(a.code, "per_output_value")].baseline_text == "0.4"
    assert rows[(a.code, "total")].cells[1].verdict.reason == (
        f"{Y - 1}年为820000 吨二氧化碳，低于基准值920000 吨二氧化碳。"
        f"比{Y - 2}年的850000 吨二氧化碳有所下降。"
        f"达到方案{Y - 1}年逐年目标828000 吨二氧化碳。")
    assert rows[(b.code, "total")].cells[1].verdict.reason == f"缺少{Y - 1}年的核算结果。"
    body = response.content.decode()
    assert re.search(rf'data-year="{Y - 2}" data-status="not_met">\s*<details class="verdict-cell">'
                     r'<summary><span class="verdict verdict-not_met">未达标</span> '
                     r'<span class="figure">900000</span>', body)


def test_filters_by_year_category_and_county(client, demo):
    a = park("city_f", A_FIGURES)
    client.force_login(demo.user("eco_admin"))
    response = client.get(PAGE + NANDAN + f"&year={Y - 1}")
    assert response.context["overview"].years == [Y - 1]
    assert cells(response) == {(a.code, "per_output_value"): [(Y - 1, "met", "0.3417")],
                               (a.code, "total"): [(Y - 1, "met", "820000")]}
    assert response.context["filters"] == {"category": "park", "county": "nandan",
                                           "year": str(Y - 1)}
    # A year without data anywhere, an unknown county or category: the filter is dropped.
    response = client.get(PAGE + NANDAN + "&year=1999")
    assert response.context["filters"]["year"] == ""
    assert response.context["overview"].years == [Y - 2, Y - 1]
    response = client.get(PAGE + "?county=nandan&category=campus")
    assert a.code not in {row.project.code for row in response.context["overview"].rows}
    response = client.get(PAGE + "?county=nowhere")
    assert response.context["filters"]["county"] == ""


@pytest.mark.parametrize(("who", "status", "sees"), [
    ("eco_admin", 200, True),
    ("city_industry", 200, True),      # runs the park call
    ("city_education", 200, False),    # runs the campus call only
    ("nandan_ecology", 200, True),
    ("yizhou_ecology", 200, False),
    ("yizhou_industry", 403, False),   # a county officer, not the ecology bureau
    ("builder", 403, False),
    ("expert1", 403, False),
])
def test_who_sees_which_pilots(client, demo, who, status, sees):
    a = park("city_p", A_FIGURES)
    users = {"nandan_ecology": lambda: county_ecology("nandan_eco", "nandan"),
             "builder": lambda: User.objects.get(username="city_p")}
    client.force_login(users[who]() if who in users else demo.user(who))
    response = client.get(PAGE + NANDAN)
    assert response.status_code == status
    assert client.get(XLSX + NANDAN).status_code == status
    if status == 200:
        assert (a.code in {r.project.code for r in response.context["overview"].rows}) == sees
        menu = re.search(r'<nav class="menu".*?</nav>', response.content.decode(), re.S).group(0)
        assert f'<a href="{PAGE}">碳排放核算</a>' in menu
    else:
        home = client.get("/").content.decode()
        assert f'href="{PAGE}"' not in home


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def test_the_query_count_does_not_grow_with_the_pilots(client, demo):
    # The same accounting years for one pilot and for three (the factor library is read
    # once per year shown).
    park("city_q1", {**A_FIGURES, **B_FIGURES})
    client.force_login(demo.user("eco_admin"))
    client.get(PAGE)  # the session and caches warmed
    one, response = _queries(client, PAGE + NANDAN)
    assert response.context["overview"].pilots == 1
    one_xlsx, _response = _queries(client, XLSX + NANDAN)
    park("city_q2", A_FIGURES)
    park("city_q3", B_FIGURES)
    three, response = _queries(client, PAGE + NANDAN)
    assert response.context["overview"].pilots == 3
    assert len(response.context["overview"].rows) == 6
    assert three == one
    assert _queries(client, XLSX + NANDAN)[0] == one_xlsx


def test_the_export_has_one_line_per_pilot_indicator_and_year_and_stays_text(client, demo):
    a = park("city_x", A_FIGURES, name='=HYPERLINK("http://x","园区")')
    client.force_login(demo.user("eco_admin"))
    response = client.get(XLSX + NANDAN + f"&year={Y - 1}")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert response["Content-Disposition"].startswith(
        'attachment; filename="hechi-nzc-indicators.xlsx"; filename*=UTF-8\'\'')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["项目编号", "项目名称", "县(区)", "试点类别", "指标", "单位", "年份", "数值",
                       "基准值", "逐年目标", "判定", "理由"]
    per_output_reason = (f"{Y - 1}年为0.3417 吨二氧化碳/万元，低于基准值0.4 吨二氧化碳/万元。"
                         f"比{Y - 2}年的0.3696 吨二氧化碳/万元有所下降。"
                         f"达到方案{Y - 1}年逐年目标0.36 吨二氧化碳/万元。")
    assert rows[1:] == [
        [a.code, a.name, "南丹县", "近零碳排放园区", "单位产值碳排放量", "吨二氧化碳/万元", Y - 1,
         0.3417, 0.4, 0.36, "达标", per_output_reason],
        [a.code, a.name, "南丹县", "近零碳排放园区", "碳排放总量", "吨二氧化碳", Y - 1,
         820000, 920000, 828000, "达标",
         f"{Y - 1}年为820000 吨二氧化碳，低于基准值920000 吨二氧化碳。"
         f"比{Y - 2}年的850000 吨二氧化碳有所下降。达到方案{Y - 1}年逐年目标828000 吨二氧化碳。"],
    ]
    name_cell = sheet.cell(row=2, column=2)
    assert name_cell.data_type == "s"
    assert name_cell.quotePrefix is True
