"""Language: Simplified Chinese unless the user chose another with the language switch."""
from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_supported_language_variant


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
