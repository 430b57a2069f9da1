"""Carbon accounting of one pilot and one year: pure functions over Decimals.

``calculate(activity, indicators, factors, category_code=…)`` takes

- ``activity``: an ActivityYear or anything like it — ``year``, ``records`` (each with
  ``source``, ``fuel_code``, ``amount``, ``unit``; a manager or a list) and the
  denominators ``population``, ``output_value_wan_yuan``, ``value_added_wan_yuan``,
  ``floor_area_m2``, with ``awareness_percent`` for the awareness indicator;
- ``indicators``: the category's indicators (pilots Indicator or alike: ``code``, ``name``,
  ``kind``, ``unit``, ``denominator``);
- ``factors``: {factor code: the factor chosen for this year} (``disclosure.factors``), or
  the factors a result kept (``factors_of(result)``), to compute a past figure again;

and returns the result as JSON (every number a decimal string, every emission in tCO2):

    {"schema": 1, "year": 2024, "category": "park", "unit": "tCO2",
     "sources": [{"source": "purchased_electricity", "fuel_code": "", "scope": 2,
                  "amount": "1000000", "unit": "kWh", "deducted": "200000",
                  "counted": "800000", "factor": "grid_electricity", "emissions_t": "323.52"}],
     "scope1_t": …, "scope1": {"fuel_t": …, "process_t": …},
     "scope2_t": …, "scope2": {"electricity_t": …, "heat_t": …},
     "gross_t": scope 1 + scope 2,
     "sinks_t": …, "sinks_allowed": true|false, "sinks_netted_t": the part taken off,
     "total_t": gross − sinks where the category nets them, else gross,
     "electricity": {"purchased_kwh", "green_kwh", "net_kwh", "onsite_renewable_kwh"},
     "indicators": {code: {"name", "kind", "unit", "denominator", "denominator_value",
                           "value", "must_fall", "missing"}},
     "factors": [{"code", "name", "kind", "region", "data_year", "version", "value", "unit",
                  "activity_unit", "scope", "source", "clause", "confirmed", "fallback"}]}

Scopes (DOMAIN §4). Scope 1: fuel burnt within the boundary (amount × the fuel's factor)
and industrial process emissions (entered in tCO2). Scope 2: purchased electricity and
purchased heat (amount × the grid / heat factor).

Green electricity. ``purchased_electricity`` is all electricity bought from the grid, green
electricity bought included. ``green_electricity`` is the part of it bought as green power
(green-power trading, 绿电交易, or covered by green certificates, 绿证): it carries no
emissions and is deducted from the purchase before the grid factor applies, so scope 2
electricity = (purchased − green) × grid factor. Green electricity bought cannot exceed the
electricity bought (refused). ``onsite_renewable`` — renewable electricity generated on
site and used there (e.g. rooftop PV) — was never bought: it carries no emissions, is
reported beside the purchase and is not deducted from it (deducting it would credit the
pilot twice).

Sinks (carbon sinks within the boundary, entered in tCO2 as a positive amount) are always
shown apart; they are taken off the total only for the categories in ``SINK_CATEGORIES``:
those whose pilot is an area of land with its own green space and forest (region, park,
community, campus). A commercial venue is a building: its sinks are shown, not netted.
The ``total`` indicator and every intensity are computed from ``total_t`` (net where
netting is allowed).

Intensities divide ``total_t`` by the year's denominator, in the indicator's unit:
tonnes or kilograms of CO2 (``pilots.plan.NUMERATOR_SCALE``) per person, per 10⁴ yuan, per m²,
rounded to 4 decimals as the plan rounds its computed baselines. A missing denominator
leaves the indicator without a value and says why (``missing``); a missing factor, a unit
that is not the factor's, or green electricity above the purchase raises CalculationError:
a total that leaves out a source is no total.

Every factor used is kept in the result (value, unit, year, region, version, source), so a
figure published once never changes when the library gets a new version.
"""
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from pilots import plan as plan_rules
from pilots.choices import Denominator, IndicatorKind

from . import factors as library
from .factors import ELECTRICITY_CODE, FACTOR_UNITS, HEAT_CODE
from .models import ActivitySource

SCHEMA = 1
T_CO2 = "tCO2"
KWH = "kWh"
INTENSITY_PLACES = 4
# Categories whose pilots may take carbon sinks within their boundary off their total.
SINK_CATEGORIES = frozenset({"region", "park", "community", "campus"})

# Where each denominator is kept on the activity year.
DENOMINATOR_FIELDS = {
    Denominator.POPULATION: "population",
    Denominator.OUTPUT_VALUE: "output_value_wan_yuan",
    Denominator.VALUE_ADDED: "value_added_wan_yuan",
    Denominator.FLOOR_AREA: "floor_area_m2",
}
AWARENESS_FIELD = "awareness_percent"
DIRECT_SOURCES = (ActivitySource.PROCESS, ActivitySource.SINK)  # entered in tCO2
SNAPSHOT_FIELDS = ("code", "name", "name_en", "kind", "region", "data_year", "version",
                   "unit", "activity_unit", "scope", "source", "clause", "confirmed")


class CalculationError(ValueError):
    """Figures that cannot be computed; ``message`` says why, in words."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


def sinks_allowed(category_code: str) -> bool:
    return category_code in SINK_CATEGORIES


def text(value: Decimal | None) -> str | None:
    """A Decimal as the result keeps it: "323.52", "0" (no exponent); None stays None."""
    return None if value is None else plan_rules.decimal_text(value)


def _get(obj, name, default=None):
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _records(activity) -> list:
    records = _get(activity, "records", [])
    return list(records.all() if hasattr(records, "all") else records or [])


def _number(value) -> Decimal | None:
    return plan_rules.number(value)


def codes_needed(activity) -> list[str]:
    """The factor codes ``activity``'s records need, in a stable order."""
    codes = []
    for record in _records(activity):
        source = _get(record, "source")
        if source == ActivitySource.PURCHASED_ELECTRICITY:
            codes.append(ELECTRICITY_CODE)
        elif source == ActivitySource.PURCHASED_HEAT:
            codes.append(HEAT_CODE)
        elif source == ActivitySource.FUEL:
            codes.append(_get(record, "fuel_code"))
    return list(dict.fromkeys(codes))


def snapshot(factor, accounting_year: int) -> dict:
    """What a result keeps of a factor it used (enough to name it and compute again)."""
    kept = {field: _get(factor, field) for field in SNAPSHOT_FIELDS}
    kept["name_en"] = kept["name_en"] or ""
    kept["clause"] = kept["clause"] or ""
    kept["scope"] = int(kept["scope"])
    kept["confirmed"] = bool(kept["confirmed"])
    kept["value"] = text(_number(_get(factor, "value")))
    kept["fallback"] = int(kept["data_year"]) > accounting_year
    return kept


@dataclass(frozen=True)
class KeptFactor:
    """A factor as a result kept it (``factors_of``)."""

    code: str
    name: str
    name_en: str
    kind: str
    region: str
    data_year: int
    version: int
    value: Decimal
    unit: str
    activity_unit: str
    scope: int
    source: str
    clause: str
    confirmed: bool


def factors_of(result: dict) -> dict[str, KeptFactor]:
    """The factors a result was computed with, to compute the same figure again."""
    kept = {}
    for entry in result.get("factors", []):
        values = {field: entry.get(field) for field in SNAPSHOT_FIELDS}
        values["value"] = Decimal(entry["value"])
        kept[entry["code"]] = KeptFactor(**values)
    return kept


def _factor(factors, code, name):
    factor = factors.get(code)
    if factor is None:
        raise CalculationError(_("排放因子库中没有「%(name)s」适用的排放因子，无法核算。")
                               % {"name": name})
    return factor


def _emissions(amount: Decimal, unit: str, factor, name) -> Decimal:
    """``amount`` (in ``unit``) × the factor, in tCO2."""
    if unit != factor.activity_unit:
        raise CalculationError(
            _("「%(name)s」的单位为%(unit)s，与排放因子的活动数据单位%(expected)s不符。")
            % {"name": name, "unit": unit, "expected": factor.activity_unit})
    scale = FACTOR_UNITS.get(factor.unit, (None,))[0]
    if scale is None:
        raise CalculationError(_("排放因子「%(name)s」的单位%(unit)s无法换算为吨二氧化碳。")
                               % {"name": name, "unit": factor.unit})
    return amount * _number(factor.value) * scale


def _source_name(record) -> str:
    source = _get(record, "source")
    if source == ActivitySource.FUEL:
        return _get(record, "fuel_code")
    return str(ActivitySource(source).label) if source in ActivitySource.values else str(source)


def calculate(activity, indicators, factors, *, category_code: str) -> dict:
    """The year's emissions, sinks, indicators and the factors used (see the module)."""
    year = int(_get(activity, "year"))
    by_source: dict[str, list] = {}
    for record in _records(activity):
        amount = _number(_get(record, "amount"))
        if amount is None or amount < 0:
            raise CalculationError(_("「%(name)s」的数量无效。") % {"name": _source_name(record)})
        by_source.setdefault(_get(record, "source"), []).append((record, amount))

    def amount_of(source):
        rows = by_source.get(source, [])
        return rows[0] if rows else (None, None)

    used, lines = {}, []
    zero = Decimal(0)

    def use(code, name):
        factor = _factor(factors, code, name)
        used[code] = factor
        return factor

    # Scope 2: electricity, green electricity deducted; heat.
    purchased_record, purchased = amount_of(ActivitySource.PURCHASED_ELECTRICITY)
    green_record, green = amount_of(ActivitySource.GREEN_ELECTRICITY)
    onsite_record, onsite = amount_of(ActivitySource.ONSITE_RENEWABLE)
    for record in (green_record, onsite_record):
        if record is not None and _get(record, "unit") != KWH:
            raise CalculationError(_("「%(name)s」的单位应为kWh。") % {"name": _source_name(record)})
    if (green or zero) > (purchased or zero):
        raise CalculationError(
            _("购入绿色电力(%(green)s kWh)不能多于外购电力(%(purchased)s kWh)：绿色电力是外购电力的一部分；"
              "自发自用的可再生能源电量请另行填报。")
            % {"green": text(green), "purchased": text(purchased or zero)})
    electricity_t = zero
    if purchased_record is not None:
        net = purchased - (green or zero)
        factor = use(ELECTRICITY_CODE, _source_name(purchased_record))
        electricity_t = _emissions(net, _get(purchased_record, "unit"), factor,
                                   _source_name(purchased_record))
        lines.append({"source": ActivitySource.PURCHASED_ELECTRICITY.value, "fuel_code": "",
                      "scope": 2, "amount": text(purchased), "unit": _get(purchased_record, "unit"),
                      "deducted": text(green or zero), "counted": text(net),
                      "factor": ELECTRICITY_CODE, "emissions_t": text(electricity_t)})
    heat_t = zero
    heat_record, heat = amount_of(ActivitySource.PURCHASED_HEAT)
    if heat_record is not None:
        factor = use(HEAT_CODE, _source_name(heat_record))
        heat_t = _emissions(heat, _get(heat_record, "unit"), factor, _source_name(heat_record))
        lines.append({"source": ActivitySource.PURCHASED_HEAT.value, "fuel_code": "", "scope": 2,
                      "amount": text(heat), "unit": _get(heat_record, "unit"), "deducted": "0",
                      "counted": text(heat), "factor": HEAT_CODE, "emissions_t": text(heat_t)})

    # Scope 1: fuels, process.
    fuel_t = zero
    for record, amount in sorted(by_source.get(ActivitySource.FUEL, []),
                                 key=lambda pair: _get(pair[0], "fuel_code")):
        code = _get(record, "fuel_code")
        factor = use(code, code)
        emitted = _emissions(amount, _get(record, "unit"), factor, _get(factor, "name") or code)
        fuel_t += emitted
        lines.append({"source": ActivitySource.FUEL.value, "fuel_code": code, "scope": 1,
                      "amount": text(amount), "unit": _get(record, "unit"), "deducted": "0",
                      "counted": text(amount), "factor": code, "emissions_t": text(emitted)})
    direct = {}
    for source in DIRECT_SOURCES:
        record, amount = amount_of(source)
        if record is not None and _get(record, "unit") != T_CO2:
            raise CalculationError(_("「%(name)s」的单位应为tCO2。") % {"name": _source_name(record)})
        direct[source] = amount or zero
    process_t = direct[ActivitySource.PROCESS]
    if amount_of(ActivitySource.PROCESS)[0] is not None:
        lines.append({"source": ActivitySource.PROCESS.value, "fuel_code": "", "scope": 1,
                      "amount": text(process_t), "unit": T_CO2, "deducted": "0",
                      "counted": text(process_t), "factor": "", "emissions_t": text(process_t)})

    scope1 = fuel_t + process_t
    scope2 = electricity_t + heat_t
    gross = scope1 + scope2
    sinks = direct[ActivitySource.SINK]
    allowed = sinks_allowed(category_code)
    netted = sinks if allowed else zero
    total = gross - netted

    denominators = {key: _number(_get(activity, field)) for key, field in DENOMINATOR_FIELDS.items()}
    awareness = _number(_get(activity, AWARENESS_FIELD))
    return {
        "schema": SCHEMA,
        "year": year,
        "category": category_code,
        "unit": T_CO2,
        "sources": lines,
        "scope1_t": text(scope1),
        "scope1": {"fuel_t": text(fuel_t), "process_t": text(process_t)},
        "scope2_t": text(scope2),
        "scope2": {"electricity_t": text(electricity_t), "heat_t": text(heat_t)},
        "gross_t": text(gross),
        "sinks_t": text(sinks),
        "sinks_allowed": allowed,
        "sinks_netted_t": text(netted),
        "total_t": text(total),
        "electricity": {"purchased_kwh": text(purchased or zero), "green_kwh": text(green or zero),
                        "net_kwh": text((purchased or zero) - (green or zero)),
                        "onsite_renewable_kwh": text(onsite or zero)},
        "indicators": {i.code: _indicator(i, total, denominators, awareness, year)
                       for i in indicators},
        "factors": [snapshot(used[code], year) for code in sorted(used)],
    }


def _indicator(indicator, total: Decimal, denominators: dict, awareness, year) -> dict:
    entry = {"name": indicator.name, "kind": indicator.kind, "unit": indicator.unit,
             "denominator": indicator.denominator or "", "denominator_value": None,
             "value": None, "must_fall": indicator.kind != IndicatorKind.AWARENESS, "missing": ""}
    if indicator.kind == IndicatorKind.TOTAL:
        entry["value"] = text(total)
    elif indicator.kind == IndicatorKind.AWARENESS:
        if awareness is None:
            entry["missing"] = _("缺少%(year)s年居民绿色低碳意识调查结果。") % {"year": year}
        else:
            entry["value"] = text(awareness)
    else:
        scale = plan_rules.intensity_scale(indicator)
        denominator = denominators.get(indicator.denominator)
        entry["denominator_value"] = text(denominator)
        if scale is None:
            entry["missing"] = _("指标单位%(unit)s无法计算。") % {"unit": indicator.unit}
        elif denominator is None or denominator <= 0:
            name = Denominator(indicator.denominator).label
            entry["missing"] = _("缺少%(year)s年的%(name)s数据(应大于0)。") % {"year": year, "name": name}
        else:
            entry["value"] = text(plan_rules.rounded(total * scale / denominator,
                                                     INTENSITY_PLACES))
    return entry


def figures_for(project, activity_year, *, region=None) -> dict:
    """The figures of ``project``'s ``activity_year`` with the factors the rule picks today
    (``disclosure.factors``) and its category's indicators; CalculationError when they
    cannot be computed. Two queries (factors, indicators) besides the records, unless
    prefetched."""
    region = region or library.PILOT_REGION
    chosen = library.factors_for(codes_needed(activity_year), region, activity_year.year)
    category = project.category
    return calculate(activity_year, list(category.indicators.all()), chosen,
                     category_code=category.code)
