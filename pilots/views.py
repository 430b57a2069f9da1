"""Pages over projects: the list a user may see, one project with its history and actions."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import lifecycle, services
from .net import client_ip
from .selectors import projects_visible_to, with_related


@login_required
def home(request):
    projects = with_related(projects_visible_to(request.user)).order_by("-updated_at", "-pk")
    return render(request, "pilots/home.html", {"projects": projects[:200]})


def _visible_project(request, pk):
    return get_object_or_404(with_related(projects_visible_to(request.user)), pk=pk)


@login_required
def project_detail(request, pk):
    project = _visible_project(request, pk)
    actions = [
        {"name": name, "label": lifecycle.label(name),
         "reason_required": lifecycle.reason_required(name)}
        for name in lifecycle.available(project, request.user)
    ]
    history = project.audit_entries.select_related("actor").order_by("created_at", "pk")
    path = lifecycle.MAIN_PATH
    current = project.state
    position = path.index(current) if current in path else None
    return render(request, "pilots/project_detail.html", {
        "project": project,
        "actions": actions,
        "history": history,
        "timeline": [
            {"label": state.label,
             "status": ("done" if position is not None and i < position
                        else "current" if i == position else "todo")}
            for i, state in enumerate(path)
        ],
        "off_path": position is None,
        "versions": project.versions.order_by("number"),
    })


@login_required
@require_POST
def project_transition(request, pk, name):
    project = _visible_project(request, pk)
    try:
        services.fire(project, name, request.user, reason=request.POST.get("reason", ""),
                      ip_address=client_ip(request))
    except services.NotPermitted as error:
        raise PermissionDenied(error.message) from error
    except services.ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, lifecycle.label(name))
    return redirect("project-detail", pk=pk)
