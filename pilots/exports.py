"""Spreadsheet exports: the county summary (category × state counts and the project list)."""
from dataclasses import dataclass
from io import BytesIO
from urllib.parse import quote

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .choices import State

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ASCII_FILENAME = "hechi-nzc-summary.xlsx"

# A text starting with one of these is a formula to a spreadsheet program (CSV/formula
# injection: a project named =HYPERLINK(...) would become a live link).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Widths (in characters) of the project list's columns, in LIST_HEADER order.
LIST_WIDTHS = (22, 46, 18, 14, 36, 24, 14, 18)


def list_header():
    return (_("项目编号"), _("项目名称"), _("试点类别"), _("县(区)"), _("申报单位"),
            _("统一社会信用代码"), _("状态"), _("最近更新"))


@dataclass(frozen=True)
class Summary:
    """The category × state table as shown and exported: only the states that occur,
    in lifecycle order, with a total per row and a total row."""

    states: list  # [State]
    rows: list  # [(category, [n per state], row total)]
    totals: list  # [n per state]
    total: int

    @classmethod
    def from_state_summary(cls, table, totals):
        states = [state for state in State if state in totals]
        rows = [(category, [by_state.get(s, 0) for s in states], row_total)
                for category, by_state, row_total in table]
        return cls(states=states, rows=rows, totals=[totals[s] for s in states],
                   total=sum(totals.values()))


def project_row(project):
    """One line of the project list; ``project`` comes with category, county and applicant."""
    updated = timezone.localtime(project.updated_at).replace(tzinfo=None, microsecond=0)
    return (project.code or "", project.name, project.category.label, project.county.label,
            project.applicant.name, project.applicant.credit_code,
            project.get_state_display(), updated)


def summary_filename(county_name, day):
    """e.g. 河池市近零碳排放区试点申报汇总-宜州区-2026-11-24.xlsx"""
    return f"{_('河池市近零碳排放区试点申报汇总')}-{county_name}-{day.isoformat()}.xlsx"


def content_disposition(filename):
    """An attachment header with an ASCII fallback and the real name per RFC 5987/6266."""
    return (f'attachment; filename="{ASCII_FILENAME}"; '
            f"filename*=UTF-8''{quote(filename, safe='')}")


def append_row(sheet, values):
    """Append ``values`` to ``sheet``; every text stays text, whatever it starts with.

    openpyxl stores a string starting with "=" as a formula: it is stored as a string
    instead, and marked with a quote prefix (the leading apostrophe of Excel and
    LibreOffice) when it looks like one, so editing the cell does not turn it into one.
    """
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if cell.value.startswith(FORMULA_TRIGGERS):
                cell.quotePrefix = True


def summary_workbook(summary: Summary, project_rows) -> bytes:
    """The .xlsx: sheet 「汇总」 (the summary table) and sheet 「项目清单」 (``project_rows``,
    tuples as made by ``project_row``)."""
    bold = Font(bold=True)
    book = Workbook()

    sheet = book.active
    sheet.title = _("汇总")
    append_row(sheet, [_("试点类别"), *[str(state.label) for state in summary.states], _("合计")])
    for category, counts, row_total in summary.rows:
        append_row(sheet, [category.label, *counts, row_total])
    append_row(sheet, [_("合计"), *summary.totals, summary.total])
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    sheet.column_dimensions["A"].width = 22
    for i in range(2, len(summary.states) + 3):
        sheet.column_dimensions[get_column_letter(i)].width = 12
    sheet.freeze_panes = "B2"

    projects = book.create_sheet(_("项目清单"))
    append_row(projects, list_header())
    for row in project_rows:
        append_row(projects, row)
    for cell in projects[1]:
        cell.font = bold
    for i, width in enumerate(LIST_WIDTHS, start=1):
        projects.column_dimensions[get_column_letter(i)].width = width
    for (cell,) in projects.iter_rows(min_row=2, min_col=8, max_col=8):
        cell.number_format = "yyyy-mm-dd hh:mm"
    projects.freeze_panes = "A2"
    if projects.max_row > 1:
        projects.auto_filter.ref = projects.dimensions

    out = BytesIO()
    book.save(out)
    return out.getvalue()
