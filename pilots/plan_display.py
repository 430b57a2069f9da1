"""A creation plan as human-readable rows (section, label, value), for reading and comparing.

Every plan of one category gives the same rows in the same order (an empty value is
""), so two versions line up row by row.
"""
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import Denominator, EnergySource, Support, TaskField

# The unit each denominator is counted in, as the intensity indicators divide by it.
DENOMINATOR_UNITS = {
    Denominator.POPULATION: gettext_lazy("人"),
    Denominator.FLOOR_AREA: gettext_lazy("平方米"),
    Denominator.OUTPUT_VALUE: gettext_lazy("万元"),
    Denominator.VALUE_ADDED: gettext_lazy("万元"),
}

# Section titles, in the order the editor and every reading of a plan show them.
OVERVIEW = gettext_lazy("概况与边界")
BASELINE = gettext_lazy("基准年排放与能源结构")
TARGETS = gettext_lazy("指标目标与逐年计划")
TASKS = gettext_lazy("重点任务与措施")
INVESTMENT = gettext_lazy("投资与资金支持")
SCHEDULE = gettext_lazy("建设进度安排")
SAFEGUARDS = gettext_lazy("组织实施与保障措施")
ATTACHMENTS = gettext_lazy("附件")


class PlanRow(NamedTuple):
    section: str
    label: str
    value: str


def number_text(value) -> str:
    """A number as a person writes it: 2.5, 36800, 0.75 (no exponent, no trailing zeros)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def _with_unit(value, unit) -> str:
    text = number_text(value)
    return f"{text} {unit}" if text and unit else text


def _year(value) -> str:
    text = number_text(value)
    return _("%(year)s年") % {"year": text} if text else ""


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def _size(n) -> str:
    # The same wording as the attachment list on the project page.
    return filesizeformat(n) if isinstance(n, int | float) else ""


def denominator_keys(indicators, plan_denominators=()) -> list[str]:
    """Denominators the category's indicators divide by, then any others the plan states."""
    keys = [i.denominator for i in indicators if i.denominator]
    keys += [k for k in plan_denominators if k in Denominator.values and k]
    return list(dict.fromkeys(keys))


def denominator_label(key) -> str:
    unit = DENOMINATOR_UNITS.get(key)
    name = Denominator(key).label if key in Denominator.values else key
    return _("%(name)s(%(unit)s)") % {"name": name, "unit": unit} if unit else str(name)


def indicator_label(indicator) -> str:
    return _("%(name)s(%(unit)s)") % {"name": indicator.name, "unit": indicator.unit}


def plan_rows(plan: dict, category) -> list[PlanRow]:
    """The plan as rows of (section, label, value text), all in Chinese, for ``category``."""
    plan = plan if isinstance(plan, dict) else {}
    indicators = list(category.indicators.all())
    rows: list[PlanRow] = []

    def add(section, label, value):
        rows.append(PlanRow(str(section), str(label), value))

    overview = plan.get("overview") or {}
    add(OVERVIEW, _("项目位置"), _text(overview.get("location")))
    add(OVERVIEW, _("试点边界范围"), _text(overview.get("boundary")))
    add(OVERVIEW, _("占地面积"), _with_unit(overview.get("area_km2"), _("平方公里")))
    denominators = overview.get("denominators") or {}
    for key in denominator_keys(indicators, denominators):
        name = Denominator(key).label
        add(OVERVIEW, name, _with_unit(denominators.get(key), DENOMINATOR_UNITS.get(key, "")))

    baseline = plan.get("baseline") or {}
    add(BASELINE, _("基准年"), _year(baseline.get("year")))
    add(BASELINE, _("基准年碳排放总量"),
        _with_unit(baseline.get("total_emissions_t"), _("吨二氧化碳")))
    mix = baseline.get("energy_mix") or {}
    shares = [f"{EnergySource(s).label} {number_text(mix[s])}%"
              for s in EnergySource.values if number_text(mix.get(s))]
    add(BASELINE, _("能源结构"), "；".join(shares))

    targets = plan.get("targets") or {}
    known = {i.code for i in indicators}
    for indicator in indicators:
        _target_rows(add, indicator.name, indicator.unit, targets.get(indicator.code) or {})
    for code, entry in targets.items():
        if code not in known and isinstance(entry, dict):
            _target_rows(add, code, "", entry)

    tasks = plan.get("tasks") or {}
    for field in TaskField:
        add(TASKS, field.label, _text(tasks.get(field.value)))

    investment = plan.get("investment") or {}
    add(INVESTMENT, _("计划总投资"), _with_unit(investment.get("total_wan_yuan"), _("万元")))
    sought = investment.get("support_sought") or []
    names = [str(Support(s).label) if s in Support.values else str(s) for s in sought]
    add(INVESTMENT, _("申请的资金支持"), "、".join(names))

    schedule = plan.get("schedule") or {}
    add(SCHEDULE, _("开始年份"), _year(schedule.get("start_year")))
    add(SCHEDULE, _("结束年份"), _year(schedule.get("end_year")))

    add(SAFEGUARDS, _("组织实施与保障措施"), _text(plan.get("safeguards")))

    if "attachments" in plan:
        files = [
            " ".join(p for p in (_text(a.get("name")), _size(a.get("size"))) if p)
            for a in plan.get("attachments") or [] if isinstance(a, dict)
        ]
        add(ATTACHMENTS, _("附件清单"), "\n".join(files) or _("无"))
    return rows


def _target_rows(add, name, unit, entry):
    entry = entry if isinstance(entry, dict) else {}
    add(TARGETS, _("%(name)s · 基准值") % {"name": name}, _with_unit(entry.get("baseline"), unit))
    add(TARGETS, _("%(name)s · 目标值") % {"name": name}, _with_unit(entry.get("target"), unit))
    milestones = entry.get("milestones") or {}
    try:
        years = sorted(milestones.items(), key=lambda item: int(item[0]))
    except (TypeError, ValueError):
        years = sorted(milestones.items(), key=lambda item: str(item[0]))
    steps = [_("%(year)s年 %(value)s") % {"year": y, "value": number_text(v)} for y, v in years]
    add(TARGETS, _("%(name)s · 逐年目标") % {"name": name}, "；".join(steps))
