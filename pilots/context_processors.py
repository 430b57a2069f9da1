"""Template context every page needs: the unread notification count and the menu (one query each)."""
from . import registry
from .rules import may_manage_programme, may_view_county_summary
from .services import may_create_project


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_count": user.notifications.filter(read_at__isnull=True).count(),
        "menu": {
            "create_project": may_create_project(user),
            "county_summary": may_view_county_summary(user),
            "programme": may_manage_programme(user),
            "admin": user.is_staff,
            "links": registry.menu_links(user),
        },
    }
