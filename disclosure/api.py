"""The open data of the annual disclosures: their JSON representation and the CSV file,
both made from the public summaries (``disclosure.public.PublicDisclosure``), never from a
model, so nothing but the allow-list reaches them. The endpoints themselves
(``/api/public/disclosures/`` and ``.csv``) are the public site's (``public.api``): it
decides which pilots are public, throttles and caches.

Numbers are exact decimal strings as computed ("323.52", "0.4044"), every emission in
tCO₂; a missing indicator value is null with the reason in ``missing``.
"""
import csv
import io
import re
from urllib.parse import quote

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pilots import plan as plan_rules
from pilots.exports import FORMULA_TRIGGERS

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only with it


@extend_schema_field({"type": "string", "nullable": True, "example": "323.52"})
class DecimalText(serializers.Field):
    """A Decimal as its exact text ("323.52"), or null."""

    def to_representation(self, value):
        return plan_rules.decimal_text(value) if value is not None else None


class FactorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="因子代码，如 grid_electricity")
    name = serializers.CharField(help_text="因子名称")
    value = DecimalText(help_text="排放因子数值")
    unit = serializers.CharField(help_text="单位，如 kgCO2/kWh")
    activity_unit = serializers.CharField(help_text="活动数据单位，如 kWh")
    data_year = serializers.IntegerField(help_text="因子所描述的年份")
    region = serializers.CharField(help_text="适用区域代码：national、southern_grid、guangxi")
    version = serializers.IntegerField(help_text="因子版本")
    scope = serializers.IntegerField(help_text="排放范围：1 直接排放，2 外购电力、热力")
    source = serializers.CharField(help_text="来源文件(名称及文号)")
    clause = serializers.CharField(help_text="条款或表号")
    confirmed = serializers.BooleanField(help_text="数值是否已与来源原文核对")


class SourceSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="排放源代码，如 purchased_electricity、fuel")
    fuel_code = serializers.CharField(help_text="燃料的因子代码；其他排放源为空")
    name = serializers.CharField(source="label", help_text="排放源名称")
    scope = serializers.IntegerField(help_text="排放范围")
    amount = DecimalText(help_text="活动数据数量")
    unit = serializers.CharField(help_text="活动数据单位")
    deducted = DecimalText(help_text="扣除的绿色电力(与数量同单位)")
    factor = serializers.CharField(source="factor_code", help_text="所用排放因子代码")
    emissions_t = DecimalText(help_text="排放量(tCO2)")


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="指标代码，如 total、per_capita")
    name = serializers.CharField(help_text="指标名称")
    unit = serializers.CharField(help_text="指标单位")
    value = DecimalText(help_text="本年度数值；缺少数据时为 null")
    missing = serializers.CharField(help_text="缺少数据的原因；有数值时为空")
    baseline = DecimalText(help_text="创建方案的基准值")
    milestone = DecimalText(help_text="创建方案中本年度的目标值(里程碑)；无则为 null")


class PublicDisclosureSerializer(serializers.Serializer):
    project = serializers.CharField(source="project_code", help_text="项目编号")
    project_name = serializers.CharField(help_text="项目名称")
    category = serializers.CharField(source="category_code", help_text="试点类别代码")
    county = serializers.CharField(source="county_code", help_text="县(区)代码")
    builder = serializers.CharField(help_text="建设单位")
    year = serializers.IntegerField(help_text="披露年度")
    version = serializers.IntegerField(help_text="版本；更正后的披露为新版本")
    published_at = serializers.DateTimeField(help_text="公开时间")
    superseded = serializers.BooleanField(help_text="是否已被更正后的新版本取代")
    correction_note = serializers.CharField(help_text="更正说明；第1版为空")
    measures = serializers.CharField(help_text="本年度采取的措施")
    narrative = serializers.CharField(help_text="情况说明")
    scope1_t = DecimalText(help_text="范围一(直接排放)，tCO2")
    scope2_t = DecimalText(help_text="范围二(外购电力、热力间接排放)，tCO2")
    gross_t = DecimalText(help_text="范围一与范围二之和，tCO2")
    sinks_t = DecimalText(help_text="碳汇，tCO2")
    sinks_allowed = serializers.BooleanField(help_text="本类别是否可抵扣碳汇")
    total_t = DecimalText(help_text="碳排放总量(可抵扣时已扣除碳汇)，tCO2")
    sources = SourceSerializer(many=True, help_text="排放源明细")
    indicators = IndicatorSerializer(many=True, help_text="评价指标")
    factors = FactorSerializer(many=True, help_text="所用排放因子")
    pdf = serializers.CharField(source="pdf_url", help_text="该版本PDF的地址")


# --- CSV ------------------------------------------------------------------------------------

NUMBER = re.compile(r"-?\d+(\.\d+)?")


def safe(value) -> str:
    """A cell's text; one a spreadsheet would take for a formula is quoted with a leading
    apostrophe (CSV injection). A plain number (a negative net total) stays a number."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS) and not NUMBER.fullmatch(text):
        return "'" + text
    return text


def _number(value) -> str:
    return plan_rules.decimal_text(value) if value is not None else ""


def csv_text(summaries) -> str:
    """Every disclosure as rows, one per factor it used (one row when it used none): its
    figures and indicators repeated on each, then the factor (value, unit, year, region,
    source). Starts with the BOM."""
    summaries = list(summaries)
    indicator_codes, indicator_heads = [], {}
    for s in summaries:
        for i in s.indicators:
            if i.code not in indicator_heads:
                indicator_codes.append(i.code)
                indicator_heads[i.code] = f"{i.name}({i.unit})" if i.unit else i.name
    header = [_("项目编号"), _("项目名称"), _("试点类别"), _("县(区)"), _("建设单位"),
              _("披露年度"), _("版本"), _("公开日期"), _("已被更正"),
              _("范围一排放(tCO2)"), _("范围二排放(tCO2)"), _("碳汇(tCO2)"),
              _("碳排放总量(tCO2)"),
              *[indicator_heads[c] for c in indicator_codes],
              _("排放因子"), _("因子数值"), _("因子单位"), _("因子数据年份"), _("因子适用区域"),
              _("因子来源")]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for s in summaries:
        values = {i.code: i.value for i in s.indicators}
        head = [s.project_code, s.project_name, s.category, s.county, s.builder, s.year,
                s.version, timezone.localdate(s.published_at).isoformat(),
                _("是") if s.superseded else _("否"),
                _number(s.scope1_t), _number(s.scope2_t), _number(s.sinks_t), _number(s.total_t),
                *[_number(values.get(c)) for c in indicator_codes]]
        factors = [[f.name, _number(f.value), f.unit, f.data_year, f.region_label,
                    f"{f.source}，{f.clause}" if f.clause else f.source] for f in s.factors]
        for factor in factors or [[""] * 6]:
            writer.writerow([safe(cell) for cell in (*head, *factor)])
    return BOM + out.getvalue()


def content_disposition(day) -> str:
    """An attachment named e.g. 河池市近零碳排放区试点碳排放信息披露-2026-11-25.csv, with an
    ASCII fallback."""
    name = f"{_('河池市近零碳排放区试点碳排放信息披露')}-{day.isoformat()}.csv"
    return (f'attachment; filename="hechi-nzc-disclosures-{day.isoformat()}.csv"; '
            f"filename*=UTF-8''{quote(name, safe='')}")
