"""What every page over one project needs."""
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .. import registry
from ..selectors import projects_visible_to, with_related
from ..services import NotPermitted


def visible_project(request, pk):
    """The project if this user may see it, else 404 (never a hint that it exists)."""
    return get_object_or_404(with_related(projects_visible_to(request.user)), pk=pk)


def refuse(error: NotPermitted):
    raise PermissionDenied(error.message) from error


def refuse_unless_plan_readable(project, user):
    """403 with the reason when a rule (registry.may_read_plan) keeps the plan from ``user``."""
    refusal = registry.plan_access_refusal(project, user)
    if refusal is not None:
        raise PermissionDenied(refusal)
