from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotsConfig(AppConfig):
    name = "pilots"
    verbose_name = _("试点项目")

    def ready(self):
        # pilots' own events and transition effects (code, plan version) register here,
        # like those of the apps above it; calendar_watch registers its beat task.
        from . import calendar_watch, events, services  # noqa: F401
