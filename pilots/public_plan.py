"""The public summary of a creation plan: the allow-list of plan fields anyone may read.

Public pages, the publicity notice and the open data API show a plan only through
``public_plan(frozen_version(project))``. It reads the version frozen at the last
submission or revision, never the draft ``project.plan``, and copies out only:

- the location (项目位置) and the area (km²);
- the construction term (start and end year);
- the baseline year and its total emissions (tCO₂);
- each indicator's target: name, unit, baseline, target value and target year (the end
  of the term, whose milestone is the target);
- each task item's field and measure text.

Everything else stays private, on purpose: the boundary description, the denominators
(population, floor area, output value), the energy mix, the milestones year by year, the
expected results, the safeguards, the eligibility answers, the key park, the attachments
(names and sizes), every investment figure (per task **and** the total: the builder's
own financial plan and the support it asks for, which the work plan does not publish)
and anything a future schema adds until it is named here. Contacts, credit codes,
scores, opinions and reasons are not in a plan at all and never reach this module.
"""
from django.db.models import Prefetch

from . import plan as plan_rules
from .choices import TaskField
from .models import PlanVersion
from .plan_display import indicator_value, shown_indicators


def with_public_plan(projects):
    """``projects`` with what ``frozen_version`` and ``public_plan`` read prefetched, so a
    list of summaries runs a fixed number of queries."""
    return projects.prefetch_related(
        Prefetch("versions", queryset=PlanVersion.objects.order_by("-number")),
        "category__indicators",
    )


def frozen_version(project) -> PlanVersion | None:
    """The project's latest frozen plan version (None before its first submission)."""
    cache = getattr(project, "_prefetched_objects_cache", {})
    if "versions" in cache:
        return max(cache["versions"], key=lambda v: v.number, default=None)
    return project.versions.order_by("-number").first()


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def public_plan(version: PlanVersion | None) -> dict:
    """The allow-listed fields of a frozen plan, with their values and their texts in the
    active language (amounts formatted by ``pilots.plan``)::

        {"location": "…", "area_km2": Decimal("2.5") | None, "area": "2.5 平方公里",
         "start_year": 2025, "end_year": 2027,
         "baseline_year": 2024, "baseline_total_t": Decimal("36800"),
         "baseline_total": "36800 吨二氧化碳",
         "targets": [{"code": "total", "name": "碳排放总量", "unit": "吨二氧化碳",
                      "baseline": Decimal | None, "baseline_text": "36800 吨二氧化碳",
                      "target": Decimal | None, "target_text": "31280 吨二氧化碳",
                      "target_year": 2027}],
         "tasks": [{"field": "energy", "field_label": "能源", "measure": "…"}]}

    ``None`` (no frozen version yet) gives the same keys, empty.
    """
    if version is None:
        return {"location": "", "area_km2": None, "area": "", "start_year": None,
                "end_year": None, "baseline_year": None, "baseline_total_t": None,
                "baseline_total": "", "targets": [], "tasks": []}
    indicators = list(version.project.category.indicators.all())
    plan = plan_rules.upgrade(version.content,
                              derived_codes=plan_rules.derived_baseline_codes(indicators),
                              keep_typed_baselines=True)
    overview, baseline, schedule = plan["overview"], plan["baseline"], plan["schedule"]
    end_year = plan_rules.year_of(schedule.get("end_year"))

    targets = []
    for indicator in shown_indicators(indicators, plan["targets"]):
        entry = plan["targets"].get(indicator.code)
        if not entry:
            continue
        if "baseline" in entry:  # typed (awareness, or as a schema-1 version submitted it)
            base = plan_rules.number(entry.get("baseline"))
        else:
            base = plan_rules.indicator_baseline(plan, indicator)
        goal = plan_rules.number(entry.get("target"))
        targets.append({
            "code": indicator.code, "name": indicator.label, "unit": indicator.unit_label,
            "baseline": base, "baseline_text": indicator_value(base, indicator),
            "target": goal, "target_text": indicator_value(goal, indicator),
            "target_year": end_year,
        })

    tasks = []
    for task in plan_rules.tasks_of(plan):
        field, measure = task.get("field"), _text(task.get("measure"))
        if field not in TaskField.values or not measure:
            continue
        tasks.append({"field": field, "field_label": str(TaskField(field).label),
                      "measure": measure})

    area = plan_rules.number(overview.get("area_km2"))
    total = plan_rules.number(baseline.get("total_emissions_t"))
    return {
        "location": _text(overview.get("location")),
        "area_km2": area,
        "area": plan_rules.quantity_text(area, "km2") if area is not None else "",
        "start_year": plan_rules.year_of(schedule.get("start_year")),
        "end_year": end_year,
        "baseline_year": plan_rules.year_of(baseline.get("year")),
        "baseline_total_t": total,
        "baseline_total": plan_rules.quantity_text(total, "t_co2") if total is not None else "",
        "targets": targets,
        "tasks": tasks,
    }

