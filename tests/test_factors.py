"""The emission factor library: the shipped values with their sources, the rule that picks a
factor for an accounting year, adding a version (never editing one), and the admin's page."""
import importlib
import re
from decimal import Decimal
from html import unescape

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError

from disclosure import factors
from disclosure.models import EmissionFactor, Region

ADMIN = "eco_admin"
URL = "/programme/factors/"
QUERIES = 6  # as the other programme lists: the page frame (session, user, roles…) and the rows


def load_library():
    """The shipped library (a transactional test elsewhere may have flushed it)."""
    if not EmissionFactor.objects.filter(entered_by__isnull=True).exists():
        importlib.import_module("disclosure.migrations.0002_factor_library").load(django_apps, None)


@pytest.fixture
def library(demo):
    load_library()
    return demo


def _row(code, region, year, version=1):
    return EmissionFactor.objects.get(code=code, region=region, data_year=year, version=version)


def _snapshot():
    return sorted(EmissionFactor.objects.values_list("code", "region", "data_year", "version",
                                                     "value", "confirmed"))


def _cells(response, table_id):
    html = response.content.decode()
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)
    return [[" ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]


# --- The shipped library ---------------------------------------------------------------

def test_grid_factors_are_shipped_as_published_with_their_announcements(library):
    # kgCO2/kWh, MEE & NBS: 2021 from 公告2024年第12号, 2022 from 公告2024年第33号.
    expected = {
        ("national", 2021): ("0.5568", True, "公告2024年第12号"),
        ("national", 2022): ("0.5366", True, "公告2024年第33号"),
        ("southern_grid", 2022): ("0.3869", True, "公告2024年第33号"),
        ("guangxi", 2022): ("0.4044", True, "公告2024年第33号"),
        # 2023: known from press reports only, the announcement's number not seen.
        ("national", 2023): ("0.5306", False, "文号待核实"),
        ("southern_grid", 2023): ("0.4042", False, "文号待核实"),
    }
    rows = EmissionFactor.objects.filter(code="grid_electricity", entered_by__isnull=True)
    found = {(f.region, f.data_year): (str(f.value.normalize()), f.confirmed, f.source)
             for f in rows}
    assert set(found) == set(expected)
    for key, (value, confirmed, document) in expected.items():
        assert found[key][:2] == (value, confirmed), key
        assert document in found[key][2], key
    assert {(f.unit, f.activity_unit, f.scope) for f in rows} == {("kgCO2/kWh", "kWh", 2)}


@pytest.mark.parametrize(("code", "unit", "ncv", "carbon", "oxidation", "value"), [
    # GB/T 32150-2015 annex defaults as quoted in REFERENCES (unconfirmed):
    # 43.070 GJ/t × 0.01890 tC/GJ × 0.98 × 44/12 = 2.92505598 → 2.925056 tCO2/t
    ("gasoline", "t", "43.070", "0.01890", "0.98", "2.925056"),
    # 42.652 × 0.02020 × 0.98 × 44/12 = 3.0959096373… → 3.095910 tCO2/t
    ("diesel", "t", "42.652", "0.02020", "0.98", "3.095910"),
    # 50.179 × 0.01720 × 0.98 × 44/12 = 3.1013298213… → 3.101330 tCO2/t
    ("lpg", "t", "50.179", "0.01720", "0.98", "3.101330"),
    # 389.31 GJ/10⁴Nm³ × 0.01532 × 0.99 × 44/12 = 21.650151996 → 21.650152 tCO2/万Nm³
    ("natural_gas", "万Nm³", "389.31", "0.01532", "0.99", "21.650152"),
])
def test_fuel_factors_are_computed_from_their_parameters_and_marked_unconfirmed(
        library, code, unit, ncv, carbon, oxidation, value):
    factor = _row(code, "national", 2015)
    assert factor.value == Decimal(value)
    assert (factor.ncv, factor.carbon_per_heat, factor.oxidation) == (
        Decimal(ncv), Decimal(carbon), Decimal(oxidation))
    assert (factor.unit, factor.activity_unit, factor.ncv_unit) == (
        f"tCO2/{unit}", unit, f"GJ/{unit}")
    assert factor.confirmed is False
    assert "GB/T 32150-2015" in factor.ncv_source
    assert "GB/T 32150-2015" in factor.carbon_per_heat_source
    assert "GB/T 32150-2015" in factor.oxidation_source
    assert factors.fuel_factor_value(factor.ncv, factor.carbon_per_heat,
                                     factor.oxidation) == Decimal(value)


def test_factors_without_citable_parameters_are_not_shipped(library):
    codes = set(EmissionFactor.objects.values_list("code", flat=True))
    assert codes == {"grid_electricity", "gasoline", "diesel", "lpg", "natural_gas"}


# --- Which factor applies ----------------------------------------------------------------

@pytest.mark.parametrize(("region", "year", "expected"), [
    # 2022 has a Guangxi factor: it is preferred to the southern grid's and the nation's.
    (Region.GUANGXI, 2022, ("guangxi", 2022, "0.4044")),
    # 2023 has no Guangxi factor yet: the southern grid's comes next.
    (Region.GUANGXI, 2023, ("southern_grid", 2023, "0.4042")),
    # 2024 and 2025 are not published: the latest data year not after them is 2023.
    (Region.GUANGXI, 2025, ("southern_grid", 2023, "0.4042")),
    # 2021 was published for the nation only.
    (Region.GUANGXI, 2021, ("national", 2021, "0.5568")),
    # Nothing before 2021: the earliest published year, said so in the rule.
    (Region.GUANGXI, 2019, ("national", 2021, "0.5568")),
    (Region.SOUTHERN_GRID, 2022, ("southern_grid", 2022, "0.3869")),
    (Region.NATIONAL, 2022, ("national", 2022, "0.5366")),
    (Region.NATIONAL, 2024, ("national", 2023, "0.5306")),
])
def test_the_electricity_factor_for_an_accounting_year(library, region, year, expected):
    factor = factors.factor_for("grid_electricity", region, year)
    assert (factor.region, factor.data_year, str(factor.value.normalize())) == expected
    assert factors.is_fallback(factor, year) is (year < 2021)


def test_a_fuel_factor_applies_to_every_year_after_its_standard(library):
    assert factors.factor_for("diesel", Region.GUANGXI, 2024).value == Decimal("3.095910")
    assert factors.factor_for("raw_coal", Region.GUANGXI, 2024) is None
    assert set(factors.factors_for(["diesel", "natural_gas", "raw_coal"], Region.GUANGXI,
                                   2024)) == {"diesel", "natural_gas"}


def test_the_rule_is_written_in_words(library):
    rule = factors.factor_rule()
    assert rule[0].startswith("采用不晚于核算年份的最近数据年份的排放因子")
    assert "依次为：广西壮族自治区、南方区域电网、全国" in rule[1]
    assert "采用最新版本" in rule[2]
    assert "采用已发布的最早年份" in rule[3]


# --- Adding a version ---------------------------------------------------------------------

def test_a_new_version_is_a_new_row_and_the_latest_version_applies(library):
    admin = library.user(ADMIN)
    old = _row("grid_electricity", "guangxi", 2022)

    new = factors.add_factor_version(admin, code="grid_electricity", region=Region.GUANGXI,
                                     data_year=2022, value="0.4050", source="更正文件",
                                     confirmed=True)

    assert (new.version, new.value, new.entered_by) == (2, Decimal("0.4050"), admin)
    assert (new.kind, new.name, new.unit, new.activity_unit, new.scope) == (
        "electricity", "电网电力", "kgCO2/kWh", "kWh", 2)
    old.refresh_from_db()
    assert (old.version, old.value, old.entered_by) == (1, Decimal("0.4044"), None)
    assert factors.factor_for("grid_electricity", Region.GUANGXI, 2022) == new


def test_a_newly_published_year_applies_from_that_year(library):
    admin = library.user(ADMIN)
    added = factors.add_factor_version(admin, code="grid_electricity", region=Region.GUANGXI,
                                       data_year=2023, value="0.4100", source="测试公告")
    assert added.version == 1
    assert factors.factor_for("grid_electricity", Region.GUANGXI, 2024) == added
    assert factors.factor_for("grid_electricity", Region.GUANGXI, 2022).value == Decimal("0.4044")


def test_a_fuel_version_is_computed_from_its_parameters(library):
    added = factors.add_factor_version(
        library.user(ADMIN), code="diesel", region=Region.NATIONAL, data_year=2015,
        ncv="42.652", ncv_source="GB/T 32150-2015 附录B", carbon_per_heat="0.02020",
        carbon_per_heat_source="GB/T 32150-2015 附录B", oxidation="0.98",
        oxidation_source="GB/T 32150-2015 附录B", source="GB/T 32150-2015", confirmed=True)
    assert (added.version, added.value, added.ncv_unit) == (2, Decimal("3.095910"), "GJ/t")


def test_a_new_fuel_code_gives_its_shape(library):
    # Raw coal with made-up parameters, as an admin would enter them once checked.
    added = factors.add_factor_version(
        library.user(ADMIN), code="raw_coal", region=Region.NATIONAL, data_year=2015,
        kind="fuel", name="原煤", unit="tCO2/t", scope=1, source="测试",
        ncv="20", ncv_source="测试", carbon_per_heat="0.026", carbon_per_heat_source="测试",
        oxidation="0.9", oxidation_source="测试")
    # 20 × 0.026 × 0.9 × 44/12 = 1.716
    assert (added.value, added.activity_unit, added.version) == (Decimal("1.716"), "t", 1)


@pytest.mark.parametrize(("values", "message"), [
    ({"value": ""}, "请填写排放因子数值。"),
    ({"value": "-1"}, "排放因子须大于0。"),
    ({"value": "0.1234567"}, "排放因子最多6位小数、8位整数。"),
    ({"source": " "}, "请填写来源文件(文件名称及文号)。"),
    ({"region": "beijing"}, "适用区域无效。"),
    ({"unit": "tCO2/MWh"}, "因子「grid_electricity」已有的单位为「kgCO2/kWh」，新版本不能更改；"
                           "如需不同的单位，请使用新的因子代码。"),
    ({"code": "steam"}, "新的因子代码须填写类型、名称、单位和排放范围。"),
    ({"code": "diesel", "region": "national", "data_year": 2015, "value": "3.1"},
     "化石燃料因子须填写低位发热量、单位热值含碳量和碳氧化率，排放因子由三者计算。"),
])
def test_bad_input_is_refused_in_chinese_and_adds_nothing(library, values, message):
    before = _snapshot()
    arguments = {"code": "grid_electricity", "region": Region.GUANGXI, "data_year": 2023,
                 "value": "0.41", "source": "测试公告"}
    arguments.update(values)
    with pytest.raises(ValidationError) as refused:
        factors.add_factor_version(library.user(ADMIN), **arguments)
    assert refused.value.messages == [message]
    assert _snapshot() == before


@pytest.mark.parametrize("username", ["city_ecology", "yizhou_ecology", "app_park_yizhou",
                                      "expert1"])
def test_only_the_ecology_admin_adds_a_version(library, username):
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        factors.add_factor_version(library.user(username), code="grid_electricity",
                                   region=Region.GUANGXI, data_year=2023, value="0.41",
                                   source="测试公告")
    assert _snapshot() == before


# --- The page ---------------------------------------------------------------------------

def test_the_page_lists_every_factor_with_its_source_and_marks_unconfirmed_ones(library, client):
    client.force_login(library.user(ADMIN))
    response = client.get(URL)
    assert response.status_code == 200
    rows = _cells(response, "factors")
    assert len(rows) == EmissionFactor.objects.count() == 10
    guangxi = next(r for r in rows if r[1] == "grid_electricity" and r[2] == "广西壮族自治区")
    assert guangxi[3:6] == ["2022", "1", "0.4044 kgCO2/kWh"]
    assert "公告2024年第33号" in guangxi[7]
    assert guangxi[8] == "系统内置"
    southern_2023 = next(r for r in rows if r[1] == "grid_electricity"
                         and r[2] == "南方区域电网" and r[3] == "2023")
    assert southern_2023[5] == "0.4042 kgCO2/kWh 未核实"
    diesel = next(r for r in rows if r[1] == "diesel")
    assert diesel[5] == ("3.09591 tCO2/t 未核实 低位发热量 42.652 GJ/t × 单位热值含碳量 0.0202 "
                         "tC/GJ × 碳氧化率 0.98 × 44/12")
    unconfirmed = [r for r in rows if "未核实" in r[5]]
    assert len(unconfirmed) == 6  # two 2023 grid factors and four fuels
    html = response.content.decode()
    for line in factors.factor_rule():
        assert unescape(line) in unescape(html)


def test_the_page_shows_the_rule_at_work_year_by_year(library, client, settings):
    client.force_login(library.user(ADMIN))
    rows = {r[0]: r[1:] for r in _cells(client.get(URL), "electricity-by-year")}
    assert rows["2021"] == ["2021", "全国", "1", "0.5568 kgCO2/kWh"]
    assert rows["2022"] == ["2022", "广西壮族自治区", "1", "0.4044 kgCO2/kWh"]
    assert rows["2023"] == ["2023", "南方区域电网", "1", "0.4042 kgCO2/kWh 未核实"]
    assert rows["2020"] == ["2021 无更早因子", "全国", "1", "0.5568 kgCO2/kWh"]


def test_the_admin_adds_a_version_on_the_page(library, client):
    admin = library.user(ADMIN)
    client.force_login(admin)
    response = client.post(URL, {"code": "grid_electricity", "region": "guangxi",
                                 "data_year": "2023", "value": "0.4100",
                                 "source": "生态环境部 国家统计局公告", "clause": "广西"})
    assert response.status_code == 302
    assert response["Location"] == URL
    added = _row("grid_electricity", "guangxi", 2023)
    assert (added.value, added.entered_by, added.confirmed) == (Decimal("0.4100"), admin, False)
    page = client.get(URL)
    assert [str(m) for m in page.context["messages"]] == [
        "已添加排放因子「电网电力」2023年广西壮族自治区第1版。"]
    row = next(r for r in _cells(page, "factors") if r[2] == "广西壮族自治区" and r[3] == "2023")
    assert row[5] == "0.41 kgCO2/kWh 未核实"


def test_a_refused_post_says_why_and_adds_nothing(library, client):
    client.force_login(library.user(ADMIN))
    before = _snapshot()
    response = client.post(URL, {"code": "diesel", "region": "national", "data_year": "2015",
                                 "value": "3.1", "source": "测试"})
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "请更正下面标出的内容，因子尚未添加。" in html
    assert "化石燃料因子须填写低位发热量、单位热值含碳量和碳氧化率，排放因子由三者计算。" in html
    assert _snapshot() == before


@pytest.mark.parametrize("username", ["city_ecology", "yizhou_ecology", "app_park_yizhou",
                                      "expert1"])
def test_the_page_is_refused_to_everyone_else(library, client, username):
    client.force_login(library.user(username))
    before = _snapshot()
    assert client.get(URL).status_code == 403
    response = client.post(URL, {"code": "grid_electricity", "region": "guangxi",
                                 "data_year": "2023", "value": "0.41", "source": "测试"})
    assert response.status_code == 403
    assert _snapshot() == before


def test_a_visitor_is_sent_to_log_in(library, client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_page_runs_a_fixed_number_of_queries(library, client, django_assert_num_queries):
    """With 1 and 3 rows more than the shipped library, one of them entered by the admin."""
    admin = library.user(ADMIN)
    client.force_login(admin)
    for added, year in ((1, 2030), (2, 2031)):
        for _ in range(added):
            factors.add_factor_version(admin, code="grid_electricity", region=Region.GUANGXI,
                                       data_year=year, value="0.4", source="测试")
        with django_assert_num_queries(QUERIES):
            response = client.get(URL)
        assert len(_cells(response, "factors")) == EmissionFactor.objects.count()
