"""The creation plan, schema 2: eligibility conditions of each category (work plan §二 遴选条件),
the key parks we know to be on the autonomous-region list, and every draft plan converted
to schema 2. Frozen plan versions are append-only and keep what they froze.

The conversion is a frozen copy of ``pilots.plan.upgrade`` as it stood when schema 2
came in: a migration must not change meaning when the live code does. It reads whatever
shape a stored draft has (a list where a dict was expected is left out; a number too long
for the decimal context is kept exactly).

``load`` is also called by the tests' demo world, which rebuilds reference data after a
transactional test has flushed the tables.
"""
import copy
from decimal import Decimal, InvalidOperation

from django.db import migrations

# category: [(code, text, English text, required)]; required=False is a "优先" condition.
CONDITIONS = {
    "region": [
        ("builder", "以城区、新区、重点片区行政主管部门为建设主体(区域规模较大的，可将其部分区域作为申报试点范围)",
         "Built by the administration of a district, new district or key area (a large area "
         "may apply for part of it)", True),
        ("boundary_clear", "申报区域边界明确",
         "The area applied for has a clear boundary", True),
        ("low_carbon_model", "区域内以低碳经济为发展模式和方向，以低碳生活为理念和行为特征",
         "The area develops a low-carbon economy and promotes low-carbon living", True),
    ],
    "park": [
        ("builder", "以园区管理委员会等园区管理单位为建设主体",
         "Built by the park management committee or another park management body", True),
        ("key_park", "园区已纳入自治区级及以上重点产业园区名录",
         "The park is on the autonomous-region (or national) key industrial park list", True),
        ("clean_energy", "园区能源结构以电力、天然气等清洁能源为主",
         "The park's energy mix is mainly clean energy such as electricity and natural gas",
         True),
    ],
    "community": [
        ("builder", "以社区居民委员会、开发商或物业管理公司为建设主体",
         "Built by the residents' committee, a developer or a property management company",
         True),
        ("green_infrastructure", "基础设施绿色化水平高、公共交通便捷",
         "Green infrastructure and convenient public transport", False),
        ("resident_awareness", "居民低碳意识较强",
         "Residents with a strong low-carbon awareness", False),
        ("renewal_done", "已开展城市更新、建筑节能改造的既有社区或小区集合",
         "An existing community or group of estates that has undergone urban renewal or "
         "building energy retrofits", False),
    ],
    "campus": [
        ("builder", "以学校为建设主体", "Built by the school", True),
    ],
    "commercial": [
        ("builder", "以商业场所运营管理单位为建设主体",
         "Built by the operator of the commercial venue", True),
        ("large_venue", "属于商贸流通服务行业中的大型商贸、大市场、大仓储等商业经营场所",
         "A large shopping centre, market or warehouse in the trade and distribution sector",
         False),
    ],
}

# Only parks we are sure of; the ecology admin keeps the list in the admin.
KEY_PARKS = [
    ("河池·大任产业园", "Hechi Daren Industrial Park", "regional",
     "自治区级重点产业园区(名录文号待市生态环境局核对补充)"),
]


def load_conditions(apps):
    Category = apps.get_model("pilots", "Category")
    EligibilityCondition = apps.get_model("pilots", "EligibilityCondition")
    for category in Category.objects.filter(code__in=CONDITIONS):
        for order, (code, text, text_en, required) in enumerate(CONDITIONS[category.code], 1):
            EligibilityCondition.objects.get_or_create(
                category=category, code=code,
                defaults={"text": text, "text_en": text_en, "required": required,
                          "order": order})


def load_key_parks(apps):
    KeyPark = apps.get_model("pilots", "KeyPark")
    for order, (name, name_en, level, source) in enumerate(KEY_PARKS, 1):
        KeyPark.objects.get_or_create(name=name, defaults={
            "name_en": name_en, "level": level, "source": source, "order": order})


# --- The conversion, frozen ----------------------------------------------------------

TASK_FIELDS = ("energy", "industry", "buildings", "transport", "carbon_sink",
               "low_carbon_living", "management")
# Intensity units whose baseline is computed from the baseline total (tonnes or kg).
COMPUTED_NUMERATORS = ("吨二氧化碳", "千克二氧化碳")
FIXED_DIGITS_MAX = 100


def _number(value):
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def _decimal_text(value):
    """"2.5", "36800"; "" for none; exact at any size; a non-number kept as its text."""
    if value is None or value == "":
        return ""
    parsed = _number(value)
    if parsed is None or not -FIXED_DIGITS_MAX < parsed.adjusted() < FIXED_DIGITS_MAX:
        return str(value)
    text = format(parsed if parsed != 0 else Decimal(0), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _year(value):
    parsed = _number(value)
    if parsed is None or parsed != parsed.to_integral_value():
        return None
    return int(parsed)


def _dict(value):
    return value if isinstance(value, dict) else {}


def _codes(value):
    if isinstance(value, str):
        return [value] if value else []
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _empty_plan():
    return {
        "schema": 2,
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


def convert(plan, *, derived_codes, fallback_year=None):
    """A schema-1 draft in schema 2 (see ``pilots.plan.upgrade``): one task item per task
    field's text, denominators dated to the baseline year (or ``fallback_year``), the typed
    baselines of ``derived_codes`` (the total, the computed intensities) dropped."""
    if not isinstance(plan, dict):
        return _empty_plan()
    old = copy.deepcopy(plan)
    new = _empty_plan()
    new.update({k: v for k, v in old.items() if k not in new})

    overview = _dict(old.get("overview"))
    old_denominators = overview.pop("denominators", None)
    new["overview"].update(overview)
    new["overview"]["area_km2"] = _decimal_text(overview.get("area_km2"))
    new["overview"].setdefault("key_park", None)

    baseline = _dict(old.get("baseline"))
    new["baseline"].update(baseline)
    base_year = _year(baseline.get("year"))
    new["baseline"]["year"] = base_year
    new["baseline"]["total_emissions_t"] = _decimal_text(baseline.get("total_emissions_t"))
    new["baseline"]["energy_mix"] = {
        str(source): _decimal_text(share)
        for source, share in _dict(baseline.get("energy_mix")).items()}

    year = base_year or fallback_year
    if isinstance(old_denominators, dict) and year is not None:
        new["denominators"] = {str(key): {str(year): _decimal_text(value)}
                               for key, value in old_denominators.items()}

    for code, entry in _dict(old.get("targets")).items():
        if not isinstance(entry, dict):
            continue
        target = {"baseline": _decimal_text(entry.get("baseline")),
                  "target": _decimal_text(entry.get("target")),
                  "milestones": {str(y): _decimal_text(v)
                                 for y, v in _dict(entry.get("milestones")).items()}}
        if code in derived_codes:
            del target["baseline"]
        new["targets"][str(code)] = target

    old_tasks = _dict(old.get("tasks"))
    for field in TASK_FIELDS:
        text = old_tasks.get(field)
        if isinstance(text, str) and text.strip():
            new["task_seq"] += 1
            new["tasks"].append({
                "id": f"t{new['task_seq']}", "field": field, "measure": text.strip(),
                "expected_result": "", "investment_wan_yuan": "", "start_year": None,
                "end_year": None})

    investment = _dict(old.get("investment"))
    new["investment"].update(investment)
    new["investment"]["total_wan_yuan"] = _decimal_text(investment.get("total_wan_yuan"))
    new["investment"]["support_sought"] = _codes(investment.get("support_sought"))

    schedule = _dict(old.get("schedule"))
    new["schedule"] = {"start_year": _year(schedule.get("start_year")),
                       "end_year": _year(schedule.get("end_year"))}
    safeguards = old.get("safeguards")
    new["safeguards"] = safeguards if isinstance(safeguards, str) else ""
    return new


def derived_codes_by_category(Indicator):
    """Per category, the indicators whose baseline schema 2 does not type."""
    derived = {}
    for category_id, code, kind, unit, denominator in Indicator.objects.values_list(
            "category_id", "code", "kind", "unit", "denominator"):
        computed = kind == "intensity" and denominator and unit.split("/")[0] in COMPUTED_NUMERATORS
        if kind == "total" or computed:
            derived.setdefault(category_id, set()).add(code)
    return derived


def convert_plans(apps):
    """Every project's working plan in schema 2 (PlanVersion rows are left as frozen)."""
    Project = apps.get_model("pilots", "Project")
    derived = derived_codes_by_category(apps.get_model("pilots", "Indicator"))
    for project in Project.objects.select_related("batch").only(
            "pk", "plan", "category_id", "batch__year").iterator():
        if isinstance(project.plan, dict) and project.plan.get("schema") == 2:
            continue
        plan = convert(project.plan, derived_codes=derived.get(project.category_id, set()),
                       fallback_year=project.batch.year - 1)
        # update(), not save(): converting is not an edit, updated_at stays.
        Project.objects.filter(pk=project.pk).update(plan=plan)


def load(apps, schema_editor):
    load_conditions(apps)
    load_key_parks(apps)
    convert_plans(apps)


class Migration(migrations.Migration):
    dependencies = [("pilots", "0005_groundwork")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
