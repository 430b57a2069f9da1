"""The portal's own error pages (400, 403, 404, 405, 413, 500), and JSON errors under /api/.

The views here are Django's handler400/403/404/500 (hechi_nzc/urls.py), the CSRF failure
view, and what hechi_nzc.middleware renders for a 405 and, under DEBUG, for the errors
Django would otherwise show its technical pages for. ``api_exception_handler`` is Django
REST Framework's EXCEPTION_HANDLER.
"""
import logging

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from rest_framework import exceptions as api_exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from pilots.uploads import sizes_for_message

API_PREFIX = "/api/"

logger = logging.getLogger("django.request")

# Shown when even the portal's 500 page cannot be rendered (a broken template or URLconf).
FALLBACK_500 = (
    '<!DOCTYPE html><html lang="zh-hans"><head><meta charset="utf-8">'
    "<title>服务器错误</title></head><body><h1>服务器暂时无法处理您的请求</h1>"
    "<p>请稍后重试。如问题持续，请联系河池市生态环境局。</p></body></html>"
)


class RefusedInput(BadRequest):
    """Input refused at the boundary (hechi_nzc.middleware), with a message the user may
    read; ``field`` names the part of a JSON body it was found in, for the API."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _respond(request, status, template, message, *, detail=None):
    """The page ``template`` with ``message``, or ``{"detail": ...}`` for the API."""
    if is_api(request):
        return JsonResponse({"detail": str(detail or message)}, status=status,
                            json_dumps_params={"ensure_ascii": False})
    body = loader.render_to_string(template, {"message": message}, request)
    return HttpResponse(body, status=status)


def bad_request(request, exception=None):
    # Only our own messages are shown: Django's (e.g. a bad Host header) are for the log.
    message = exception.message if isinstance(exception, RefusedInput) else None
    if message and exception.field and is_api(request):  # as DRF names a field it refuses
        return JsonResponse({"detail": message, exception.field: [message]}, status=400,
                            json_dumps_params={"ensure_ascii": False})
    return _respond(request, 400, "400.html", message, detail=message or _("请求无效。"))


def request_too_large(request, size, limit):
    """A 413 for a body refused by its declared length, before anything read it."""
    size_text, limit_text = sizes_for_message(size, limit)
    message = _("提交的内容大小为%(size)s，超过了上传文件%(limit)s的上限，请压缩或拆分文件后重试。") % {
        "size": size_text, "limit": limit_text}
    return _respond(request, 413, "400.html", message)


def permission_denied(request, exception=None):
    message = str(exception) if exception is not None and str(exception) else None
    return _respond(request, 403, "403.html", message,
                    detail=message or _("您没有执行此操作的权限。"))


def csrf_failure(request, reason=""):
    """A form sent from a page that is too old (or from elsewhere): say how to go on."""
    return permission_denied(request, _("页面已过期或来源无法验证，请刷新页面后重新提交。"))


def page_not_found(request, exception=None):
    return _respond(request, 404, "404.html", None, detail=_("未找到。"))


def method_not_allowed(request, allowed=()):
    detail = _("此地址不接受%(method)s请求。") % {"method": request.method}
    response = _respond(request, 405, "405.html", detail)
    if allowed:
        response["Allow"] = ", ".join(allowed)
    return response


def server_error(request):
    """Rendered without the request, so without context processors or the database."""
    if is_api(request):
        return JsonResponse({"detail": _("服务器内部错误。")}, status=500,
                            json_dumps_params={"ensure_ascii": False})
    try:
        body = loader.get_template("500.html").render({})
    except Exception:  # noqa: BLE001 - the error page must not fail in turn
        logger.exception("The 500 page could not be rendered")
        body = FALLBACK_500
    return HttpResponse(body, status=500)


def api_exception_handler(exc, context):
    """DRF's handler, taught the Django exceptions a service or a parser may raise."""
    if isinstance(exc, DjangoValidationError):
        exc = api_exceptions.ValidationError(detail=as_serializer_error(exc))
    elif isinstance(exc, BadRequest | SuspiciousOperation):
        exc = api_exceptions.ParseError(_("请求无效。"))
    return drf_exception_handler(exc, context)
