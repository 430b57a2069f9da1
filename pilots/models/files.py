"""Attachments of a project, stored privately and served only through a checked view."""
import os
import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PrivateStorage(FileSystemStorage):
    """Outside MEDIA_URL: nothing here is reachable except through the download view.

    The location is read from settings on every use, so it follows the setting.
    """

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no URL; use the attachment download view.")


def private_storage():
    return PrivateStorage()


def attachment_path(instance, filename):
    suffix = PurePath(filename).suffix.lower()
    return f"projects/{instance.project_id}/{uuid.uuid4().hex}{suffix}"


class AttachmentPurpose(models.TextChoices):
    """What an attachment is for; later capabilities attach files with their own purpose."""

    PLAN = "plan", _("创建方案附件")
    OPINION_ANSWER = "opinion_answer", _("评审意见答复材料")
    PROGRESS_REPORT = "progress_report", _("建设进展报告材料")
    SELF_EVALUATION = "self_evaluation", _("自评价佐证材料")
    OBJECTION = "objection", _("异议材料")
    DISCLOSURE = "disclosure", _("碳排放信息披露材料")
    OTHER = "other", _("其他")


class Attachment(models.Model):
    """A file of a project, for one purpose, optionally owned by one record of another app
    (an opinion answer, a progress report, …) through ``owner``."""

    project = models.ForeignKey("pilots.Project", on_delete=models.CASCADE,
                                related_name="attachments", verbose_name=_("试点项目"))
    file = models.FileField(_("文件"), storage=private_storage, upload_to=attachment_path,
                            max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=120)
    size = models.PositiveBigIntegerField(_("大小(字节)"))
    description = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    purpose = models.CharField(_("用途"), max_length=30, choices=AttachmentPurpose.choices,
                               default=AttachmentPurpose.PLAN, db_index=True)
    owner_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("所属记录类型"))
    owner_id = models.PositiveBigIntegerField(_("所属记录"), null=True, blank=True)
    owner = GenericForeignKey("owner_type", "owner_id")

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="attachment_owner")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner_type__isnull=True, owner_id__isnull=True)
                | models.Q(owner_type__isnull=False, owner_id__isnull=False),
                name="attachment_owner_whole_or_none"),
        ]

    def __str__(self):
        return self.name
