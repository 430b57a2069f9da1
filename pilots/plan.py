"""The creation plan (创建方案): its structure (schema 2), the conversion from schema 1, and the
check that its figures are complete and make sense together.

A plan is a JSON document stored on the project while it is drafted and frozen into a
PlanVersion when submitted. Schema 2 looks like this (every amount is a decimal string,
"" when empty; years are integers or None)::

    {"schema": 2,
     "overview": {"location": "…", "boundary": "…", "area_km2": "2.5", "key_park": 3 | None},
     "denominators": {"population": {"2024": "12000", "2026": ""}},  # per year; baseline year required
     "baseline": {"year": 2024, "total_emissions_t": "36800",
                  "energy_mix": {"electricity": "62", "coal": "8"}},       # shares in %
     "targets": {"per_capita": {"target": "2.6",                         # no baseline: see below
                                "milestones": {"2025": "2.9", "2026": "2.75", "2027": "2.6"}},
                 "awareness": {"baseline": "60", "target": "90", "milestones": {…}},
                 "total": {"target": "31280", "milestones": {…}}},
     "tasks": [{"id": "t1", "field": "energy", "measure": "…", "expected_result": "…",
                "investment_wan_yuan": "1200", "start_year": 2025, "end_year": 2026}],
     "task_seq": 1,               # the highest task number handed out: ids are never reused
     "investment": {"total_wan_yuan": "4800", "support_sought": ["green_credit"]},
     "schedule": {"start_year": 2025, "end_year": 2027},
     "safeguards": "…",
     "eligibility": {"confirmed": ["boundary_clear"]}}

The baseline total emissions is entered once, in ``baseline``; the total-emissions
indicator takes its baseline from there, and an intensity indicator's baseline is computed
from it: baseline total ÷ the baseline year's denominator (× 1000 when the indicator counts
kilograms). Only an indicator that cannot be computed (residents' awareness) types its
baseline. A schema-1 plan, or a version frozen before that, may carry typed baselines:
reading it shows them as they were submitted (``keep_typed_baselines``).

A milestone is set for every year of the construction term; the last one is the target.

``problems()`` lists every missing or inconsistent piece at once, each keyed by the path
of the value it belongs to (``targets.total.milestones.2027``), so the editor can show it
next to that input and a review opinion can point at the same path.
"""
import copy
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .choices import Denominator, EnergySource, IndicatorKind, Support, TaskField

SCHEMA = 2
MIN_TASK_FIELDS = 3
MIN_MEASURE_CHARS = 10  # a measure shorter than this says nothing one could check
MAX_TASKS = 100
MAX_TERM_YEARS = 10  # a longer term could not be laid out year by year in the editor
BASELINE_EARLIEST_YEAR = 2015

# Eligibility conditions whose codes the plan checks against its own figures.
KEY_PARK_CONDITION = "key_park"  # answered by naming a park on the key park list
CLEAN_ENERGY_CONDITION = "clean_energy"  # the energy mix is mainly clean energy
CLEAN_SOURCES = (EnergySource.ELECTRICITY, EnergySource.NATURAL_GAS, EnergySource.RENEWABLE)
CLEAN_MAJORITY = Decimal(50)

# Kilograms or tonnes: what an intensity indicator's unit counts emissions in, as a
# multiple of the tonnes of the baseline total.
NUMERATOR_SCALE = {"吨二氧化碳": Decimal(1), "千克二氧化碳": Decimal(1000)}
FIXED_DIGITS_MAX = 100  # a number longer than this written out is kept as its text


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def empty_plan() -> dict:
    return {
        "schema": SCHEMA,
        "overview": {"location": "", "boundary": "", "area_km2": "", "key_park": None},
        "denominators": {},
        "baseline": {"year": None, "total_emissions_t": "", "energy_mix": {}},
        "targets": {},
        "tasks": [],
        "task_seq": 0,
        "investment": {"total_wan_yuan": "", "support_sought": []},
        "schedule": {"start_year": None, "end_year": None},
        "safeguards": "",
        "eligibility": {"confirmed": []},
    }


def empty_task(task_id: str) -> dict:
    return {"id": task_id, "field": "", "measure": "", "expected_result": "",
            "investment_wan_yuan": "", "start_year": None, "end_year": None}


# --- Numbers ------------------------------------------------------------------

def number(value) -> Decimal | None:
    """A finite Decimal from a stored value (string, int, float), else None."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def _fixed(parsed: Decimal, spec: str = "f") -> str | None:
    """``parsed`` written out without exponent or trailing zeros ("-0.5", "36,800" with
    ``spec=",f"``); None when that would be absurdly long (1E+999999)."""
    if parsed.adjusted() >= FIXED_DIGITS_MAX or parsed.adjusted() <= -FIXED_DIGITS_MAX:
        return None
    if parsed == 0:
        parsed = Decimal(0)  # no "-0"
    text = format(parsed, spec)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def decimal_text(value) -> str:
    """How the plan stores a number: "2.5", "36800", "0.75", "-0.5"; "" for none.

    Exact whatever its size (no rounding to the decimal context). A value that is not a
    number is kept as its text, so nothing typed is lost.
    """
    if value is None or value == "":
        return ""
    parsed = number(value)
    text = _fixed(parsed) if parsed is not None else None
    return str(value) if text is None else text


def year_of(value) -> int | None:
    parsed = number(value)
    if parsed is None or parsed != parsed.to_integral_value():
        return None
    return int(parsed)


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _dict(value) -> dict:
    """A section of the plan as a dict: one of another shape (a list, a number) reads as empty."""
    return value if isinstance(value, dict) else {}


# --- Numbers as read, units, amounts ----------------------------------------------------

# Units of the plan's own figures: (Chinese, English). Like the reference rows' name and
# name_en, a unit symbol has one fixed form per language.
UNITS = {
    "km2": ("平方公里", "km²"),
    "t_co2": ("吨二氧化碳", "tCO₂"),
    "people": ("人", "people"),
    "m2": ("平方米", "m²"),
}
WAN_YUAN = "wan_yuan"  # 万元: ten thousand yuan, written out as an amount in English
# The unit each denominator is counted in, as the intensity indicators divide by it.
DENOMINATOR_UNITS = {
    Denominator.POPULATION: "people",
    Denominator.FLOOR_AREA: "m2",
    Denominator.OUTPUT_VALUE: WAN_YUAN,
    Denominator.VALUE_ADDED: WAN_YUAN,
}


def _english() -> bool:
    return (get_language() or "").startswith("en")


def number_text(value) -> str:
    """A number as typed into a form: 2.5, 36800, 0.75 (no exponent, no grouping)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    return decimal_text(value)


def number_display(value) -> str:
    """A number as read: 36800 in Chinese, 36,800 in English."""
    parsed = number(value)
    if parsed is None:
        return number_text(value)
    if not _english():
        return decimal_text(parsed)
    return _fixed(parsed, ",f") or decimal_text(value)


def unit_text(unit_key) -> str:
    chinese, english = UNITS[unit_key]
    return english if _english() else chinese


def money_text(wan_yuan) -> str:
    """An amount in 万元: "4800 万元" in Chinese, "CNY 48 million" in English."""
    parsed = number(wan_yuan)
    if parsed is None:
        return number_text(wan_yuan)
    if not _english():
        return f"{number_display(parsed)} 万元"
    yuan = parsed * 10000
    for size, word in ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")):
        if abs(yuan) >= size:
            return f"CNY {number_display(yuan / size)} {word}"
    return f"CNY {number_display(yuan)}"


def quantity_text(value, unit_key) -> str:
    """A figure with its unit (an amount when the unit is 万元); "" when empty."""
    if value is None or value == "":
        return ""
    if unit_key == WAN_YUAN:
        return money_text(value)
    return f"{number_display(value)} {unit_text(unit_key)}" if unit_key else number_display(value)


# --- Reading a plan ---------------------------------------------------------------

def is_schema_2(plan) -> bool:
    return isinstance(plan, dict) and plan.get("schema") == SCHEMA


def tasks_of(plan) -> list[dict]:
    tasks = plan.get("tasks") if isinstance(plan, dict) else None
    return [t for t in tasks if isinstance(t, dict)] if isinstance(tasks, list) else []


def task_name(task_id) -> str:
    """How a person names a task item: t3 is 任务3."""
    text = str(task_id or "")
    return _("任务%(n)s") % {"n": text[1:] if text.startswith("t") else text}


def key_park_id(value) -> int | None:
    """The primary key of the key park a plan names (None for none, or for a stored value
    that is no key)."""
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    return int(text) if text.isdecimal() and len(text) < 12 else None


def denominator_value(plan, key, year) -> Decimal | None:
    by_year = _dict(plan.get("denominators")).get(key)
    if not isinstance(by_year, dict) or year is None:
        return None
    return number(by_year.get(str(year)))


def intensity_scale(indicator) -> Decimal | None:
    """What baseline total ÷ denominator is multiplied by to give this indicator's unit."""
    if not indicator.denominator or indicator.kind != IndicatorKind.INTENSITY:
        return None
    return NUMERATOR_SCALE.get(indicator.unit.split("/")[0])


def baseline_is_derived(indicator) -> bool:
    """Whether the plan does not type this indicator's baseline: the total's is the baseline
    total, an intensity's is computed from it."""
    return indicator.kind == IndicatorKind.TOTAL or intensity_scale(indicator) is not None


def derived_baseline_codes(indicators) -> set[str]:
    return {i.code for i in indicators if baseline_is_derived(i)}


def computed_intensity(plan, indicator) -> Decimal | None:
    """Baseline total ÷ the baseline year's denominator, in the indicator's unit (or None)."""
    scale = intensity_scale(indicator)
    baseline = _dict(plan.get("baseline"))
    total = number(baseline.get("total_emissions_t"))
    denominator = denominator_value(plan, indicator.denominator, year_of(baseline.get("year")))
    if scale is None or total is None or not denominator or denominator <= 0:
        return None
    return total * scale / denominator


def indicator_baseline(plan, indicator) -> Decimal | None:
    """The baseline an indicator's target and milestones are held against: the baseline
    total, the computed intensity (as shown, 4 decimals), or the typed value."""
    if indicator.kind == IndicatorKind.TOTAL:
        return number(_dict(plan.get("baseline")).get("total_emissions_t"))
    if intensity_scale(indicator) is not None:
        computed = computed_intensity(plan, indicator)
        return rounded(computed) if computed is not None else None
    return number(_dict(_dict(plan.get("targets")).get(indicator.code)).get("baseline"))


def rounded(value: Decimal, places: int = 4) -> Decimal:
    """A computed figure as it is shown: at most ``places`` decimals, no trailing zeros."""
    try:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # too many digits to round in the decimal context
        return value
    return number(decimal_text(value))


# --- Changing a plan's task items ---------------------------------------------------

def task_seq(plan: dict) -> int:
    """The highest task number this plan has handed out."""
    used = [int(t["id"][1:]) for t in tasks_of(plan)
            if isinstance(t.get("id"), str) and t["id"][1:].isdecimal() and len(t["id"]) < 12]
    seq = plan.get("task_seq")
    return max([seq if isinstance(seq, int) and not isinstance(seq, bool) else 0, *used])


def next_task_id(plan: dict) -> str:
    """A new task id, never used before in this plan (``task_seq`` only grows)."""
    plan["task_seq"] = task_seq(plan) + 1
    return f"t{plan['task_seq']}"


def add_task(plan: dict) -> str:
    """Append an empty task item; returns its id."""
    task_id = next_task_id(plan)
    plan.setdefault("tasks", []).append(empty_task(task_id))
    return task_id


def remove_task(plan: dict, task_id: str) -> bool:
    """Remove one task item (its id stays used); whether it was there."""
    before = tasks_of(plan)
    plan["tasks"] = [t for t in before if t.get("id") != task_id]
    return len(plan["tasks"]) != len(before)


# --- Schema 1 → 2 ------------------------------------------------------------------

def upgrade(plan, *, derived_codes=("total",), fallback_year=None,
            keep_typed_baselines=False) -> dict:
    """The plan in schema 2. ``plan`` is never changed.

    Schema 1 kept one text per task field, the denominators once under ``overview``,
    numbers as JSON numbers and typed every indicator's baseline, the total emissions
    twice. Each field's text becomes one task item; the denominators are dated to the
    baseline year (or ``fallback_year`` when the draft has none); the typed baselines of
    ``derived_codes`` (the total, the computed intensities) are dropped, unless
    ``keep_typed_baselines`` (a frozen version shown as it was submitted). Keys schema 1
    did not know are kept.

    A schema-2 plan comes back as a copy whose sections have the shapes the code reads:
    a section, target or milestone list of another shape (the data was edited by hand)
    reads as empty rather than failing.
    """
    if not isinstance(plan, dict):
        return empty_plan()
    if is_schema_2(plan):
        return _well_formed(copy.deepcopy(plan))
    old = copy.deepcopy(plan)
    new = empty_plan()
    new.update({k: v for k, v in old.items() if k not in new})  # e.g. frozen attachments

    overview = _dict(old.get("overview"))
    old_denominators = overview.pop("denominators", None)
    new["overview"].update(overview)
    new["overview"]["area_km2"] = decimal_text(overview.get("area_km2"))
    new["overview"].setdefault("key_park", None)

    baseline = _dict(old.get("baseline"))
    new["baseline"].update(baseline)
    base_year = year_of(baseline.get("year"))
    new["baseline"]["year"] = base_year
    new["baseline"]["total_emissions_t"] = decimal_text(baseline.get("total_emissions_t"))
    new["baseline"]["energy_mix"] = {
        str(source): decimal_text(share)
        for source, share in _dict(baseline.get("energy_mix")).items()}

    year = base_year or fallback_year
    if isinstance(old_denominators, dict) and year is not None:
        new["denominators"] = {str(key): {str(year): decimal_text(value)}
                               for key, value in old_denominators.items()}

    for code, entry in _dict(old.get("targets")).items():
        if not isinstance(entry, dict):
            continue
        target = {"baseline": decimal_text(entry.get("baseline")),
                  "target": decimal_text(entry.get("target")),
                  "milestones": {str(y): decimal_text(v)
                                 for y, v in _dict(entry.get("milestones")).items()}}
        if code in derived_codes and not keep_typed_baselines:
            del target["baseline"]
        new["targets"][str(code)] = target

    old_tasks = _dict(old.get("tasks"))
    for field in TaskField.values:
        text = old_tasks.get(field)
        if _text(text):
            task = empty_task(next_task_id(new))
            task.update(field=field, measure=text.strip())
            new["tasks"].append(task)

    investment = _dict(old.get("investment"))
    new["investment"].update(investment)
    new["investment"]["total_wan_yuan"] = decimal_text(investment.get("total_wan_yuan"))
    new["investment"]["support_sought"] = _codes(investment.get("support_sought"))

    schedule = _dict(old.get("schedule"))
    new["schedule"] = {"start_year": year_of(schedule.get("start_year")),
                       "end_year": year_of(schedule.get("end_year"))}
    safeguards = old.get("safeguards")
    new["safeguards"] = safeguards if isinstance(safeguards, str) else ""
    return new


def _codes(value) -> list[str]:
    """A list of choice codes as stored; a single code stored as a string is one code."""
    if isinstance(value, str):
        return [value] if value else []
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _well_formed(plan: dict) -> dict:
    """``plan`` (schema 2) with every section of the shape ``empty_plan()`` gives it."""
    for key, empty in empty_plan().items():
        if key not in plan or not isinstance(plan[key], type(empty)) \
                or isinstance(plan[key], bool):
            plan[key] = empty
    for key in ("overview", "baseline", "investment", "schedule", "eligibility"):
        for inner, empty in empty_plan()[key].items():
            plan[key].setdefault(inner, empty)
    plan["baseline"]["energy_mix"] = _dict(plan["baseline"]["energy_mix"])
    plan["denominators"] = {k: v for k, v in plan["denominators"].items() if isinstance(v, dict)}
    plan["targets"] = {k: v for k, v in plan["targets"].items() if isinstance(v, dict)}
    for entry in plan["targets"].values():
        entry["milestones"] = _dict(entry.get("milestones"))
    plan["tasks"] = tasks_of(plan)
    plan["investment"]["support_sought"] = _codes(plan["investment"]["support_sought"])
    plan["eligibility"]["confirmed"] = _codes(plan["eligibility"]["confirmed"])
    return plan


# --- Plausibility bounds -------------------------------------------------------------

def bounds(category_code: str, measure: str) -> tuple[Decimal, Decimal] | None:
    """The plausible (least, most) ``measure`` of a pilot of the category, from settings."""
    table = getattr(settings, "PLAN_BOUNDS", {})
    limits = (table.get(category_code) or {}).get(measure) or (table.get("*") or {}).get(measure)
    if not limits:
        return None
    return Decimal(str(limits[0])), Decimal(str(limits[1]))


# --- The check ---------------------------------------------------------------------

def required_denominators(indicators, targets=None) -> list[str]:
    """Denominators the plan must state: those of its indicators; of an alternative group,
    those of the alternatives the plan sets a target for."""
    targets = targets or {}
    needed = []
    for indicator in indicators:
        if not indicator.denominator:
            continue
        if indicator.alternative_group and not targets.get(indicator.code):
            continue
        needed.append(indicator.denominator)
    return list(dict.fromkeys(needed))


def problems(plan: dict, category) -> list[Problem]:
    """Every missing or inconsistent piece of ``plan`` for ``category``, in page order."""
    indicators = list(category.indicators.all())
    plan = upgrade(plan, derived_codes=derived_baseline_codes(indicators))
    conditions = [c for c in category.eligibility_conditions.all() if c.is_active]
    required = {c.code for c in conditions if c.required}
    found: list[Problem] = []

    def need(field, message):
        found.append(Problem(field, message))

    overview = plan["overview"]
    if not _text(overview.get("location")):
        need("overview.location", _("请填写项目位置。"))
    if not _text(overview.get("boundary")):
        need("overview.boundary", _("请说明试点边界范围。"))
    area = number(overview.get("area_km2"))
    if area is None or area <= 0:
        need("overview.area_km2", _("请填写大于0的占地面积(平方公里)。"))
    else:
        found.extend(_out_of_bounds("overview.area_km2", category, "area_km2", area,
                                    _("占地面积"), "km2"))
    if KEY_PARK_CONDITION in required:  # a preferred (优先) condition is not a reason to refuse
        found.extend(_key_park_problems(overview.get("key_park")))

    baseline = plan["baseline"]
    base_year = year_of(baseline.get("year"))
    for key in required_denominators(indicators, plan["targets"]):
        name = Denominator(key).label
        value = denominator_value(plan, key, base_year)
        field = f"denominators.{key}.{base_year}" if base_year else f"denominators.{key}"
        if value is None or value <= 0:
            need(field, _("请填写基准年%(name)s(大于0)。") % {"name": name})
        elif key in (Denominator.POPULATION, Denominator.FLOOR_AREA):
            found.extend(_out_of_bounds(field, category, key, value, name,
                                        DENOMINATOR_UNITS[key]))

    this_year = timezone.localdate().year
    if base_year is None or not BASELINE_EARLIEST_YEAR <= base_year <= this_year:
        need("baseline.year", _("基准年应在%(first)s年至%(last)s年之间。")
             % {"first": BASELINE_EARLIEST_YEAR, "last": this_year})
    total = number(baseline.get("total_emissions_t"))
    if total is None or total <= 0:
        need("baseline.total_emissions_t", _("请填写基准年碳排放总量(吨二氧化碳)。"))
    found.extend(_energy_mix_problems(baseline["energy_mix"],
                                      CLEAN_ENERGY_CONDITION in required))

    schedule = plan["schedule"]
    start, end = year_of(schedule.get("start_year")), year_of(schedule.get("end_year"))
    if start is None or end is None:
        need("schedule", _("请填写建设起止年份。"))
        start = end = None
    elif end <= start:
        need("schedule", _("建设结束年份应晚于开始年份。"))
        start = end = None
    elif end - start >= MAX_TERM_YEARS:
        need("schedule", _("建设期不应超过%(n)s年。") % {"n": MAX_TERM_YEARS})
        start = end = None
    elif base_year is not None and base_year >= start:
        need("baseline.year", _("基准年应早于建设开始年份(%(start)s年)。") % {"start": start})

    found.extend(_target_problems(plan, indicators, start, end))
    found.extend(_task_problems(tasks_of(plan), start, end))

    investment = plan["investment"]
    money = number(investment.get("total_wan_yuan"))
    if money is None or money <= 0:
        need("investment.total_wan_yuan", _("请填写计划总投资(万元)。"))
    else:
        spent = sum((number(t.get("investment_wan_yuan")) or 0 for t in tasks_of(plan)),
                    Decimal(0))
        if spent > money:
            need("investment.total_wan_yuan",
                 _("各项任务投资合计%(sum)s，超过计划总投资%(total)s。")
                 % {"sum": money_text(spent), "total": money_text(money)})
    unknown = [s for s in investment["support_sought"] if s not in Support.values]
    if unknown:
        need("investment.support_sought", _("申请的资金支持类型无效。"))

    if not _text(plan.get("safeguards")):
        need("safeguards", _("请填写组织实施与保障措施。"))

    confirmed = set(plan["eligibility"]["confirmed"])
    for condition in conditions:
        if condition.required and condition.code != KEY_PARK_CONDITION \
                and condition.code not in confirmed:
            need(f"eligibility.{condition.code}",
                 _("请确认遴选条件：%(text)s") % {"text": str(condition)})
    return found


def _out_of_bounds(field, category, measure, value, name, unit_key) -> list[Problem]:
    limits = bounds(category.code, measure)
    if limits is None or limits[0] <= value <= limits[1]:
        return []
    return [Problem(field, _("%(name)s%(value)s不在%(category)s的合理范围(%(low)s至%(high)s)内，"
                             "请核对数值和单位。")
                    % {"name": name, "value": quantity_text(value, unit_key),
                       "category": category.label, "low": number_display(limits[0]),
                       "high": quantity_text(limits[1], unit_key)})]


def _key_park_problems(key_park) -> list[Problem]:
    field = "overview.key_park"
    if key_park in (None, ""):
        return [Problem(field, _("请选择园区所在的自治区级及以上重点产业园区。"))]
    park = apps.get_model("pilots", "KeyPark").objects.filter(pk=key_park_id(key_park)).first()
    if park is None or not park.is_listed:
        return [Problem(field, _("所选园区不在自治区级及以上重点产业园区名录内，不能申报园区试点。"))]
    return []


def _energy_mix_problems(mix, clean_required) -> list[Problem]:
    field = "baseline.energy_mix"
    shares = {s: number(mix.get(s)) for s in EnergySource.values if mix.get(s) not in (None, "")}
    if not shares or any(v is None or v < 0 for v in shares.values()):
        return [Problem(field, _("请填写基准年能源结构(各类能源占比，单位%)。"))]
    added = sum(shares.values())
    if abs(added - 100) > Decimal("0.5"):
        return [Problem(field, _("能源结构各项占比之和应为100%%，当前为%(sum)s%%。")
                        % {"sum": decimal_text(added)})]
    clean = sum((shares.get(s) or 0 for s in CLEAN_SOURCES), Decimal(0))
    if clean_required and clean <= CLEAN_MAJORITY:
        return [Problem(field, _("能源结构应以电力、天然气等清洁能源为主：外购电力、天然气和"
                                 "可再生能源合计%(share)s%%，未超过50%%。")
                        % {"share": decimal_text(clean)})]
    return []


def _target_problems(plan, indicators, start, end) -> list[Problem]:
    targets = plan["targets"]
    found = []
    groups: dict[str, list] = {}
    for indicator in indicators:
        if indicator.alternative_group:
            groups.setdefault(indicator.alternative_group, []).append(indicator)
    for indicator in indicators:
        entry = targets.get(indicator.code)
        if indicator.alternative_group and not entry:
            continue  # checked per group below
        field = f"targets.{indicator.code}"
        name = indicator.label
        if not entry:
            found.append(Problem(f"{field}.target",
                                 _("请为指标「%(name)s」设定目标。") % {"name": name}))
            continue
        goal = number(entry.get("target"))
        # The total's baseline is the baseline total and an intensity's is computed from
        # it: when they are missing, that is said at their own inputs.
        base = indicator_baseline(plan, indicator)
        if base is None and not baseline_is_derived(indicator):
            found.append(Problem(f"{field}.baseline",
                                 _("请填写指标「%(name)s」的基准值。") % {"name": name}))
        if goal is None:
            found.append(Problem(f"{field}.target",
                                 _("请填写指标「%(name)s」的目标值。") % {"name": name}))
        elif base is not None:
            if indicator.must_fall and goal >= base:
                found.append(Problem(f"{field}.target",
                                     _("指标「%(name)s」的目标值应低于基准值(%(base)s)。")
                                     % {"name": name, "base": decimal_text(base)}))
                goal = None  # a wrong target is not also held against the milestones
            elif not indicator.must_fall and goal <= base:
                found.append(Problem(f"{field}.target",
                                     _("指标「%(name)s」的目标值应高于基准值(%(base)s)。")
                                     % {"name": name, "base": decimal_text(base)}))
                goal = None
        found.extend(_milestone_problems(field, indicator, entry["milestones"],
                                         base, goal, start, end))
    for members in groups.values():
        if not any(targets.get(i.code) for i in members):
            names = _("或").join(i.label for i in members)
            found.append(Problem(f"targets.{members[0].code}.target",
                                 _("请为「%(names)s」至少设定一项目标。") % {"names": names}))
    return found


def _milestone_problems(field, indicator, milestones, base, goal, start, end) -> list[Problem]:
    """A milestone for each year of the term (start to end), each on its own input: falling
    steadily from the baseline (rising, for awareness), the end year's equal to the target."""
    name = indicator.label
    years = {}
    for key, raw in milestones.items():
        year = year_of(key)
        if year is None:
            return [Problem(f"{field}.milestones",
                            _("指标「%(name)s」的逐年目标年份无效。") % {"name": name})]
        years[year] = number(raw)
    found = [Problem(f"{field}.milestones.{y}",
                     _("指标「%(name)s」%(year)s年的逐年目标须为数字。") % {"name": name, "year": y})
             for y, v in sorted(years.items()) if v is None]
    if found:
        return found
    if start is None or end is None:  # the term is not known: said at the schedule
        if not years:
            return [Problem(f"{field}.milestones",
                            _("指标「%(name)s」需填写逐年目标。") % {"name": name})]
        return _steady_problems(field, indicator, sorted(years.items()), base)
    outside = sorted(y for y in years if not start <= y <= end)
    if outside:
        return [Problem(f"{field}.milestones.{outside[0]}",
                        _("指标「%(name)s」的逐年目标年份应在建设期(%(start)s年至%(end)s年)内："
                          "%(years)s。")
                        % {"name": name, "start": start, "end": end,
                           "years": _("、").join(_("%(year)s年") % {"year": y} for y in outside)})]
    if not years:
        return [Problem(f"{field}.milestones.{start}",
                        _("请填写指标「%(name)s」建设期内每年的逐年目标(%(start)s年至%(end)s年)。")
                        % {"name": name, "start": start, "end": end})]
    found = [Problem(f"{field}.milestones.{y}",
                     _("请填写指标「%(name)s」%(year)s年的逐年目标。") % {"name": name, "year": y})
             for y in range(start, end + 1) if y not in years]
    found += _steady_problems(field, indicator, sorted(years.items()), base)
    last = f"{field}.milestones.{end}"
    if goal is not None and years.get(end) is not None and years[end] != goal \
            and all(p.field != last for p in found):
        found.append(Problem(last,
                             _("指标「%(name)s」建设期末(%(year)s年)的逐年目标应等于目标值%(goal)s。")
                             % {"name": name, "year": end, "goal": decimal_text(goal)}))
    return sorted(found, key=lambda p: p.field)


def _steady_problems(field, indicator, years, base) -> list[Problem]:
    """Each milestone that rises above the one before it (falls, for awareness), on its year."""
    found = []
    previous = (None, base)
    for year, value in years:
        before_year, before = previous
        if before is not None:
            wrong = value > before if indicator.must_fall else value < before
            if wrong:
                found.append(Problem(f"{field}.milestones.{year}",
                                     _steady_message(indicator, year, value, before_year, before)))
        previous = (year, value)
    return found


def _steady_message(indicator, year, value, before_year, before) -> str:
    values = {"name": indicator.label, "year": year, "value": decimal_text(value),
              "before_year": before_year, "before": decimal_text(before)}
    if indicator.must_fall:
        if before_year is None:
            return _("指标「%(name)s」应逐年稳步下降：%(year)s年的目标%(value)s高于基准值%(before)s。") % values
        return _("指标「%(name)s」应逐年稳步下降：%(year)s年的目标%(value)s高于%(before_year)s年的"
                 "%(before)s。") % values
    if before_year is None:
        return _("指标「%(name)s」应逐年稳步提升：%(year)s年的目标%(value)s低于基准值%(before)s。") % values
    return _("指标「%(name)s」应逐年稳步提升：%(year)s年的目标%(value)s低于%(before_year)s年的"
             "%(before)s。") % values


def _task_problems(tasks, start, end) -> list[Problem]:
    found = []
    for task in tasks:
        task_id = task.get("id")
        path, name = f"tasks.{task_id}", task_name(task_id)
        if task.get("field") not in TaskField.values:
            found.append(Problem(f"{path}.field", _("请选择%(task)s所属的领域。") % {"task": name}))
        if len("".join(_text(task.get("measure")).split())) < MIN_MEASURE_CHARS:
            found.append(Problem(f"{path}.measure",
                                 _("请写明%(task)s的具体措施：做什么、做多少(不少于%(n)s个字)。")
                                 % {"task": name, "n": MIN_MEASURE_CHARS}))
        if not _text(task.get("expected_result")):
            found.append(Problem(f"{path}.expected_result",
                                 _("请填写%(task)s的预期成效。") % {"task": name}))
        money = task.get("investment_wan_yuan")
        if money not in (None, "") and (number(money) is None or number(money) < 0):
            found.append(Problem(f"{path}.investment_wan_yuan",
                                 _("%(task)s的投资应为不小于0的数字(万元)。") % {"task": name}))
        first, last = year_of(task.get("start_year")), year_of(task.get("end_year"))
        if first is None or last is None:
            found.append(Problem(f"{path}.start_year",
                                 _("请填写%(task)s的实施起止年份。") % {"task": name}))
        elif last < first:
            found.append(Problem(f"{path}.end_year",
                                 _("%(task)s的结束年份应不早于开始年份。") % {"task": name}))
        elif start is not None and end is not None and not start <= first <= last <= end:
            found.append(Problem(f"{path}.start_year",
                                 _("%(task)s的实施年份应在建设期(%(start)s年至%(end)s年)内。")
                                 % {"task": name, "start": start, "end": end}))
    covered = {t.get("field") for t in tasks
               if t.get("field") in TaskField.values and _text(t.get("measure"))}
    if len(covered) < MIN_TASK_FIELDS:
        found.append(Problem("tasks", _("请至少在%(n)s个领域填写重点任务和措施。")
                             % {"n": MIN_TASK_FIELDS}))
    return found
