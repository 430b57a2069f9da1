"""Closing scoring (评分结束): the ecology admin ends a panel's scoring on one project, once
every remaining member has submitted; a member who has not may be taken off with a reason.

``select`` and ``not_select`` need the selection's scoring closed (a condition registered
in reviews/conditions.py); the closure is a row, written once, never updated.
"""
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import remove_perm

from pilots import registry
from pilots.audit import record_event
from pilots.choices import State
from pilots.errors import InvalidInput, NotAllowedNow, NotPermitted
from pilots.models import Project
from pilots.rules import may_manage_programme

from .choices import ReviewKind
from .models import ExpertAssignment, ScoreSheet, ScoringClosure, SheetStatus
from .results import for_display, plain
from .services import PANEL_MEMBER_REMOVED
from .sheets import MAX_REASON_LENGTH, results_of

SCORING_CLOSED = "scoring_closed"


def may_close(user) -> bool:
    """Closing scoring is the ecology admin's, who organises expert review."""
    return may_manage_programme(user)


def scoring_closed(project, kind=ReviewKind.SELECTION) -> bool:
    return ScoringClosure.objects.filter(project=project, kind=kind).exists()


def closure_of(project, kind=ReviewKind.SELECTION):
    return (ScoringClosure.objects.filter(project=project, kind=kind)
            .select_related("closed_by").first())


def _clean_removals(removals, waiting) -> dict:
    """``{expert (user or id): reason}`` → ``{expert id: reason}``, each reason checked."""
    by_id = {expert.pk: expert for expert in waiting}
    cleaned, errors = {}, {}
    for key, reason in (removals or {}).items():
        pk = getattr(key, "pk", key)
        field = f"removals.{pk}"
        if pk not in by_id:
            errors[field] = [_("只能移出尚未提交评分表的专家。")]
            continue
        reason = reason.strip() if isinstance(reason, str) else ""
        if not reason:
            errors[field] = [_("请填写移出%(name)s的理由。") % {"name": by_id[pk]}]
        elif len(reason) > MAX_REASON_LENGTH:
            errors[field] = [_("理由不能超过%(n)s个字。") % {"n": MAX_REASON_LENGTH}]
        else:
            cleaned[pk] = reason
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    return cleaned


@transaction.atomic
def close_scoring(project, actor, *, kind=ReviewKind.SELECTION, removals=None,
                  ip_address=None) -> ScoringClosure:
    """End scoring on ``project``: refused while a member has not submitted its sheet,
    unless ``removals`` maps each such member to the reason it is taken off (its draft
    sheet goes with it, it loses its grant, the trail keeps the reason); refused when
    fewer sheets than the batch's minimum panel size remain."""
    if not may_close(actor):
        raise NotPermitted(_("只有市生态环境局可以结束评分。"))
    project = Project.objects.select_for_update().select_related("batch").get(pk=project.pk)
    if kind != ReviewKind.SELECTION:
        raise InvalidInput(_("评审类型无效。"), fields={"kind": [_("评审类型无效。")]})
    if project.state != State.EXPERT_REVIEW:
        raise NotAllowedNow(_("项目不在专家评审阶段，不能结束评分。"))
    if scoring_closed(project, kind):
        raise NotAllowedNow(_("评分已结束。"))
    assignments = list(ExpertAssignment.objects.filter(project=project)
                       .select_related("expert", "sheet").order_by("assigned_at", "pk"))

    def submitted(assignment):
        sheet = getattr(assignment, "sheet", None)
        return sheet is not None and sheet.status == SheetStatus.SUBMITTED

    waiting = [a.expert for a in assignments if not submitted(a)]
    removed = _clean_removals(removals, waiting)
    still_waiting = [expert for expert in waiting if expert.pk not in removed]
    if still_waiting:
        raise NotAllowedNow(
            _("以下专家尚未提交评分表：%(names)s。请等待其提交，或填写理由将其移出专家组。")
            % {"names": _("、").join(str(e) for e in still_waiting)})
    remaining = len(assignments) - len(removed)
    if remaining < project.batch.expert_panel_min_size:
        raise NotAllowedNow(
            _("提交评分表的专家不足%(n)s名，不能结束评分。")
            % {"n": project.batch.expert_panel_min_size})
    for assignment in assignments:
        reason = removed.get(assignment.expert_id)
        if reason is None:
            continue
        ScoreSheet.objects.filter(assignment=assignment).delete()
        assignment.delete()
        remove_perm("pilots.view_project", assignment.expert, project)
        record_event(project, PANEL_MEMBER_REMOVED, actor,
                     {"expert_id": assignment.expert_id, "name": str(assignment.expert)},
                     reason=reason, ip_address=ip_address)
    closure = ScoringClosure.objects.create(project=project, kind=kind, closed_by=actor)
    result = results_of(project)["result"]
    record_event(project, SCORING_CLOSED, actor, {
        "kind": kind, "sheets": result.sheets,
        "score": plain(for_display(result.score)) if result.score is not None else None,
    }, ip_address=ip_address)
    return closure


def _describe_closed(data):
    lines = [_("已提交评分表：%(n)s份") % {"n": data.get("sheets", 0)}]
    if data.get("score") is not None:
        lines.append(_("专家组得分：%(score)s") % {"score": data["score"]})
    return lines


registry.register_event(SCORING_CLOSED, gettext_lazy("结束专家评分"), _describe_closed)
