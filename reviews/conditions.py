"""Conditions this app adds to the lifecycle."""
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from pilots.conditions import register


def _panel_message():
    return _("尚未组建专家组：至少需要指派%(n)s名专家。") % {"n": settings.EXPERT_PANEL_MIN_SIZE}


@register("start_expert_review", _panel_message)
def panel_assigned(project) -> bool:
    return project.expert_assignments.count() >= settings.EXPERT_PANEL_MIN_SIZE
