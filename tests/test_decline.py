"""The steady-decline check (稳步下降): verdicts per indicator and year, with the reason in
words — a year equal to the one before, a rise that stays below the baseline, a missing
year, a changed denominator, the plan's milestones, and awareness, which must rise."""
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured

from disclosure import calculation, decline, factors
from disclosure.decline import Status
from disclosure.models import Region
from pilots import plan as plan_rules
from pilots.models import Category
from tests.test_factors import load_library


def plan(category_code="campus", *, total=None, per_capita=None, awareness=None):
    """A campus (or community) plan: baseline 2024, 1000 t and 500 people (2 t per person),
    built 2025–2027; milestones as given."""
    content = plan_rules.empty_plan()
    content["denominators"] = {"population": {"2024": "500"}}
    content["baseline"] = {"year": 2024, "total_emissions_t": "1000", "energy_mix": {}}
    content["schedule"] = {"start_year": 2025, "end_year": 2027}
    targets = {"total": {"target": "850", "milestones": total or {}},
               "per_capita": {"target": "1.7", "milestones": per_capita or {}}}
    if awareness is not None:
        targets["awareness"] = {"baseline": "60", "target": "90", "milestones": awareness}
    content["targets"] = targets
    return content


def indicators(code="campus"):
    return list(Category.objects.get(code=code).indicators.all())


def figures(**by_code):
    """Figures of one year holding only indicator values (the rest is the calculation's)."""
    return {"indicators": {code: {"value": value, "missing": ""} for code, value in by_code.items()}}


def judged(content, years, code="campus", **options):
    return decline.verdicts(content, indicators(code), years, **options)


def row(verdicts, year):
    return next(v for v in verdicts if v.year == year)


@pytest.fixture
def reference(db):
    return None


def test_a_year_equal_to_the_previous_one_is_not_above_it(reference):
    result = judged(plan(total={"2025": "950", "2026": "900"}),
                    {2025: figures(total="900"), 2026: figures(total="900")})
    verdict = row(result["total"], 2026)
    assert verdict.status == Status.MET
    assert verdict.reason == ("2026年为900 吨二氧化碳，低于基准值1000 吨二氧化碳。"
                              "与2025年持平(900 吨二氧化碳)，不高于上年。"
                              "达到方案2026年逐年目标900 吨二氧化碳。")
    assert (verdict.previous_year, verdict.previous) == (2025, Decimal(900))


def test_the_first_year_is_held_against_the_baseline_and_its_milestone(reference):
    result = judged(plan(total={"2025": "950"}), {2025: figures(total="940")})
    verdict = row(result["total"], 2025)
    assert verdict.status == Status.MET
    assert verdict.reason == ("2025年为940 吨二氧化碳，低于基准值1000 吨二氧化碳。"
                              "达到方案2025年逐年目标950 吨二氧化碳。")
    at_baseline = row(judged(plan(), {2025: figures(total="1000")})["total"], 2025)
    assert at_baseline.status == Status.NOT_MET
    assert at_baseline.reason == ("2025年为1000 吨二氧化碳，未低于基准值1000 吨二氧化碳。"
                                  "方案未设2025年逐年目标。")


def test_a_rise_that_stays_below_the_baseline_is_not_a_steady_decline(reference):
    content = plan(total={"2025": "950", "2026": "950"})
    years = {2025: figures(total="900"), 2026: figures(total="920")}
    verdict = row(judged(content, years)["total"], 2026)
    assert verdict.status == Status.NOT_MET
    assert verdict.reason == ("2026年为920 吨二氧化碳，低于基准值1000 吨二氧化碳。"
                              "高于2025年的900 吨二氧化碳，未稳步下降。"
                              "达到方案2026年逐年目标950 吨二氧化碳。")


def test_the_tolerance_setting_lets_a_small_rise_pass(reference, settings):
    content = plan(total={"2025": "950", "2026": "950"})
    settings.HECHI_DECLINE_TOLERANCE = "0.05"  # 920 ≤ 900 × 1.05 = 945
    verdict = row(judged(content, {2025: figures(total="900"), 2026: figures(total="920")})
                  ["total"], 2026)
    assert verdict.status == Status.MET
    assert verdict.reasons[1] == "高于2025年的900 吨二氧化碳，但在允许上浮5%以内。"
    settings.HECHI_DECLINE_TOLERANCE = "0.02"  # 920 > 918
    verdict = row(judged(content, {2025: figures(total="900"), 2026: figures(total="920")})
                  ["total"], 2026)
    assert verdict.status == Status.NOT_MET
    assert verdict.reasons[1] == "高于2025年的900 吨二氧化碳，超过允许上浮的2%。"


@pytest.mark.parametrize("raw", ["-0.1", "1", "abc"])
def test_a_tolerance_that_is_no_fraction_is_a_configuration_error(reference, settings, raw):
    settings.HECHI_DECLINE_TOLERANCE = raw
    with pytest.raises(ImproperlyConfigured):
        decline.tolerance()


def test_missing_the_milestone_is_not_met_even_when_falling(reference):
    verdict = row(judged(plan(total={"2025": "950", "2026": "850"}),
                         {2025: figures(total="900"), 2026: figures(total="880")})["total"], 2026)
    assert verdict.status == Status.NOT_MET
    assert verdict.reasons[1:] == ("比2025年的900 吨二氧化碳有所下降。",
                                   "高于方案2026年逐年目标850 吨二氧化碳。")


def test_a_missing_year_is_said_and_the_next_year_is_held_against_the_last_known(reference):
    years = {2025: figures(total="900", per_capita="1.8"), 2026: None,
             2027: figures(total="880", per_capita=None)}
    years[2027]["indicators"]["per_capita"]["missing"] = "缺少2027年的人口数据(应大于0)。"
    result = judged(plan(), years)
    assert [(v.year, v.status) for v in result["total"]] == [
        (2025, Status.MET), (2026, Status.MISSING), (2027, Status.MET)]
    assert row(result["total"], 2026).reason == "缺少2026年的核算结果。"
    assert row(result["total"], 2027).reasons[1] == (
        "(2026年缺少数据，与2025年比较)比2025年的900 吨二氧化碳有所下降。")
    assert row(result["per_capita"], 2027).status == Status.MISSING
    assert row(result["per_capita"], 2027).reason == "缺少2027年的人口数据(应大于0)。"


def test_years_up_to_until_without_figures_are_missing(reference):
    result = judged(plan(), {2025: figures(total="900")}, until=2027)
    assert [(v.year, v.status) for v in result["total"]] == [
        (2025, Status.MET), (2026, Status.MISSING), (2027, Status.MISSING)]


def test_a_changed_denominator_judges_the_intensity_by_its_own_year(demo):
    """The campus grows from 500 to 600 people: the total rises, per capita falls."""
    load_library()

    def year(y, kwh, people):
        data = SimpleNamespace(year=y, population=Decimal(people), output_value_wan_yuan=None,
                               value_added_wan_yuan=None, floor_area_m2=None,
                               awareness_percent=None,
                               records=[SimpleNamespace(source="purchased_electricity",
                                                        fuel_code="", amount=Decimal(kwh),
                                                        unit="kWh")])
        chosen = factors.factors_for(calculation.codes_needed(data), Region.GUANGXI, y)
        return calculation.calculate(data, indicators(), chosen, category_code="campus")

    # 2025 and 2026 use the 2023 southern grid factor 0.4042 kg/kWh (the latest published):
    # 2 000 000 kWh → 808.4 t, / 500 people = 1.6168 t/人;
    # 2 200 000 kWh → 889.24 t, / 600 people = 1.48206… → 1.4821 t/人.
    years = {2025: year(2025, "2000000", "500"), 2026: year(2026, "2200000", "600")}
    assert (years[2025]["total_t"], years[2026]["total_t"]) == ("808.4", "889.24")
    result = judged(plan(), years)
    per_capita = row(result["per_capita"], 2026)
    assert per_capita.status == Status.MET
    assert per_capita.baseline == Decimal(2)  # 1000 t / 500 people in the baseline year
    assert per_capita.reason == ("2026年为1.4821 吨二氧化碳/人，低于基准值2 吨二氧化碳/人。"
                                 "比2025年的1.6168 吨二氧化碳/人有所下降。方案未设2026年逐年目标。")
    total = row(result["total"], 2026)
    assert total.status == Status.NOT_MET
    assert total.reasons[1] == "高于2025年的808.4 吨二氧化碳，未稳步下降。"


def test_awareness_must_rise(reference):
    content = plan("community", awareness={"2025": "70", "2026": "80"})
    result = judged(content, {2025: figures(awareness="72"), 2026: figures(awareness="71")},
                    code="community")
    assert row(result["awareness"], 2025).status == Status.MET
    assert row(result["awareness"], 2025).reason == (
        "2025年为72 %，高于基准值60 %。达到方案2025年逐年目标70 %。")
    fallen = row(result["awareness"], 2026)
    assert fallen.status == Status.NOT_MET
    assert fallen.reason == ("2026年为71 %，高于基准值60 %。低于2025年的72 %，未稳步提升。"
                             "低于方案2026年逐年目标80 %。")
    risen = row(judged(content, {2025: figures(awareness="72"), 2026: figures(awareness="85")},
                       code="community")["awareness"], 2026)
    assert risen.status == Status.MET
    assert risen.reasons[1] == "比2025年的72 %有所提升。"
    level = row(judged(content, {2025: figures(awareness="60")}, code="community")["awareness"],
                2025)
    assert (level.status, level.reasons[0]) == (Status.NOT_MET, "2025年为60 %，未高于基准值60 %。")


def test_without_a_baseline_every_year_is_missing(reference):
    content = plan()
    content["baseline"]["total_emissions_t"] = ""
    verdict = row(judged(content, {2025: figures(total="900")})["total"], 2025)
    assert verdict.status == Status.MISSING
    assert verdict.reason == "方案未给出指标「碳排放总量」的基准值(或基准年)，无法判断。"


def test_a_verdict_is_json(reference):
    verdict = row(judged(plan(total={"2025": "950"}), {2025: figures(total="900")})["total"], 2025)
    data = verdict.as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data == {"indicator": "total", "year": 2025, "status": "met", "value": "900",
                    "baseline": "1000", "previous_year": 2024, "previous": "1000",
                    "milestone": "950",
                    "reasons": ["2025年为900 吨二氧化碳，低于基准值1000 吨二氧化碳。",
                                "达到方案2025年逐年目标950 吨二氧化碳。"],
                    "reason": "2025年为900 吨二氧化碳，低于基准值1000 吨二氧化碳。"
                              "达到方案2025年逐年目标950 吨二氧化碳。"}
