"""Reference data: counties, government bodies, their departments, categories, indicators.

All of it is rows, seeded by data migrations, so the city can open a category or
rename a bureau without a deploy.
"""
from functools import cached_property

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..choices import Denominator, IndicatorKind


def speaks_english() -> bool:
    return (get_language() or "").startswith("en")


def localized(obj, field="name") -> str:
    """``obj.<field>`` in the active language: its ``<field>_en`` in English when filled."""
    if speaks_english():
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field)


class LocalizedName:
    """Reference rows are named in Chinese with an English name beside; ``label`` (and
    ``str()``) give the one for the active language."""

    @property
    def label(self) -> str:
        return localized(self)

    def __str__(self):
        return self.label


class County(LocalizedName, models.Model):
    """One of Hechi's 11 county-level divisions (县(区))."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("县(区)")
        verbose_name_plural = _("县(区)")


class Body(LocalizedName, models.Model):
    """A kind of government body that exists at city level and in each county.

    e.g. 生态环境局: 河池市生态环境局 at city level, 宜州区生态环境局 in 宜州区.
    """

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_ecology = models.BooleanField(
        _("生态环境部门"),
        default=False,
        help_text=_("属地生态环境部门受理验收申请，并抄送全部申报材料。"),
    )

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("主管部门类别")
        verbose_name_plural = _("主管部门类别")


class Department(LocalizedName, models.Model):
    """A concrete department: a body at city level (no county) or in one county."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="departments",
                             verbose_name=_("部门类别"))
    county = models.ForeignKey(County, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="departments", verbose_name=_("县(区)"),
                               help_text=_("留空表示市级部门。"))
    name = models.CharField(_("名称"), max_length=80, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=160, blank=True)

    class Meta:
        ordering = ["county__order", "body__order"]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        constraints = [
            models.UniqueConstraint(fields=["body", "county"], name="one_department_per_body_county"),
            models.UniqueConstraint(fields=["body"], condition=models.Q(county__isnull=True),
                                    name="one_city_department_per_body"),
        ]

    @property
    def is_city_level(self):
        return self.county_id is None


class Category(LocalizedName, models.Model):
    """A pilot category (试点类别), e.g. 近零碳排放校园."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    title = models.CharField(_("称号"), max_length=60, blank=True,
                             help_text=_("验收通过后授予的称号，如「近零碳排放校园」。"))
    title_en = models.CharField(_("英文称号"), max_length=120, blank=True)
    builder_types = models.TextField(_("建设主体"), blank=True)
    lead_bodies = models.ManyToManyField(Body, related_name="categories",
                                         verbose_name=_("组织申报的市级主管部门"))
    is_open = models.BooleanField(_("接受申报"), default=True)
    recheck_interval_days = models.PositiveIntegerField(
        _("复核周期(天)"), default=730,
        validators=[MinValueValidator(30), MaxValueValidator(3650)],
        help_text=_("授予称号(或上次复核通过)后，间隔多少天启动下一次复核。"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("试点类别")
        verbose_name_plural = _("试点类别")

    @cached_property
    def lead_body_ids(self) -> frozenset[int]:
        """Ids of the bodies that run this category's call (uses a prefetch when present)."""
        return frozenset(body.pk for body in self.lead_bodies.all())


class Indicator(LocalizedName, models.Model):
    """An indicator that must fall steadily during construction (or rise, for awareness).

    Indicators sharing a non-empty ``alternative_group`` are alternatives: the plan
    sets a target for at least one of them (e.g. per output value **or** per value added).
    """

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="indicators",
                                 verbose_name=_("试点类别"))
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=80)
    name_en = models.CharField(_("英文名称"), max_length=160, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=IndicatorKind.choices)
    unit = models.CharField(_("单位"), max_length=40)
    unit_en = models.CharField(_("英文单位"), max_length=60, blank=True)
    denominator = models.CharField(_("分母"), max_length=20, choices=Denominator.choices,
                                   blank=True)
    alternative_group = models.CharField(_("可选组"), max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["category__order", "order"]
        verbose_name = _("评价指标")
        verbose_name_plural = _("评价指标")
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="unique_indicator_code"),
        ]

    def __str__(self):
        return f"{self.category.label}：{self.label}"

    @property
    def unit_label(self) -> str:
        return localized(self, "unit")

    @property
    def must_fall(self):
        return self.kind != IndicatorKind.AWARENESS


class KeyParkLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    REGIONAL = "regional", _("自治区级")


class KeyPark(LocalizedName, models.Model):
    """A park on the autonomous-region (or national) key industrial park list
    (自治区级及以上重点产业园区名录): only these may apply in the park category."""

    name = models.CharField(_("园区名称"), max_length=120, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    level = models.CharField(_("级别"), max_length=20, choices=KeyParkLevel.choices)
    county = models.ForeignKey(County, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="key_parks", verbose_name=_("所在县(区)"))
    source = models.CharField(_("名录依据"), max_length=200, blank=True,
                              help_text=_("列入名录的文件，如自治区公布名录的文号。"))
    is_listed = models.BooleanField(_("在名录内"), default=True,
                                    help_text=_("移出名录的园区不再能申报。"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("重点产业园区")
        verbose_name_plural = _("重点产业园区名录")


class EligibilityCondition(models.Model):
    """A selection condition (遴选条件) of a category that the applicant confirms on its plan
    and the county officer sees beside it."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE,
                                 related_name="eligibility_conditions",
                                 verbose_name=_("试点类别"))
    code = models.SlugField(_("代码"), max_length=40)
    text = models.CharField(_("条件"), max_length=300)
    text_en = models.CharField(_("英文条件"), max_length=400, blank=True)
    required = models.BooleanField(_("必须满足"), default=True,
                                   help_text=_("不勾选表示“优先”条件，不满足也可提交。"))
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["category__order", "order", "pk"]
        verbose_name = _("遴选条件")
        verbose_name_plural = _("遴选条件")
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="unique_eligibility_code"),
        ]

    def __str__(self):
        return localized(self, "text")
