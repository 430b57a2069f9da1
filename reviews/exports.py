"""The score sheet of a project as .xlsx (评分汇总表): one row per submitted sheet, each
criterion's points and the total, then the panel's figures."""
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from pilots.exports import append_row

from .results import for_display


def results_filename(project, day):
    """e.g. 评分汇总表-HC-2026-campus-001-2026-11-25.xlsx"""
    return f"{_('评分汇总表')}-{project.code or project.pk}-{day.isoformat()}.xlsx"


def results_workbook(project, results) -> bytes:
    """``results`` as ``reviews.sheets.results_of`` gives them."""
    criteria = results["criteria"]
    book = Workbook()
    sheet = book.active
    sheet.title = _("评分汇总")
    append_row(sheet, [_("项目"), project.name])
    append_row(sheet, [_("项目编号"), project.code or ""])
    append_row(sheet, [])
    header = [_("专家"), *[f"{c.label}（{c.weight.normalize():f}）" for c in criteria],
              _("合计")]
    append_row(sheet, header)
    header_row = sheet.max_row
    for row in results["rows"]:
        if row["sheet"] is None:
            continue
        append_row(sheet, [str(row["expert"]), *[score for _c, score in row["scores"]],
                           row["total"]])
    result = results["result"]
    blanks = [None] * len(criteria)
    append_row(sheet, [_("平均分"), *blanks, for_display(result.mean)])
    if result.trimmed_mean is not None:
        append_row(sheet, [_("去掉最高分和最低分后的平均分"), *blanks,
                           for_display(result.trimmed_mean)])
    append_row(sheet, [_("专家组得分"), *blanks, for_display(result.score)])
    bold = Font(bold=True)
    for cell in sheet[header_row]:
        cell.font = bold
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    sheet.column_dimensions["A"].width = 30
    for i in range(2, len(criteria) + 3):
        sheet.column_dimensions[get_column_letter(i)].width = 16
    out = BytesIO()
    book.save(out)
    return out.getvalue()
