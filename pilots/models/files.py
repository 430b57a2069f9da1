"""Attachments of a project, stored privately and served only through a checked view."""
import os
import uuid
from pathlib import PurePath

from django.conf import settings
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


class Attachment(models.Model):
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

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self):
        return self.name
