from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """The public side of the portal (no login): home, publicity, the pilot directory, a
    pilot's public page, objections and the open data API. Its own selectors, templates
    and serializers, built from an allow-list of public fields."""

    name = "public"
    verbose_name = _("公众服务")

    def ready(self):
        from . import signals

        signals.connect()
