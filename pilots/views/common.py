"""What every page over one project needs."""
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from ..selectors import projects_visible_to, with_related
from ..services import NotPermitted


def visible_project(request, pk):
    """The project if this user may see it, else 404 (never a hint that it exists)."""
    return get_object_or_404(with_related(projects_visible_to(request.user)), pk=pk)


def refuse(error: NotPermitted):
    raise PermissionDenied(error.message) from error
