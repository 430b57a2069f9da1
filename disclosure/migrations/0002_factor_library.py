"""The emission factor library as shipped.

Grid electricity (kgCO2/kWh), Ministry of Ecology and Environment with the National Bureau
of Statistics:
- 2021 national 0.5568 — 公告2024年第12号;
- 2022 national 0.5366, southern grid 0.3869, Guangxi 0.4044 — 公告2024年第33号;
- 2023 national 0.5306, southern grid 0.4042 — the 2023 announcement as reported in the press
  (光明日报; 中国电力报 2026-01-15); its number was not seen: shipped unconfirmed.

Fuels (tCO2 per t or per 10⁴ Nm³) computed as net calorific value × carbon per unit heat ×
oxidation rate × 44/12 from the defaults commonly quoted from the annex of GB/T 32150-2015,
not yet checked against the standard: shipped unconfirmed. Raw coal, fuel oil and purchased
heat are not shipped: no citable parameters were at hand; the ecology admin adds them on
the factor page once checked.

The computation is written out here (not imported) so this migration stays as it was.
"""
from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations

ANNOUNCEMENT_2021 = "生态环境部、国家统计局《关于发布2021年电力二氧化碳排放因子的公告》(公告2024年第12号)"
ANNOUNCEMENT_2022 = "生态环境部、国家统计局《关于发布2022年电力二氧化碳排放因子的公告》(公告2024年第33号)"
ANNOUNCEMENT_2023 = "生态环境部、国家统计局《关于发布2023年电力二氧化碳排放因子的公告》(文号待核实)"
PRESS_2023 = ("数值取自新闻报道(光明日报；中国电力报2026年1月15日)对2023年因子公告的介绍，"
              "尚未与公告原文核对。")
NATIONAL_CLAUSE = "全国电力平均二氧化碳排放因子"
SOUTHERN_CLAUSE = "区域电力平均二氧化碳排放因子：南方区域"
GUANGXI_CLAUSE = "省级电力平均二氧化碳排放因子：广西"

# region, data year, value, source, clause, confirmed, note
GRID = [
    ("national", 2021, "0.5568", ANNOUNCEMENT_2021, NATIONAL_CLAUSE, True, ""),
    ("national", 2022, "0.5366", ANNOUNCEMENT_2022, NATIONAL_CLAUSE, True, ""),
    ("southern_grid", 2022, "0.3869", ANNOUNCEMENT_2022, SOUTHERN_CLAUSE, True, ""),
    ("guangxi", 2022, "0.4044", ANNOUNCEMENT_2022, GUANGXI_CLAUSE, True, ""),
    ("national", 2023, "0.5306", ANNOUNCEMENT_2023, NATIONAL_CLAUSE, False, PRESS_2023),
    ("southern_grid", 2023, "0.4042", ANNOUNCEMENT_2023, SOUTHERN_CLAUSE, False, PRESS_2023),
]

STANDARD = "GB/T 32150-2015《工业企业温室气体排放核算和报告通则》附录"
STANDARD_CLAUSE = "附录：常见化石燃料特性参数缺省值"
STANDARD_NOTE = ("参数为常见引用的 GB/T 32150-2015 附录缺省值，尚未与标准原文核对；"
                 "数据年份取标准发布年份，适用于其后各年。")
STANDARD_YEAR = 2015

# code, name, name_en, activity unit, NCV (GJ per unit), carbon per heat (tC/GJ), oxidation
FUELS = [
    ("gasoline", "汽油", "Gasoline", "t", "43.070", "0.01890", "0.98"),
    ("diesel", "柴油", "Diesel", "t", "42.652", "0.02020", "0.98"),
    ("lpg", "液化石油气", "Liquefied petroleum gas", "t", "50.179", "0.01720", "0.98"),
    ("natural_gas", "天然气", "Natural gas", "万Nm³", "389.31", "0.01532", "0.99"),
]


def fuel_value(ncv, carbon, oxidation):
    value = Decimal(ncv) * Decimal(carbon) * Decimal(oxidation) * (Decimal(44) / Decimal(12))
    return value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def load(apps, schema_editor):
    EmissionFactor = apps.get_model("disclosure", "EmissionFactor")
    for region, year, value, source, clause, confirmed, note in GRID:
        EmissionFactor.objects.update_or_create(
            code="grid_electricity", region=region, data_year=year, version=1,
            defaults={"kind": "electricity", "name": "电网电力", "name_en": "Grid electricity",
                      "value": Decimal(value), "unit": "kgCO2/kWh", "activity_unit": "kWh",
                      "scope": 2, "source": source, "clause": clause, "confirmed": confirmed,
                      "note": note})
    for code, name, name_en, unit, ncv, carbon, oxidation in FUELS:
        EmissionFactor.objects.update_or_create(
            code=code, region="national", data_year=STANDARD_YEAR, version=1,
            defaults={"kind": "fuel", "name": name, "name_en": name_en,
                      "value": fuel_value(ncv, carbon, oxidation), "unit": f"tCO2/{unit}",
                      "activity_unit": unit, "scope": 1, "source": STANDARD,
                      "clause": STANDARD_CLAUSE, "confirmed": False, "note": STANDARD_NOTE,
                      "ncv": Decimal(ncv), "ncv_unit": f"GJ/{unit}", "ncv_source": STANDARD,
                      "carbon_per_heat": Decimal(carbon), "carbon_per_heat_source": STANDARD,
                      "oxidation": Decimal(oxidation), "oxidation_source": STANDARD})


def unload(apps, schema_editor):
    EmissionFactor = apps.get_model("disclosure", "EmissionFactor")
    for region, year, *_ in GRID:
        EmissionFactor.objects.filter(code="grid_electricity", region=region, data_year=year,
                                      version=1, entered_by__isnull=True).delete()
    for code, *_ in FUELS:
        EmissionFactor.objects.filter(code=code, region="national", data_year=STANDARD_YEAR,
                                      version=1, entered_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
