"""Checking an uploaded file by what it contains, not what it is called."""
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Detected MIME type → the file name endings that may carry it.
ALLOWED = {
    "application/pdf": {".pdf"},
    "application/msword": {".doc"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {".docx"},
    "application/vnd.ms-excel": {".xls"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {".xlsx"},
    "application/vnd.ms-powerpoint": {".ppt"},
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": {".pptx"},
    "application/vnd.oasis.opendocument.text": {".odt"},
    "application/vnd.oasis.opendocument.spreadsheet": {".ods"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
}
ALLOWED_DESCRIPTION = "PDF、Word、Excel、PowerPoint、OpenDocument、JPG、PNG"


def check_upload(uploaded) -> str:
    """Return the detected MIME type of ``uploaded`` or raise ValidationError (in Chinese)."""
    if uploaded.size == 0:
        raise ValidationError(_("文件为空。"), code="empty")
    if uploaded.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("文件大小为%(size)s，超过了%(limit)s的上限。")
            % {"size": filesizeformat(uploaded.size), "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)},
            code="too_large",
        )
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED:
        raise ValidationError(
            _("文件内容不是允许的类型(仅限%(types)s)，请检查后重新上传。") % {"types": ALLOWED_DESCRIPTION},
            code="type",
        )
    suffix = PurePath(uploaded.name or "").suffix.lower()
    if suffix not in ALLOWED[kind.mime]:
        raise ValidationError(
            _("文件扩展名“%(suffix)s”与文件内容(%(ext)s)不符。") % {"suffix": suffix or "—", "ext": kind.extension.upper()},
            code="mismatch",
        )
    return kind.mime
