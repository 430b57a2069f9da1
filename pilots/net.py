"""Where a request came from, for the audit trail."""
from django.conf import settings


def client_ip(request):
    """The client address; behind the project's own proxy, the first X-Forwarded-For hop."""
    if getattr(settings, "USE_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None
