"""The working-day calendar: China's statutory holidays and make-up working days (调休), one
State Council notice a year, entered (or seeded from the ``chinesecalendar`` package) and
verified by the ecology admin. ``pilots.workdays`` counts with it and refuses any day of a
year whose notice is not verified.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """One year's holiday arrangement as the State Council's notice (国务院办公厅关于某年
    部分节假日安排的通知) sets it. Its days count only once it is verified; a verified year
    is not edited any more (periods may already have been counted with it)."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("依据文件"), max_length=300,
                              help_text=_("国务院办公厅公布该年节假日安排的通知的标题和文号。"))
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("核实人"),
        help_text=_("为空且已核实：随系统从 chinesecalendar 软件包导入。"))

    class Meta:
        ordering = ["-year"]
        verbose_name = _("工作日历年份")
        verbose_name_plural = _("工作日历年份")

    def __str__(self):
        return _("%(year)s年节假日安排") % {"year": self.year}

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日")
    WORKDAY = "workday", _("调休上班日")


class CalendarDay(models.Model):
    """A day the notice makes special: a holiday (放假), or a weekend day worked instead
    (调休上班). Every other day is a working day from Monday to Friday.

    ``year`` is the notice the day comes from: usually the day's own year, but a notice may
    also arrange the last days of the December before (the 2019 notice made Saturday
    2018-12-29 a working day)."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("节日"), max_length=60,
                            help_text=_("所属节日，如春节、国庆节；调休上班日填所调休的节日。"))
    year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days",
                             verbose_name=_("依据年份"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日或调休上班日")
        verbose_name_plural = _("节假日与调休上班日")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name} {self.get_kind_display()}"


class CalendarReminder(models.Model):
    """The claim of one warning that next year's arrangement is missing: one row per
    missing year and week, so a warning task that runs twice sends nothing twice."""

    year = models.PositiveSmallIntegerField(_("缺少的年份"))
    week_of = models.DateField(_("所在周的星期一"))
    sent_at = models.DateTimeField(_("提醒时间"), default=timezone.now)

    class Meta:
        ordering = ["-week_of"]
        verbose_name = _("工作日历提醒")
        verbose_name_plural = _("工作日历提醒")
        constraints = [
            models.UniqueConstraint(fields=["year", "week_of"], name="one_calendar_reminder_a_week"),
        ]

    def __str__(self):
        return f"{self.year} / {self.week_of:%Y-%m-%d}"
