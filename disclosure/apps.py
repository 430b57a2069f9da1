from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = _("碳排放信息披露")

    def ready(self):
        # The project page's cards, the history's events, the menu's entries.
        from . import views_activity, views_city, views_disclosure  # noqa: F401
