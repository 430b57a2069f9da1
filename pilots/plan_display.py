"""A creation plan as human-readable rows (section, label, value, path), for reading and comparing.

Each row carries the path of the value it shows (``overview.location``,
``targets.total.milestones.2027``, ``tasks.t3.measure``): versions are compared row by row
by path, so a comparison pairs the same rows in Chinese and in English, and a review
opinion can point at one row. A schema-1 plan (a version frozen before schema 2) is read
through ``pilots.plan.upgrade``, so its rows have the same paths as today's.

An intensity indicator's baseline is computed from the baseline total (``pilots.plan``):
its row shows the computed value, or the value a frozen version typed, as it was submitted.

Amounts read properly in both languages: 4800 万元 is "CNY 48 million" in English, and
the units of the plan's own figures (km², t CO₂, people, m²) have fixed English forms,
like the reference rows' ``name_en``; indicator names and units come from
``indicator.label`` and ``indicator.unit_label``.
"""
from typing import NamedTuple

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import plan as plan_rules
from .choices import Denominator, EnergySource, IndicatorKind, Support, TaskField
from .models.reference import KeyPark, speaks_english
from .plan import (
    DENOMINATOR_UNITS,
    WAN_YUAN,
    money_text,
    number_display,
    number_text,
    quantity_text,
    unit_text,
)

# Section titles, in the order the editor and every reading of a plan show them.
OVERVIEW = gettext_lazy("概况与边界")
ELIGIBILITY = gettext_lazy("遴选条件")
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
    path: str = ""


# --- Values --------------------------------------------------------------------------

def indicator_value(value, indicator) -> str:
    if value is None or value == "":
        return ""
    return f"{number_display(value)} {indicator.unit_label}".strip()


def _year(value) -> str:
    year = plan_rules.year_of(value)
    return _("%(year)s年") % {"year": year} if year is not None else number_text(value)


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _list_separator() -> str:
    return ", " if speaks_english() else "、"


def _item_separator() -> str:
    return "; " if speaks_english() else "；"


def _size(n) -> str:
    # The same wording as the attachment list on the project page.
    return filesizeformat(n) if isinstance(n, int | float) else ""


# --- Labels shared with the editor -----------------------------------------------------

def denominator_keys(indicators, plan_denominators=()) -> list[str]:
    """Denominators the category's indicators divide by, then any others the plan states."""
    keys = [i.denominator for i in indicators if i.denominator]
    keys += [k for k in plan_denominators if k in Denominator.values and k]
    return list(dict.fromkeys(keys))


def denominator_unit(key) -> str:
    unit = DENOMINATOR_UNITS.get(key)
    if unit == WAN_YUAN:
        return _("万元")
    return unit_text(unit) if unit else ""


def denominator_label(key) -> str:
    """e.g. 基准年人口(人): the label of a baseline-year denominator input."""
    name = Denominator(key).label if key in Denominator.values else key
    unit = denominator_unit(key)
    label = _("基准年%(name)s") % {"name": name}
    return _("%(name)s(%(unit)s)") % {"name": label, "unit": unit} if unit else label


def key_park_text(park) -> str:
    if park is None:
        return _("所选园区已不在名录中")
    text = _("%(park)s(%(level)s)") % {"park": park.label, "level": park.get_level_display()}
    return text if park.is_listed else _("%(park)s，已移出名录") % {"park": text}


# --- The rows --------------------------------------------------------------------------

def shown_indicators(indicators, targets) -> list:
    """The indicators a plan is read by: of alternatives, the ones it set a target for (all
    of them while it has set none)."""
    chosen = {i.alternative_group for i in indicators if i.alternative_group and targets.get(i.code)}
    return [i for i in indicators
            if not i.alternative_group or i.alternative_group not in chosen or targets.get(i.code)]


def plan_rows(plan: dict, category) -> list[PlanRow]:
    """The plan as rows of (section, label, value text, path), in the active language."""
    indicators = list(category.indicators.all())
    plan = plan_rules.upgrade(plan, derived_codes=plan_rules.derived_baseline_codes(indicators),
                              keep_typed_baselines=True)
    indicators = shown_indicators(indicators, plan["targets"])
    rows: list[PlanRow] = []

    def add(section, label, value, path):
        rows.append(PlanRow(str(section), str(label), value, path))

    overview = plan.get("overview") or {}
    add(OVERVIEW, _("项目位置"), _text(overview.get("location")), "overview.location")
    add(OVERVIEW, _("试点边界范围"), _text(overview.get("boundary")), "overview.boundary")
    add(OVERVIEW, _("占地面积"), quantity_text(overview.get("area_km2"), "km2"),
        "overview.area_km2")
    baseline = plan.get("baseline") or {}
    base_year = plan_rules.year_of(baseline.get("year"))
    denominators = plan.get("denominators") or {}
    for key in denominator_keys(indicators, denominators):
        _denominator_rows(add, key, denominators.get(key), base_year)

    _eligibility_rows(add, plan, category)

    add(BASELINE, _("基准年"), _year(baseline.get("year")), "baseline.year")
    add(BASELINE, _("基准年碳排放总量"), quantity_text(baseline.get("total_emissions_t"), "t_co2"),
        "baseline.total_emissions_t")
    mix = baseline.get("energy_mix") or {}
    shares = [f"{EnergySource(s).label} {number_display(mix[s])}%"
              for s in EnergySource.values if number_text(mix.get(s))]
    add(BASELINE, _("能源结构"), _item_separator().join(shares), "baseline.energy_mix")

    targets = plan.get("targets") or {}
    known = {i.code for i in indicators}
    for indicator in indicators:
        entry = targets.get(indicator.code) or {}
        base = entry.get("baseline", "")
        if "baseline" not in entry and indicator.kind == IndicatorKind.INTENSITY:
            base = plan_rules.indicator_baseline(plan, indicator)  # computed
        _target_rows(add, indicator, entry, base)
    for code, entry in targets.items():
        if code not in known:
            _target_rows(add, None, entry, entry.get("baseline", ""), code=code)

    tasks = plan_rules.tasks_of(plan)
    for task in tasks:
        _task_rows(add, task)
    if not tasks:
        add(TASKS, TASKS, "", "tasks")

    investment = plan.get("investment") or {}
    add(INVESTMENT, _("计划总投资"), money_text(investment.get("total_wan_yuan")),
        "investment.total_wan_yuan")
    sought = investment.get("support_sought") or []
    names = [str(Support(s).label) if s in Support.values else str(s) for s in sought]
    add(INVESTMENT, _("申请的资金支持"), _list_separator().join(names), "investment.support_sought")

    schedule = plan.get("schedule") or {}
    add(SCHEDULE, _("开始年份"), _year(schedule.get("start_year")), "schedule.start_year")
    add(SCHEDULE, _("结束年份"), _year(schedule.get("end_year")), "schedule.end_year")

    add(SAFEGUARDS, _("组织实施与保障措施"), _text(plan.get("safeguards")), "safeguards")

    if "attachments" in plan:
        files = [
            " ".join(p for p in (_text(a.get("name")), _size(a.get("size"))) if p)
            for a in _list(plan.get("attachments")) if isinstance(a, dict)
        ]
        add(ATTACHMENTS, _("附件清单"), "\n".join(files) or _("无"), "attachments")
    return rows


def _denominator_rows(add, key, by_year, base_year):
    name = Denominator(key).label
    unit = DENOMINATOR_UNITS.get(key, "")
    by_year = by_year if isinstance(by_year, dict) else {}
    years = sorted({plan_rules.year_of(y) for y in by_year if plan_rules.year_of(y)}
                   | ({base_year} if base_year else set()))
    if not years:
        add(OVERVIEW, _("基准年%(name)s") % {"name": name}, "", f"denominators.{key}")
    for year in years:
        label = (_("基准年%(name)s") % {"name": name} if year == base_year
                 else _("%(year)s年%(name)s") % {"year": year, "name": name})
        add(OVERVIEW, label, quantity_text(by_year.get(str(year)), unit),
            f"denominators.{key}.{year}")


def _eligibility_rows(add, plan, category):
    confirmed = set((plan.get("eligibility") or {}).get("confirmed") or [])
    for condition in category.eligibility_conditions.all():
        if not condition.is_active and condition.code not in confirmed:
            continue
        if condition.code == plan_rules.KEY_PARK_CONDITION:
            value = _key_park_value(plan)
            if value and not condition.required:
                value = _("%(answer)s(优先条件)") % {"answer": value}
            add(ELIGIBILITY, str(condition), value, "overview.key_park")
            continue
        value = _("已确认") if condition.code in confirmed else _("未确认")
        if not condition.required:
            value = _("%(answer)s(优先条件)") % {"answer": value}
        add(ELIGIBILITY, str(condition), value, f"eligibility.{condition.code}")


def _key_park_value(plan) -> str:
    chosen = (plan.get("overview") or {}).get("key_park")
    if chosen in (None, ""):
        return ""
    park = KeyPark.objects.filter(pk=plan_rules.key_park_id(chosen)).first()
    return key_park_text(park)


def _target_rows(add, indicator, entry, base, *, code=None):
    code = code or indicator.code
    name = indicator.label if indicator else code

    def value_text(value):
        return indicator_value(value, indicator) if indicator else number_display(value)

    path = f"targets.{code}"
    is_total = indicator is not None and indicator.kind == IndicatorKind.TOTAL
    if not is_total or "baseline" in entry:  # a schema-1 version typed the total's baseline
        add(TARGETS, _("%(name)s · 基准值") % {"name": name}, value_text(base), f"{path}.baseline")
    add(TARGETS, _("%(name)s · 目标值") % {"name": name}, value_text(entry.get("target")),
        f"{path}.target")
    milestones = entry.get("milestones") or {}
    years = sorted(milestones, key=lambda y: (plan_rules.year_of(y) is None, str(y)))
    for year in years:
        add(TARGETS, _("%(name)s · %(year)s年目标") % {"name": name, "year": year},
            value_text(milestones[year]), f"{path}.milestones.{year}")


def _task_rows(add, task):
    task_id = task.get("id") or ""
    name = plan_rules.task_name(task_id)
    path = f"tasks.{task_id}"
    field = task.get("field")
    add(TASKS, _("%(task)s · 领域") % {"task": name},
        str(TaskField(field).label) if field in TaskField.values else _text(field),
        f"{path}.field")
    add(TASKS, _("%(task)s · 具体措施") % {"task": name}, _text(task.get("measure")),
        f"{path}.measure")
    add(TASKS, _("%(task)s · 预期成效") % {"task": name}, _text(task.get("expected_result")),
        f"{path}.expected_result")
    add(TASKS, _("%(task)s · 投资") % {"task": name}, money_text(task.get("investment_wan_yuan")),
        f"{path}.investment_wan_yuan")
    first, last = task.get("start_year"), task.get("end_year")
    if first or last:
        years = (_year(first) if first == last else
                 _("%(first)s至%(last)s") % {"first": _year(first) or "?", "last": _year(last) or "?"})
    else:
        years = ""
    add(TASKS, _("%(task)s · 实施年份") % {"task": name}, years, f"{path}.years")


# --- Comparing two plans -----------------------------------------------------------------

def compare_rows(left_content: dict, right_content: dict, category) -> list[dict]:
    """Two plans' rows paired by path: ``{section, label, path, left, right, changed}``
    (the version compare page and the revision check page read the same comparison)."""
    return side_by_side(plan_rows(left_content, category), plan_rows(right_content, category))


def side_by_side(left_rows, right_rows) -> list[dict]:
    """Rows of two plans paired by path; a row only one plan has is kept, in its place.

    A row only the right plan has goes after the row it follows there (a task item added
    in the later version shows after the items before it).
    """
    right = {r.path: r for r in right_rows}
    merged = [[r, right.get(r.path)] for r in left_rows]
    where = {r.path: i for i, r in enumerate(left_rows)}
    after = -1  # the merged position of the last right row placed
    for row in right_rows:
        if row.path in where:
            after = next(i for i, (a, _b) in enumerate(merged) if a is not None
                         and a.path == row.path)
            continue
        after += 1
        merged.insert(after, [None, row])
    pairs = []
    for a, b in merged:
        shown = a or b
        left, right_value = (a.value if a else ""), (b.value if b else "")
        pairs.append({"section": shown.section, "label": shown.label, "path": shown.path,
                      "left": left, "right": right_value, "changed": left != right_value})
    return pairs
