"""One project: its page (timeline, plan, attachments, history, actions) and what is done there."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import lifecycle, registry, services
from ..choices import State
from ..grants import grantee_ids
from ..inputs import parse_id
from ..net import client_ip
from ..plan_display import plan_rows
from ..rules import is_applicant, may_see_client_ips
from .common import refuse, visible_project

DATA_PREFIX = "data."


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
    project = visible_project(request, pk)
    # What the user typed in a refused form comes back once, after the redirect.
    typed = request.session.pop(_typed_key(pk), None) or {}
    request.project_typed = typed  # for an app's section that holds its own form
    return _render_detail(request, project, typed=typed)


def _typed_key(pk):
    return f"project-{pk}-typed"


def _keep_typed(request, pk, typed):
    request.session[_typed_key(pk)] = typed


def _action(project, name, typed):
    """One action's form: its own reason box and its own input fields, with what was typed."""
    mine = typed.get("action") == name
    declared = registry.transition_input(name)
    errors = typed.get("errors", {}) if mine else {}
    fields = [
        {"name": f"{DATA_PREFIX}{field}", "id": f"{name}-{field}", "label": label,
         "kind": kind, "required": required, "help": help_text,
         "value": (typed.get("data") or {}).get(field, "") if mine else "",
         "errors": errors.get(field, [])}
        for field, label, kind, required, help_text in (declared.fields if declared else ())
    ]
    return {
        "name": name, "label": lifecycle.label(name),
        "reason_required": lifecycle.reason_required(name),
        "negative": lifecycle.is_negative(name), "final": lifecycle.is_final(name),
        "reason": typed.get("reason", "") if mine else "",
        "reason_errors": errors.get("reason", []),
        "fields": fields,
        "reason_max": services.REASON_MAX_LENGTH,
    }


def _render_detail(request, project, *, status=200, typed=None):
    """The project page; ``typed`` keeps what the user entered in a form that was refused."""
    user = request.user
    typed = typed or {}
    refusal = registry.plan_access_refusal(project, user)
    if refusal is not None:
        # Only the facts and the cards (e.g. the expert's declaration) until allowed.
        return render(request, "pilots/project_detail.html", {
            "project": project, "restricted": refusal, "actions": [],
            "sections": registry.sections_for(request, project), "typed": typed,
        }, status=status)
    history = list(project.audit_entries.select_related(
        "actor__department", "actor__organisation").order_by("created_at", "pk"))
    transitions = [e for e in history if e.is_transition]
    versions = list(project.versions.select_related("created_by").order_by("number"))
    timeline, off_path = _timeline(project, transitions)
    sent_back = None
    if transitions and lifecycle.sends_back(transitions[-1].transition):
        sent_back = transitions[-1]  # still standing: nothing has moved it on since
    may_edit = services.may_edit_plan(project, user)
    available = lifecycle.available(project, user)
    handing_on = lifecycle.plan_submission(project.state)
    shown = versions[-1].content if versions and not may_edit else project.plan
    attachments = list(project.attachments.select_related("uploaded_by"))
    return render(request, "pilots/project_detail.html", {
        "project": project,
        "actions": [
            _action(project, name, typed) for name in available
            if name not in lifecycle.PLAN_SUBMISSIONS  # handed on from the plan editor
            and not _has_custom_form(name)  # an app's section of the page holds its form
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
        "consultants": _consultants(project, typed) if is_applicant(project, user) else None,
        "sections": registry.sections_for(request, project),
        "typed": typed,
    }, status=status)


def _consultants(project, typed):
    invited = list(services.invited_consultants(project))
    may_submit = set(grantee_ids(project, "submit_project").values_list("user_id",
                                                                                flat=True))
    taken = {u.pk for u in invited}
    return {
        "invited": [{"user": u, "may_submit": u.pk in may_submit} for u in invited],
        "choices": [u for u in services.consultants_known() if u.pk not in taken],
        "typed": typed if typed.get("action") == "consultant" else {},
    }


def _has_custom_form(name):
    declared = registry.transition_input(name)
    return declared is not None and declared.custom_form


def _posted_data(post):
    """``data.<name>`` keys as the input's fields; ``data.<name>.<n>.<field>`` keys become
    ``<name>``: a list of ``{field: value}`` ordered by n (a numbered list on the page)."""
    data, lists = {}, {}
    for key, value in post.items():
        if not key.startswith(DATA_PREFIX):
            continue
        name = key.removeprefix(DATA_PREFIX)
        parts = name.split(".")
        if len(parts) == 3 and parts[1].isdigit():
            lists.setdefault(parts[0], {}).setdefault(int(parts[1]), {})[parts[2]] = value
        else:
            data[name] = value
    for name, rows in lists.items():
        data[name] = [rows[n] for n in sorted(rows)]
    return data


@login_required
@require_POST
def project_transition(request, pk, name):
    project = visible_project(request, pk)
    reason = request.POST.get("reason", "")
    data = _posted_data(request.POST)
    try:
        services.fire(project, name, request.user, reason=reason, data=data,
                      ip_address=client_ip(request))
    except services.NotPermitted as error:
        refuse(error)
    except services.ServiceError as error:
        messages.error(request, error.message)
        _keep_typed(request, pk, {"action": name, "reason": reason, "data": data,
                                  "errors": getattr(error, "fields", {})})
        return redirect(f"{project.get_absolute_url()}#action-{name}")
    messages.success(request, _("已完成：%(action)s") % {"action": lifecycle.label(name)})
    return redirect("project-detail", pk=pk)


@login_required
@require_POST
def consultants(request, pk):
    """Invite a consultant known to the portal onto this project, or take it back."""
    project = visible_project(request, pk)
    if not is_applicant(project, request.user):
        refuse(services.NotPermitted(_("只有申报单位可以邀请专业机构。")))
    may_submit = request.POST.get("may_submit") == "on"
    consultant_id = parse_id(request.POST.get("consultant"))
    revoking = request.POST.get("action") == "revoke"
    # Invite from those the portal knows; take back from those invited (active or not).
    candidates = (services.invited_consultants(project) if revoking
                  else services.consultants_known())
    consultant = candidates.filter(pk=consultant_id).first() if consultant_id else None
    ip = client_ip(request)
    try:
        # One message for every refusal: it tells nothing about who exists.
        if consultant is None:
            raise services.InvalidInput(_("无法处理该邀请，请从列表中选择专业机构用户。"))
        if revoking:
            services.revoke_consultant(project, request.user, consultant, ip_address=ip)
            messages.success(request, _("已撤销对%(name)s的邀请。") % {"name": consultant})
        else:
            services.invite_consultant(project, request.user, consultant,
                                       may_submit=may_submit, ip_address=ip)
            messages.success(request, _("已邀请%(name)s协助编制方案。") % {"name": consultant})
    except services.NotPermitted as error:
        refuse(error)
    except services.ServiceError:
        messages.error(request, _("无法处理该邀请，请从列表中选择专业机构用户。"))
        _keep_typed(request, pk, {"action": "consultant", "consultant": consultant_id,
                                  "may_submit": may_submit})
        return redirect(f"{project.get_absolute_url()}#consultants")
    return redirect("project-detail", pk=pk)
