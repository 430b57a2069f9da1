"""English names of the reference data seeded by 0002 (counties, bodies, departments,
categories, indicators), so the English portal, its exports and emails read in English.

``load`` is importable: the test suite calls it after reloading 0002 into a flushed database.
"""
from django.db import migrations

COUNTIES = {
    "jinchengjiang": "Jinchengjiang District",
    "yizhou": "Yizhou District",
    "nandan": "Nandan County",
    "tiane": "Tian'e County",
    "fengshan": "Fengshan County",
    "donglan": "Donglan County",
    "luocheng": "Luocheng Mulao Autonomous County",
    "huanjiang": "Huanjiang Maonan Autonomous County",
    "bama": "Bama Yao Autonomous County",
    "duan": "Du'an Yao Autonomous County",
    "dahua": "Dahua Yao Autonomous County",
}

# code: (body, the city department, its county counterpart without the county's name)
BODIES = {
    "ecology": ("Ecology and Environment Bureau",
                "Hechi Municipal Ecology and Environment Bureau",
                "Ecology and Environment Bureau"),
    "ndrc": ("Development and Reform Commission",
             "Hechi Municipal Development and Reform Commission",
             "Development and Reform Bureau"),
    "industry": ("Industry and Information Technology Bureau",
                 "Hechi Municipal Industry and Information Technology Bureau",
                 "Industry and Information Technology Bureau"),
    "education": ("Education Bureau",
                  "Hechi Municipal Education Bureau",
                  "Education Bureau"),
    "housing": ("Housing and Urban-Rural Development Bureau",
                "Hechi Municipal Housing and Urban-Rural Development Bureau",
                "Housing and Urban-Rural Development Bureau"),
    "commerce": ("Commerce Bureau",
                 "Hechi Municipal Commerce Bureau",
                 "Commerce Bureau"),
    "parks": ("Industrial Park Management Committee",
              "Hechi Municipal Industrial Park Management Committee",
              "Industrial Park Management Committee"),
}

# code: (name, title granted on acceptance)
CATEGORIES = {
    "region": ("Near-zero carbon region", "Near-zero carbon region"),
    "park": ("Near-zero carbon park", "Near-zero carbon park"),
    "community": ("Near-zero carbon community", "Near-zero carbon community"),
    "campus": ("Near-zero carbon campus", "Near-zero carbon campus"),
    "commercial": ("Near-zero carbon commercial venue", "Near-zero carbon commercial venue"),
    "other": ("Other", ""),
}

# Indicator codes mean the same in every category that has them.
INDICATORS = {
    "total": ("Total emissions", "tCO₂"),
    "per_capita": ("Per-capita emissions", "tCO₂ per person"),
    "per_output_value": ("Emissions per unit output value", "tCO₂ per 10,000 yuan"),
    "per_value_added": ("Emissions per unit industrial value added", "tCO₂ per 10,000 yuan"),
    "per_floor_area": ("Emissions per m² of floor area", "kgCO₂ per m²"),
    "awareness": ("Residents' green and low-carbon awareness", "%"),
}


def load(apps, schema_editor):
    County = apps.get_model("pilots", "County")
    Body = apps.get_model("pilots", "Body")
    Department = apps.get_model("pilots", "Department")
    Category = apps.get_model("pilots", "Category")
    Indicator = apps.get_model("pilots", "Indicator")

    for code, name_en in COUNTIES.items():
        County.objects.filter(code=code).update(name_en=name_en)
    for code, (name_en, _city, _county) in BODIES.items():
        Body.objects.filter(code=code).update(name_en=name_en)
    for department in Department.objects.select_related("body", "county"):
        names = BODIES.get(department.body.code)
        if names is None:
            continue
        if department.county_id is None:
            department.name_en = names[1]
        elif department.county.code in COUNTIES:
            department.name_en = f"{COUNTIES[department.county.code]} {names[2]}"
        else:
            continue
        department.save(update_fields=["name_en"])
    for code, (name_en, title_en) in CATEGORIES.items():
        Category.objects.filter(code=code).update(name_en=name_en, title_en=title_en)
    for code, (name_en, unit_en) in INDICATORS.items():
        Indicator.objects.filter(code=code).update(name_en=name_en, unit_en=unit_en)


class Migration(migrations.Migration):
    dependencies = [("pilots", "0006_plan_schema_2")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
