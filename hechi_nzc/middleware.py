"""Middleware of the portal: the chosen language, its own error pages, and the input boundary."""
import logging
import re

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext as _

from . import errors


class ChosenLanguageMiddleware:
    """Like LocaleMiddleware, but the browser's Accept-Language does not switch the portal
    away from zh-hans: only the language cookie set by the switch does."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = settings.LANGUAGE_CODE
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen:
            try:
                language = get_supported_language_variant(chosen)
            except LookupError:
                pass
        # override(), not activate(): the language must not outlive the request (threads
        # are reused by servers and by the test client alike).
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class PortalErrorPagesMiddleware:
    """The portal's own error pages where Django would answer otherwise.

    - A 405 with an empty body (``require_POST``, a generic view) becomes the portal's 405
      page, or JSON under /api/.
    - Under DEBUG Django shows its technical pages for 404 and 400; the portal's own show
      instead, so development looks like production. A 500 of a page keeps Django's
      technical page under DEBUG (the traceback is what the developer needs); a 500 under
      /api/ is JSON there too, with the traceback in the log.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.DEBUG:
            # No view would run: Django would answer with its technical 404 before any
            # middleware could catch it.
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as error:
                return errors.page_not_found(request, error)
        response = self.get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content:
            allowed = [m.strip() for m in response.get("Allow", "").split(",") if m.strip()]
            return errors.method_not_allowed(request, allowed)
        return response

    def process_exception(self, request, exception):
        if not settings.DEBUG:
            return None  # Django calls the handlers named in hechi_nzc.urls
        if isinstance(exception, Http404):
            return errors.page_not_found(request, exception)
        if isinstance(exception, BadRequest | SuspiciousOperation | MultiPartParserError):
            return errors.bad_request(request, exception)
        if errors.is_api(request):
            errors.logger.error("Internal Server Error: %s", request.path, exc_info=exception)
            return errors.server_error(request)
        return None


# C0 control characters but tab, LF and CR (which text areas send).
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _has_control_characters(request) -> bool:
    for data in (request.GET, request.POST):
        for key, values in data.lists():
            if _CONTROL_CHARACTERS.search(key) or any(
                    _CONTROL_CHARACTERS.search(value) for value in values):
                return True
    for key, files in request.FILES.lists():
        if _CONTROL_CHARACTERS.search(key) or any(
                _CONTROL_CHARACTERS.search(f.name or "") for f in files):
            return True
    return False


class RefuseControlCharactersMiddleware:
    """A 400 for NUL and the other C0 control characters (tab, CR and LF excepted) in query
    strings, form fields and uploaded file names.

    One check at the boundary, so no view, service or database sees them: PostgreSQL
    refuses a NUL in any text, which made each such input a 500. JSON bodies are checked
    by the API's serializers (DRF's CharField refuses NUL).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            refused = _has_control_characters(request)
        except (BadRequest, SuspiciousOperation, MultiPartParserError) as error:
            # A body Django cannot read (too big, too many fields, malformed multipart):
            # log it as Django would, and answer with the portal's 400 in every mode.
            if isinstance(error, SuspiciousOperation):
                logging.getLogger(f"django.security.{error.__class__.__name__}").error(str(error))
            return errors.bad_request(request, error)
        if refused:
            return errors.bad_request(request, errors.RefusedInput(
                _("您提交的内容含有不允许的控制字符(如空字符)，请删除后重试。")))
        return self.get_response(request)
