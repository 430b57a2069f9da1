"""Views of the site itself, outside any app: the icon browsers ask for at /favicon.ico."""
from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe


@cache
def _favicon() -> bytes:
    return Path(finders.find("favicon.ico")).read_bytes()


@require_safe
@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request):
    """static/favicon.ico at the address browsers try on their own (pages link the SVG)."""
    return HttpResponse(_favicon(), content_type="image/x-icon")
