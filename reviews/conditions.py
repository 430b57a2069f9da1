"""Conditions this app adds to the lifecycle."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots.conditions import register

from . import acceptance_panels
from .closing import scoring_closed
from .results import for_display, plain
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


# --- Acceptance: the decision stands on the acceptance panel's closed scoring ---------------

ACCEPTANCE_NOT_CLOSED = gettext_lazy(
    "验收评分尚未结束：请先组建验收专家组，待专家提交评分表后结束评分。")


@register("grant_title", ACCEPTANCE_NOT_CLOSED)
@register("fail_acceptance", ACCEPTANCE_NOT_CLOSED)
def acceptance_scoring_closed(project) -> bool:
    return acceptance_panels.scoring_closed(project)


def _acceptance_score(project):
    """(score, pass line) of the current acceptance panel, each None when unknown."""
    results = acceptance_panels.results(project)
    if results is None or results["rubric"] is None:
        return None, None
    return results["result"].score, results["rubric"].pass_line


def _below_the_line(project):
    score, line = _acceptance_score(project)
    if score is None:
        return _("验收评审尚无得分，不能授予称号。")
    return _("验收评审得分%(score)s分，低于通过线%(line)s分，不能授予称号。") % {
        "score": plain(for_display(score)), "line": plain(line)}


@register("grant_title", _below_the_line)
def acceptance_passed(project) -> bool:
    """The panel's score (the exact one, not its rounding) at or above the acceptance
    rubric's pass line. Until scoring is closed the condition above speaks alone."""
    if not acceptance_panels.scoring_closed(project):
        return True
    score, line = _acceptance_score(project)
    return score is not None and score >= line
