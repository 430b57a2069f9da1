"""The expert's declaration card on the project page, and the form it posts to."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pilots import registry
from pilots.errors import NotPermitted, ServiceError
from pilots.net import client_ip
from pilots.views.common import refuse, visible_project

from . import declarations
from .choices import ConflictType

# The page's two choices; the service takes a boolean.
NO, YES = "no", "yes"


def _typed_key(pk):
    return f"project-{pk}-declaration"


@registry.register_section("declaration", "reviews/declaration_section.html", order=0)
def declaration_section(request, project):
    """Shown to an expert on the panel until it has declared."""
    assignment = declarations.assignment_to_declare(project, request.user)
    if assignment is None or assignment.declared:
        return None
    typed = request.session.pop(_typed_key(project.pk), None) or {}
    return {
        "project": project,
        "assignment": assignment,
        "types": ConflictType.choices,
        "typed": typed,
        "errors": typed.get("errors", {}),
        "statement_max": declarations.STATEMENT_MAX_LENGTH,
    }


@login_required
@require_POST
def declare(request, pk):
    """No conflict: the plan opens. A conflict: the expert leaves the panel."""
    project = visible_project(request, pk)
    assignment = declarations.assignment_to_declare(project, request.user)
    if assignment is None:
        raise Http404(_("您不在本项目的专家组中。"))
    choice = request.POST.get("conflict", "")
    typed = {"conflict": choice, "type": request.POST.get("type", ""),
             "statement": request.POST.get("statement", "")}
    try:
        declarations.declare(
            assignment, request.user,
            conflict={NO: False, YES: True}.get(choice),
            type=typed["type"], statement=typed["statement"], ip_address=client_ip(request))
    except NotPermitted as error:
        refuse(error)
    except ServiceError as error:
        messages.error(request, error.message)
        request.session[_typed_key(pk)] = {**typed, "errors": getattr(error, "fields", {})}
        return redirect(f"{project.get_absolute_url()}#declaration")
    if choice == YES:
        messages.success(request, _("已声明存在利益冲突，您已退出该项目的专家组。"))
        return redirect("home")
    messages.success(request, _("已声明无利益冲突，现在可以查看创建方案和附件。"))
    return redirect("project-detail", pk=pk)
