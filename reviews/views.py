"""Pages of the expert review: the panel card on the project page and its form."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pilots import registry
from pilots.choices import State
from pilots.errors import InvalidInput, NotPermitted, ServiceError
from pilots.inputs import parse_id, parse_ids
from pilots.net import client_ip
from pilots.views.common import refuse, visible_project

from . import panels, services
from .choices import ReviewKind
from .models import ExpertAssignment


@registry.register_section("panel", "reviews/panel_section.html", order=20)
def panel_section(request, project):
    """Shown to who forms the panel, while it is formed and while it reviews."""
    if project.state not in {State.CITY_REVIEW, State.EXPERT_REVIEW}:
        return None
    if not services.may_manage_panel(project, request.user):
        return None
    assigned = list(ExpertAssignment.objects.filter(project=project)
                    .select_related("expert", "panel"))
    editable = services.panel_is_open(project)
    missing = max(0, project.batch.expert_panel_min_size
                  - sum(a.expert.is_active for a in assigned))
    members = [a.expert for a in assigned]
    pool = panels.candidates([project], members, missing, kind=ReviewKind.SELECTION,
                             category=project.category) if editable else []
    panel = assigned[0].panel if assigned else services.open_selection_panel(
        project.batch_id, project.category_id)
    return {
        "project": project,
        "assigned": assigned,
        "pool": pool,
        "any_warning": any(row["warnings"] and not row["blocking"] for row in pool),
        "editable": editable,
        "missing": missing,
        "panel": panel,
    }


@login_required
@require_POST
def panel(request, pk):
    """Assign experts to, or remove one from, the project's review panel."""
    project = visible_project(request, pk)
    if not services.may_manage_panel(project, request.user):
        refuse(NotPermitted(_("您无权为该项目指派专家。")))
    ip = client_ip(request)
    try:
        if request.POST.get("action") == "remove":
            expert_id = parse_id(request.POST.get("expert"))
            # Any member, a deactivated one included: it must be possible to replace it.
            expert = services.panel_members(project).filter(pk=expert_id).first() \
                if expert_id else None
            if expert is None:
                raise InvalidInput(_("请选择要移出的专家。"))
            services.remove_expert(project, request.user, expert, ip_address=ip)
            messages.success(request, _("已将%(name)s移出专家组。") % {"name": expert})
        else:
            ids = parse_ids(request.POST.getlist("experts"))
            if ids is None:
                raise InvalidInput(_("所选专家无效，请重新选择。"))
            experts = list(services.expert_pool().filter(pk__in=ids))
            if len(experts) != len(ids):
                raise InvalidInput(_("所选用户不是专家库成员。"))
            added = services.assign_experts(
                project, request.user, experts, ip_address=ip,
                override_reason=request.POST.get("override_reason", ""))
            messages.success(request, ngettext("已指派%(n)s名专家。", "已指派%(n)s名专家。",
                                               len(added)) % {"n": len(added)})
    except NotPermitted as error:
        refuse(error)
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("project-detail", pk=pk)
