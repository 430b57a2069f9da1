"""Acceptance panels (验收专家组): the ecology admin forms one per project in acceptance
review, from the pool's proposal, with its scoring deadline; its members declare, then
score on the acceptance rubric of the project's batch and category.

A panel is changed (members added or removed) only while no sheet is submitted. Conflicts
are screened for acceptance: the applicant or its consultancy as employer and a declared
relation block; the same county is no conflict here (selection only). Each member is
granted the project (django-guardian) when it is put on the panel; it reads the plan only
after declaring no conflict (reviews/access.py); the grant ends with the decision
(``grant_title`` or ``fail_acceptance``, reviews/lifecycle.py). A project failed at
acceptance comes back later with a new panel: the current one is the latest formed since
the project entered acceptance review.
"""
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import remove_perm

from pilots import registry
from pilots.audit import record_event
from pilots.choices import Role, State
from pilots.errors import InvalidInput, NotAllowedNow, NotPermitted
from pilots.models import Project
from pilots.notify import in_site_language, notify
from pilots.rules import may_manage_programme

from . import proposal
from .choices import ReviewKind
from .conflicts import conflicts_between, parties_of, profiles_of
from .deadlines import clean_deadline
from .models import ExpertAssignment, Panel, ScoreSheet, SheetStatus
from .services import PANEL_MEMBER_REMOVED, put_on_panel
from .sheets import panel_scoring_closed, results_of

ACCEPTANCE_PANEL_FORMED = "acceptance_panel_formed"
MAX_OVERRIDE_LENGTH = 500


# --- Reading ------------------------------------------------------------------------------

def may_form(user) -> bool:
    """Acceptance is organised by the ecology admin alone."""
    return may_manage_programme(user)


def current_panel(project):
    """The acceptance panel of ``project``'s current acceptance review (formed since the
    project entered it), or, outside acceptance review, its latest acceptance panel; None
    when there is none."""
    panels = Panel.objects.filter(kind=ReviewKind.ACCEPTANCE, project=project)
    if project.state == State.ACCEPTANCE_REVIEW:
        panels = panels.filter(created_at__gte=project.state_entered_at)
    return panels.order_by("-created_at", "-pk").first()


def min_size(project) -> int:
    return project.batch.expert_panel_min_size


def any_submitted(panel) -> bool:
    return ScoreSheet.objects.filter(assignment__panel=panel,
                                     status=SheetStatus.SUBMITTED).exists()


def scoring_closed(project) -> bool:
    """Whether the scoring of the current acceptance panel has ended."""
    panel = current_panel(project)
    return panel is not None and panel_scoring_closed(panel, project)


def results(project):
    """``results_of`` for the current acceptance panel, or None without one."""
    panel = current_panel(project)
    return None if panel is None else results_of(project, panel=panel)


def proposed(project, members=(), size=None):
    """The pool's proposal for the acceptance panel of ``project``: enough members to reach
    the batch's minimum panel size beside ``members``."""
    if size is None:
        size = max(0, min_size(project) - len(members))
    return proposal.propose([project], size, kind=ReviewKind.ACCEPTANCE,
                            category=project.category, members=members)


# --- Checking what is asked -------------------------------------------------------------------

def _refuse(message, field="experts"):
    raise InvalidInput(message, fields={field: [message]})


def _screened(project, experts, override_reason) -> dict:
    """Each expert's facts for the trail; a deactivated pool member or a blocking conflict
    is refused; a warning (none for acceptance today) needs ``override_reason``."""
    profiles = profiles_of(experts)
    parties = parties_of(project)
    facts = {}
    for expert in experts:
        profile = profiles.get(expert.pk)
        if profile is not None and not profile.is_active:
            _refuse(_("%(name)s已从专家库停用，不能指派。") % {"name": expert})
        found = conflicts_between(profile, parties, kind=ReviewKind.ACCEPTANCE)
        blocking = [c for c in found if c.blocking]
        if blocking:
            _refuse(_("不能指派%(name)s：%(type)s冲突，%(reason)s") % {
                "name": expert, "type": blocking[0].type_label, "reason": blocking[0].reason_text})
        facts[expert.pk] = {"expert_id": expert.pk, "name": str(expert)}
        if found:
            if not override_reason:
                _refuse(_("%(name)s存在利益冲突提示：%(reason)s如仍要指派，请填写理由。") % {
                    "name": expert, "reason": found[0].reason_text}, "override_reason")
            facts[expert.pk].update(conflicts=[c.reason_text for c in found],
                                    override_reason=override_reason)
    return facts


def _clean_experts(experts, override_reason):
    experts = list({e.pk: e for e in experts or ()}.values())
    if not experts:
        _refuse(_("请选择至少一名专家。"))
    if any(not e.is_active or not e.has_role(Role.EXPERT) for e in experts):
        _refuse(_("所选用户不是专家库成员。"))
    override_reason = (override_reason or "").strip() if isinstance(override_reason, str) else ""
    if len(override_reason) > MAX_OVERRIDE_LENGTH:
        _refuse(_("理由不能超过%(n)s个字。") % {"n": MAX_OVERRIDE_LENGTH}, "override_reason")
    return experts, override_reason


def _locked_project(project):
    project = (Project.objects.select_for_update().select_related("batch", "category", "applicant",
                                                                  "county")
               .get(pk=project.pk))
    if project.state != State.ACCEPTANCE_REVIEW:
        raise NotAllowedNow(_("项目不在验收评审阶段，不能调整验收专家组。"))
    return project


def _locked_changeable(panel, actor, *, adding=False):
    """The panel and its project, locked, if ``actor`` may still change its members: while
    no sheet is submitted, or, to add, while a member who declared a conflict left the
    panel short of the minimum size."""
    if not may_form(actor):
        raise NotPermitted(_("只有市生态环境局可以调整验收专家组。"))
    project = _locked_project(panel.project)
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    if panel.kind != ReviewKind.ACCEPTANCE:
        raise InvalidInput(_("该专家组不是验收专家组。"))
    if panel.closed_at is not None or panel_scoring_closed(panel, project):
        raise NotAllowedNow(_("验收评分已结束，不能再调整专家组。"))
    short = panel.assignments.filter(expert__is_active=True).count() < min_size(project)
    if any_submitted(panel) and not (adding and short):
        raise NotAllowedNow(_("已有专家提交评分表，不能再调整验收专家组。"))
    return panel, project


# --- Changing --------------------------------------------------------------------------------

def _put_on(panel, project, actor, experts, facts, ip_address):
    added = put_on_panel(panel, project, actor, experts, facts, ip_address)
    if added:
        with in_site_language():
            notify([a.expert for a in added], project=project,
                   title=_("您被指派为「%(project)s」的验收评审专家") % {"project": project.name},
                   body="\n".join([
                       _("项目编号：%(code)s") % {"code": project.code or "—"},
                       _("评分截止日期：%(date)s") % {"date": panel.scoring_deadline.isoformat()},
                       _("请先在项目页面声明与本项目无利益冲突，然后查看验收材料并评分。"),
                       _("查看：%(url)s") % {"url": reverse("project-detail", args=[project.pk])},
                   ]))
    return added


@transaction.atomic
def form_acceptance_panel(actor, project, experts, *, scoring_deadline, override_reason="",
                          ip_address=None) -> Panel:
    """Form the acceptance panel of ``project`` (in acceptance review, none open yet): at
    least the batch's minimum panel size of experts, none with a blocking conflict, and
    the date by which they score. Each member is told and may see the project."""
    if not may_form(actor):
        raise NotPermitted(_("只有市生态环境局可以组建验收专家组。"))
    project = _locked_project(project)
    if Panel.objects.filter(kind=ReviewKind.ACCEPTANCE, project=project,
                            closed_at__isnull=True).exists():
        raise NotAllowedNow(_("本项目已有验收专家组，请在其中增补或移出专家。"))
    if current_panel(project) is not None:
        raise NotAllowedNow(_("本项目本次验收的评分已结束，不能再组建验收专家组。"))
    experts, override_reason = _clean_experts(experts, override_reason)
    deadline = clean_deadline(scoring_deadline)
    if len(experts) < min_size(project):
        _refuse(_("验收专家组至少需要%(n)s名专家。") % {"n": min_size(project)})
    facts = _screened(project, experts, override_reason)
    panel = Panel.objects.create(kind=ReviewKind.ACCEPTANCE, batch_id=project.batch_id,
                                 category_id=project.category_id, project=project,
                                 organiser=actor, scoring_deadline=deadline)
    record_event(project, ACCEPTANCE_PANEL_FORMED, actor,
                 {"scoring_deadline": deadline.isoformat(), "size": len(experts)},
                 ip_address=ip_address)
    _put_on(panel, project, actor, experts, facts, ip_address)
    return panel


@transaction.atomic
def add_members(actor, panel, experts, *, override_reason="", ip_address=None):
    """Put more experts on an acceptance panel while no sheet is submitted (or while it is
    short of its minimum size)."""
    panel, project = _locked_changeable(panel, actor, adding=True)
    experts, override_reason = _clean_experts(experts, override_reason)
    taken = set(panel.assignments.values_list("expert_id", flat=True))
    experts = [e for e in experts if e.pk not in taken]
    if not experts:
        _refuse(_("所选专家已在验收专家组中。"))
    facts = _screened(project, experts, override_reason)
    return _put_on(panel, project, actor, experts, facts, ip_address)


@transaction.atomic
def remove_member(actor, panel, expert, *, ip_address=None):
    """Take ``expert`` off an acceptance panel while no sheet is submitted; the panel keeps
    at least the batch's minimum size (add the replacement first)."""
    panel, project = _locked_changeable(panel, actor)
    assignment = panel.assignments.filter(expert=expert).first()
    if assignment is None:
        _refuse(_("该专家不在验收专家组中。"), "expert")
    remaining = panel.assignments.exclude(pk=assignment.pk).filter(expert__is_active=True).count()
    if remaining < min_size(project):
        raise NotAllowedNow(_("验收专家组至少需要%(n)s名专家，请先增补再移出。")
                            % {"n": min_size(project)})
    ScoreSheet.objects.filter(assignment=assignment).delete()
    assignment.delete()
    remove_perm("pilots.view_project", expert, project)
    record_event(project, PANEL_MEMBER_REMOVED, actor,
                 {"expert_id": expert.pk, "name": str(expert)}, ip_address=ip_address)


def end_grants(project) -> None:
    """The decision is taken: no member of an acceptance panel of ``project`` reads it any
    more. Assignments, sheets and the trail stay (the results stand on them)."""
    experts = {a.expert for a in ExpertAssignment.objects.filter(
        project=project, panel__kind=ReviewKind.ACCEPTANCE).select_related("expert")}
    for expert in experts:
        remove_perm("pilots.view_project", expert, project)


def _describe_formed(data):
    return [_("评分截止日期：%(date)s") % {"date": data.get("scoring_deadline", "")},
            _("专家人数：%(n)s") % {"n": data.get("size", "")}]


registry.register_event(ACCEPTANCE_PANEL_FORMED, gettext_lazy("组建验收专家组"), _describe_formed)
