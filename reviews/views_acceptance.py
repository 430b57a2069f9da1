"""The acceptance panel card (验收专家组) on the project page, for the ecology admin while the
project is in acceptance review, and the form it posts to: form the panel from the pool's
proposal with its scoring deadline, add or remove members while no sheet is submitted."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pilots import registry
from pilots.choices import State
from pilots.errors import InvalidInput, NotPermitted, ServiceError
from pilots.inputs import parse_id, parse_ids
from pilots.net import client_ip
from pilots.views.common import refuse, visible_project

from . import acceptance_panels, proposal, services
from .choices import ReviewKind
from .deadlines import DEADLINE_MAX_DAYS, default_deadline
from .models import SheetStatus


def _candidates(project, members, missing):
    """The pool beside the panel: the proposed members first (pre-checked), then who else
    may be chosen, then who may not and why (screened for acceptance)."""
    screened = proposal.screen([project], kind=ReviewKind.ACCEPTANCE, members=members)
    proposed = {p.expert.pk: p for p in proposal.propose(
        [project], missing, kind=ReviewKind.ACCEPTANCE, category=project.category,
        members=members, screened=screened)}
    facts = {profile.user_id: (profile, blocking, warnings)
             for profile, blocking, warnings in screened}
    taken = {m.pk for m in members}
    rows = []
    for expert in services.expert_pool().order_by("username"):
        if expert.pk in taken:
            continue
        profile, blocking, warnings = facts.get(expert.pk, (None, (), ()))
        rows.append({
            "expert": expert, "proposed": expert.pk in proposed,
            "covers": proposed[expert.pk].cover_labels if expert.pk in proposed else [],
            "fields": profile.field_labels() if profile else [],
            "blocking": blocking[0] if blocking else None, "warnings": warnings,
        })
    rows.sort(key=lambda r: (not r["proposed"], r["blocking"] is not None))
    return rows


@registry.register_section("acceptance_panel", "reviews/acceptance/panel_section.html", order=21)
def acceptance_panel_section(request, project):
    """Shown to the ecology admin while the project is in acceptance review."""
    if project.state != State.ACCEPTANCE_REVIEW or not acceptance_panels.may_form(request.user):
        return None
    panel = acceptance_panels.current_panel(project)
    assignments = [] if panel is None else list(
        panel.assignments.select_related("expert", "sheet").order_by("assigned_at", "pk"))
    members = [a.expert for a in assignments]
    size = acceptance_panels.min_size(project)
    active = sum(e.is_active for e in members)
    submitted = any(getattr(a, "sheet", None) is not None
                    and a.sheet.status == SheetStatus.SUBMITTED for a in assignments)
    closed = panel is not None and acceptance_panels.scoring_closed(project)
    editable = panel is None or (not closed and (not submitted or active < size))
    missing = max(0, size - active)
    pool = _candidates(project, members, missing) if editable else []
    return {
        "project": project, "panel": panel, "assignments": assignments,
        "min_size": size, "missing": missing, "editable": editable,
        "removable": panel is not None and not closed and not submitted,
        "closed": closed, "pool": pool,
        "any_warning": any(row["warnings"] and not row["blocking"] for row in pool),
        "default_deadline": default_deadline().isoformat(), "max_days": DEADLINE_MAX_DAYS,
        "results_url": reverse("review-results", args=[project.pk]) + "?kind=acceptance",
    }


def _chosen_experts(request):
    ids = parse_ids(request.POST.getlist("experts"))
    if ids is None:
        raise InvalidInput(_("所选专家无效，请重新选择。"))
    experts = list(services.expert_pool().filter(pk__in=ids))
    if len(experts) != len(ids):
        raise InvalidInput(_("所选用户不是专家库成员。"))
    return experts


@login_required
@require_POST
def acceptance_panel(request, pk):
    """Form the project's acceptance panel, add experts to it, or remove one."""
    project = visible_project(request, pk)
    if not acceptance_panels.may_form(request.user):
        refuse(NotPermitted(_("只有市生态环境局可以组建验收专家组。")))
    ip = client_ip(request)
    action = request.POST.get("action", "form")
    override_reason = request.POST.get("override_reason", "")
    try:
        panel = acceptance_panels.current_panel(project)
        if action == "form":
            experts = _chosen_experts(request)
            acceptance_panels.form_acceptance_panel(
                request.user, project, experts, ip_address=ip, override_reason=override_reason,
                scoring_deadline=request.POST.get("scoring_deadline", ""))
            messages.success(request, ngettext(
                "已组建验收专家组（%(n)s名专家）。", "已组建验收专家组（%(n)s名专家）。",
                len(experts)) % {"n": len(experts)})
        elif panel is None:
            raise InvalidInput(_("本项目尚未组建验收专家组。"))
        elif action == "remove":
            expert_id = parse_id(request.POST.get("expert"))
            member = panel.assignments.filter(expert_id=expert_id).select_related("expert") \
                .first() if expert_id else None
            if member is None:
                raise InvalidInput(_("请选择要移出的专家。"))
            acceptance_panels.remove_member(request.user, panel, member.expert, ip_address=ip)
            messages.success(request, _("已将%(name)s移出验收专家组。") % {"name": member.expert})
        else:
            added = acceptance_panels.add_members(request.user, panel, _chosen_experts(request),
                                                  override_reason=override_reason, ip_address=ip)
            messages.success(request, ngettext("已指派%(n)s名专家。", "已指派%(n)s名专家。",
                                               len(added)) % {"n": len(added)})
    except NotPermitted as error:
        refuse(error)
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect(f"{reverse('project-detail', args=[pk])}#acceptance-panel")
