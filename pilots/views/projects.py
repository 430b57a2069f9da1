"""One project: its page (timeline, plan, attachments, history, actions) and what is done there."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from guardian.shortcuts import get_users_with_perms

from reviews import services as review_services
from reviews.models import ExpertAssignment

from .. import lifecycle, services
from ..choices import Role, State
from ..models import User
from ..net import client_ip
from ..plan_display import plan_rows
from ..rules import is_applicant, is_city_officer_or_admin, may_see_client_ips
from .common import refuse, visible_project

# Transitions that turn a project down or send it back: shown as such, not as the main action.
NEGATIVE = {"withdraw", "county_return", "city_return", "not_select", "request_revision",
            "reject_after_publicity", "return_acceptance", "fail_acceptance", "revoke", "cancel"}
# Transitions that cannot be undone by anyone: the browser asks once more.
FINAL = {"withdraw", "not_select", "reject_after_publicity", "revoke", "cancel"}

# Transitions whose reason the applicant must read on its project page.
SENT_BACK = {"county_return", "city_return", "request_revision", "return_acceptance",
             "fail_acceptance"}


def _timeline(project, history):
    """The main path with the current step highlighted; off the path (returned, withdrawn,
    cancelled, …) the steps the project had reached show as done and none as current."""
    path = lifecycle.MAIN_PATH
    if project.state in path:
        position, reached = path.index(project.state), path.index(project.state) - 1
    else:
        position = None
        seen = {e.source for e in history} | {e.target for e in history} | {State.DRAFT}
        reached = max(i for i, state in enumerate(path) if state in seen)
    steps = [
        {"label": state.label,
         "status": "current" if i == position else "done" if i <= reached else "todo"}
        for i, state in enumerate(path)
    ]
    return steps, position is None


@login_required
def project_detail(request, pk):
    return _render_detail(request, visible_project(request, pk))


def _render_detail(request, project, *, status=200, typed=None):
    """The project page; ``typed`` keeps what the user entered in a form that was refused."""
    user = request.user
    typed = typed or {}
    history = list(project.audit_entries.select_related(
        "actor__department", "actor__organisation").order_by("created_at", "pk"))
    versions = list(project.versions.select_related("created_by").order_by("number"))
    timeline, off_path = _timeline(project, history)
    sent_back = next((e for e in reversed(history) if e.transition in SENT_BACK), None)
    if sent_back is not None and history[-1] is not sent_back:
        sent_back = None  # it has moved on since
    may_edit = services.may_edit_plan(project, user)
    available = lifecycle.available(project, user)
    handing_on = lifecycle.plan_submission(project.state)
    shown = versions[-1].content if versions and not may_edit else project.plan
    attachments = list(project.attachments.select_related("uploaded_by"))
    return render(request, "pilots/project_detail.html", {
        "project": project,
        "actions": [
            {"name": name, "label": lifecycle.label(name),
             "reason_required": lifecycle.reason_required(name),
             "negative": name in NEGATIVE, "final": name in FINAL,
             "typed": typed.get("reason", "") if typed.get("action") == name else ""}
            for name in available
            if name not in lifecycle.PLAN_SUBMISSIONS  # handed on from the plan editor
        ],
        # Whether this user may hand the plan on from here once it is complete.
        "may_submit_plan": bool(handing_on) and lifecycle.may_fire(project, user, handing_on),
        "history": history,
        "show_ips": may_see_client_ips(user),
        "timeline": timeline,
        "off_path": off_path,
        "versions": versions,
        "shown_version": versions[-1] if versions and not may_edit else None,
        "plan_rows": plan_rows(shown, project.category),
        "may_edit": may_edit,
        "attachments": attachments,
        "sent_back": sent_back,
        "consultants": _consultants(project) if is_applicant(project, user) else None,
        "panel": _panel(project, user),
        "typed": typed,
    }, status=status)


def _consultants(project):
    grants = get_users_with_perms(project, attach_perms=True, with_group_users=False)
    return [
        {"user": u, "may_submit": "submit_project" in perms}
        for u, perms in grants.items() if u.has_role(Role.CONSULTANT)
    ]


def _panel(project, user):
    if project.state not in {State.CITY_REVIEW, State.EXPERT_REVIEW} or not is_city_officer_or_admin(project, user):
        return None  # shown while it is formed and while it reviews
    assigned = list(ExpertAssignment.objects.filter(project=project).select_related("expert"))
    taken = {a.expert_id for a in assigned}
    pool = User.objects.filter(role_grants__role=Role.EXPERT, is_active=True).order_by("username")
    return {
        "assigned": assigned,
        "pool": [u for u in pool if u.pk not in taken],
        "editable": review_services.panel_is_open(project),
        "missing": max(0, settings.EXPERT_PANEL_MIN_SIZE - len(assigned)),
    }


@login_required
@require_POST
def project_transition(request, pk, name):
    project = visible_project(request, pk)
    reason = request.POST.get("reason", "")
    try:
        services.fire(project, name, request.user, reason=reason, ip_address=client_ip(request))
    except services.NotPermitted as error:
        refuse(error)
    except services.ServiceError as error:
        messages.error(request, error.message)
        project = visible_project(request, pk)
        return _render_detail(request, project, status=error.status,
                              typed={"action": name, "reason": reason})
    messages.success(request, _("已完成：%(action)s") % {"action": lifecycle.label(name)})
    return redirect("project-detail", pk=pk)


@login_required
@require_POST
def consultants(request, pk):
    """Invite a consultant onto this project, or take the invitation back."""
    project = visible_project(request, pk)
    username = request.POST.get("username", "").strip()
    typed = {"action": "consultant", "username": username,
             "may_submit": request.POST.get("may_submit") == "on"}
    consultant = User.objects.filter(username=username, is_active=True).first()
    try:
        if consultant is None:
            raise services.InvalidInput(_("找不到用户名为“%(name)s”的用户。") % {"name": username})
        if request.POST.get("action") == "revoke":
            services.revoke_consultant(project, request.user, consultant)
            messages.success(request, _("已撤销对%(name)s的邀请。") % {"name": consultant})
        else:
            services.invite_consultant(project, request.user, consultant,
                                       may_submit=typed["may_submit"])
            messages.success(request, _("已邀请%(name)s协助编制方案。") % {"name": consultant})
    except services.NotPermitted as error:
        refuse(error)
    except services.ServiceError as error:
        messages.error(request, error.message)
        return _render_detail(request, project, status=error.status, typed=typed)
    return redirect("project-detail", pk=pk)


@login_required
@require_POST
def panel(request, pk):
    """Assign experts to, or remove them from, the project's review panel."""
    project = visible_project(request, pk)
    try:
        if request.POST.get("action") == "remove":
            expert_id = request.POST.get("expert", "")
            expert = get_object_or_404(User, pk=expert_id) if expert_id.isdigit() else None
            if expert is None:
                raise services.InvalidInput(_("请选择要移出的专家。"))
            review_services.remove_expert(project, request.user, expert)
        else:
            ids = request.POST.getlist("experts")
            experts = list(User.objects.filter(pk__in=[i for i in ids if i.isdigit()]))
            if not experts:
                if not is_city_officer_or_admin(project, request.user):
                    raise services.NotPermitted(_("您无权为该项目指派专家。"))
                raise services.InvalidInput(_("请选择至少一名专家。"))
            with transaction.atomic():  # all of them or none
                for expert in experts:
                    review_services.assign_expert(project, request.user, expert)
            messages.success(request, _("已指派%(n)s名专家。") % {"n": len(experts)})
    except services.NotPermitted as error:
        refuse(error)
    except services.ServiceError as error:
        messages.error(request, error.message)
    return redirect("project-detail", pk=pk)
