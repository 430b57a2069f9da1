"""In-app notifications (the same events also go out by email)."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    NONE = "none", _("无需发送")


class Notification(models.Model):
    """An in-app notification, and the outbox row of its email: written in the same
    transaction as the change it reports, delivered after commit, claimed before sending."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications", verbose_name=_("接收人"))
    project = models.ForeignKey("pilots.Project", on_delete=models.CASCADE, null=True,
                                blank=True, related_name="+", verbose_name=_("试点项目"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    email_status = models.CharField(_("邮件状态"), max_length=10, choices=EmailStatus.choices,
                                    default=EmailStatus.PENDING)
    email_attempts = models.PositiveSmallIntegerField(_("邮件发送次数"), default=0)
    email_next_try_at = models.DateTimeField(_("下次发送时间"), null=True, blank=True)
    email_claimed_at = models.DateTimeField(_("开始发送时间"), null=True, blank=True)
    email_error = models.TextField(_("最近一次发送错误"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["email_status", "email_next_try_at"],
                         name="notification_outbox"),
        ]

    def __str__(self):
        return self.title
