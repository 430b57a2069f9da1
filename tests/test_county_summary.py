"""The county ecology bureau's summary of applications (page and xlsx export).

Expected numbers are counted here with plain ORM filters and Counter, never with the
selectors the page uses.
"""
import io
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import quote

import openpyxl
import pytest
from django.utils import timezone

from pilots.choices import State
from pilots.models import Category, Project
from tests import factories

PAGE = "/county/summary/"
XLSX = "/county/summary.xlsx"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_HEADER = ["项目编号", "项目名称", "试点类别", "县(区)", "申报单位", "统一社会信用代码",
               "状态", "最近更新"]


class _Tables(HTMLParser):
    """Rows of cell texts of every <table id=...> in a page."""

    def __init__(self):
        super().__init__()
        self.tables, self._table, self._row, self._cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id"):
            self._table = self.tables.setdefault(attrs["id"], [])
        elif self._table is not None and tag == "tr":
            self._row = []
        elif self._row is not None and tag in {"th", "td"}:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag in {"th", "td"} and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _tables(response):
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def _expected_table(projects):
    """The summary as it must read: header, a row per category, the total row."""
    counts = Counter(projects.values_list("category__code", "state"))
    states = [s for s in State if any(state == s for _c, state in counts)]
    header = ["试点类别", *[s.label for s in states], "合计"]
    rows = []
    for category in Category.objects.order_by("order"):
        cells = [counts[(category.code, s.value)] for s in states]
        if sum(cells):
            rows.append([category.name, *cells, sum(cells)])
    totals = [sum(row[i] for row in rows) for i in range(1, len(states) + 2)]
    return [header, *rows, ["合计", *totals]]


def _as_text(table):
    return [[str(cell) for cell in row] for row in table]


def _submitted(county_code):
    return Project.objects.filter(county__code=county_code, code__isnull=False)


def _codes(response):
    return {row[0] for row in _tables(response)["project-table"][1:]}


def _xlsx(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _new_submitted_projects(n, *, start=0):
    """``n`` more submitted campus applications in 宜州区 from an organisation of their own."""
    applicant = factories.applicant("app_school2_yizhou", organisation="宜州区第二实验小学")
    factories.projects(applicant, [f"宜州区第二实验小学近零碳排放校园（{i + 1}期）"
                                   for i in range(start, start + n)], submit=True)


# --- Who may look ------------------------------------------------------------------

ACCESS = [
    ("yizhou_ecology", 200),
    ("jinchengjiang_ecology", 200),
    ("eco_admin", 200),
    ("city_ecology", 403),
    ("city_education", 403),
    ("yizhou_education", 403),  # a county officer, not the ecology bureau
    ("app_campus_yizhou", 403),
    ("expert1", 403),
]


@pytest.mark.parametrize("url", [PAGE, XLSX])
@pytest.mark.parametrize(("username", "status"), ACCESS)
def test_only_the_ecology_bureaus_may_see_the_summary(demo, client, url, username, status):
    client.force_login(demo.user(username))

    assert client.get(url).status_code == status


@pytest.mark.parametrize("url", [PAGE, XLSX])
def test_an_anonymous_visitor_is_sent_to_log_in(demo, client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={quote(url)}"


def test_the_summary_does_not_change_anything(demo, client):
    client.force_login(demo.user("yizhou_ecology"))

    assert client.post(PAGE).status_code == 405


# --- The county ecology bureau's page --------------------------------------------

def test_the_county_bureau_sees_the_counts_of_its_submitted_projects(demo, client):
    assert Project.objects.filter(county__code="yizhou", state=State.DRAFT).count() == 5
    client.force_login(demo.user("yizhou_ecology"))

    response = client.get(PAGE)

    assert response.status_code == 200
    table = _tables(response)["summary-table"]
    assert table == _as_text(_expected_table(_submitted("yizhou")))
    assert "草稿" not in table[0]
    assert table[-1][-1] == str(_submitted("yizhou").count())


def test_the_county_bureau_lists_every_submitted_project_of_its_county_only(demo, client):
    client.force_login(demo.user("yizhou_ecology"))

    response = client.get(PAGE)

    rows = _tables(response)["project-table"]
    assert rows[0] == ["项目编号", "项目名称", "试点类别", "申报单位", "状态", "最近更新"]
    assert _codes(response) == set(_submitted("yizhou").values_list("code", flat=True))
    html = response.content.decode()
    for project in Project.objects.filter(county__code="jinchengjiang"):
        assert project.name not in html
        assert project.code is None or project.code not in html


def test_the_county_bureau_cannot_look_into_another_county(demo, client):
    client.force_login(demo.user("jinchengjiang_ecology"))

    response = client.get(PAGE, {"county": "yizhou"})

    assert _tables(response)["summary-table"] == _as_text(
        _expected_table(_submitted("jinchengjiang")))
    assert _codes(response) == set(_submitted("jinchengjiang").values_list("code", flat=True))


def test_the_list_filters_by_category_and_state(demo, client):
    example = _submitted("yizhou").order_by("pk").first()
    client.force_login(demo.user("yizhou_ecology"))

    response = client.get(PAGE, {"category": example.category.code, "state": example.state})

    expected = _submitted("yizhou").filter(category=example.category, state=example.state)
    assert _codes(response) == set(expected.values_list("code", flat=True))
    # The summary stays whole; the export link carries the filters.
    assert _tables(response)["summary-table"] == _as_text(_expected_table(_submitted("yizhou")))
    assert (f'href="/county/summary.xlsx?category={example.category.code}'
            f'&amp;state={example.state}"') in response.content.decode()


# --- The city bureau's admin --------------------------------------------------------

def test_the_admin_sees_every_county_by_default(demo, client):
    client.force_login(demo.user("eco_admin"))

    response = client.get(PAGE)

    submitted = Project.objects.filter(code__isnull=False)
    assert _tables(response)["summary-table"] == _as_text(_expected_table(submitted))
    assert len(_tables(response)["project-table"]) == 1 + submitted.count()


def test_the_admin_chooses_a_county(demo, client):
    client.force_login(demo.user("eco_admin"))

    response = client.get(PAGE, {"county": "yizhou"})

    # Drafts are not applications yet: the admin's table counts submitted projects too.
    yizhou = Project.objects.filter(county__code="yizhou", code__isnull=False)
    assert _tables(response)["summary-table"] == _as_text(_expected_table(yizhou))
    assert len(_tables(response)["project-table"]) == 1 + yizhou.count()


def test_an_unknown_county_is_not_found(demo, client):
    client.force_login(demo.user("eco_admin"))

    assert client.get(PAGE, {"county": "atlantis"}).status_code == 404


# --- The xlsx export ----------------------------------------------------------------

def test_the_export_is_an_xlsx_named_after_the_county_and_day(demo, client):
    client.force_login(demo.user("yizhou_ecology"))

    response = client.get(XLSX)

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    name = f"河池市近零碳排放区试点申报汇总-宜州区-{timezone.localdate().isoformat()}.xlsx"
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"hechi-nzc-summary.xlsx\"; filename*=UTF-8''{quote(name)}")


def test_the_export_holds_the_summary_and_the_list(demo, client):
    client.force_login(demo.user("yizhou_ecology"))

    book = _xlsx(client.get(XLSX))

    assert book.sheetnames == ["汇总", "项目清单"]
    summary = book["汇总"]
    assert [list(row) for row in summary.iter_rows(values_only=True)] == _expected_table(
        _submitted("yizhou"))
    assert all(cell.font.bold for cell in summary[1])
    projects = book["项目清单"]
    assert [c.value for c in projects[1]] == LIST_HEADER
    assert all(cell.font.bold for cell in projects[1])
    assert projects.max_row == 1 + _submitted("yizhou").count()
    assert projects.column_dimensions["B"].width == 46
    first = Project.objects.get(code=projects["A2"].value)
    assert [c.value for c in projects[2]] == [
        first.code, first.name, first.category.name, "宜州区", first.applicant.name,
        first.applicant.credit_code, first.get_state_display(),
        timezone.localtime(first.updated_at).replace(tzinfo=None, microsecond=0),
    ]


def test_the_export_keeps_the_list_filters(demo, client):
    example = _submitted("yizhou").order_by("pk").first()
    client.force_login(demo.user("yizhou_ecology"))

    book = _xlsx(client.get(XLSX, {"category": example.category.code, "state": example.state}))

    expected = _submitted("yizhou").filter(category=example.category, state=example.state)
    codes = {row[0] for row in book["项目清单"].iter_rows(min_row=2, values_only=True)}
    assert codes == set(expected.values_list("code", flat=True))
    assert [list(row) for row in book["汇总"].iter_rows(values_only=True)] == _expected_table(
        _submitted("yizhou"))


def test_the_admin_exports_the_whole_city(demo, client):
    client.force_login(demo.user("eco_admin"))

    response = client.get(XLSX)

    name = f"河池市近零碳排放区试点申报汇总-全市-{timezone.localdate().isoformat()}.xlsx"
    assert response["Content-Disposition"].endswith(quote(name))
    assert _xlsx(response)["项目清单"].max_row == 1 + Project.objects.filter(code__isnull=False).count()


# --- Cost does not grow with the number of projects --------------------------------

@pytest.mark.parametrize(("url", "queries"), [(PAGE, 9), (XLSX, 8)])
def test_the_summary_runs_a_fixed_number_of_queries(demo, client, django_assert_num_queries,
                                                     url, queries):
    client.force_login(demo.user("yizhou_ecology"))
    _new_submitted_projects(1)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200

    _new_submitted_projects(2, start=1)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    if url == PAGE:
        assert len(_tables(response)["project-table"]) == 1 + _submitted("yizhou").count()
