"""Forming the expert panel of a project."""
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from pilots.audit import record_event
from pilots.choices import Role, State
from pilots.errors import InvalidInput, NotAllowedNow, NotPermitted
from pilots.models import Project, User
from pilots.notify import in_site_language, notify
from pilots.rules import is_city_officer_or_admin

from .choices import ReviewKind
from .conflicts import conflicts_between, parties_of, profiles_of
from .models import ExpertAssignment, Panel

PANEL_MEMBER_ADDED = "panel_member_added"
PANEL_MEMBER_REMOVED = "panel_member_removed"


def open_selection_panel(batch, category):
    """The selection panel of ``batch`` and ``category`` whose scoring is not closed, or None."""
    return (Panel.objects.filter(kind=ReviewKind.SELECTION, batch=batch, category=category,
                                 closed_at__isnull=True).first())


def selection_panel_for(project, actor) -> Panel:
    """The open selection panel over the project's batch and category, formed by ``actor``
    if there is none yet (call inside a transaction)."""
    panel = (Panel.objects.select_for_update()
             .filter(kind=ReviewKind.SELECTION, batch_id=project.batch_id,
                     category_id=project.category_id, closed_at__isnull=True).first())
    if panel is None:
        panel = Panel.objects.create(kind=ReviewKind.SELECTION, batch_id=project.batch_id,
                                     category_id=project.category_id, organiser=actor)
    return panel


# A selection panel takes in the projects of its batch and category while they are with
# the city or the experts.
PANEL_STATES = (State.CITY_REVIEW, State.EXPERT_REVIEW)


def panel_projects(panel):
    """The projects ``panel`` reviews: an acceptance panel its one project; a selection
    panel every project it has an assignment on and, while open, every project of its
    batch and category with the city or the experts."""
    if panel.kind == ReviewKind.ACCEPTANCE:
        return Project.objects.filter(pk=panel.project_id)
    q = Q(expert_assignments__panel=panel)
    if not panel.is_closed:
        q |= Q(batch_id=panel.batch_id, category_id=panel.category_id, state__in=PANEL_STATES)
    return Project.objects.filter(pk__in=Project.objects.filter(q).values("pk")).order_by("pk")


def panel_of(project, kind=ReviewKind.SELECTION):
    """The panel the project's experts of ``kind`` sit on (the latest), or None."""
    return (Panel.objects.filter(kind=kind, assignments__project=project)
            .order_by("-created_at", "-pk").first())


def panel_is_open(project) -> bool:
    """A panel is formed while the city reviews the application, and fixed after."""
    return project.state == State.CITY_REVIEW


def may_manage_panel(project, user) -> bool:
    """The city officer of the category or the ecology admin (who may send it to experts)."""
    return is_city_officer_or_admin(project, user)


def expert_pool():
    """Every active expert who may sit on a panel: not one the pool has deactivated."""
    return (User.objects.filter(role_grants__role=Role.EXPERT, is_active=True)
            .exclude(expert_profile__is_active=False).distinct())


def panel_members(project):
    """The experts on the project's panel, deactivated accounts included."""
    return User.objects.filter(expert_assignments__project=project)


def active_panel_size(project) -> int:
    """The members who can still review: a deactivated account does not count."""
    return project.expert_assignments.filter(expert__is_active=True).count()


def _locked_open_panel(project):
    """The project, locked, if its panel may still change."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not panel_is_open(project):
        raise NotAllowedNow(_("只有在市级审核阶段才能调整专家组。"))
    return project


def _facts(expert):
    return {"expert_id": expert.pk, "name": str(expert)}


def _refuse(message, field="experts"):
    raise InvalidInput(message, fields={field: [message]})


def _screened(project, experts, override_reason):
    """Each expert's facts for the trail, refusing a blocking conflict, a deactivated
    pool member, and a warning (same county) without an override reason."""
    profiles = profiles_of(experts)
    parties = parties_of(project)
    facts = {}
    for expert in experts:
        profile = profiles.get(expert.pk)
        if profile is not None and not profile.is_active:
            _refuse(_("%(name)s已从专家库停用，不能指派。") % {"name": expert})
        found = conflicts_between(profile, parties, kind=ReviewKind.SELECTION)
        blocking = [c for c in found if c.blocking]
        if blocking:
            _refuse(_("不能指派%(name)s：%(type)s冲突，%(reason)s") % {
                "name": expert, "type": blocking[0].type_label, "reason": blocking[0].reason_text})
        facts[expert.pk] = _facts(expert)
        if found:
            if not override_reason:
                _refuse(_("%(name)s存在利益冲突提示：%(reason)s如仍要指派，请填写理由。") % {
                    "name": expert, "reason": found[0].reason_text}, "override_reason")
            facts[expert.pk].update(conflicts=[c.reason_text for c in found],
                                    override_reason=override_reason)
    return facts


def put_on_panel(panel, project, actor, experts, facts, ip_address) -> list[ExpertAssignment]:
    """Assign ``experts`` not yet on ``panel`` to ``project``: each may then see the project
    (its plan only once it declares), and the trail keeps ``facts[expert.pk]``. Returns the
    new assignments; telling the experts is the caller's (the wording differs by kind)."""
    added = []
    for expert in experts:
        assignment, created = ExpertAssignment.objects.get_or_create(
            panel=panel, project=project, expert=expert, defaults={"assigned_by": actor})
        if not created:
            continue
        assign_perm("pilots.view_project", expert, project)
        record_event(project, PANEL_MEMBER_ADDED, actor, facts[expert.pk], ip_address=ip_address)
        added.append(assignment)
    return added


@transaction.atomic
def assign_experts(project, actor, experts, *, override_reason="", ip_address=None
                   ) -> list[ExpertAssignment]:
    """Put ``experts`` on the project's panel, all of them or none; each may then see the
    project and is told so. An expert with a blocking conflict is refused; one with a
    warning only (the project's county) needs ``override_reason``, kept in the trail."""
    if not may_manage_panel(project, actor):
        raise NotPermitted(_("您无权为该项目指派专家。"))
    if not experts:
        raise InvalidInput(_("请选择至少一名专家。"), fields={"experts": [_("请选择至少一名专家。")]})
    project = _locked_open_panel(project)
    if any(not e.is_active or not e.has_role(Role.EXPERT) for e in experts):
        raise InvalidInput(_("所选用户不是专家库成员。"), fields={"experts": [_("所选用户不是专家库成员。")]})
    override_reason = (override_reason or "").strip()
    if len(override_reason) > 500:
        _refuse(_("理由不能超过500个字。"), "override_reason")
    taken = set(project.expert_assignments.values_list("expert_id", flat=True))
    facts = _screened(project, [e for e in experts if e.pk not in taken], override_reason)
    added = put_on_panel(selection_panel_for(project, actor), project, actor, experts, facts,
                         ip_address)
    if added:
        with in_site_language():
            notify([a.expert for a in added], project=project,
                   title=_("您被指派为「%(project)s」的评审专家") % {"project": project.name},
                   body="\n".join([
                       _("项目编号：%(code)s") % {"code": project.code or "—"},
                       _("项目提交专家评审后，您即可在工作台查看并评审。"),
                       _("查看：%(url)s") % {"url": reverse("project-detail", args=[project.pk])},
                   ]))
    return added


def assign_expert(project, actor, expert, *, override_reason="", ip_address=None):
    """One expert onto the panel (see assign_experts)."""
    return assign_experts(project, actor, [expert], override_reason=override_reason,
                          ip_address=ip_address)


@transaction.atomic
def remove_expert(project, actor, expert, *, ip_address=None):
    if not may_manage_panel(project, actor):
        raise NotPermitted(_("您无权调整该项目的专家组。"))
    project = _locked_open_panel(project)
    deleted, _rows = ExpertAssignment.objects.filter(project=project, expert=expert).delete()
    if not deleted:
        raise InvalidInput(_("该专家不在本项目的专家组中。"), fields={"expert": [_("该专家不在本项目的专家组中。")]})
    remove_perm("pilots.view_project", expert, project)
    record_event(project, PANEL_MEMBER_REMOVED, actor, _facts(expert), ip_address=ip_address)


def set_scoring_deadline(project, deadline) -> None:
    """The project's panel scores by ``deadline`` (set when expert review starts)."""
    Panel.objects.filter(assignments__project=project, closed_at__isnull=True,
                         kind=ReviewKind.SELECTION).update(scoring_deadline=deadline)
