"""Forming the expert panel of a project."""
from django.db import transaction
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
from .models import ExpertAssignment

PANEL_MEMBER_ADDED = "panel_member_added"
PANEL_MEMBER_REMOVED = "panel_member_removed"


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
    added = []
    for expert in experts:
        assignment, created = ExpertAssignment.objects.get_or_create(
            project=project, expert=expert, defaults={"assigned_by": actor})
        if not created:
            continue
        assign_perm("pilots.view_project", expert, project)
        record_event(project, PANEL_MEMBER_ADDED, actor, facts[expert.pk], ip_address=ip_address)
        added.append(assignment)
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
    """Every member of the panel scores by ``deadline`` (set when expert review starts)."""
    ExpertAssignment.objects.filter(project=project).update(scoring_deadline=deadline)
