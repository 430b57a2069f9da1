"""A pilot's activity data, year by year: which items it enters, who may read and enter
them, and saving a year (by form or from an Excel file) in one transaction.

A year's data is a list of **items**, each with a stable key, a label and a fixed unit:

- energy: purchased electricity, the green electricity bought within it and renewable
  electricity generated and used on site (kWh), one item per fuel of the factor library
  (in that factor's ``activity_unit``), purchased heat (GJ);
- emissions entered directly in tCO₂: industrial process emissions (parks only) and
  carbon sinks (the categories that may count them, ``disclosure.calculation``);
- the denominators of the category's indicators (population, output value, value added,
  floor area), prefilled from the creation plan, and residents' awareness (%) where the
  category has that indicator.

An item left empty has no data; 0 is a figure. The form and the Excel upload read every
amount with ``parse_amount`` and write with ``save_activity``, so both give the same rows.
"""
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots import plan as plan_rules
from pilots import registry, rules
from pilots.audit import record_event
from pilots.choices import Denominator, IndicatorKind, State
from pilots.errors import InvalidInput, NotAllowedNow, NotPermitted
from pilots.models import Project
from pilots.models.reference import localized, speaks_english
from pilots.plan_display import denominator_keys
from pilots.public_plan import frozen_version

from . import calculation
from .factors import ELECTRICITY_CODE, HEAT_CODE
from .models import (
    AMOUNT_DIGITS,
    ActivityRecord,
    ActivitySource,
    ActivityYear,
    EmissionFactor,
    FactorKind,
)

# The builder enters a year's data from construction on; after acceptance it goes on
# disclosing every year (titled, rechecked). A revoked or cancelled pilot's data stays
# readable but is no longer changed.
ENTRY_STATES = frozenset({State.CONSTRUCTION, State.ACCEPTANCE_CHECK, State.ACCEPTANCE_REVIEW,
                          State.TITLED, State.RECHECK})
READ_STATES = ENTRY_STATES | {State.REVOKED, State.CANCELLED}

# Industrial process emissions are a park's (DOMAIN §4: scope 1 of an industrial park).
PROCESS_CATEGORIES = frozenset({"park"})

DECIMAL_PLACES = 4
MAX_WHOLE_DIGITS = AMOUNT_DIGITS["max_digits"] - AMOUNT_DIGITS["decimal_places"]

T_CO2 = "tCO2"
KWH = "kWh"
DEFAULT_UNITS = {ActivitySource.PURCHASED_ELECTRICITY: KWH, ActivitySource.PURCHASED_HEAT: "GJ"}

# Units of the figures kept on the year itself, (Chinese, English): an Excel file made in
# either language reads back.
DENOMINATOR_UNITS = {
    Denominator.POPULATION: ("人", "people"),
    Denominator.OUTPUT_VALUE: ("万元", "10,000 yuan"),
    Denominator.VALUE_ADDED: ("万元", "10,000 yuan"),
    Denominator.FLOOR_AREA: ("平方米", "m²"),
}
AWARENESS = "awareness"
PERCENT = ("%", "%")
MAX_PERCENT = Decimal(100)

FUEL_PREFIX = "fuel-"

SAVED_EVENT = "activity_saved"
ORIGIN_FORM = "form"
ORIGIN_EXCEL = "excel"
ORIGINS = {ORIGIN_FORM: gettext_lazy("在线填报"), ORIGIN_EXCEL: gettext_lazy("Excel导入")}


class AmountError(ValueError):
    """An amount that cannot be read; ``message`` says why, in words."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


@dataclass(frozen=True)
class Item:
    """One line of a year's data: a record (``source``, with ``fuel_code`` for a fuel) or a
    figure kept on the year itself (``field``: a denominator, residents' awareness)."""

    key: str             # stable: "purchased_electricity", "fuel-natural_gas", "population"
    group: str           # a key of GROUPS
    label: str
    unit: str            # as shown, in the active language
    source: str = ""
    fuel_code: str = ""
    field: str = ""
    help: str = ""
    positive: bool = False           # must be above 0 (a denominator)
    maximum: Decimal | None = None   # at most this (a percentage)
    other_units: tuple = ()          # the unit as written in the other language

    @property
    def is_record(self) -> bool:
        return bool(self.source)

    def accepts_unit(self, text) -> bool:
        written = normalized_unit(text)
        return any(written == normalized_unit(u) for u in (self.unit, *self.other_units))

    def read(self, raw) -> Decimal | None:
        """``raw`` as this item's amount, or AmountError."""
        value = parse_amount(raw, positive=self.positive)
        if value is not None and self.maximum is not None and value > self.maximum:
            raise AmountError(_("不能大于%(max)s。") % {"max": amount_text(self.maximum)})
        return value


GROUPS = {"energy": gettext_lazy("能源消费"), "direct": gettext_lazy("直接填报的排放量与碳汇"),
          "denominator": gettext_lazy("指标分母"), "survey": gettext_lazy("调查数据")}


def fuel_key(code: str) -> str:
    return f"{FUEL_PREFIX}{code}"


def record_key(source: str, fuel_code: str) -> str:
    return fuel_key(fuel_code) if source == ActivitySource.FUEL else source


# --- Reading amounts ------------------------------------------------------------------

def normalized_unit(text) -> str:
    """A unit as compared: no spaces, case-folded, m² as m2, CO₂ as CO2."""
    text = str(text or "")
    for fancy, plain in (("²", "2"), ("³", "3"), ("₂", "2")):
        text = text.replace(fancy, plain)
    return "".join(text.split()).casefold()


def parse_amount(raw, *, positive=False) -> Decimal | None:
    """An amount as typed (text) or read from a spreadsheet (number): a Decimal ≥ 0 with at
    most 4 decimals, None when empty. Raises AmountError with the reason."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise AmountError(_("请填写数字。"))
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(repr(raw))  # the shortest text that reads back as this float
    elif isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, str):
        text = raw.strip()
        if not text:
            return None
        if not all(c in "0123456789.-+eE" for c in text):
            raise AmountError(_("「%(text)s」不是数字，请只填写数字(不带单位和千位分隔符)。")
                              % {"text": text[:40]})
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise AmountError(_("「%(text)s」不是数字。") % {"text": text[:40]}) from None
    else:
        raise AmountError(_("请填写数字。"))
    if not value.is_finite():
        raise AmountError(_("请填写数字。"))
    if value < 0:
        raise AmountError(_("不能为负数。"))
    if positive and value == 0:
        raise AmountError(_("应大于0。"))
    if value.adjusted() >= MAX_WHOLE_DIGITS:
        raise AmountError(_("数值过大：整数部分最多%(n)s位。") % {"n": MAX_WHOLE_DIGITS})
    if value != stored(value):
        raise AmountError(_("最多保留%(n)s位小数。") % {"n": DECIMAL_PLACES})
    return stored(value)


def stored(value: Decimal) -> Decimal:
    """``value`` as the database keeps it (4 decimals), so a saved and a read amount compare."""
    return value.quantize(Decimal(1).scaleb(-DECIMAL_PLACES))


def amount_text(value) -> str:
    """An amount as typed back into a form or shown: 1234.5, 0, 36800 (no exponent)."""
    return plan_rules.decimal_text(value) if value is not None else ""


# --- The plan of record -----------------------------------------------------------

def plan_of(project) -> dict:
    """The creation plan the pilot is built by: the latest frozen version, in schema 2."""
    version = frozen_version(project)
    if version is None:
        return plan_rules.empty_plan()
    return plan_rules.upgrade(version.content, keep_typed_baselines=True)


def _section(plan, key) -> dict:
    value = plan.get(key)
    return value if isinstance(value, dict) else {}


def baseline_year(plan) -> int | None:
    return plan_rules.year_of(_section(plan, "baseline").get("year"))


def allowed_years(project, plan=None, today=None) -> list[int]:
    """The years a pilot enters data for: the plan's baseline year, and every year from the
    start of construction up to this year."""
    plan = plan_of(project) if plan is None else plan
    this_year = (today or timezone.localdate()).year
    years = set()
    base = baseline_year(plan)
    if base is not None and base <= this_year:
        years.add(base)
    start = plan_rules.year_of(_section(plan, "schedule").get("start_year"))
    if start is not None:
        years.update(range(start, this_year + 1))
    return sorted(years)


# --- Who may read and enter ----------------------------------------------------------

def may_read_activity(project, user) -> bool:
    """The builder (and a consultant it allowed to submit), the county ecology bureau of
    the pilot's county, the city bureau of its category and the ecology admin."""
    if project.state not in READ_STATES:
        return False
    return (rules.may_submit(project, user) or rules.is_county_ecology(project, user)
            or rules.is_city_officer_or_admin(project, user))


def may_enter_activity(project, user) -> bool:
    """The builder, from construction on (while the pilot is not revoked or cancelled)."""
    return project.state in ENTRY_STATES and rules.may_submit(project, user)


# --- The items of a pilot ------------------------------------------------------------

def _factor_heads():
    """Per factor code, the latest row (its name and activity unit) and the order the
    library lists it in (first entered first). One query."""
    heads, first_pk = {}, {}
    for factor in EmissionFactor.objects.order_by("code", "-data_year", "-version", "-pk"):
        heads.setdefault(factor.code, factor)
        first_pk[factor.code] = min(first_pk.get(factor.code, factor.pk), factor.pk)
    return heads, first_pk


def sinks_allowed(category) -> bool:
    """Whether the category's pilots count carbon sinks (the calculation's rule)."""
    return calculation.sinks_allowed(category.code)


def _units(pair) -> tuple[str, tuple]:
    chinese, english = pair
    return (english, (chinese,)) if speaks_english() else (chinese, (english,))


def items_for(project, *, factors=None) -> list[Item]:
    """The items of ``project``'s year, in the order the form and the template list them."""
    heads, first_pk = factors if factors is not None else _factor_heads()

    def unit_of(code, source):
        factor = heads.get(code)
        return factor.activity_unit if factor else DEFAULT_UNITS[source]

    def record(source, group, label, unit, help_text, fuel_code=""):
        key = record_key(source, fuel_code)
        return Item(key, group, str(label), unit, source=source, fuel_code=fuel_code,
                    help=str(help_text))

    items = [
        record(ActivitySource.PURCHASED_ELECTRICITY, "energy", ActivitySource.PURCHASED_ELECTRICITY.label,
               unit_of(ELECTRICITY_CODE, ActivitySource.PURCHASED_ELECTRICITY),
               _("从电网购入的全部电量，含其中购入的绿色电力。")),
        record(ActivitySource.GREEN_ELECTRICITY, "energy", ActivitySource.GREEN_ELECTRICITY.label,
               KWH, _("外购电力中通过绿电交易购入或有绿证对应的电量，不能多于外购电力。")),
        record(ActivitySource.ONSITE_RENEWABLE, "energy", ActivitySource.ONSITE_RENEWABLE.label,
               KWH, _("光伏等在边界内发电并自用的电量，不含在外购电力中。")),
    ]
    fuels = sorted((f for f in heads.values() if f.kind == FactorKind.FUEL),
                   key=lambda f: first_pk[f.code])
    items += [record(ActivitySource.FUEL, "energy", localized(f), f.activity_unit, "",
                     fuel_code=f.code) for f in fuels]
    items.append(record(ActivitySource.PURCHASED_HEAT, "energy", ActivitySource.PURCHASED_HEAT.label,
                        unit_of(HEAT_CODE, ActivitySource.PURCHASED_HEAT), ""))
    category = project.category
    if category.code in PROCESS_CATEGORIES:
        items.append(record(ActivitySource.PROCESS, "direct", ActivitySource.PROCESS.label, T_CO2,
                            _("按行业核算指南计算的工业生产过程二氧化碳排放量。")))
    if sinks_allowed(category):
        items.append(record(ActivitySource.SINK, "direct", ActivitySource.SINK.label, T_CO2,
                            _("边界内林地、绿地等的碳汇量，填正数。")))
    indicators = list(category.indicators.all())
    for key in denominator_keys(indicators):
        unit, others = _units(DENOMINATOR_UNITS[key])
        items.append(Item(key, "denominator", str(Denominator(key).label), unit,
                          field=calculation.DENOMINATOR_FIELDS[key], positive=True,
                          other_units=others))
    if any(i.kind == IndicatorKind.AWARENESS for i in indicators):
        unit, others = _units(PERCENT)
        items.append(Item(AWARENESS, "survey", _("居民绿色低碳意识"), unit,
                          field=calculation.AWARENESS_FIELD, maximum=MAX_PERCENT,
                          other_units=others,
                          help=_("按创建方案确定的调查方法得到的比例。")))
    return items


# --- A year's values ------------------------------------------------------------------

def values_of(activity_year: ActivityYear | None, items) -> dict[str, Decimal | None]:
    """The stored amount of every item (None: no data)."""
    values = dict.fromkeys((item.key for item in items), None)
    if activity_year is None:
        return values
    for item in items:
        if not item.is_record:
            values[item.key] = getattr(activity_year, item.field)
    for record in activity_year.records.all():
        key = record_key(record.source, record.fuel_code)
        if key in values:
            values[key] = record.amount
    return values


def prefill(project, year, items, plan=None) -> tuple[dict, int | None]:
    """Values for a year with nothing entered yet: the plan's denominators of that year, or
    of its baseline year when the plan gives none for that year; and the plan year they
    come from (None when the plan gives none)."""
    plan = plan_of(project) if plan is None else plan
    values = dict.fromkeys((item.key for item in items), None)
    keys = [item.key for item in items if item.group == "denominator"]
    for from_year in (year, baseline_year(plan)):
        found = {key: plan_rules.denominator_value(plan, key, from_year) for key in keys}
        found = {key: stored(v) for key, v in found.items() if v is not None and v > 0}
        if found:
            values.update(found)
            return values, from_year
    return values, None


def activity_year(project, year) -> ActivityYear | None:
    return (ActivityYear.objects.filter(project=project, year=year)
            .prefetch_related("records").first())


def years_entered(project):
    return list(ActivityYear.objects.filter(project=project).order_by("year")
                .select_related("entered_by"))


# --- Saving a year ---------------------------------------------------------------------

def clean_values(items, raw: dict) -> dict[str, Decimal | None]:
    """Every item's amount read from ``raw`` (key → text or number); InvalidInput naming
    each bad item when any cannot be read."""
    unknown = sorted(set(raw) - {item.key for item in items})
    if unknown:
        raise InvalidInput(_("无法识别的填报项目：%(keys)s。") % {"keys": "、".join(unknown)})
    values, errors = {}, {}
    for item in items:
        try:
            values[item.key] = item.read(raw.get(item.key))
        except AmountError as error:
            errors[item.key] = [error.message]
    if not errors:
        errors = cross_problems(values)
    if errors:
        raise InvalidInput(_("有%(n)s项数据无法读取，未保存。") % {"n": len(errors)}, fields=errors)
    return values


def cross_problems(values: dict) -> dict[str, list[str]]:
    """What is wrong between items once each reads well: green electricity bought is a
    part of the electricity bought (``disclosure.calculation`` deducts it from that)."""
    green = values.get(ActivitySource.GREEN_ELECTRICITY)
    purchased = values.get(ActivitySource.PURCHASED_ELECTRICITY) or Decimal(0)
    if green is not None and green > purchased:
        return {ActivitySource.GREEN_ELECTRICITY.value: [
            _("购入绿色电力(%(green)s kWh)不能多于外购电力(%(purchased)s kWh)：它是外购电力的一部分；"
              "光伏等自发自用的电量请填在「%(onsite)s」。")
            % {"green": amount_text(green), "purchased": amount_text(purchased),
               "onsite": ActivitySource.ONSITE_RENEWABLE.label}]}
    return {}


def _lock(project) -> Project:
    return (Project.objects.select_for_update(of=("self",)).select_related("category")
            .get(pk=project.pk))


def save_activity(project, actor, year: int, raw: dict, *, origin=ORIGIN_FORM,
                  ip_address=None) -> tuple[ActivityYear, list[str]]:
    """Write ``year``'s data of ``project`` as ``raw`` gives it (every item; one left out or
    empty has no data). All or nothing; returns the year and the keys that changed."""
    with transaction.atomic():
        project = _lock(project)
        if not may_enter_activity(project, actor):
            if project.state not in ENTRY_STATES and rules.may_submit(project, actor):
                raise NotAllowedNow(_("项目当前处于「%(state)s」，不能再填报活动数据。")
                                    % {"state": project.get_state_display()})
            raise NotPermitted(_("只有试点建设单位可以填报活动数据。"))
        if year not in allowed_years(project):
            raise InvalidInput(_("%(year)s年不在可填报的年份内(基准年及建设开始以来各年)。")
                               % {"year": year})
        items = items_for(project)
        values = clean_values(items, raw)

        row, created = ActivityYear.objects.select_for_update().get_or_create(
            project=project, year=year, defaults={"entered_by": actor})
        changed = []
        for item in items:
            if not item.is_record and getattr(row, item.field) != values[item.key]:
                setattr(row, item.field, values[item.key])
                changed.append(item.key)
        existing = {record_key(r.source, r.fuel_code): r
                    for r in ActivityRecord.objects.select_for_update().filter(activity_year=row)}
        for item in items:
            if not item.is_record:
                continue
            value, record = values[item.key], existing.get(item.key)
            if value is None:
                if record is not None:
                    record.delete()
                    changed.append(item.key)
            elif record is None:
                ActivityRecord.objects.create(activity_year=row, source=item.source,
                                              fuel_code=item.fuel_code, amount=value,
                                              unit=item.unit)
                changed.append(item.key)
            elif record.amount != value or record.unit != item.unit:
                record.amount, record.unit = value, item.unit
                record.save(update_fields=["amount", "unit"])
                changed.append(item.key)
        if changed or created:
            row.entered_by = actor
            row.save()
            record_event(project, SAVED_EVENT, actor,
                         {"year": year, "origin": origin,
                          "changed": [item.label for item in items if item.key in changed]},
                         ip_address=ip_address)
    return row, changed


def _describe_saved(data) -> list[str]:
    lines = [_("核算年份：%(year)s年") % {"year": data.get("year")}]
    origin = ORIGINS.get(data.get("origin"))
    if origin:
        lines.append(_("方式：%(origin)s") % {"origin": origin})
    changed = data.get("changed") or []
    if changed:
        lines.append(_("变动的项目：%(items)s") % {"items": "、".join(str(c) for c in changed)})
    return lines


registry.register_event(SAVED_EVENT, gettext_lazy("填报年度活动数据"), _describe_saved)


# --- The city-wide view's scope --------------------------------------------------------

def may_view_overview(user) -> bool:
    """The ecology admin, a city officer (the categories its body runs) and a county ecology
    bureau (its county). Asks only the user's roles and department."""
    return any(rule.q(user) is not None for rule in (rules.is_city_officer_or_admin,
                                                      rules.is_county_ecology))


def overview_scope(user):
    """The filter on Project of the pilots ``user`` sees in the city-wide view, or None."""
    scope = None
    for rule in (rules.is_city_officer_or_admin, rules.is_county_ecology):
        q = rule.q(user)
        if q is not None:
            scope = q if scope is None else scope | q
    return scope
