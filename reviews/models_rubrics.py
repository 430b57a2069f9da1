"""Rubrics (评分标准): the criteria experts score, with their weights, and the grade lines.

A criterion's weight is its maximum: an expert gives it 0..weight points, and a sheet's
total is the sum of its points, out of 100 because the weights of a rubric sum to 100.
"""
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pilots.models.reference import LocalizedName

from .choices import ReviewKind


def _points(verbose_name, help_text, **options):
    """Points out of 100, to the hundredth."""
    return models.DecimalField(
        verbose_name, max_digits=5, decimal_places=2, help_text=help_text,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
        **options)


class Rubric(models.Model):
    """How one batch's projects of one category are scored in one kind of review."""

    batch = models.ForeignKey("pilots.Batch", on_delete=models.PROTECT, related_name="rubrics",
                              verbose_name=_("申报批次"))
    category = models.ForeignKey("pilots.Category", on_delete=models.PROTECT,
                                 related_name="rubrics", verbose_name=_("试点类别"))
    kind = models.CharField(_("评审类型"), max_length=20, choices=ReviewKind.choices)
    pass_line = _points(_("通过线"), _("得分不低于此分数为「通过」。"), default=Decimal("60"))
    excellent_line = _points(_("优秀线"), _("得分不低于此分数为「优秀」。"), default=Decimal("85"))
    locked_at = models.DateTimeField(
        _("锁定时间"), null=True, blank=True,
        help_text=_("第一份评分表提交时锁定，此后不能修改。"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-batch__year", "category__order", "category__code", "kind"]
        verbose_name = _("评分标准")
        verbose_name_plural = _("评分标准")
        constraints = [
            models.UniqueConstraint(fields=["batch", "category", "kind"],
                                    name="one_rubric_per_batch_category_kind"),
            models.CheckConstraint(
                condition=Q(pass_line__gt=0) & Q(pass_line__lt=F("excellent_line"))
                & Q(excellent_line__lte=100),
                name="rubric_lines_in_order"),
        ]

    def __str__(self):
        return f"{self.batch} · {self.category} · {self.get_kind_display()}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Criterion(LocalizedName, models.Model):
    """One thing the experts score, out of ``weight`` points."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria",
                               verbose_name=_("评分标准"))
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    weight = _points(_("分值"), _("该项的满分；各项分值合计为100分。"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["rubric", "order", "pk"]
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        constraints = [
            models.UniqueConstraint(fields=["rubric", "code"], name="criterion_code_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0) & Q(weight__lte=100),
                                   name="criterion_weight_in_range"),
        ]

    def __str__(self):
        return self.label
