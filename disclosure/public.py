"""What the public reads of the annual disclosures: published versions only, each reduced to
an allow-list of fields (``PublicDisclosure``) before a template, serializer, CSV or PDF
sees it; the pilot's yearly series as charts with their tables; the PDF of a year.

Public: the pilot's code, name, category, county and builder (as on its public page); the
year, version, publication date, whether a later version supersedes it, the correction
note, the measures and the narrative; the emissions by source (amount and unit, what was
deducted, the factor, tCO₂), by scope, sinks and the total; each indicator's value (or why
it is missing) with the plan's baseline and that year's milestone as frozen at
publication; and every factor used (name, value, unit, data year, region, version,
source, clause, whether confirmed). Not public: the denominators (population, output
value, floor area), who prepared or checked it, a return's reason, drafts and versions in
check. A field added to the figures is not public until it is named here.

Which pilots' disclosures are public is the public site's decision (``public.selectors``
passes the projects it shows); this module never decides that a project is public.
"""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch
from django.template.loader import render_to_string
from django.urls import reverse

from pilots import plan as plan_rules
from pilots.choices import IndicatorKind
from pilots.models import Indicator
from pilots.models.reference import speaks_english
from publicity import pdf

from .charts import series_chart
from .models import ActivitySource, Disclosure, DisclosureState, Region, Scope

CHARTED_KINDS = (IndicatorKind.TOTAL, IndicatorKind.INTENSITY)


@dataclass(frozen=True)
class PublicFactor:
    code: str
    name: str
    region: str
    region_label: str
    data_year: int
    version: int
    value: Decimal
    unit: str
    activity_unit: str
    scope: int
    source: str
    clause: str
    confirmed: bool
    fallback: bool  # describes a year after the accounting year (none earlier existed)


@dataclass(frozen=True)
class PublicSource:
    source: str
    fuel_code: str
    label: str
    scope: int
    amount: Decimal
    unit: str
    deducted: Decimal
    counted: Decimal
    factor_code: str
    factor_value: Decimal | None
    factor_unit: str
    emissions_t: Decimal


@dataclass(frozen=True)
class PublicIndicator:
    code: str
    name: str
    kind: str
    unit: str
    value: Decimal | None
    missing: str
    baseline: Decimal | None
    milestone: Decimal | None  # of the disclosure's year
    milestones: dict  # {year: Decimal}: the plan's, frozen with the disclosure
    must_fall: bool


@dataclass(frozen=True)
class PublicDisclosure:
    project_code: str
    project_name: str
    category_code: str
    category: str
    county_code: str
    county: str
    builder: str
    year: int
    version: int
    published_at: datetime
    superseded: bool
    correction_note: str
    measures: str
    narrative: str
    scope1_t: Decimal
    scope2_t: Decimal
    gross_t: Decimal
    sinks_t: Decimal
    sinks_allowed: bool
    sinks_netted_t: Decimal
    total_t: Decimal
    sources: tuple[PublicSource, ...]
    indicators: tuple[PublicIndicator, ...]
    factors: tuple[PublicFactor, ...]
    baseline_year: int | None
    pdf_url: str

    @property
    def anchor(self) -> str:
        """A prefix for the ids of this version's tables on a page."""
        return f"y{self.year}-v{self.version}-"


def _d(value) -> Decimal | None:
    return plan_rules.number(value)


def _zero(value) -> Decimal:
    return _d(value) or Decimal(0)


def _named(entry: dict, field="name") -> str:
    english = entry.get(f"{field}_en") if speaks_english() else ""
    return english or entry.get(field) or ""


def _region_label(code) -> str:
    return str(Region(code).label) if code in Region.values else str(code or "")


def _source_label(line, factors) -> str:
    if line.get("source") == ActivitySource.FUEL:
        factor = factors.get(line.get("fuel_code"))
        return _named(factor) if factor else line.get("fuel_code", "")
    source = line.get("source")
    return str(ActivitySource(source).label) if source in ActivitySource.values else str(source)


def _indicator_heads(category_indicators):
    """{code: Indicator} of the category, for the names and units in the page's language."""
    return {i.code: i for i in category_indicators or ()}


def figure_tables(figures: dict, *, indicators=(), year=None) -> dict:
    """The allow-listed figures of one result, ready to show: summary, sources, indicators
    (with the plan's baseline and milestone kept beside the result) and factors. Used by the
    private year page and every public representation alike."""
    factors = {f.get("code"): f for f in figures.get("factors", [])}
    heads = _indicator_heads(indicators)
    plan = figures.get("plan") or {}
    year = year or figures.get("year")
    sources = tuple(PublicSource(
        source=line.get("source", ""), fuel_code=line.get("fuel_code", ""),
        label=_source_label(line, factors), scope=int(line.get("scope") or 0),
        amount=_zero(line.get("amount")), unit=line.get("unit", ""),
        deducted=_zero(line.get("deducted")), counted=_zero(line.get("counted")),
        factor_code=line.get("factor", ""),
        factor_value=_d(factors[line["factor"]]["value"]) if line.get("factor") in factors else None,
        factor_unit=factors[line["factor"]]["unit"] if line.get("factor") in factors else "",
        emissions_t=_zero(line.get("emissions_t")),
    ) for line in figures.get("sources", []))
    shown = []
    for code, entry in (figures.get("indicators") or {}).items():
        head = heads.get(code)
        targets = (plan.get("indicators") or {}).get(code) or {}
        milestones = {int(y): _d(v) for y, v in (targets.get("milestones") or {}).items()
                      if str(y).isdecimal() and _d(v) is not None}
        shown.append(PublicIndicator(
            code=code, name=head.label if head else entry.get("name", code),
            kind=entry.get("kind", ""), unit=head.unit_label if head else entry.get("unit", ""),
            value=_d(entry.get("value")), missing=entry.get("missing", "") or "",
            baseline=_d(targets.get("baseline")),
            milestone=milestones.get(int(year)) if year else None, milestones=milestones,
            must_fall=bool(entry.get("must_fall", True))))
    order = {code: i for i, code in enumerate(heads)}
    shown.sort(key=lambda i: order.get(i.code, len(order)))
    return {
        "scope1_t": _zero(figures.get("scope1_t")), "scope2_t": _zero(figures.get("scope2_t")),
        "gross_t": _zero(figures.get("gross_t")), "sinks_t": _zero(figures.get("sinks_t")),
        "sinks_allowed": bool(figures.get("sinks_allowed")),
        "sinks_netted_t": _zero(figures.get("sinks_netted_t")),
        "total_t": _zero(figures.get("total_t")),
        "sources": sources, "indicators": tuple(shown),
        "factors": tuple(PublicFactor(
            code=f.get("code", ""), name=_named(f), region=f.get("region", ""),
            region_label=_region_label(f.get("region")), data_year=int(f.get("data_year") or 0),
            version=int(f.get("version") or 1), value=_zero(f.get("value")),
            unit=f.get("unit", ""), activity_unit=f.get("activity_unit", ""),
            scope=int(f.get("scope") or 0), source=f.get("source", ""),
            clause=f.get("clause", "") or "", confirmed=bool(f.get("confirmed")),
            fallback=bool(f.get("fallback"))) for f in figures.get("factors", [])),
        "baseline_year": plan.get("baseline_year"),
        "scope_labels": {1: str(Scope.DIRECT.label), 2: str(Scope.INDIRECT.label)},
    }


def pdf_url(code, year, version=None) -> str:
    url = reverse("public-disclosure-pdf", args=[code, year])
    return f"{url}?version={version}" if version else url


# --- Which disclosures ----------------------------------------------------------------------

def published(projects=None):
    """Published disclosures (of ``projects``, a queryset the public site chose), each
    annotated ``superseded`` (a later version of its year is published too), with what a
    summary reads loaded: a fixed number of queries however many."""
    rows = Disclosure.objects.filter(state=DisclosureState.PUBLISHED)
    if projects is not None:
        rows = rows.filter(project__in=projects)
    later = Disclosure.objects.filter(project=OuterRef("project"), year=OuterRef("year"),
                                      version__gt=OuterRef("version"),
                                      state=DisclosureState.PUBLISHED)
    return rows.annotate(superseded=Exists(later)).select_related(
        "project__category", "project__county", "project__applicant").prefetch_related(
        Prefetch("project__category__indicators", queryset=Indicator.objects.order_by("order")))


def summarize(disclosure) -> PublicDisclosure:
    """``disclosure`` (from ``published``) reduced to its public fields."""
    project = disclosure.project
    tables = figure_tables(disclosure.figures or {},
                           indicators=project.category.indicators.all(), year=disclosure.year)
    return PublicDisclosure(
        project_code=project.code, project_name=project.name,
        category_code=project.category.code, category=project.category.label,
        county_code=project.county.code, county=project.county.label,
        builder=project.applicant.name, year=disclosure.year, version=disclosure.version,
        published_at=disclosure.published_at, superseded=bool(disclosure.superseded),
        correction_note=disclosure.correction_note, measures=disclosure.measures,
        narrative=disclosure.narrative,
        **{key: tables[key] for key in ("scope1_t", "scope2_t", "gross_t", "sinks_t",
                                        "sinks_allowed", "sinks_netted_t", "total_t", "sources",
                                        "indicators", "factors", "baseline_year")},
        pdf_url=pdf_url(project.code, disclosure.year,
                        disclosure.version if disclosure.superseded else None),
    )


def summaries(disclosures) -> list[PublicDisclosure]:
    return [summarize(d) for d in disclosures]


# --- A pilot's series -------------------------------------------------------------------------

def series(shown: list[PublicDisclosure], *, up_to=None, replacing=None) -> list[dict]:
    """The charts of a pilot: one per total or intensity indicator with a disclosed value,
    each with its table rows. The current (not superseded) version of each year up to
    ``up_to``; ``replacing`` (a summary) stands for its year instead. The baseline and
    milestones are those frozen with the latest year shown."""
    current = {d.year: d for d in shown if not d.superseded and (up_to is None or d.year <= up_to)}
    if replacing is not None:
        current[replacing.year] = replacing
    if not current:
        return []
    years = sorted(current)
    latest = current[years[-1]]
    charts = []
    for head in latest.indicators:
        if head.kind not in CHARTED_KINDS:
            continue
        points = {}
        for year in years:
            found = next((i for i in current[year].indicators if i.code == head.code), None)
            if found is not None and found.value is not None:
                points[year] = found.value
        if not points:
            continue
        milestones = head.milestones
        baseline = head.baseline
        chart = series_chart(points, baseline=baseline, baseline_year=latest.baseline_year,
                             milestones=milestones)
        rows = []
        for year in sorted(set(points) | set(milestones)
                           | ({latest.baseline_year} if latest.baseline_year and baseline is not None
                              else set())):
            rows.append({"year": year, "value": points.get(year),
                         "milestone": milestones.get(year),
                         "is_baseline": year == latest.baseline_year,
                         "baseline": baseline if year == latest.baseline_year else None})
        charts.append({"code": head.code, "name": head.name, "unit": head.unit,
                       "baseline": baseline, "baseline_year": latest.baseline_year,
                       "chart": chart, "rows": rows,
                       "has_baseline_bar": any(b.baseline for b in chart["bars"])})
    return charts


# --- The PDF ----------------------------------------------------------------------------------

def pdf_context(shown: list[PublicDisclosure], disclosure: PublicDisclosure) -> dict:
    return {"d": disclosure, "charts": series(shown, up_to=disclosure.year,
                                               replacing=disclosure),
            "versions": [s for s in shown if s.year == disclosure.year]}


def render_pdf(shown, disclosure, request=None) -> bytes:
    html = render_to_string("disclosure/disclosure/pdf.html", pdf_context(shown, disclosure),
                            request=request)
    return pdf.render_pdf(html)


def number(value, places=2) -> str:
    """A figure as read: tonnes to 2 decimals, as in the tables."""
    if value is None:
        return ""
    return plan_rules.number_display(plan_rules.rounded(Decimal(value), places))

