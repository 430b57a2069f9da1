"""The city-wide view of the pilots' indicators: pilots × years × indicators, each year's
figure with its steady-decline verdict, computed from the activity data entered so far.

Who sees which pilots: the ecology admin all of them, a city officer those of the
categories its body runs, a county ecology bureau those of its county
(``activity.overview_scope``), within what the selector lets each see at all.

Figures are computed as the disclosure computes them (``disclosure.calculation`` with the
factors the rule picks for each year) and judged by ``disclosure.decline``: this is where
the city follows progress before anything is published, not the published record.

The queries are a fixed number whatever the number of pilots: the pilots, their plan
versions, their categories' indicators, their activity years and records, and the factor
library once per accounting year shown.
"""
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from pilots import plan as plan_rules
from pilots.exports import append_row
from pilots.models import PlanVersion
from pilots.plan_display import shown_indicators
from pilots.selectors import projects_visible_to

from . import activity, calculation, decline
from . import factors as library
from .models import ActivityYear


@dataclass(frozen=True)
class Cell:
    """A year of a row: the verdict (None: the year is not judged for this pilot)."""

    year: int
    verdict: decline.Verdict | None

    @property
    def status_label(self) -> str:
        return str(decline.Status(self.verdict.status).label) if self.verdict else ""

    @property
    def value_text(self) -> str:
        value = self.verdict.value if self.verdict else None
        return plan_rules.number_display(value) if value is not None else ""


@dataclass
class Row:
    """One indicator of one pilot: its baseline and a verdict (or None) per year shown."""

    project: object
    indicator: object
    unit: str
    baseline: Decimal | None
    cells: list = field(default_factory=list)  # [Cell], one per year shown

    @property
    def baseline_text(self) -> str:
        return plan_rules.number_display(self.baseline) if self.baseline is not None else "—"


@dataclass
class Overview:
    years: list
    rows: list
    pilots: int


def pilots_for(user):
    """The pilots ``user`` sees in the city-wide view (None: the view is not theirs)."""
    scope = activity.overview_scope(user)
    if scope is None:
        return None
    return projects_visible_to(user).filter(scope, state__in=activity.READ_STATES)


def _loaded(projects):
    return list(
        projects.select_related("category", "county")
        .prefetch_related(
            Prefetch("versions", queryset=PlanVersion.objects.order_by("-number")),
            "category__indicators",
            Prefetch("activity_years", queryset=ActivityYear.objects.order_by("year")
                     .prefetch_related("records")))
        .order_by("county__order", "category__order", "code", "pk"))


def _factors_by_year(projects) -> dict:
    """{year: {code: factor}} for every accounting year of ``projects``: one query a year."""
    codes: dict[int, set] = {}
    for project in projects:
        for row in project.activity_years.all():
            codes.setdefault(row.year, set()).update(calculation.codes_needed(row))
    return {year: library.factors_for(sorted(needed), library.PILOT_REGION, year)
            for year, needed in sorted(codes.items())}


def _figures(row, indicators, chosen, category_code) -> dict:
    """The year's figures, or a stand-in whose every indicator says why there are none."""
    try:
        return calculation.calculate(row, indicators, chosen, category_code=category_code)
    except calculation.CalculationError as error:
        return {"indicators": {i.code: {"value": None, "missing": error.message}
                               for i in indicators}}


def build(projects, *, year=None, today=None) -> Overview:
    """The rows of ``projects`` (a queryset), every year judged or only ``year``."""
    projects = _loaded(projects)
    by_year = _factors_by_year(projects)
    this_year = (today or timezone.localdate()).year
    rows, years = [], set()
    for project in projects:
        plan = activity.plan_of(project)
        indicators = list(project.category.indicators.all())
        shown = shown_indicators(indicators, plan.get("targets") or {})
        figures = {r.year: _figures(r, indicators, by_year.get(r.year, {}), project.category.code)
                   for r in project.activity_years.all()}
        until = max([this_year - 1, *figures])
        judged = decline.verdicts(plan, shown, figures, until=until)
        for indicator in shown:
            verdicts = {v.year: v for v in judged.get(indicator.code, [])}
            years.update(verdicts)
            rows.append(Row(project, indicator, indicator.unit_label,
                            plan_rules.indicator_baseline(plan, indicator),
                            cells=verdicts))
    shown_years = [year] if year is not None else sorted(years)
    for row in rows:
        row.cells = [Cell(y, row.cells.get(y)) for y in shown_years]
    return Overview(shown_years, rows, len(projects))


# --- The spreadsheet ------------------------------------------------------------------

HEADER_WIDTHS = (22, 40, 14, 18, 22, 16, 8, 16, 16, 16, 12, 80)


def header():
    return (_("项目编号"), _("项目名称"), _("县(区)"), _("试点类别"), _("指标"), _("单位"),
            _("年份"), _("数值"), _("基准值"), _("逐年目标"), _("判定"), _("理由"))


def _number(value):
    """A Decimal as a spreadsheet number (int when whole), None for none."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else value


def workbook(overview: Overview) -> bytes:
    """One line per pilot, indicator and year, so the sheet filters as the page does."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("指标稳步下降判定")
    append_row(sheet, header())
    for row in overview.rows:
        project = row.project
        for cell in row.cells:
            verdict = cell.verdict
            if verdict is None:
                continue
            append_row(sheet, [
                project.code or "", project.name, project.county.label, project.category.label,
                row.indicator.label, row.unit, cell.year, _number(verdict.value),
                _number(row.baseline), _number(verdict.milestone), cell.status_label,
                verdict.reason])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, width in enumerate(HEADER_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    if sheet.max_row > 1:
        sheet.auto_filter.ref = sheet.dimensions
    out = BytesIO()
    book.save(out)
    return out.getvalue()
