"""The notice as a PDF (WeasyPrint, CJK fonts from the system's fontconfig).

Whatever reaches the PDF was typed by someone (project names, plan texts): WeasyPrint
must not fetch anything it names. The fetcher below serves the portal's own static files
and ``data:`` URLs and refuses everything else (``file://``, the network, media)."""
import mimetypes
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# The documents' own origin: relative URLs in the template resolve under it, and only
# its static path is served.
BASE_URL = "https://portal.invalid/"


class StaticOnlyFetcher(URLFetcher):
    """Serves ``https://portal.invalid/<STATIC_URL>…`` from the static files and
    ``data:`` URLs; refuses every other URL (WeasyPrint then leaves the resource out)."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)  # decoded in memory: no I/O
        parts = urlsplit(url)
        static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if (parts.scheme, parts.netloc) != ("https", "portal.invalid") or \
                not parts.path.startswith(static_prefix):
            raise ValueError(f"Refused to fetch {url!r}: not one of the portal's static files")
        relative = PurePosixPath(unquote(parts.path[len(static_prefix):]))
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise ValueError(f"Refused to fetch {url!r}")
        path = finders.find(str(relative))
        if not path:
            raise ValueError(f"No static file {relative}")
        with open(path, "rb") as file:
            body = file.read()
        return URLFetcherResponse(url, body, {"Content-Type": _mime(str(relative))})


def _mime(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def render_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()
