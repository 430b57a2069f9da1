"""The emission factor library: which factor applies to an accounting year, and adding a
new version of a factor.

A factor row is never edited in place: a newly published year, or a corrected value, is a
new row (``add_factor_version``), so a figure computed with an older row can always name it
(the calculation keeps a copy of every factor it used in its result).
"""
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from pilots.rules import may_manage_programme

from .models import FACTOR_DIGITS, EmissionFactor, FactorKind, Region, Scope

ELECTRICITY_CODE = "grid_electricity"
HEAT_CODE = "purchased_heat"
CO2_PER_C = Decimal(44) / Decimal(12)  # molar mass of CO2 over that of carbon
VALUE_PLACES = Decimal(1).scaleb(-FACTOR_DIGITS["decimal_places"])
EARLIEST_DATA_YEAR = 2000

# The regions a factor may come from, most local first, for a pilot in each region.
REGION_FALLBACK = {
    Region.GUANGXI: (Region.GUANGXI, Region.SOUTHERN_GRID, Region.NATIONAL),
    Region.SOUTHERN_GRID: (Region.SOUTHERN_GRID, Region.NATIONAL),
    Region.NATIONAL: (Region.NATIONAL,),
}
PILOT_REGION = Region.GUANGXI  # every Hechi pilot is in Guangxi, on the southern grid

# The units a factor may be given in: the mass of CO2 it counts, as a multiple of a tonne,
# and the unit of the activity amount it multiplies. A factor's unit names both.
FACTOR_UNITS = {
    "kgCO2/kWh": (Decimal("0.001"), "kWh"),
    "tCO2/MWh": (Decimal(1), "MWh"),
    "tCO2/t": (Decimal(1), "t"),
    "tCO2/万Nm³": (Decimal(1), "万Nm³"),
    "tCO2/GJ": (Decimal(1), "GJ"),
}
# What a fuel's net calorific value is given in, per activity unit.
NCV_UNITS = {"t": "GJ/t", "万Nm³": "GJ/万Nm³"}


def region_chain(region) -> tuple:
    return REGION_FALLBACK.get(region, (Region.NATIONAL,))


def fuel_factor_value(ncv: Decimal, carbon_per_heat: Decimal, oxidation: Decimal) -> Decimal:
    """tCO2 per activity unit: net calorific value (GJ per unit) × carbon per unit heat
    (tC/GJ) × oxidation rate (fraction) × 44/12, rounded to the library's 6 decimals."""
    value = Decimal(ncv) * Decimal(carbon_per_heat) * Decimal(oxidation) * CO2_PER_C
    return value.quantize(VALUE_PLACES, rounding=ROUND_HALF_UP)


# --- Which factor applies ------------------------------------------------------------------

def factor_rule() -> list[str]:
    """The rule ``factor_for`` applies, in words (shown on the factor page and beside a
    calculation)."""
    chain = _("、").join(str(r.label) for r in region_chain(PILOT_REGION))
    return [
        _("采用不晚于核算年份的最近数据年份的排放因子(排放因子通常在数据年份约两年后发布，"
          "例如核算2024年时，若2023年因子已发布则采用2023年因子)。"),
        _("同一数据年份有多个区域的电力因子时，优先采用本地因子，依次为：%(chain)s。") % {"chain": chain},
        _("同一因子有多个版本时，采用最新版本；已计算的结果保留当时所用因子，不因新增版本而改变。"),
        _("若核算年份之前尚无已发布的因子(如基准年早于最早的因子年份)，采用已发布的最早年份，"
          "并在结果中注明。"),
    ]


def _pick(candidates, code, region, accounting_year):
    """The applicable row of one code among ``candidates`` (rows of that code), or None."""
    rows = [f for f in candidates if f.code == code and f.region in region_chain(region)]
    if not rows:
        return None
    not_after = [f for f in rows if f.data_year <= accounting_year]
    if not_after:
        year = max(f.data_year for f in not_after)
    else:
        year = min(f.data_year for f in rows)
    same_year = [f for f in rows if f.data_year == year]
    rank = {r: i for i, r in enumerate(region_chain(region))}
    best_region = min(same_year, key=lambda f: rank[f.region]).region
    return max((f for f in same_year if f.region == best_region), key=lambda f: f.version)


def factor_for(code: str, region, accounting_year: int) -> EmissionFactor | None:
    """The factor of ``code`` that applies to ``accounting_year`` for a pilot in
    ``region`` (see ``factor_rule``), or None when the library has none."""
    return factors_for([code], region, accounting_year).get(code)


def factors_for(codes, region, accounting_year: int) -> dict[str, EmissionFactor]:
    """``factor_for`` for several codes in one query: {code: factor} (codes without one left
    out)."""
    codes = list(dict.fromkeys(codes))
    if not codes:
        return {}
    candidates = list(EmissionFactor.objects.filter(code__in=codes,
                                                    region__in=region_chain(region)))
    chosen = {code: _pick(candidates, code, region, accounting_year) for code in codes}
    return {code: factor for code, factor in chosen.items() if factor is not None}


def applicable_by_year(rows, code: str, years, region=PILOT_REGION) -> list[tuple]:
    """[(accounting year, the row of ``code`` that applies or None)] chosen among ``rows``
    (already loaded: no query), for showing the rule at work."""
    rows = list(rows)
    return [(year, _pick(rows, code, region, year)) for year in years]


def is_fallback(factor, accounting_year: int) -> bool:
    """Whether ``factor`` describes a year after the accounting year (none earlier existed)."""
    return factor.data_year > accounting_year


# --- Adding a version ---------------------------------------------------------------------

def _decimal(value, message) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        result = Decimal(str(value).strip())
    except (ArithmeticError, ValueError):
        raise ValidationError(message) from None
    if not result.is_finite():
        raise ValidationError(message)
    return result


def _check_fits(value: Decimal, digits: int, places: int, message):
    if value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) != value \
            or value.adjusted() >= digits - places:
        raise ValidationError(message)


SHAPE_FIELDS = ("kind", "name", "name_en", "unit", "activity_unit", "scope")


@transaction.atomic
def add_factor_version(actor, *, code, region, data_year, source, value=None, clause="",
                       confirmed=False, note="", ncv=None, ncv_source="",
                       carbon_per_heat=None, carbon_per_heat_source="", oxidation=None,
                       oxidation_source="", kind=None, name=None, name_en=None, unit=None,
                       scope=None) -> EmissionFactor:
    """A new row for ``code`` / ``region`` / ``data_year``: version 1, or one more than the
    latest version of that year and region. Nothing is edited in place.

    The factor's kind, names, unit and scope are those of the latest row of the same code
    (a new code must give them). A fuel gives its three parameters with their sources and
    its value is computed from them; any other factor gives its value. Only the ecology
    admin may add (``pilots.rules.may_manage_programme``); bad input raises ValidationError
    with a message in Chinese and adds nothing.
    """
    if not may_manage_programme(actor):
        raise PermissionDenied(_("只有市生态环境局可以维护排放因子库。"))
    code = (code or "").strip()
    if not code:
        raise ValidationError(_("请填写因子代码。"))
    if region not in Region.values:
        raise ValidationError(_("适用区域无效。"))
    try:
        data_year = int(data_year)
    except (TypeError, ValueError):
        raise ValidationError(_("数据年份须为整数。")) from None
    if not EARLIEST_DATA_YEAR <= data_year <= 2100:
        raise ValidationError(_("数据年份须在%(first)s年至2100年之间。") % {"first": EARLIEST_DATA_YEAR})
    if not (source or "").strip():
        raise ValidationError(_("请填写来源文件(文件名称及文号)。"))

    latest = EmissionFactor.objects.filter(code=code).order_by("-data_year", "-version").first()
    shape = {f: getattr(latest, f) for f in SHAPE_FIELDS} if latest else {}
    given = {"kind": kind, "name": name, "name_en": name_en, "unit": unit, "scope": scope}
    for field, given_value in given.items():
        if given_value not in (None, ""):
            if latest is not None and field != "name_en" and given_value != shape[field]:
                raise ValidationError(
                    _("因子「%(code)s」已有的%(field)s为「%(old)s」，新版本不能更改；"
                      "如需不同的%(field)s，请使用新的因子代码。")
                    % {"code": code, "field": EmissionFactor._meta.get_field(field).verbose_name,
                       "old": shape[field]})
            shape[field] = given_value
    shape.setdefault("name_en", "")
    missing = [f for f in ("kind", "name", "unit", "scope") if shape.get(f) in (None, "")]
    if missing:
        raise ValidationError(_("新的因子代码须填写类型、名称、单位和排放范围。"))
    if shape["kind"] not in FactorKind.values:
        raise ValidationError(_("因子类型无效。"))
    if shape["unit"] not in FACTOR_UNITS:
        raise ValidationError(_("单位须为以下之一：%(units)s。") % {"units": "、".join(FACTOR_UNITS)})
    shape["activity_unit"] = FACTOR_UNITS[shape["unit"]][1]
    try:
        shape["scope"] = int(shape["scope"])
    except (TypeError, ValueError):
        raise ValidationError(_("排放范围无效。")) from None
    if shape["scope"] not in Scope.values:
        raise ValidationError(_("排放范围无效。"))
    if shape["kind"] == FactorKind.FUEL and shape["scope"] != Scope.DIRECT \
            or shape["kind"] != FactorKind.FUEL and shape["scope"] != Scope.INDIRECT:
        raise ValidationError(_("化石燃料燃烧属于范围一，外购电力、热力属于范围二。"))

    params = {}
    if shape["kind"] == FactorKind.FUEL:
        if shape["activity_unit"] not in NCV_UNITS:
            raise ValidationError(_("化石燃料的单位须为 tCO2/t 或 tCO2/万Nm³。"))
        params["ncv"] = _decimal(ncv, _("低位发热量须为数字。"))
        params["carbon_per_heat"] = _decimal(carbon_per_heat, _("单位热值含碳量须为数字。"))
        params["oxidation"] = _decimal(oxidation, _("碳氧化率须为数字(如 0.98)。"))
        if None in params.values():
            raise ValidationError(_("化石燃料因子须填写低位发热量、单位热值含碳量和碳氧化率，"
                                    "排放因子由三者计算。"))
        if not all(v > 0 for v in params.values()) or params["oxidation"] > 1:
            raise ValidationError(_("低位发热量和单位热值含碳量须大于0，碳氧化率须在0至1之间"
                                    "(如 0.98)。"))
        sources = {"ncv_source": ncv_source, "carbon_per_heat_source": carbon_per_heat_source,
                   "oxidation_source": oxidation_source}
        if not all((s or "").strip() for s in sources.values()):
            raise ValidationError(_("请分别注明低位发热量、单位热值含碳量和碳氧化率的来源。"))
        _check_fits(params["ncv"], 14, 4, _("低位发热量最多4位小数。"))
        _check_fits(params["carbon_per_heat"], 12, 6, _("单位热值含碳量最多6位小数。"))
        _check_fits(params["oxidation"], 6, 4, _("碳氧化率最多4位小数。"))
        if value not in (None, ""):
            raise ValidationError(_("化石燃料的排放因子由参数计算，请勿另填数值。"))
        computed = fuel_factor_value(**params)
        params.update({k: v.strip() for k, v in sources.items()},
                      ncv_unit=NCV_UNITS[shape["activity_unit"]])
    else:
        computed = _decimal(value, _("排放因子须为数字。"))
        if computed is None:
            raise ValidationError(_("请填写排放因子数值。"))
        if computed <= 0:
            raise ValidationError(_("排放因子须大于0。"))
        _check_fits(computed, FACTOR_DIGITS["max_digits"], FACTOR_DIGITS["decimal_places"],
                    _("排放因子最多6位小数、8位整数。"))

    # Lock this code's rows of that year and region, so two admins adding at once do not
    # both take the same version number (the unique constraint catches the first version).
    same = EmissionFactor.objects.select_for_update().filter(code=code, region=region,
                                                             data_year=data_year)
    version = (same.aggregate(top=Max("version"))["top"] or 0) + 1
    factor = EmissionFactor(
        code=code, region=region, data_year=data_year, version=version, value=computed,
        source=source.strip(), clause=(clause or "").strip(), confirmed=bool(confirmed),
        note=(note or "").strip(), entered_by=actor, **shape, **params)
    try:
        with transaction.atomic():
            factor.save()
    except IntegrityError:
        raise ValidationError(_("另一位管理员刚刚添加了同一因子的版本，请刷新页面后重试。")) from None
    return factor
