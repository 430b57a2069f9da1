"""The creation plan, schema 2: eligibility conditions of each category (work plan §二 遴选条件),
the key parks we know to be on the autonomous-region list, and every draft plan converted
to schema 2. Frozen plan versions are append-only and keep what they froze.

``load`` is also called by the tests' demo world, which rebuilds reference data after a
transactional test has flushed the tables.
"""
from django.db import migrations

from pilots.plan import upgrade

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


def convert_plans(apps):
    """Every project's working plan in schema 2 (PlanVersion rows are left as frozen)."""
    Project = apps.get_model("pilots", "Project")
    Indicator = apps.get_model("pilots", "Indicator")
    totals = {}
    for category_id, code in Indicator.objects.filter(kind="total").values_list(
            "category_id", "code"):
        totals.setdefault(category_id, set()).add(code)
    for project in Project.objects.select_related("batch").only(
            "pk", "plan", "category_id", "batch__year").iterator():
        if isinstance(project.plan, dict) and project.plan.get("schema") == 2:
            continue
        plan = upgrade(project.plan, total_codes=totals.get(project.category_id, set()),
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
