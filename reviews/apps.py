from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("审核与评审")

    def ready(self):
        # Register what reviews adds to the lifecycle and to the project page.
        from . import access, conditions, demo, lifecycle, views, views_declarations  # noqa: F401
        from . import answers as _answers  # noqa: F401  (submit_revision waits for answers)
        from . import closing as _closing  # noqa: F401  (scoring closed)
        from . import selection as _selection  # noqa: F401  (select's opinions, its card)
        from . import views_acceptance as _acceptance  # noqa: F401  (acceptance panel card)
        from . import views_answers as _views_answers  # noqa: F401  (the opinions card)
        from . import views_sheets as _sheets  # noqa: F401  (scoring card, sheet events)
