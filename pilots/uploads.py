"""Checking an uploaded file by what it contains, not what it is called."""
from decimal import ROUND_HALF_UP, Decimal
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
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

KB = 1024
MB = 1024 * KB


def _rounded(value: Decimal, digits: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _in_bytes(n: int) -> str:
    return _("%(n)s 字节") % {"n": f"{n:,}"}


def sizes_for_message(size: int, limit: int) -> tuple[str, str]:
    """``size`` and ``limit`` as text for "file of X over the limit of Y", in the limit's
    unit and with as many decimals as it takes for X to read larger than Y: a file of
    21,000,009 bytes over 20 MB is "20.03 MB" and "20 MB", not "20.0 MB" twice."""
    unit, name = (MB, "MB") if limit >= MB else (KB, "KB") if limit >= KB else (1, "")
    if name:
        exact = Decimal(limit) / unit
        shown_limit = exact if exact == exact.to_integral_value() else _rounded(exact, 2)
        limit_text = f"{shown_limit:f}"
        if "." in limit_text:
            limit_text = limit_text.rstrip("0").rstrip(".")
        for digits in (1, 2, 3):
            shown_size = _rounded(Decimal(size) / unit, digits)
            if shown_size > shown_limit:
                return f"{shown_size}\xa0{name}", f"{limit_text}\xa0{name}"
    return _in_bytes(size), _in_bytes(limit)


def check_upload(uploaded) -> str:
    """Return the detected MIME type of ``uploaded`` or raise ValidationError (in Chinese)."""
    if uploaded.size == 0:
        raise ValidationError(_("文件为空。"), code="empty")
    if uploaded.size > settings.UPLOAD_MAX_BYTES:
        size, limit = sizes_for_message(uploaded.size, settings.UPLOAD_MAX_BYTES)
        raise ValidationError(_("文件大小为%(size)s，超过了%(limit)s的上限。")
                              % {"size": size, "limit": limit}, code="too_large")
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
