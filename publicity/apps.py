from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    """Publicity (公示): notices and their periods, objections and their handling, and
    confirmation after the period."""

    name = "publicity"
    verbose_name = _("公示与异议")

    def ready(self):
        from . import lifecycle  # noqa: F401  (registers inputs, effects, conditions, events)
