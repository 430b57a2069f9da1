"""Conditions this app adds to the lifecycle."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots.conditions import register

from .closing import scoring_closed
from .services import active_panel_size


def _panel_message(project):
    return _("尚未组建专家组：至少需要指派%(n)s名专家。") % {"n": project.batch.expert_panel_min_size}


@register("start_expert_review", _panel_message)
def panel_assigned(project) -> bool:
    return active_panel_size(project) >= project.batch.expert_panel_min_size


NOT_CLOSED = gettext_lazy("专家评分尚未结束，请先结束评分。")


@register("select", NOT_CLOSED)
@register("not_select", NOT_CLOSED)
def selection_scoring_closed(project) -> bool:
    return scoring_closed(project)
