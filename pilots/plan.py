"""The creation plan (创建方案): its structure and the check that it is complete.

A plan is a JSON document stored on the project while it is drafted and frozen into a
PlanVersion when submitted. ``problems()`` lists every missing or inconsistent piece at
once, each keyed by the field it belongs to, so a form can show it next to that field.
"""
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import Denominator, EnergySource, Support, TaskField

MIN_TASK_FIELDS = 3
BASELINE_EARLIEST_YEAR = 2015


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def empty_plan() -> dict:
    return {
        "overview": {"location": "", "boundary": "", "area_km2": None, "denominators": {}},
        "baseline": {"year": None, "total_emissions_t": None, "energy_mix": {}},
        "targets": {},
        "tasks": {},
        "investment": {"total_wan_yuan": None, "support_sought": []},
        "schedule": {"start_year": None, "end_year": None},
        "safeguards": "",
    }


def _number(value):
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


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


def problems(plan: dict, indicators) -> list[Problem]:
    """Every missing or inconsistent piece of ``plan``, for a category's ``indicators``."""
    plan = plan or {}
    indicators = list(indicators)
    found: list[Problem] = []

    def need(field, message):
        found.append(Problem(field, message))

    overview = plan.get("overview") or {}
    if not _text(overview.get("location")):
        need("overview.location", _("请填写项目位置。"))
    if not _text(overview.get("boundary")):
        need("overview.boundary", _("请说明试点边界范围。"))
    area = _number(overview.get("area_km2"))
    if area is None or area <= 0:
        need("overview.area_km2", _("请填写大于0的占地面积(平方公里)。"))
    denominators = overview.get("denominators") or {}
    for key in required_denominators(indicators, plan.get("targets") or {}):
        value = _number(denominators.get(key))
        if value is None or value <= 0:
            need(f"overview.denominators.{key}",
                 _("请填写%(name)s(大于0)。") % {"name": Denominator(key).label})

    baseline = plan.get("baseline") or {}
    year = _number(baseline.get("year"))
    this_year = timezone.localdate().year
    if year is None or not BASELINE_EARLIEST_YEAR <= year <= this_year:
        need("baseline.year", _("基准年应在%(first)s年至%(last)s年之间。")
             % {"first": BASELINE_EARLIEST_YEAR, "last": this_year})
    total = _number(baseline.get("total_emissions_t"))
    if total is None or total <= 0:
        need("baseline.total_emissions_t", _("请填写基准年碳排放总量(吨二氧化碳)。"))
    mix = baseline.get("energy_mix") or {}
    shares = [_number(mix.get(source)) for source in EnergySource.values if source in mix]
    if not shares or any(s is None or s < 0 for s in shares):
        need("baseline.energy_mix", _("请填写基准年能源结构(各类能源占比，单位%)。"))
    elif abs(sum(shares) - 100) > Decimal("0.5"):
        need("baseline.energy_mix", _("能源结构各项占比之和应为100%%，当前为%(sum)s%%。")
             % {"sum": format(sum(shares).normalize(), "f")})

    schedule = plan.get("schedule") or {}
    start, end = _number(schedule.get("start_year")), _number(schedule.get("end_year"))
    if start is None or end is None:
        need("schedule", _("请填写建设起止年份。"))
    elif end <= start:
        need("schedule", _("建设结束年份应晚于开始年份。"))

    found.extend(_target_problems(plan.get("targets") or {}, indicators, start, end))

    tasks = plan.get("tasks") or {}
    filled = [f for f in TaskField.values if _text(tasks.get(f))]
    if len(filled) < MIN_TASK_FIELDS:
        need("tasks", _("请至少在%(n)s个领域填写重点任务和措施。") % {"n": MIN_TASK_FIELDS})

    investment = plan.get("investment") or {}
    money = _number(investment.get("total_wan_yuan"))
    if money is None or money <= 0:
        need("investment.total_wan_yuan", _("请填写计划总投资(万元)。"))
    unknown = [s for s in investment.get("support_sought") or [] if s not in Support.values]
    if unknown:
        need("investment.support_sought", _("申请的资金支持类型无效。"))

    if not _text(plan.get("safeguards")):
        need("safeguards", _("请填写组织实施与保障措施。"))
    return found


def _target_problems(targets, indicators, start, end) -> list[Problem]:
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
        if not entry:
            found.append(Problem(field, _("请为指标「%(name)s」设定目标。") % {"name": indicator.name}))
            continue
        base, goal = _number(entry.get("baseline")), _number(entry.get("target"))
        if base is None or goal is None:
            found.append(Problem(field, _("指标「%(name)s」需填写基准值和目标值。")
                                 % {"name": indicator.name}))
            continue
        if indicator.must_fall and goal >= base:
            found.append(Problem(field, _("指标「%(name)s」的目标值应低于基准值。")
                                 % {"name": indicator.name}))
        elif not indicator.must_fall and goal <= base:
            found.append(Problem(field, _("指标「%(name)s」的目标值应高于基准值。")
                                 % {"name": indicator.name}))
        found.extend(_milestone_problems(field, indicator, entry.get("milestones") or {},
                                         base, start, end))
    for members in groups.values():
        if not any(targets.get(i.code) for i in members):
            names = "或".join(i.name for i in members)
            found.append(Problem(f"targets.{members[0].code}",
                                 _("请为「%(names)s」至少设定一项目标。") % {"names": names}))
    return found


def _milestone_problems(field, indicator, milestones, base, start, end) -> list[Problem]:
    if not milestones:
        return [Problem(field, _("指标「%(name)s」需填写逐年目标。") % {"name": indicator.name})]
    try:
        years = sorted((int(y), _number(v)) for y, v in milestones.items())
    except (TypeError, ValueError):
        return [Problem(field, _("逐年目标的年份无效。"))]
    if any(v is None for _y, v in years):
        return [Problem(field, _("指标「%(name)s」的逐年目标须为数字。") % {"name": indicator.name})]
    if start is not None and end is not None and any(not start <= y <= end for y, _v in years):
        return [Problem(field, _("逐年目标的年份应在建设期内。"))]
    values = [base] + [v for _y, v in years]
    steady = all(b <= a for a, b in zip(values, values[1:], strict=False)) \
        if indicator.must_fall else all(b >= a for a, b in zip(values, values[1:], strict=False))
    if not steady:
        return [Problem(field, _("指标「%(name)s」应逐年稳步下降。") % {"name": indicator.name}
                        if indicator.must_fall else
                        _("指标「%(name)s」应逐年稳步提升。") % {"name": indicator.name})]
    return []
