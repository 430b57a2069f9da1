"""Forming the expert panel of a project."""
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from pilots.choices import Role, State
from pilots.models import Project
from pilots.rules import is_city_officer_or_admin
from pilots.services import InvalidInput, NotAllowedNow, NotPermitted

from .models import ExpertAssignment


def panel_is_open(project) -> bool:
    """A panel is formed while the city reviews the application, and fixed after."""
    return project.state == State.CITY_REVIEW


def _locked_open_panel(project):
    """The project, locked, if its panel may still change."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not panel_is_open(project):
        raise NotAllowedNow(_("只有在市级审核阶段才能调整专家组。"))
    return project


@transaction.atomic
def assign_expert(project, actor, expert) -> ExpertAssignment:
    """Put ``expert`` on the project's panel; the expert may then see the project."""
    if not is_city_officer_or_admin(project, actor):
        raise NotPermitted(_("您无权为该项目指派专家。"))
    project = _locked_open_panel(project)
    if not expert.has_role(Role.EXPERT):
        raise InvalidInput(_("所选用户不是专家库成员。"))
    assignment, _created = ExpertAssignment.objects.get_or_create(
        project=project, expert=expert, defaults={"assigned_by": actor}
    )
    assign_perm("pilots.view_project", expert, project)
    return assignment


@transaction.atomic
def remove_expert(project, actor, expert):
    if not is_city_officer_or_admin(project, actor):
        raise NotPermitted(_("您无权调整该项目的专家组。"))
    project = _locked_open_panel(project)
    ExpertAssignment.objects.filter(project=project, expert=expert).delete()
    remove_perm("pilots.view_project", expert, project)
