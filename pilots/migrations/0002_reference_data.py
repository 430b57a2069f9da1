"""Reference data of the Hechi work plan: counties, bodies, departments, categories, indicators."""
from django.db import migrations

COUNTIES = [
    ("jinchengjiang", "金城江区"), ("yizhou", "宜州区"), ("nandan", "南丹县"),
    ("tiane", "天峨县"), ("fengshan", "凤山县"), ("donglan", "东兰县"),
    ("luocheng", "罗城仫佬族自治县"), ("huanjiang", "环江毛南族自治县"),
    ("bama", "巴马瑶族自治县"), ("duan", "都安瑶族自治县"), ("dahua", "大化瑶族自治县"),
]

# code, name, city department, county counterpart (None: no county counterpart), ecology?
BODIES = [
    ("ecology", "生态环境局", "河池市生态环境局", "生态环境局", True),
    ("ndrc", "发展和改革委员会", "河池市发展和改革委员会", "发展和改革局", False),
    ("industry", "工业和信息化局", "河池市工业和信息化局", "工业和信息化局", False),
    ("education", "教育局", "河池市教育局", "教育局", False),
    ("housing", "住房和城乡建设局", "河池市住房和城乡建设局", "住房和城乡建设局", False),
    ("commerce", "商务局", "河池市商务局", "商务局", False),
    ("parks", "工业园区管理委员会", "河池市工业园区管理委员会", None, False),
]

TOTAL = ("total", "碳排放总量", "total", "吨二氧化碳", "", "")
PER_CAPITA = ("per_capita", "人均碳排放量", "intensity", "吨二氧化碳/人", "population", "")

# code, name, builders, lead bodies, open?, indicators
CATEGORIES = [
    ("region", "近零碳排放区域", "城区、新区、重点片区行政主管部门", ["ecology", "ndrc"], True,
     [PER_CAPITA, TOTAL]),
    ("park", "近零碳排放园区", "园区管理委员会等园区管理单位(须列入自治区级及以上重点产业园区名录)",
     ["industry"], True,
     [("per_output_value", "单位产值碳排放量", "intensity", "吨二氧化碳/万元", "output_value",
       "intensity"),
      ("per_value_added", "单位工业增加值碳排放量", "intensity", "吨二氧化碳/万元",
       "value_added", "intensity"),
      TOTAL]),
    ("community", "近零碳排放社区", "社区居民委员会、开发商或物业管理公司", ["ecology", "ndrc"], True,
     [PER_CAPITA, TOTAL,
      ("awareness", "居民绿色低碳意识", "awareness", "%", "", "")]),
    ("campus", "近零碳排放校园", "学校", ["education"], True, [PER_CAPITA, TOTAL]),
    ("commercial", "近零碳排放商业场所", "商业场所运营管理单位(大型商贸、大市场、大仓储优先)",
     ["commerce"], True,
     [("per_floor_area", "单位建筑面积碳排放量", "intensity", "千克二氧化碳/平方米",
       "floor_area", "intensity"),
      ("per_capita", "人均碳排放量", "intensity", "吨二氧化碳/人", "population", "intensity"),
      TOTAL]),
    ("other", "其他", "制造业、建筑业、农业农村等领域，开放时确定", [], False, []),
]


def load(apps, schema_editor):
    County = apps.get_model("pilots", "County")
    Body = apps.get_model("pilots", "Body")
    Department = apps.get_model("pilots", "Department")
    Category = apps.get_model("pilots", "Category")
    Indicator = apps.get_model("pilots", "Indicator")

    counties = []
    for order, (code, name) in enumerate(COUNTIES, start=1):
        county, _ = County.objects.update_or_create(code=code, defaults={"name": name, "order": order})
        counties.append(county)
    bodies = {}
    for order, (code, name, city_name, county_name, ecology) in enumerate(BODIES, start=1):
        body, _ = Body.objects.update_or_create(
            code=code, defaults={"name": name, "order": order, "is_ecology": ecology})
        bodies[code] = body
        Department.objects.update_or_create(body=body, county=None, defaults={"name": city_name})
        if county_name:
            for county in counties:
                Department.objects.update_or_create(
                    body=body, county=county, defaults={"name": f"{county.name}{county_name}"})
    for order, (code, name, builders, leads, is_open, indicators) in enumerate(CATEGORIES, start=1):
        category, _ = Category.objects.update_or_create(code=code, defaults={
            "name": name, "title": name if code != "other" else "", "builder_types": builders,
            "is_open": is_open, "order": order})
        category.lead_bodies.set([bodies[b] for b in leads])
        for i_order, (i_code, i_name, kind, unit, denominator, group) in enumerate(indicators, 1):
            Indicator.objects.update_or_create(category=category, code=i_code, defaults={
                "name": i_name, "kind": kind, "unit": unit, "denominator": denominator,
                "alternative_group": group, "order": i_order})


class Migration(migrations.Migration):
    dependencies = [("pilots", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
