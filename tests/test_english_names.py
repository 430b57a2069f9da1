"""Reference data reads in English on the English portal: lists, work queue, county
summary and its xlsx export name categories and counties in English, and in Chinese by default."""
import io
import re
from html import unescape
from urllib.parse import quote

import openpyxl
import pytest
from django.utils import timezone
from django.utils.translation import override

from pilots import services
from pilots.models import Body, Category, County, Department, Indicator

CJK = re.compile(r"[\u3400-\u9fff]")
CAMPUS_EN, YIZHOU_EN = "Near-zero carbon campus", "Yizhou District"
COUNTIES_EN = [
    "Jinchengjiang District", "Yizhou District", "Nandan County", "Tian'e County",
    "Fengshan County", "Donglan County", "Luocheng Mulao Autonomous County",
    "Huanjiang Maonan Autonomous County", "Bama Yao Autonomous County",
    "Du'an Yao Autonomous County", "Dahua Yao Autonomous County",
]
CATEGORIES_EN = [
    "Near-zero carbon region", "Near-zero carbon park", "Near-zero carbon community",
    "Near-zero carbon campus", "Near-zero carbon commercial venue", "Other",
]
SELECT = re.compile(r'<select id="f-(category|county)" name="\1">(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="[^"]+"[^>]*>([^<]*)</option>')


def _cells(html, table_id):
    """Text of every body cell of the table with this id, row by row."""
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [[unescape(re.sub(r"<[^>]+>", "", cell)).strip()
             for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)] for row in rows]


def _english(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def submitted(demo):
    """The demo campus draft of 宜州区, submitted: in 宜州区教育局's queue."""
    owner = demo.user("app_campus_yizhou")
    return services.fire(demo.draft("app_campus_yizhou"), "submit", owner)


# --- The reference rows ------------------------------------------------------------

def test_every_county_and_category_has_its_english_name(demo):
    assert list(County.objects.order_by("order").values_list("name_en", flat=True)) == COUNTIES_EN
    assert list(Category.objects.order_by("order").values_list("name_en", flat=True)) == CATEGORIES_EN
    assert Category.objects.get(code="campus").title_en == CAMPUS_EN
    assert Category.objects.get(code="other").title_en == ""


def test_departments_are_named_from_their_county_and_body(demo):
    assert Department.objects.get(body__code="ecology", county=None).name_en == (
        "Hechi Municipal Ecology and Environment Bureau")
    assert Department.objects.get(body__code="education", county__code="yizhou").name_en == (
        "Yizhou District Education Bureau")
    assert Department.objects.get(body__code="ndrc", county__code="duan").name_en == (
        "Du'an Yao Autonomous County Development and Reform Bureau")
    assert Body.objects.get(code="commerce").name_en == "Commerce Bureau"
    assert not Department.objects.filter(name_en="").exists()
    assert not Body.objects.filter(name_en="").exists()


def test_indicators_have_english_names_and_units(demo):
    units = {(i.category.code, i.code): (i.name_en, i.unit_en)
             for i in Indicator.objects.select_related("category")}
    assert units[("campus", "per_capita")] == ("Per-capita emissions", "tCO₂ per person")
    assert units[("campus", "total")] == ("Total emissions", "tCO₂")
    assert units[("park", "per_output_value")] == ("Emissions per unit output value",
                                                   "tCO₂ per 10,000 yuan")
    assert units[("commercial", "per_floor_area")] == ("Emissions per m² of floor area",
                                                       "kgCO₂ per m²")
    assert [pair for pair in units.values() if not all(pair)] == []


def test_labels_follow_the_active_language(demo):
    indicator = Indicator.objects.get(category__code="park", code="per_value_added")
    yizhou_education = Department.objects.get(body__code="education", county__code="yizhou")
    with override("en"):
        assert (str(indicator), indicator.unit_label) == (
            "Near-zero carbon park：Emissions per unit industrial value added",
            "tCO₂ per 10,000 yuan")
        assert str(yizhou_education) == "Yizhou District Education Bureau"
    with override("zh-hans"):
        assert (indicator.label, indicator.unit_label) == ("单位工业增加值碳排放量", "吨二氧化碳/万元")
        assert str(yizhou_education) == "宜州区教育局"


# --- Pages ----------------------------------------------------------------------------

def test_the_english_project_list_names_category_and_county_in_english(demo, client, submitted):
    html = _english(client, demo.user("yizhou_education")).get(
        "/projects/", {"category": "campus", "county": "yizhou"}).content.decode()

    rows = _cells(html, "projects")
    assert submitted.code in [row[0] for row in rows]
    assert {(row[2], row[3]) for row in rows} == {(CAMPUS_EN, YIZHOU_EN)}
    options = {kind: [unescape(o) for o in OPTION.findall(choices)] for kind, choices in SELECT.findall(html)}
    assert options == {"category": CATEGORIES_EN, "county": COUNTIES_EN}


def test_the_project_list_stays_chinese_by_default(demo, client, submitted):
    client.force_login(demo.user("yizhou_education"))
    html = client.get("/projects/", {"category": "campus", "county": "yizhou"}).content.decode()

    assert {(row[2], row[3]) for row in _cells(html, "projects")} == {("近零碳排放校园", "宜州区")}


def test_the_english_work_queue_names_category_and_county_in_english(demo, client, submitted):
    html = _english(client, demo.user("yizhou_education")).get("/").content.decode()

    rows = _cells(html, "queue")
    row = next(r for r in rows if r[0] == submitted.code)
    assert row[2:4] == [CAMPUS_EN, YIZHOU_EN]
    assert [cell for r in rows for cell in r[2:4] if CJK.search(cell)] == []


def test_the_english_county_summary_names_categories_and_counties_in_english(demo, client,
                                                                              submitted):
    html = _english(client, demo.user("eco_admin")).get("/county/summary/").content.decode()

    names = [row[0] for row in _cells(html, "summary-table")[:-1]]  # the last row: totals
    assert CAMPUS_EN in names
    assert set(names) <= set(CATEGORIES_EN)
    projects = _cells(html, "project-table")
    mine = next(r for r in projects if r[0] == submitted.code)
    assert mine[2:4] == [CAMPUS_EN, YIZHOU_EN]
    assert [cell for r in projects for cell in r[2:4] if CJK.search(cell)] == []


def test_the_english_county_summary_of_one_county_is_headed_in_english(demo, client, submitted):
    html = _english(client, demo.user("eco_admin")).get(
        "/county/summary/", {"county": "yizhou"}).content.decode()

    crumbs = re.search(r'<p class="crumbs">(.*?)</p>', html, re.S).group(1)
    assert crumbs.rsplit("/", 1)[1].strip() == YIZHOU_EN
    assert "宜州区" not in re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)


def test_the_english_export_names_categories_and_counties_in_english(demo, client, submitted):
    response = _english(client, demo.user("eco_admin")).get(
        "/county/summary.xlsx", {"county": "yizhou"})

    book = openpyxl.load_workbook(io.BytesIO(response.content))
    summary, projects = book.worksheets
    names = [row[0] for row in summary.iter_rows(min_row=2, max_row=summary.max_row - 1,
                                                 values_only=True)]
    assert CAMPUS_EN in names
    assert set(names) <= set(CATEGORIES_EN)
    rows = {row[0]: row for row in projects.iter_rows(min_row=2, values_only=True)}
    assert rows[submitted.code][2:4] == (CAMPUS_EN, YIZHOU_EN)
    assert [cell for row in rows.values() for cell in row[2:4] if CJK.search(cell)] == []
    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"].endswith(quote(f"-{YIZHOU_EN}-{day}.xlsx"))


def test_the_chinese_export_keeps_chinese_names(demo, client, submitted):
    client.force_login(demo.user("eco_admin"))

    book = openpyxl.load_workbook(io.BytesIO(client.get(
        "/county/summary.xlsx", {"county": "yizhou"}).content))

    rows = {row[0]: row for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert rows[submitted.code][2:4] == ("近零碳排放校园", "宜州区")
