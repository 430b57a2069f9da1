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
     "targets": {"per_capita": {"baseline": "3.07", "target": "2.6",
                                "milestones": {"2025": "2.9", "2026": "2.75"}},
                 "total": {"target": "31280", "milestones": {…}}},         # no baseline: see below
     "tasks": [{"id": "t1", "field": "energy", "measure": "…", "expected_result": "…",
                "investment_wan_yuan": "1200", "start_year": 2025, "end_year": 2026}],
     "task_seq": 1,               # the highest task number handed out: ids are never reused
     "investment": {"total_wan_yuan": "4800", "support_sought": ["green_credit"]},
     "schedule": {"start_year": 2025, "end_year": 2027},
     "safeguards": "…",
     "eligibility": {"confirmed": ["boundary_clear"]}}

The baseline total emissions is entered once, in ``baseline``; the total-emissions
indicator takes its baseline from there. An intensity indicator's baseline is typed and
must equal baseline total ÷ the baseline year's denominator, within rounding.

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
BASELINE_EARLIEST_YEAR = 2015

# Eligibility conditions whose codes the plan checks against its own figures.
KEY_PARK_CONDITION = "key_park"  # answered by naming a park on the key park list
CLEAN_ENERGY_CONDITION = "clean_energy"  # the energy mix is mainly clean energy
CLEAN_SOURCES = (EnergySource.ELECTRICITY, EnergySource.NATURAL_GAS, EnergySource.RENEWABLE)
CLEAN_MAJORITY = Decimal(50)

# Kilograms or tonnes: what an intensity indicator's unit counts emissions in, as a
# multiple of the tonnes of the baseline total.
NUMERATOR_SCALE = {"吨二氧化碳": Decimal(1), "千克二氧化碳": Decimal(1000)}
TASK_KEYS = ("id", "field", "measure", "expected_result", "investment_wan_yuan",
             "start_year", "end_year")


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


def decimal_text(value) -> str:
    """How the plan stores a number: "2.5", "36800", "0.75"; "" for none.

    A value that is not a number is kept as its text, so nothing typed is lost.
    """
    if value is None or value == "":
        return ""
    parsed = number(value)
    if parsed is None:
        return str(value)
    if parsed == parsed.to_integral_value():
        return str(parsed.quantize(Decimal(1)))
    return format(parsed.normalize(), "f")


def year_of(value) -> int | None:
    parsed = number(value)
    if parsed is None or parsed != parsed.to_integral_value():
        return None
    return int(parsed)


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


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
    text = decimal_text(parsed)
    if not _english():
        return text
    whole, _dot, fraction = text.partition(".")
    grouped = format(int(whole), ",")
    return f"{grouped}.{fraction}" if fraction else grouped


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


def denominator_value(plan, key, year) -> Decimal | None:
    by_year = (plan.get("denominators") or {}).get(key)
    if not isinstance(by_year, dict) or year is None:
        return None
    return number(by_year.get(str(year)))


def total_indicator_codes(indicators) -> set[str]:
    return {i.code for i in indicators if i.kind == IndicatorKind.TOTAL}


def intensity_scale(indicator) -> Decimal | None:
    """What baseline total ÷ denominator is multiplied by to give this indicator's unit."""
    if not indicator.denominator or indicator.kind != IndicatorKind.INTENSITY:
        return None
    return NUMERATOR_SCALE.get(indicator.unit.split("/")[0])


def computed_intensity(plan, indicator) -> Decimal | None:
    """Baseline total ÷ the baseline year's denominator, in the indicator's unit (or None)."""
    scale = intensity_scale(indicator)
    baseline = plan.get("baseline") or {}
    total = number(baseline.get("total_emissions_t"))
    denominator = denominator_value(plan, indicator.denominator, year_of(baseline.get("year")))
    if scale is None or total is None or not denominator or denominator <= 0:
        return None
    return total * scale / denominator


def rounded(value: Decimal, places: int = 4) -> Decimal:
    """A computed figure as it is shown: at most ``places`` decimals, no trailing zeros."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP).normalize()


def within_rounding(typed: Decimal, computed: Decimal) -> bool:
    """Whether ``typed`` is ``computed`` rounded to the digits typed (or within 0.5 %)."""
    half_last_digit = Decimal(5).scaleb(typed.normalize().as_tuple().exponent - 1)
    return abs(typed - computed) <= max(half_last_digit, abs(computed) * Decimal("0.005"))


# --- Changing a plan's task items ---------------------------------------------------

def task_seq(plan: dict) -> int:
    """The highest task number this plan has handed out."""
    used = [int(t["id"][1:]) for t in tasks_of(plan)
            if isinstance(t.get("id"), str) and t["id"][1:].isdigit()]
    return max([plan.get("task_seq") or 0, *used])


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

def upgrade(plan, *, total_codes=("total",), fallback_year=None, keep_total_baseline=False) -> dict:
    """The plan in schema 2. A schema-2 plan comes back as a copy; ``plan`` is never changed.

    Schema 1 kept one text per task field, the denominators once under ``overview``,
    numbers as JSON numbers and the total emissions twice (in ``baseline`` and as the
    total indicator's baseline). Each field's text becomes one task item; the
    denominators are dated to the baseline year (or ``fallback_year`` when the draft has
    none); the total indicator's typed baseline is dropped, unless
    ``keep_total_baseline`` (a frozen version shown as it was submitted). Keys schema 1
    did not know are kept.
    """
    if not isinstance(plan, dict):
        return empty_plan()
    if is_schema_2(plan):
        return copy.deepcopy(plan)
    old = copy.deepcopy(plan)
    new = empty_plan()
    new.update({k: v for k, v in old.items() if k not in new})  # e.g. frozen attachments

    overview = old.get("overview") if isinstance(old.get("overview"), dict) else {}
    old_denominators = overview.pop("denominators", None) or {}
    new["overview"].update(overview)
    new["overview"]["area_km2"] = decimal_text(overview.get("area_km2"))
    new["overview"].setdefault("key_park", None)

    baseline = old.get("baseline") if isinstance(old.get("baseline"), dict) else {}
    new["baseline"].update(baseline)
    base_year = year_of(baseline.get("year"))
    new["baseline"]["year"] = base_year
    new["baseline"]["total_emissions_t"] = decimal_text(baseline.get("total_emissions_t"))
    new["baseline"]["energy_mix"] = {
        source: decimal_text(share) for source, share in (baseline.get("energy_mix") or {}).items()}

    year = base_year or fallback_year
    if isinstance(old_denominators, dict) and year is not None:
        new["denominators"] = {key: {str(year): decimal_text(value)}
                               for key, value in old_denominators.items()}

    for code, entry in (old.get("targets") or {}).items():
        if not isinstance(entry, dict):
            continue
        target = {"baseline": decimal_text(entry.get("baseline")),
                  "target": decimal_text(entry.get("target")),
                  "milestones": {str(y): decimal_text(v)
                                 for y, v in (entry.get("milestones") or {}).items()}}
        if code in total_codes and not keep_total_baseline:
            del target["baseline"]
        new["targets"][code] = target

    old_tasks = old.get("tasks") if isinstance(old.get("tasks"), dict) else {}
    for field in TaskField.values:
        text = old_tasks.get(field)
        if _text(text):
            task = empty_task(next_task_id(new))
            task.update(field=field, measure=text.strip())
            new["tasks"].append(task)

    investment = old.get("investment") if isinstance(old.get("investment"), dict) else {}
    new["investment"].update(investment)
    new["investment"]["total_wan_yuan"] = decimal_text(investment.get("total_wan_yuan"))
    new["investment"]["support_sought"] = list(investment.get("support_sought") or [])

    schedule = old.get("schedule") if isinstance(old.get("schedule"), dict) else {}
    new["schedule"] = {"start_year": year_of(schedule.get("start_year")),
                       "end_year": year_of(schedule.get("end_year"))}
    new["safeguards"] = old.get("safeguards") or ""
    return new


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
    if not is_schema_2(plan):
        plan = upgrade(plan, total_codes=total_indicator_codes(indicators))
    conditions = [c for c in category.eligibility_conditions.all() if c.is_active]
    found: list[Problem] = []

    def need(field, message):
        found.append(Problem(field, message))

    overview = plan.get("overview") or {}
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
    if any(c.code == KEY_PARK_CONDITION for c in conditions):
        found.extend(_key_park_problems(overview.get("key_park")))

    baseline = plan.get("baseline") or {}
    base_year = year_of(baseline.get("year"))
    for key in required_denominators(indicators, plan.get("targets") or {}):
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
    found.extend(_energy_mix_problems(baseline.get("energy_mix") or {}, conditions))

    schedule = plan.get("schedule") or {}
    start, end = year_of(schedule.get("start_year")), year_of(schedule.get("end_year"))
    if start is None or end is None:
        need("schedule", _("请填写建设起止年份。"))
        start = end = None
    elif end <= start:
        need("schedule", _("建设结束年份应晚于开始年份。"))
        start = end = None
    elif base_year is not None and base_year >= start:
        need("baseline.year", _("基准年应早于建设开始年份(%(start)s年)。") % {"start": start})

    found.extend(_target_problems(plan, indicators, total, start, end))
    found.extend(_task_problems(tasks_of(plan), start, end))

    investment = plan.get("investment") or {}
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
    unknown = [s for s in investment.get("support_sought") or [] if s not in Support.values]
    if unknown:
        need("investment.support_sought", _("申请的资金支持类型无效。"))

    if not _text(plan.get("safeguards")):
        need("safeguards", _("请填写组织实施与保障措施。"))

    confirmed = set((plan.get("eligibility") or {}).get("confirmed") or [])
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
    park = apps.get_model("pilots", "KeyPark").objects.filter(
        pk=key_park if str(key_park).isdigit() else None).first()
    if park is None or not park.is_listed:
        return [Problem(field, _("所选园区不在自治区级及以上重点产业园区名录内，不能申报园区试点。"))]
    return []


def _energy_mix_problems(mix, conditions) -> list[Problem]:
    field = "baseline.energy_mix"
    shares = {s: number(mix.get(s)) for s in EnergySource.values if mix.get(s) not in (None, "")}
    if not shares or any(v is None or v < 0 for v in shares.values()):
        return [Problem(field, _("请填写基准年能源结构(各类能源占比，单位%)。"))]
    added = sum(shares.values())
    if abs(added - 100) > Decimal("0.5"):
        return [Problem(field, _("能源结构各项占比之和应为100%%，当前为%(sum)s%%。")
                        % {"sum": decimal_text(added)})]
    clean = sum((shares.get(s) or 0 for s in CLEAN_SOURCES), Decimal(0))
    if any(c.code == CLEAN_ENERGY_CONDITION for c in conditions) and clean <= CLEAN_MAJORITY:
        return [Problem(field, _("能源结构应以电力、天然气等清洁能源为主：外购电力、天然气和"
                                 "可再生能源合计%(share)s%%，未超过50%%。")
                        % {"share": decimal_text(clean)})]
    return []


def _target_problems(plan, indicators, total, start, end) -> list[Problem]:
    targets = plan.get("targets") or {}
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
        if indicator.kind == IndicatorKind.TOTAL:
            base = total  # entered once, as the baseline total emissions
        else:
            base = number(entry.get("baseline"))
            if base is None:
                found.append(Problem(f"{field}.baseline",
                                     _("请填写指标「%(name)s」的基准值。") % {"name": name}))
            else:
                found.extend(_intensity_baseline_problems(plan, indicator, base))
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
        found.extend(_milestone_problems(field, indicator, entry.get("milestones") or {},
                                         base, goal, start, end))
    for members in groups.values():
        if not any(targets.get(i.code) for i in members):
            names = _("或").join(i.label for i in members)
            found.append(Problem(f"targets.{members[0].code}.target",
                                 _("请为「%(names)s」至少设定一项目标。") % {"names": names}))
    return found


def _intensity_baseline_problems(plan, indicator, typed) -> list[Problem]:
    computed = computed_intensity(plan, indicator)
    if computed is None or within_rounding(typed, computed):
        return []
    return [Problem(f"targets.{indicator.code}.baseline",
                    _("指标「%(name)s」的基准值应等于基准年碳排放总量÷%(denominator)s，"
                      "即%(computed)s，当前填写为%(typed)s。")
                    % {"name": indicator.label,
                       "denominator": Denominator(indicator.denominator).label,
                       "computed": decimal_text(rounded(computed)),
                       "typed": decimal_text(typed)})]


def _milestone_problems(field, indicator, milestones, base, goal, start, end) -> list[Problem]:
    name = indicator.label
    if not milestones:
        return [Problem(f"{field}.milestones",
                        _("指标「%(name)s」需填写逐年目标。") % {"name": name})]
    years = []
    for key, raw in milestones.items():
        year = year_of(key)
        if year is None:
            return [Problem(f"{field}.milestones",
                            _("指标「%(name)s」的逐年目标年份无效。") % {"name": name})]
        years.append((year, number(raw)))
    years.sort()
    found = [Problem(f"{field}.milestones.{y}",
                     _("指标「%(name)s」%(year)s年的逐年目标须为数字。") % {"name": name, "year": y})
             for y, v in years if v is None]
    if found:
        return found
    if start is not None and end is not None:
        outside = [y for y, _v in years if not start <= y <= end]
        if outside:
            return [Problem(f"{field}.milestones.{outside[0]}",
                            _("指标「%(name)s」的逐年目标年份应在建设期(%(start)s年至%(end)s年)内："
                              "%(years)s。")
                            % {"name": name, "start": start, "end": end,
                               "years": _("、").join(_("%(year)s年") % {"year": y}
                                                    for y in outside)})]
    previous = (None, base)
    for year, value in years:
        before_year, before = previous
        if before is not None:
            wrong = value > before if indicator.must_fall else value < before
            if wrong:
                found.append(Problem(f"{field}.milestones.{year}",
                                     _steady_message(indicator, year, value, before_year, before)))
        previous = (year, value)
    if not found and goal is not None and end is not None and years[-1][0] == end \
            and years[-1][1] != goal:
        found.append(Problem(f"{field}.milestones.{end}",
                             _("指标「%(name)s」建设期末(%(year)s年)的逐年目标应等于目标值%(goal)s。")
                             % {"name": name, "year": end, "goal": decimal_text(goal)}))
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
