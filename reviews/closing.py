"""Closing scoring (评分结束): the ecology admin ends scoring on one project, or on every
project of a panel at once, once every remaining member has submitted; a member who has not
may be taken off with a reason.

``select`` and ``not_select`` need the selection's scoring closed (a condition registered
in reviews/conditions.py), ``grant_title`` and ``fail_acceptance`` the acceptance's; a
closure is a row per panel and project (a round of review), written once, never updated:
a project failed at acceptance comes back before a new acceptance panel, which is closed in
its turn, the first round's closure and sheets staying. A panel is closed when the last of
its projects is (or all of them at once, ``close_panel``).

Locks are taken projects first (by id), then their panel, everywhere in reviews: a
transition locks its project and its effects then the panel, so closing a panel, closing
one of its projects, adding members and a project joining never wait on each other in a
circle (``lock_panel_with_projects``).
"""
from django.db import transaction
from django.db.models import Q, Subquery
from django.utils import timezone
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
from .models import ExpertAssignment, Panel, ScoreSheet, ScoringClosure, SheetStatus
from .panel_results import panel_rubric, panel_totals
from .results import for_display, panel_score, plain
from .services import PANEL_MEMBER_REMOVED, panel_of, panel_projects
from .sheets import MAX_REASON_LENGTH

SCORING_CLOSED = "scoring_closed"

# The state a project is scored in, by kind of review; and the state its panel is formed
# in, which holds the panel open (the project has not reached its experts yet).
REVIEW_STATE = {ReviewKind.SELECTION: State.EXPERT_REVIEW,
                ReviewKind.ACCEPTANCE: State.ACCEPTANCE_REVIEW}
FORMING_STATE = {ReviewKind.SELECTION: State.CITY_REVIEW,
                 ReviewKind.ACCEPTANCE: State.ACCEPTANCE_CHECK}


def may_close(user) -> bool:
    """Closing scoring is the ecology admin's, who organises expert review."""
    return may_manage_programme(user)


def _on_latest_panel(project, kind):
    """The closures of ``project`` on its latest panel of ``kind`` (``panel_of``), in one
    query: an earlier acceptance round's closure is not among them."""
    latest = (Panel.objects.filter(kind=kind, assignments__project=project)
              .order_by("-created_at", "-pk").values("pk")[:1])
    return ScoringClosure.objects.filter(project=project, panel=Subquery(latest))


def scoring_closed(project, kind=ReviewKind.SELECTION) -> bool:
    """Whether scoring of ``kind`` on ``project`` is closed on its latest panel of that kind."""
    return _on_latest_panel(project, kind).exists()


def closure_of(project, kind=ReviewKind.SELECTION):
    """The closure of ``project`` on its latest panel of ``kind``, or None."""
    return _on_latest_panel(project, kind).select_related("closed_by").first()


def closed_q(panel, prefix=""):
    """A Q for the closures that end scoring of a project of ``panel``: an acceptance
    panel's own (a project may be scored again by a later one); for a selection panel
    any selection closure (a project is scored for selection once, and one closed on an
    earlier panel may wait for its decision within the batch and category of an open one)."""
    if panel.kind == ReviewKind.ACCEPTANCE:
        return Q(**{f"{prefix}panel": panel})
    return Q(**{f"{prefix}kind": ReviewKind.SELECTION})


def closed_projects(panel, project_ids) -> set:
    """Of ``project_ids``, the ids of those whose scoring on ``panel`` is closed."""
    return set(ScoringClosure.objects.filter(closed_q(panel), project_id__in=list(project_ids))
               .values_list("project_id", flat=True))


def _check_kind(kind):
    if kind not in REVIEW_STATE:
        raise InvalidInput(_("评审类型无效。"), fields={"kind": [_("评审类型无效。")]})


def _not_in_review(kind):
    if kind == ReviewKind.ACCEPTANCE:
        return NotAllowedNow(_("项目不在验收评审阶段，不能结束评分。"))
    return NotAllowedNow(_("项目不在专家评审阶段，不能结束评分。"))


def _submitted(assignment) -> bool:
    sheet = getattr(assignment, "sheet", None)
    return sheet is not None and sheet.status == SheetStatus.SUBMITTED


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


def _too_few(projects, min_size, *, named=True):
    if not named:
        return NotAllowedNow(_("提交评分表的专家不足%(n)s名，不能结束评分。") % {"n": min_size})
    return NotAllowedNow(
        _("以下项目提交评分表的专家不足%(n)s名，不能结束评分：%(names)s。")
        % {"n": min_size, "names": _("、").join(p.name for p in projects)})


def _close_project(project, panel, assignments, removed, actor, kind, criteria, ip_address):
    """Take the removed members off ``project`` (their drafts go, their grant goes, the
    trail keeps the reason) and write its closure; the checks are the caller's."""
    for assignment in assignments:
        reason = removed.get(assignment.expert_id)
        if reason is None or _submitted(assignment):
            continue
        ScoreSheet.objects.filter(assignment=assignment).delete()
        assignment.delete()
        remove_perm("pilots.view_project", assignment.expert, project)
        record_event(project, PANEL_MEMBER_REMOVED, actor,
                     {"expert_id": assignment.expert_id, "name": str(assignment.expert)},
                     reason=reason, ip_address=ip_address)
    closure = ScoringClosure.objects.create(panel=panel, project=project, kind=kind,
                                            closed_by=actor)
    totals = panel_totals(panel, [project], criteria)[project.pk]
    result = panel_score(totals)
    record_event(project, SCORING_CLOSED, actor, {
        "kind": kind, "sheets": result.sheets,
        "score": plain(for_display(result.score)) if result.score is not None else None,
    }, ip_address=ip_address)
    return closure


def _members(panel, projects):
    """The panel's assignments on ``projects``, by project, oldest first."""
    by_project = {project.pk: [] for project in projects}
    if not projects:
        return by_project
    for assignment in (ExpertAssignment.objects
                       .filter(panel=panel, project_id__in=list(by_project))
                       .select_related("expert", "sheet")
                       .order_by("project_id", "assigned_at", "pk")):
        by_project[assignment.project_id].append(assignment)
    return by_project


def _nothing_left(panel) -> bool:
    """No project of the panel is still being formed or scored."""
    kind = panel.kind
    projects = panel_projects(panel)
    closed = ScoringClosure.objects.filter(closed_q(panel)).values("project_id")
    return not (projects.filter(state=FORMING_STATE[kind]).exists()
                or projects.filter(state=REVIEW_STATE[kind]).exclude(pk__in=closed).exists())


def _round_panel(project, kind):
    """The panel scoring ``project`` in this round of ``kind`` (its latest), or None: an
    acceptance panel formed before the project last entered acceptance review is an
    earlier round's, whose closure is no business of this one."""
    panel = panel_of(project, kind)
    if (panel is not None and kind == ReviewKind.ACCEPTANCE
            and panel.created_at < project.state_entered_at):
        return None
    return panel


def _mark_closed(panel, actor):
    panel.closed_at = timezone.now()
    panel.closed_by = actor
    panel.save(update_fields=["closed_at", "closed_by"])


@transaction.atomic
def close_scoring(project, actor, *, kind=ReviewKind.SELECTION, removals=None,
                  ip_address=None) -> ScoringClosure:
    """End scoring of ``kind`` on ``project`` (under expert review for selection, under
    acceptance review for acceptance): refused while a member of its panel has not
    submitted its sheet, unless ``removals`` maps each such member to the reason it is
    taken off (its draft sheet goes with it, it loses its grant, the trail keeps the
    reason); refused when fewer sheets than the batch's minimum panel size remain (or no
    panel of this round scores it). The closure is the panel's: a project failed at
    acceptance is closed again on its next acceptance panel. The panel is closed with its
    last project."""
    if not may_close(actor):
        raise NotPermitted(_("只有市生态环境局可以结束评分。"))
    _check_kind(kind)
    # Projects before their panel, everywhere in reviews: a transition locks its project
    # and its effects then the panel, so the same order here cannot deadlock with them.
    project = Project.objects.select_for_update().select_related("batch").get(pk=project.pk)
    panel = _round_panel(project, kind)
    if panel is not None:
        panel = Panel.objects.select_for_update().get(pk=panel.pk)
    if project.state != REVIEW_STATE[kind]:
        raise _not_in_review(kind)
    if panel is None:
        raise _too_few([project], project.batch.expert_panel_min_size, named=False)
    if ScoringClosure.objects.filter(panel=panel, project=project).exists():
        raise NotAllowedNow(_("评分已结束。"))
    assignments = _members(panel, [project])[project.pk]
    waiting = [a.expert for a in assignments if not _submitted(a)]
    removed = _clean_removals(removals, waiting)
    still_waiting = [expert for expert in waiting if expert.pk not in removed]
    if still_waiting:
        raise NotAllowedNow(
            _("以下专家尚未提交评分表：%(names)s。请等待其提交，或填写理由将其移出专家组。")
            % {"names": _("、").join(str(e) for e in still_waiting)})
    if len(assignments) - len(removed) < project.batch.expert_panel_min_size:
        raise _too_few([project], project.batch.expert_panel_min_size, named=False)
    rubric = panel_rubric(panel)
    criteria = list(rubric.criteria.all()) if rubric is not None else []
    closure = _close_project(project, panel, assignments, removed, actor, kind, criteria,
                             ip_address)
    if not panel.is_closed and _nothing_left(panel):
        _mark_closed(panel, actor)
    return closure


def lock_panel_with_projects(panel, project_ids, *, related=("batch",)):
    """Lock the projects ``project_ids(panel)`` names (by id), then the panel: projects
    before their panel, as a transition and its effects lock them. Should the panel's
    projects change before the panel is locked (a project forwarded at that moment), the
    caller is asked to try again rather than act on projects it does not hold."""
    ids = sorted(project_ids(panel))
    projects = list(Project.objects.select_for_update(of=("self",)).filter(pk__in=ids)
                    .select_related("batch", "applicant", "county", "category").order_by("pk"))
    panel = Panel.objects.select_for_update(of=("self",)).select_related(*related).get(pk=panel.pk)
    if sorted(project_ids(panel)) != ids:
        raise NotAllowedNow(_("该专家组的项目刚刚发生变化，请刷新页面后重试。"))
    return panel, projects


@transaction.atomic
def close_panel(panel, actor, *, removals=None, ip_address=None) -> Panel:
    """End scoring on every project of ``panel`` still being scored, all or nothing, and
    close the panel. Refused while a project of the panel has not reached its experts
    (city review; acceptance check), while a member has not submitted on a project unless
    ``removals`` (``{expert: reason}``) takes it off every project it has not submitted
    on, and while a project would keep fewer sheets than the batch's minimum panel size."""
    if not may_close(actor):
        raise NotPermitted(_("只有市生态环境局可以结束评分。"))
    panel, projects = lock_panel_with_projects(
        panel, lambda p: panel_projects(p).values_list("pk", flat=True))
    if panel.is_closed:
        raise NotAllowedNow(_("该专家组的评分已结束。"))
    kind = panel.kind
    ids = [p.pk for p in projects]
    forming = [p for p in projects if p.state == FORMING_STATE[kind]]
    if forming:
        raise NotAllowedNow(
            _("以下项目仍在「%(state)s」阶段，尚未交专家评分：%(names)s。"
              "请先将其提交评审或作出审核决定，再结束专家组评分。")
            % {"state": forming[0].get_state_display(),
               "names": _("、").join(p.name for p in forming)})
    closed = closed_projects(panel, ids)
    to_close = [p for p in projects if p.state == REVIEW_STATE[kind] and p.pk not in closed]
    members = _members(panel, to_close)
    waiting = {}  # expert id → (expert, [projects it has not submitted on])
    for project in to_close:
        for assignment in members[project.pk]:
            if not _submitted(assignment):
                waiting.setdefault(assignment.expert_id, (assignment.expert, []))[1].append(
                    project)
    removed = _clean_removals(removals, [expert for expert, _projects in waiting.values()])
    still_waiting = [(expert, on) for pk, (expert, on) in waiting.items() if pk not in removed]
    if still_waiting:
        raise NotAllowedNow(
            _("以下专家尚未提交评分表：%(names)s。请等待其提交，或填写理由将其移出专家组。")
            % {"names": _("、").join(
                _("%(name)s（%(projects)s）") % {
                    "name": expert, "projects": _("、").join(p.name for p in on)}
                for expert, on in still_waiting)})
    min_size = panel.batch.expert_panel_min_size
    too_few = [project for project in to_close
               if sum(1 for a in members[project.pk]
                      if _submitted(a) or a.expert_id not in removed) < min_size]
    if too_few:
        raise _too_few(too_few, min_size)
    rubric = panel_rubric(panel)
    criteria = list(rubric.criteria.all()) if rubric is not None else []
    for project in to_close:
        _close_project(project, panel, members[project.pk], removed, actor, kind, criteria,
                       ip_address)
    _mark_closed(panel, actor)
    return panel


def _describe_closed(data):
    lines = [_("已提交评分表：%(n)s份") % {"n": data.get("sheets", 0)}]
    if data.get("score") is not None:
        lines.append(_("专家组得分：%(score)s") % {"score": data["score"]})
    return lines


registry.register_event(SCORING_CLOSED, gettext_lazy("结束专家评分"), _describe_closed)
