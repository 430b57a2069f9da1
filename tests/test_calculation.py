"""Carbon accounting against examples worked by hand from the published factors.

Factors used (kgCO2/kWh for electricity, MEE & NBS): Guangxi 2022 0.4044 and national 2022
0.5366 (公告2024年第33号); southern grid 2023 0.4042 (2023 announcement, press reports,
unconfirmed). Fuels from the GB/T 32150-2015 annex defaults (unconfirmed): natural gas
389.31 GJ/10⁴Nm³ × 0.01532 tC/GJ × 99 % × 44/12 = 21.650152 tCO2/10⁴Nm³; diesel 42.652 GJ/t ×
0.02020 tC/GJ × 98 % × 44/12 = 3.095910 tCO2/t.
"""
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest

from disclosure import calculation, factors
from disclosure.calculation import CalculationError, calculate
from disclosure.models import ActivityRecord, ActivityYear, Region
from pilots.models import Category
from tests.test_factors import load_library


@pytest.fixture
def library(demo):
    load_library()
    return demo


def record(source, amount, unit, fuel_code=""):
    return SimpleNamespace(source=source, fuel_code=fuel_code, amount=Decimal(amount), unit=unit)


def activity(year, *records, **denominators):
    fields = {"population": None, "output_value_wan_yuan": None, "value_added_wan_yuan": None,
              "floor_area_m2": None, "awareness_percent": None}
    fields.update({k: Decimal(v) for k, v in denominators.items()})
    return SimpleNamespace(year=year, records=list(records), **fields)


def indicators(code):
    return list(Category.objects.get(code=code).indicators.all())


def run(category, data, region=Region.GUANGXI):
    chosen = factors.factors_for(calculation.codes_needed(data), region, data.year)
    return calculate(data, indicators(category), chosen, category_code=category)


def values(result):
    return {code: entry["value"] for code, entry in result["indicators"].items()}


ELECTRICITY = "purchased_electricity"


# --- Electricity ------------------------------------------------------------------------

def test_electricity_with_the_guangxi_2022_factor_green_electricity_deducted(library):
    # 1 000 000 kWh bought, of which 200 000 kWh green power: 800 000 kWh × 0.4044 kg/kWh
    # = 323 520 kg = 323.52 t (Guangxi 2022, 公告2024年第33号).
    result = run("campus", activity(2022, record(ELECTRICITY, "1000000", "kWh"),
                                    record("green_electricity", "200000", "kWh"),
                                    population="2000"))
    assert result["scope2"]["electricity_t"] == "323.52"
    assert (result["scope1_t"], result["scope2_t"], result["total_t"]) == ("0", "323.52", "323.52")
    assert result["electricity"] == {"purchased_kwh": "1000000", "green_kwh": "200000",
                                     "net_kwh": "800000", "onsite_renewable_kwh": "0"}
    assert result["sources"] == [{
        "source": ELECTRICITY, "fuel_code": "", "scope": 2, "amount": "1000000", "unit": "kWh",
        "deducted": "200000", "counted": "800000", "factor": "grid_electricity",
        "emissions_t": "323.52"}]
    assert result["factors"] == [{
        "code": "grid_electricity", "name": "电网电力", "name_en": "Grid electricity",
        "kind": "electricity", "region": "guangxi", "data_year": 2022, "version": 1,
        "value": "0.4044", "unit": "kgCO2/kWh", "activity_unit": "kWh", "scope": 2,
        "source": "生态环境部、国家统计局《关于发布2022年电力二氧化碳排放因子的公告》(公告2024年第33号)",
        "clause": "省级电力平均二氧化碳排放因子：广西", "confirmed": True, "fallback": False}]
    # per capita: 323.52 t / 2000 people = 0.16176 → 0.1618 t/人
    assert values(result) == {"per_capita": "0.1618", "total": "323.52"}


def test_electricity_with_the_national_2022_factor(library):
    # The same 800 000 kWh counted with the national 2022 factor: × 0.5366 = 429 280 kg.
    result = run("campus", activity(2022, record(ELECTRICITY, "1000000", "kWh"),
                                    record("green_electricity", "200000", "kWh")),
                 region=Region.NATIONAL)
    assert result["total_t"] == "429.28"
    assert (result["factors"][0]["region"], result["factors"][0]["value"]) == ("national", "0.5366")


def test_onsite_renewable_electricity_is_shown_and_not_deducted(library):
    # 500 000 kWh bought × 0.4044 = 202.2 t; 300 000 kWh of rooftop PV used on site emit
    # nothing and were never bought.
    result = run("campus", activity(2022, record(ELECTRICITY, "500000", "kWh"),
                                    record("onsite_renewable", "300000", "kWh")))
    assert result["total_t"] == "202.2"
    assert result["electricity"]["onsite_renewable_kwh"] == "300000"
    assert result["electricity"]["net_kwh"] == "500000"


def test_green_electricity_above_the_purchase_is_refused(library):
    with pytest.raises(CalculationError) as refused:
        run("campus", activity(2022, record(ELECTRICITY, "100", "kWh"),
                               record("green_electricity", "150", "kWh")))
    assert refused.value.message == (
        "购入绿色电力(150 kWh)不能多于外购电力(100 kWh)：绿色电力是外购电力的一部分；"
        "自发自用的可再生能源电量请另行填报。")


# --- Fuels ------------------------------------------------------------------------------

def test_natural_gas_and_diesel(library):
    # natural gas 10 ×10⁴Nm³ × 21.650152 = 216.50152 t; diesel 50 t × 3.095910 = 154.7955 t.
    result = run("campus", activity(2023, record("fuel", "10", "万Nm³", "natural_gas"),
                                    record("fuel", "50", "t", "diesel")))
    lines = {line["fuel_code"]: line["emissions_t"] for line in result["sources"]}
    assert lines == {"natural_gas": "216.50152", "diesel": "154.7955"}
    assert result["scope1"] == {"fuel_t": "371.29702", "process_t": "0"}
    assert result["scope1_t"] == result["total_t"] == "371.29702"
    assert [(f["code"], f["value"], f["data_year"], f["confirmed"]) for f in result["factors"]] == [
        ("diesel", "3.09591", 2015, False), ("natural_gas", "21.650152", 2015, False)]


def test_a_fuel_without_a_factor_or_in_another_unit_is_refused(library):
    with pytest.raises(CalculationError) as refused:
        run("campus", activity(2023, record("fuel", "10", "t", "raw_coal")))
    assert refused.value.message == "排放因子库中没有「raw_coal」适用的排放因子，无法核算。"
    with pytest.raises(CalculationError) as refused:
        run("campus", activity(2023, record("fuel", "10", "kg", "diesel")))
    assert refused.value.message == "「柴油」的单位为kg，与排放因子的活动数据单位t不符。"
    with pytest.raises(CalculationError) as refused:
        run("campus", activity(2023, record("purchased_heat", "10", "GJ")))
    assert refused.value.message == "排放因子库中没有「外购热力」适用的排放因子，无法核算。"


# --- Intensities --------------------------------------------------------------------------

def test_a_park_intensity_per_unit_of_industrial_value_added(library):
    # 2022, Guangxi: 5 000 000 kWh × 0.4044 kg/kWh = 2022 t; diesel 100 t × 3.095910 =
    # 309.591 t; process emissions 500 t. Total 2831.591 t.
    # Per value added: 2831.591 t / 20 000 万元 = 0.14157955 → 0.1416 t/万元;
    # per output value: 2831.591 / 80 000 = 0.0353948875 → 0.0354 t/万元.
    result = run("park", activity(2022, record(ELECTRICITY, "5000000", "kWh"),
                                  record("fuel", "100", "t", "diesel"),
                                  record("process", "500", "tCO2"),
                                  value_added_wan_yuan="20000", output_value_wan_yuan="80000"))
    assert result["scope1"] == {"fuel_t": "309.591", "process_t": "500"}
    assert (result["scope1_t"], result["scope2_t"], result["total_t"]) == (
        "809.591", "2022", "2831.591")
    assert values(result) == {"per_output_value": "0.0354", "per_value_added": "0.1416",
                              "total": "2831.591"}
    entry = result["indicators"]["per_value_added"]
    assert (entry["unit"], entry["denominator"], entry["denominator_value"]) == (
        "吨二氧化碳/万元", "value_added", "20000")


def test_a_commercial_intensity_per_square_metre(library):
    # 2022, Guangxi: 2 000 000 kWh × 0.4044 = 808.8 t; natural gas 5 ×10⁴Nm³ × 21.650152 =
    # 108.25076 t. Total 917.05076 t. Per m² in kilograms: 917.05076 × 1000 / 50 000 m²
    # = 18.3410152 → 18.341 kg/m²; per capita: 917.05076 / 1200 = 0.764209 → 0.7642 t/人.
    result = run("commercial", activity(2022, record(ELECTRICITY, "2000000", "kWh"),
                                        record("fuel", "5", "万Nm³", "natural_gas"),
                                        floor_area_m2="50000", population="1200"))
    assert result["total_t"] == "917.05076"
    assert values(result) == {"per_floor_area": "18.341", "per_capita": "0.7642",
                              "total": "917.05076"}
    assert result["indicators"]["per_floor_area"]["unit"] == "千克二氧化碳/平方米"


def test_a_missing_denominator_leaves_the_indicator_without_a_value_and_says_why(library):
    result = run("commercial", activity(2022, record(ELECTRICITY, "2000000", "kWh"),
                                        floor_area_m2="50000"))
    assert values(result) == {"per_floor_area": "16.176", "per_capita": None, "total": "808.8"}
    assert result["indicators"]["per_capita"]["missing"] == "缺少2022年的人口数据(应大于0)。"


# --- Sinks -----------------------------------------------------------------------------------

def test_sinks_are_netted_for_a_region(library):
    # 10 000 000 kWh × 0.4044 = 4044 t, less 1000 t of sinks = 3044 t;
    # per capita 3044 / 2000 = 1.522 t/人.
    result = run("region", activity(2022, record(ELECTRICITY, "10000000", "kWh"),
                                    record("sink", "1000", "tCO2"), population="2000"))
    assert (result["gross_t"], result["sinks_t"], result["sinks_netted_t"], result["total_t"]) == (
        "4044", "1000", "1000", "3044")
    assert result["sinks_allowed"] is True
    assert values(result) == {"per_capita": "1.522", "total": "3044"}


def test_sinks_are_shown_but_not_netted_for_a_commercial_venue(library):
    result = run("commercial", activity(2022, record(ELECTRICITY, "2000000", "kWh"),
                                        record("sink", "30", "tCO2"), floor_area_m2="50000"))
    assert (result["gross_t"], result["sinks_t"], result["sinks_netted_t"], result["total_t"]) == (
        "808.8", "30", "0", "808.8")
    assert result["sinks_allowed"] is False
    assert values(result)["per_floor_area"] == "16.176"  # 808.8 × 1000 / 50 000


def test_which_categories_net_sinks():
    assert {c for c in ("region", "park", "community", "campus", "commercial", "other")
            if calculation.sinks_allowed(c)} == {"region", "park", "community", "campus"}


def test_awareness_is_read_from_the_survey(library):
    result = run("community", activity(2022, record(ELECTRICITY, "1000", "kWh"),
                                       population="10", awareness_percent="72.5"))
    assert result["indicators"]["awareness"]["value"] == "72.5"
    assert result["indicators"]["awareness"]["must_fall"] is False
    missing = run("community", activity(2022, record(ELECTRICITY, "1000", "kWh")))
    assert missing["indicators"]["awareness"]["missing"] == "缺少2022年居民绿色低碳意识调查结果。"


def test_the_result_is_json_with_decimals_as_strings(library):
    result = run("park", activity(2022, record(ELECTRICITY, "5000000", "kWh"),
                                  record("fuel", "100", "t", "diesel"),
                                  value_added_wan_yuan="20000"))
    assert json.loads(json.dumps(result)) == result
    assert all(isinstance(line["emissions_t"], str) for line in result["sources"])


# --- A past figure never changes --------------------------------------------------------------

def test_a_new_factor_version_does_not_change_a_figure_computed_before(library):
    project = library.project_in("construction")
    row = ActivityYear.objects.create(project=project, year=2024, population=2000,
                                      floor_area_m2=50000, value_added_wan_yuan=20000,
                                      output_value_wan_yuan=80000)
    ActivityRecord.objects.create(activity_year=row, source=ELECTRICITY, amount=1000000,
                                  unit="kWh")
    # 2024: the latest published year not after it is 2023, southern grid 0.4042 (no
    # Guangxi 2023 factor): 1 000 000 × 0.4042 = 404.2 t.
    before = calculation.figures_for(project, row)
    assert before["total_t"] == "404.2"
    kept = json.loads(json.dumps(before))  # as a disclosure stores it

    factors.add_factor_version(library.user("eco_admin"), code="grid_electricity",
                               region=Region.GUANGXI, data_year=2023, value="0.4100",
                               source="测试公告")

    assert calculation.figures_for(project, row)["total_t"] == "410"  # a new computation
    assert kept == before  # the stored figure keeps its factor …
    assert kept["factors"][0]["region"] == "southern_grid"
    assert kept["factors"][0]["value"] == "0.4042"
    # … and computed again with the factors it kept, it is the same figure.
    again = calculate(row, indicators(project.category.code), calculation.factors_of(kept),
                      category_code=project.category.code)
    assert again == before
