from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = _("碳排放信息披露")

    def ready(self):
        from . import views_activity  # noqa: F401  (the activity card; activity's event)
        from . import views_city  # noqa: F401  (the city-wide view's menu entry)
