"""Open data of the annual disclosures (issue 9 item 6): ``GET /api/public/disclosures/``
(JSON, paginated, filtered by year, category and county) and ``.csv`` (UTF-8 with BOM,
formula-safe): every published disclosure of a public pilot with its figures and the
factors used. Figures worked by hand in ``tests.disclosure_helpers``.
"""
import csv
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from disclosure import disclosures
from disclosure.models import Disclosure
from pilots.choices import State
from pilots.models import Project
from tests.disclosure_helpers import (
    BASE_YEAR,
    MEASURES,
    NARRATIVE,
    TOTAL,
    Y1,
    Y2,
    disclosing_pilot,
    publish_year,
)

pytestmark = pytest.mark.django_db

LIST = "/api/public/disclosures/"
CSV = "/api/public/disclosures.csv"
GRID = {"code": "grid_electricity", "name": "电网电力", "value": "0.4042", "unit": "kgCO2/kWh",
        "activity_unit": "kWh", "data_year": 2023, "region": "southern_grid", "version": 1,
        "scope": 2,
        "source": "生态环境部、国家统计局《关于发布2023年电力二氧化碳排放因子的公告》(文号待核实)",
        "clause": "区域电力平均二氧化碳排放因子：南方区域", "confirmed": False}
GAS = {"code": "natural_gas", "name": "天然气", "value": "21.650152", "unit": "tCO2/万Nm³",
       "activity_unit": "万Nm³", "data_year": 2015, "region": "national", "version": 1,
       "scope": 1, "source": "GB/T 32150-2015《工业企业温室气体排放核算和报告通则》附录",
       "clause": "附录：常见化石燃料特性参数缺省值", "confirmed": False}


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def published_at(project, year, version=1) -> str:
    row = Disclosure.objects.get(project=project, year=year, version=version)
    return timezone.localtime(row.published_at).isoformat()


def test_the_list_gives_each_published_disclosure_with_its_figures_and_factors(client, demo):
    project, builder = disclosing_pilot("api_one", name="宜州区开放数据校园")
    county = demo.user("yizhou_ecology")
    publish_year(project, builder, county, Y1)
    disclosures.prepare(project, builder, Y2, measures="草稿", narrative="")  # not public

    response = client.get(LIST, {"county": "yizhou"})

    assert response.status_code == 200
    assert response.json() == {"count": 1, "next": None, "previous": None, "results": [{
        "project": project.code, "project_name": "宜州区开放数据校园", "category": "campus",
        "county": "yizhou", "builder": "宜州区api_one", "year": Y1, "version": 1,
        "published_at": published_at(project, Y1), "superseded": False,
        "correction_note": "", "measures": MEASURES, "narrative": NARRATIVE,
        "scope1_t": "1190.75836", "scope2_t": "2425.2", "gross_t": "3615.95836",
        "sinks_t": "20", "sinks_allowed": True, "total_t": TOTAL[Y1],
        "sources": [
            {"source": "purchased_electricity", "fuel_code": "", "name": "外购电力", "scope": 2,
             "amount": "7500000", "unit": "kWh", "deducted": "1500000",
             "factor": "grid_electricity", "emissions_t": "2425.2"},
            {"source": "fuel", "fuel_code": "natural_gas", "name": "天然气", "scope": 1,
             "amount": "55", "unit": "万Nm³", "deducted": "0", "factor": "natural_gas",
             "emissions_t": "1190.75836"},
        ],
        "indicators": [
            {"code": "per_capita", "name": "人均碳排放量", "unit": "吨二氧化碳/人",
             "value": "1.4677", "missing": "", "baseline": "1.8", "milestone": "1.71"},
            {"code": "total", "name": "碳排放总量", "unit": "吨二氧化碳", "value": TOTAL[Y1],
             "missing": "", "baseline": "4320", "milestone": "4104"},
        ],
        "factors": [GRID, GAS],
        "pdf": f"/pilots/{project.code}/disclosures/{Y1}.pdf",
    }]}


def test_filters_paging_and_a_bad_year(client, demo):
    county = demo.user("yizhou_ecology")
    a, builder_a = disclosing_pilot("api_fa")
    b, builder_b = disclosing_pilot("api_fb", county="jinchengjiang")
    for year in (BASE_YEAR, Y1):
        publish_year(a, builder_a, county, year)
    publish_year(b, builder_b, demo.user("jinchengjiang_ecology"), Y1)

    def listed(**params):
        body = client.get(LIST, params).json()
        return [(r["project"], r["year"]) for r in body["results"]]

    assert listed() == [(a.code, BASE_YEAR), (a.code, Y1), (b.code, Y1)]
    assert listed(year=Y1) == [(a.code, Y1), (b.code, Y1)]
    assert listed(county="jinchengjiang") == [(b.code, Y1)]
    assert listed(category="campus", year=BASE_YEAR) == [(a.code, BASE_YEAR)]
    assert listed(category="park") == []
    assert listed(county="nowhere") == []

    response = client.get(LIST, {"year": "20x5"})
    assert response.status_code == 400
    assert response.json() == {"detail": "年度应为四位数字，如 2025。",
                               "year": ["年度应为四位数字，如 2025。"]}
    assert client.get(CSV, {"year": "25"}).status_code == 400

    body = client.get(LIST, {"page": 1}).json()
    assert (body["count"], body["next"], body["previous"]) == (3, None, None)
    assert client.get(LIST, {"page": 2}).status_code == 404


def test_a_list_page_runs_the_same_queries_for_one_or_three(client, demo):
    county = demo.user("yizhou_ecology")
    project, builder = disclosing_pilot("api_q")
    publish_year(project, builder, county, Y1)

    def queries(url):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    one = (queries(LIST), queries(CSV))
    publish_year(project, builder, county, BASE_YEAR)
    publish_year(project, builder, county, Y2)
    assert (queries(LIST), queries(CSV)) == one == (3, 2)


def test_publishing_renews_the_cached_list(client, demo):
    county = demo.user("yizhou_ecology")
    project, builder = disclosing_pilot("api_cache")
    publish_year(project, builder, county, Y1)
    assert client.get(LIST).json()["count"] == 1
    assert client.get(CSV).content.decode("utf-8-sig").count("\r\n") == 3

    # Submitted, not yet published: the cached answer is still right.
    submitted = disclosures.prepare_and_submit(project, builder, Y2, measures=MEASURES,
                                               narrative=NARRATIVE)
    assert client.get(LIST).json()["count"] == 1
    disclosures.publish(submitted, county)
    assert client.get(LIST).json()["count"] == 2
    assert client.get(CSV).content.decode("utf-8-sig").count("\r\n") == 5


def test_a_pilot_no_longer_public_is_left_out(client, demo):
    project, builder = disclosing_pilot("api_gone")
    publish_year(project, builder, demo.user("yizhou_ecology"), Y1)
    assert client.get(LIST).json()["count"] == 1
    Project.objects.filter(pk=project.pk).update(state=State.CANCELLED)
    cache.clear()
    assert client.get(LIST).json()["count"] == 0
    assert client.get(f"/pilots/{project.code}/disclosures/{Y1}.pdf").status_code == 404


def test_the_csv_opens_in_excel_and_keeps_formulas_out(client, demo):
    county = demo.user("yizhou_ecology")
    project, builder = disclosing_pilot("api_csv", name="=HYPERLINK(\"http://evil.example\")")
    publish_year(project, builder, county, Y1)
    publish_year(project, builder, county, Y1, correction_note="@SUM(1+1)更正")

    response = client.get(CSV, HTTP_ACCEPT="text/csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="hechi-nzc-disclosures-{day}.csv"; '
        "filename*=UTF-8''%E6%B2%B3%E6%B1%A0%E5%B8%82%E8%BF%91%E9%9B%B6%E7%A2%B3%E6%8E%92%E6%94%BE"
        "%E5%8C%BA%E8%AF%95%E7%82%B9%E7%A2%B3%E6%8E%92%E6%94%BE%E4%BF%A1%E6%81%AF%E6%8A%AB%E9%9C%B2"
        f"-{day}.csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["项目编号", "项目名称", "试点类别", "县(区)", "建设单位", "披露年度", "版本",
                       "公开日期", "已被更正", "范围一排放(tCO2)", "范围二排放(tCO2)", "碳汇(tCO2)",
                       "碳排放总量(tCO2)", "人均碳排放量(吨二氧化碳/人)", "碳排放总量(吨二氧化碳)",
                       "排放因子", "因子数值", "因子单位", "因子数据年份", "因子适用区域", "因子来源"]
    head = [project.code, "'=HYPERLINK(\"http://evil.example\")", "近零碳排放校园", "宜州区",
            "宜州区api_csv", str(Y1)]
    figures = ["1190.75836", "2425.2", "20", TOTAL[Y1], "1.4677", TOTAL[Y1]]
    grid = ["电网电力", "0.4042", "kgCO2/kWh", "2023", "南方区域电网",
            f"{GRID['source']}，{GRID['clause']}"]
    gas = ["天然气", "21.650152", "tCO2/万Nm³", "2015", "全国", f"{GAS['source']}，{GAS['clause']}"]
    day1 = timezone.localdate(Disclosure.objects.get(project=project, version=1).published_at)
    day2 = timezone.localdate(Disclosure.objects.get(project=project, version=2).published_at)
    assert rows[1:] == [
        [*head, "1", day1.isoformat(), "是", *figures, *grid],
        [*head, "1", day1.isoformat(), "是", *figures, *gas],
        [*head, "2", day2.isoformat(), "否", *figures, *grid],
        [*head, "2", day2.isoformat(), "否", *figures, *gas],
    ]
    # The texts are in the JSON, not the CSV; a correction note starting with @ stays text.
    body = client.get(LIST).json()["results"]
    assert [r["correction_note"] for r in body] == ["", "@SUM(1+1)更正"]


def test_a_negative_net_total_stays_a_number_in_the_csv(demo):
    from disclosure.api import safe

    assert (safe("-12.5"), safe("-1"), safe("-1+2"), safe("+3"), safe("=1")) == (
        "-12.5", "-1", "'-1+2", "'+3", "'=1")
