"""Exported text stays text: a name that looks like a formula is no formula in the xlsx."""
import io

import openpyxl

from pilots.exports import Summary, summary_workbook
from pilots.models import Project
from tests import factories

LINK = '=HYPERLINK("http://evil.example/","点击查看")'
NAMES = [LINK, "+86-778-1234567 近零碳校园", "-1+1 近零碳校园", "@SUM(A1:A9) 近零碳校园"]


def _exported(demo, client):
    applicant = factories.applicant("app_formula_yizhou", organisation="=1+1 实验学校")
    factories.projects(applicant, NAMES, submit=True)
    client.force_login(demo.user("yizhou_ecology"))
    response = client.get("/county/summary.xlsx")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_a_project_named_like_a_formula_is_exported_as_its_text(demo, client):
    projects = _exported(demo, client)["项目清单"]

    rows = {row[1].value: row for row in projects.iter_rows(min_row=2)
            if row[4].value == "=1+1 实验学校"}
    assert sorted(rows) == sorted(NAMES)
    link = rows[LINK][1]
    assert (link.value, link.data_type, link.quotePrefix) == (LINK, "s", True)
    for name in NAMES:
        name_cell, applicant_cell = rows[name][1], rows[name][4]
        assert (name_cell.value, name_cell.data_type, name_cell.quotePrefix) == (name, "s", True)
        assert (applicant_cell.value, applicant_cell.data_type) == ("=1+1 实验学校", "s")
        assert rows[name][3].quotePrefix is False  # 宜州区: plain text needs no mark


def test_no_cell_of_the_export_is_a_formula(demo, client):
    book = _exported(demo, client)

    kinds = {cell.data_type for sheet in book for row in sheet.iter_rows() for cell in row
             if cell.value is not None}
    assert "f" not in kinds
    assert Project.objects.filter(name=LINK).count() == 1


def test_the_workbook_writer_keeps_any_text_as_text():
    body = summary_workbook(Summary(states=[], rows=[], totals=[], total=0),
                            [("HC-1", "=1+2", "类别", "县", "=cmd|' /C calc'!A0", "91", "草稿", None)])

    row = openpyxl.load_workbook(io.BytesIO(body))["项目清单"][2]
    assert [(c.value, c.data_type) for c in row[:5]] == [
        ("HC-1", "s"), ("=1+2", "s"), ("类别", "s"), ("县", "s"), ("=cmd|' /C calc'!A0", "s")]
