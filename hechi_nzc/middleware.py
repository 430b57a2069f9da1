"""Middleware of the portal: the chosen language, its own error pages, and the input boundary."""
import json
import logging
import re
from io import BytesIO

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import Http404, QueryDict
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


# NUL and the other C0 control characters are refused in what people type; tab, LF and
# CR are what text areas send, and VT and FF are line breaks: Word's manual line break
# pastes as VT, its page break as FF.
_REFUSED_IN_TEXT = re.compile(r"[\x00-\x08\x0e-\x1f]")
_LINE_BREAKS = re.compile(r"[\x0b\x0c]")
# Names (of fields, query parameters, JSON keys, uploaded files) are not typed text.
_REFUSED_IN_NAMES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Room in a request for the form fields and the multipart framing around an upload of the
# largest size allowed (settings.UPLOAD_MAX_BYTES).
BODY_MARGIN_BYTES = 1024 * 1024


def _refused(field=None):
    return errors.RefusedInput(_("您提交的内容含有不允许的控制字符(如空字符)，请删除后重试。"),
                               field=field)


def _check_name(name: str) -> None:
    if _REFUSED_IN_NAMES.search(name):
        raise _refused()


def _clean_text(value: str, field=None) -> str:
    """``value`` with VT and FF as line breaks; RefusedInput for another control character."""
    if _REFUSED_IN_TEXT.search(value):
        raise _refused(field)
    return _LINE_BREAKS.sub("\n", value)


def _cleaned_query_dict(data: QueryDict) -> QueryDict | None:
    """``data`` with its values cleaned, or None when cleaning changed nothing."""
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    changed = False
    for key, values in data.lists():
        _check_name(key)
        clean_values = [_clean_text(value) for value in values]
        changed = changed or clean_values != values
        cleaned.setlist(key, clean_values)
    return QueryDict(cleaned.urlencode(), encoding=data.encoding) if changed else None


def _cleaned_json(value, field=None):
    """A parsed JSON body, cleaned; ``field`` is the top-level key it is found under."""
    if isinstance(value, str):
        return _clean_text(value, field)
    if isinstance(value, list):
        return [_cleaned_json(item, field) for item in value]
    if isinstance(value, dict):
        for key in value:
            _check_name(key)
        return {key: _cleaned_json(item, key if field is None else field)
                for key, item in value.items()}
    return value


def _replace_body(request, body: bytes) -> None:
    # DRF parses a body that Django has already read once more, from request.body: it must
    # read the cleaned one. Django offers no public way to set it.
    request._body = body
    request._stream = BytesIO(body)


def _clean_request(request) -> None:
    """Clean the query string and the body in place; RefusedInput for what is refused.
    A body Django cannot read raises BadRequest, SuspiciousOperation or
    MultiPartParserError."""
    if (cleaned := _cleaned_query_dict(request.GET)) is not None:
        request.GET = cleaned
    if errors.is_api(request) and request.content_type == "application/json":
        try:
            data = json.loads(request.body)
        except ValueError:
            return  # malformed JSON: DRF's parser answers it
        if (cleaned := _cleaned_json(data)) != data:
            _replace_body(request, json.dumps(cleaned).encode())
        return
    if (cleaned := _cleaned_query_dict(request.POST)) is not None:
        request.POST = cleaned
        if request.content_type == "application/x-www-form-urlencoded":  # DRF reads it again
            _replace_body(request, cleaned.urlencode().encode())
    for key, files in request.FILES.lists():
        _check_name(key)
        for uploaded in files:
            _check_name(uploaded.name or "")


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django reads no body then


class RefuseControlCharactersMiddleware:
    """The input boundary: no view, service or database sees a control character.

    - A body larger than the upload limit (plus room for the form around the file) is
      refused by its declared length before anything reads it.
    - In query strings, form fields and, under /api/, JSON bodies, VT and FF become line
      breaks; NUL and the other C0 control characters (tab, CR and LF excepted) are a 400,
      as they are in parameter names, JSON keys and uploaded file names. PostgreSQL refuses
      a NUL in any text, which made each such input a 500.

    The check runs in process_view, after CsrfViewMiddleware's (it stands below it in
    MIDDLEWARE): a form that fails its CSRF check gets that 403 and is not parsed here.
    The length is checked in __call__, before any process_view, CSRF's included, reads a
    body.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = _declared_length(request)
        if length > settings.UPLOAD_MAX_BYTES + BODY_MARGIN_BYTES:
            return errors.request_too_large(request, length, settings.UPLOAD_MAX_BYTES)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        try:
            _clean_request(request)
        except (BadRequest, SuspiciousOperation, MultiPartParserError) as error:
            # A body Django cannot read (too big, too many fields, malformed multipart):
            # log it as Django would, and answer with the portal's 400 in every mode.
            if isinstance(error, SuspiciousOperation):
                logging.getLogger(f"django.security.{error.__class__.__name__}").error(str(error))
            return errors.bad_request(request, error)
        return None
