from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("审核与评审")

    def ready(self):
        from . import conditions  # noqa: F401  (registers the lifecycle conditions)
