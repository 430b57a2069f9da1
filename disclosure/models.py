"""Carbon accounting and the annual carbon disclosure (碳排放信息披露).

- ``EmissionFactor``: the factor library. A factor is never edited in place once shipped or
  entered: a newly published year, or a corrected value, is a new row (a new version).
- ``ActivityYear`` / ``ActivityRecord``: a pilot's activity data for one year (energy bought
  and burnt, process emissions, sinks) and the denominators of its category's indicators.
- ``Disclosure``: the yearly disclosure, with the calculation result frozen in ``figures``.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilots.models.reference import localized

FACTOR_DIGITS = {"max_digits": 14, "decimal_places": 6}
AMOUNT_DIGITS = {"max_digits": 18, "decimal_places": 4}


class FactorKind(models.TextChoices):
    ELECTRICITY = "electricity", _("电力")
    HEAT = "heat", _("热力")
    FUEL = "fuel", _("化石燃料")


class Region(models.TextChoices):
    """Where a factor applies; for electricity the most local one is preferred."""

    NATIONAL = "national", _("全国")
    SOUTHERN_GRID = "southern_grid", _("南方区域电网")
    GUANGXI = "guangxi", _("广西壮族自治区")


class Scope(models.IntegerChoices):
    DIRECT = 1, _("范围一(直接排放)")
    INDIRECT = 2, _("范围二(外购电力、热力间接排放)")


class ActivitySource(models.TextChoices):
    PURCHASED_ELECTRICITY = "purchased_electricity", _("外购电力")
    GREEN_ELECTRICITY = "green_electricity", _("购入绿色电力(绿电交易、绿证)")
    ONSITE_RENEWABLE = "onsite_renewable", _("自发自用可再生能源电力")
    FUEL = "fuel", _("化石燃料燃烧")
    PURCHASED_HEAT = "purchased_heat", _("外购热力")
    PROCESS = "process", _("工业生产过程排放")
    SINK = "sink", _("碳汇")


class DisclosureState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    COUNTY_CHECK = "county_check", _("属地生态环境部门审核")
    RETURNED = "returned", _("已退回")
    PUBLISHED = "published", _("已公开")


class EmissionFactor(models.Model):
    """One version of an emission factor for one data year and region.

    ``value`` is in ``unit`` (e.g. kgCO2/kWh, tCO2/t, tCO2/万Nm³) per ``activity_unit``, the
    unit the activity amount is entered in. For a fuel the value is computed from its
    parameters (net calorific value × carbon per unit heat × oxidation rate × 44/12) by
    ``disclosure.factors`` and stored here, each parameter with its own source.
    """

    code = models.SlugField(_("代码"), max_length=40,
                            help_text=_("如 grid_electricity、natural_gas、diesel。"))
    kind = models.CharField(_("类型"), max_length=20, choices=FactorKind.choices)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    region = models.CharField(_("适用区域"), max_length=20, choices=Region.choices,
                              default=Region.NATIONAL)
    data_year = models.PositiveSmallIntegerField(_("数据年份"),
                                                 help_text=_("因子所描述的年份(非发布年份)。"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    value = models.DecimalField(_("排放因子"), **FACTOR_DIGITS)
    unit = models.CharField(_("单位"), max_length=30)
    activity_unit = models.CharField(_("活动数据单位"), max_length=20)
    scope = models.PositiveSmallIntegerField(_("排放范围"), choices=Scope.choices)
    source = models.CharField(_("来源文件"), max_length=300)
    clause = models.CharField(_("条款或表号"), max_length=200, blank=True)
    confirmed = models.BooleanField(
        _("已核实"), default=False,
        help_text=_("数值已与来源文件原文核对；未核实的数值在页面上标明。"))
    note = models.TextField(_("说明"), blank=True)
    # Parameters of a fuel factor.
    ncv = models.DecimalField(_("低位发热量"), max_digits=14, decimal_places=4,
                              null=True, blank=True)
    ncv_unit = models.CharField(_("低位发热量单位"), max_length=20, blank=True)
    ncv_source = models.CharField(_("低位发热量来源"), max_length=300, blank=True)
    carbon_per_heat = models.DecimalField(_("单位热值含碳量(tC/GJ)"), max_digits=12,
                                          decimal_places=6, null=True, blank=True)
    carbon_per_heat_source = models.CharField(_("单位热值含碳量来源"), max_length=300, blank=True)
    oxidation = models.DecimalField(_("碳氧化率"), max_digits=6, decimal_places=4,
                                    null=True, blank=True)
    oxidation_source = models.CharField(_("碳氧化率来源"), max_length=300, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("录入人"), help_text=_("留空表示系统内置。"))
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    class Meta:
        ordering = ["kind", "code", "-data_year", "region", "-version"]
        verbose_name = _("排放因子")
        verbose_name_plural = _("排放因子库")
        constraints = [
            models.UniqueConstraint(fields=["code", "region", "data_year", "version"],
                                    name="unique_factor_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="factor_version_positive"),
            models.CheckConstraint(condition=Q(value__gte=0), name="factor_value_not_negative"),
        ]

    def __str__(self):
        return f"{self.name} {self.get_region_display()} {self.data_year} v{self.version}"

    @property
    def label(self) -> str:
        """The name in the active language."""
        return localized(self)

    @property
    def is_fuel(self) -> bool:
        return self.kind == FactorKind.FUEL


class ActivityYear(models.Model):
    """A pilot's activity data for one accounting year, with the denominators of its
    category's indicators (prefilled from the plan's baseline)."""

    project = models.ForeignKey("pilots.Project", on_delete=models.CASCADE,
                                related_name="activity_years", verbose_name=_("试点项目"))
    year = models.PositiveSmallIntegerField(_("核算年份"))
    population = models.DecimalField(_("人口(人)"), **AMOUNT_DIGITS, null=True, blank=True)
    output_value_wan_yuan = models.DecimalField(_("产值(万元)"), **AMOUNT_DIGITS,
                                                null=True, blank=True)
    value_added_wan_yuan = models.DecimalField(_("工业增加值(万元)"), **AMOUNT_DIGITS,
                                               null=True, blank=True)
    floor_area_m2 = models.DecimalField(_("建筑面积(平方米)"), **AMOUNT_DIGITS,
                                        null=True, blank=True)
    awareness_percent = models.DecimalField(
        _("居民绿色低碳意识(%)"), max_digits=7, decimal_places=4, null=True, blank=True,
        help_text=_("按方案确定的调查方法得到的比例，仅设有该指标的类别填写。"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("填报人"))
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["project", "year"]
        verbose_name = _("年度活动数据")
        verbose_name_plural = _("年度活动数据")
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="one_activity_year"),
        ]

    def __str__(self):
        return f"{self.project} {self.year}"


class ActivityRecord(models.Model):
    """One line of a year's activity data: an amount of one source (one fuel) in its unit.

    ``unit`` must be the ``activity_unit`` of the factor it is multiplied by; process
    emissions and sinks are entered directly in tCO2 (a sink as a positive amount removed).
    """

    activity_year = models.ForeignKey(ActivityYear, on_delete=models.CASCADE,
                                      related_name="records", verbose_name=_("年度活动数据"))
    source = models.CharField(_("排放源"), max_length=30, choices=ActivitySource.choices)
    fuel_code = models.SlugField(_("燃料"), max_length=40, blank=True,
                                 help_text=_("排放源为化石燃料时填写因子代码，其他为空。"))
    amount = models.DecimalField(_("数量"), **AMOUNT_DIGITS)
    unit = models.CharField(_("单位"), max_length=20)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["activity_year", "source", "fuel_code"]
        verbose_name = _("活动数据")
        verbose_name_plural = _("活动数据")
        constraints = [
            models.UniqueConstraint(fields=["activity_year", "source", "fuel_code"],
                                    name="one_record_per_source"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="activity_amount_not_negative"),
            models.CheckConstraint(
                condition=(Q(source=ActivitySource.FUEL) & ~Q(fuel_code=""))
                | (~Q(source=ActivitySource.FUEL) & Q(fuel_code="")),
                name="fuel_code_only_for_fuel"),
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.fuel_code} {self.amount} {self.unit}".strip()


class Disclosure(models.Model):
    """A pilot's carbon disclosure for one year. Once published it is frozen; a correction
    is a new version (version + 1) with a ``correction_note``, the old one stays visible."""

    project = models.ForeignKey("pilots.Project", on_delete=models.PROTECT,
                                related_name="disclosures", verbose_name=_("试点项目"))
    year = models.PositiveSmallIntegerField(_("披露年份"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    state = models.CharField(_("状态"), max_length=20, choices=DisclosureState.choices,
                             default=DisclosureState.DRAFT)
    figures = models.JSONField(
        _("核算结果"), default=dict, blank=True,
        help_text=_("核算结果及所用全部排放因子(数值、单位、年份、区域、来源)，公开时冻结。"))
    measures = models.TextField(_("本年度采取的措施"), blank=True)
    narrative = models.TextField(_("情况说明"), blank=True)
    correction_note = models.TextField(_("更正说明"), blank=True)
    returned_reason = models.TextField(_("退回理由"), blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("编制人"))
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("审核人"))
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)

    class Meta:
        ordering = ["project", "-year", "-version"]
        verbose_name = _("碳排放信息披露")
        verbose_name_plural = _("碳排放信息披露")
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "version"],
                                    name="unique_disclosure_version"),
            models.CheckConstraint(condition=Q(version__gte=1),
                                   name="disclosure_version_positive"),
        ]

    def __str__(self):
        return _("%(project)s %(year)s年碳排放信息披露(第%(version)s版)") % {
            "project": self.project, "year": self.year, "version": self.version}

    @property
    def is_published(self) -> bool:
        return self.state == DisclosureState.PUBLISHED
