"""Publicity notices (公示公告), the publicity period of each project, and objections (异议).

A notice is numbered without gaps per year (``NoticeCounter``, locked while a notice is
issued, in the transaction that fires ``start_publicity``: a refusal takes its number
back with it). Each project put on notice gets a ``Period``; an objection is filed
against the project during its period and decided once by the ecology admin.
"""
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilots.models.files import private_storage

NOTICE_NUMBER_FORMAT = "河池近零碳公示〔{year}〕{sequence}号"


class NoticeCounter(models.Model):
    """The last notice number issued in a year; the row is locked while one is issued."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("公示公告编号")
        verbose_name_plural = _("公示公告编号")

    def __str__(self):
        return f"{self.year}: {self.last}"


class Notice(models.Model):
    """A publicity notice (公示公告) covering one or more projects of a batch."""

    number = models.CharField(_("文号"), max_length=60, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("序号"))
    batch = models.ForeignKey("pilots.Batch", on_delete=models.PROTECT, related_name="notices",
                              verbose_name=_("申报批次"))
    starts_on = models.DateField(_("公示开始日期"))
    ends_on = models.DateField(_("公示截止日期"))
    working_days = models.PositiveSmallIntegerField(_("公示期(工作日)"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("发布人"))
    issued_at = models.DateTimeField(_("发布时间"), default=timezone.now)

    class Meta:
        ordering = ["-year", "-sequence"]
        verbose_name = _("公示公告")
        verbose_name_plural = _("公示公告")
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="notice_number_per_year"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="notice_dates_in_order"),
        ]

    def __str__(self):
        return self.number


class Period(models.Model):
    """The publicity period of one project, under one notice."""

    project = models.ForeignKey("pilots.Project", on_delete=models.CASCADE,
                                related_name="publicity_periods", verbose_name=_("试点项目"))
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="periods",
                               verbose_name=_("公示公告"))
    starts_on = models.DateField(_("公示开始日期"))
    ends_on = models.DateField(_("公示截止日期"))
    working_days = models.PositiveSmallIntegerField(_("公示期(工作日)"))
    ended_notified_at = models.DateTimeField(
        _("期满提醒时间"), null=True, blank=True,
        help_text=_("期满后提醒市生态环境局确认的时间；每个公示期只提醒一次。"))
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("公示期")
        verbose_name_plural = _("公示期")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="period_dates_in_order"),
        ]
        indexes = [models.Index(fields=["ends_on"], name="period_ends_on")]

    def __str__(self):
        return f"{self.project_id}: {self.starts_on}–{self.ends_on}"

    def runs_on(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    UPHELD = "upheld", _("异议成立")
    NOT_UPHELD = "not_upheld", _("异议不成立")


def objection_path(instance, filename):
    suffix = PurePath(filename).suffix.lower()
    return f"objections/{instance.project_id}/{uuid.uuid4().hex}{suffix}"


class Objection(models.Model):
    """An objection filed by anyone during a project's publicity period. The objector's
    name and contact are for the ecology admin only; the receipt lets the objector read
    the status and the decision."""

    project = models.ForeignKey("pilots.Project", on_delete=models.CASCADE,
                                related_name="objections", verbose_name=_("试点项目"))
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="objections",
                               verbose_name=_("公示期"))
    receipt = models.CharField(_("回执号"), max_length=32, unique=True)
    name = models.CharField(_("异议人姓名或单位"), max_length=50)
    contact = models.CharField(_("联系方式"), max_length=100)
    grounds = models.TextField(_("异议内容及理由"))
    attachment = models.FileField(_("证明材料"), storage=private_storage,
                                  upload_to=objection_path, max_length=200, blank=True)
    attachment_name = models.CharField(_("证明材料文件名"), max_length=200, blank=True)
    attachment_type = models.CharField(_("证明材料类型"), max_length=60, blank=True)
    attachment_size = models.PositiveBigIntegerField(_("证明材料大小(字节)"), null=True,
                                                     blank=True)
    client_ip = models.GenericIPAddressField(_("客户端IP"), null=True, blank=True)
    filed_at = models.DateTimeField(_("提交时间"), default=timezone.now, db_index=True)
    status = models.CharField(_("处理状态"), max_length=20, choices=ObjectionStatus.choices,
                              default=ObjectionStatus.PENDING, db_index=True)
    investigation = models.TextField(_("调查核实情况"), blank=True)
    decision_reason = models.TextField(_("处理意见及理由"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("处理人"))
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["-filed_at", "-pk"]
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=ObjectionStatus.PENDING, decided_at__isnull=True)
                | (~models.Q(status=ObjectionStatus.PENDING)
                   & models.Q(decided_at__isnull=False)),
                name="objection_decided_once_with_time"),
        ]

    def __str__(self):
        return self.receipt

    @property
    def is_decided(self) -> bool:
        return self.status != ObjectionStatus.PENDING


class ObjectionAllowance(models.Model):
    """How many objections one client address filed on one day: the row is locked while
    an objection is filed, so the daily limit holds under concurrent requests. Written in
    the filing's transaction: a refused filing leaves nothing behind."""

    address = models.CharField(_("客户端地址"), max_length=45)
    day = models.DateField(_("日期"))
    used = models.PositiveIntegerField(_("已提交"), default=0)

    class Meta:
        verbose_name = _("异议提交计数")
        verbose_name_plural = _("异议提交计数")
        constraints = [
            models.UniqueConstraint(fields=["address", "day"], name="objection_allowance_once"),
        ]

    def __str__(self):
        return f"{self.address} {self.day}: {self.used}"
