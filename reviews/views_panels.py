"""Panel pages (专家组), for the ecology admin and the category's city officer: the panels
one may see, with the form to form a selection panel; one panel with its projects, its
members' declarations and sheets, the proposal, adding and removing members, the ranking
and closing its scoring."""
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pilots.choices import State
from pilots.errors import InvalidInput, NotPermitted, ServiceError
from pilots.inputs import parse_id, parse_ids
from pilots.models import Batch, User
from pilots.net import client_ip

from . import closing, panels, services
from .choices import ReviewKind
from .models import ExpertAssignment
from .panel_results import may_see_panel_results, panel_results


def _visible_panel(request, pk):
    """The panel if this user may see it, else 404 (never a hint that it exists)."""
    return get_object_or_404(
        panels.panels_visible_to(request.user)
        .select_related("batch", "category", "project", "organiser", "closed_by"), pk=pk)


# --- The list -------------------------------------------------------------------------------

def _form_choices(user):
    return list(Batch.objects.order_by("-year")), panels.formable_categories(user)


def _form(request, batches, categories):
    """The batch and category typed in the forming form, or InvalidInput in Chinese."""
    errors = {}
    batch_id, category_id = (parse_id(request.POST.get("batch")),
                             parse_id(request.POST.get("category")))
    batch = next((b for b in batches if b.pk == batch_id), None)
    category = next((c for c in categories if c.pk == category_id), None)
    if batch is None:
        errors["batch"] = [_("请选择申报批次。")]
    if category is None:
        errors["category"] = [_("请选择您可以组建专家组的试点类别。")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    return batch, category


@login_required
def panel_list(request):
    """Every panel the user may see, newest first; the form to form a selection panel."""
    if not panels.may_list_panels(request.user):
        raise PermissionDenied(_("只有市生态环境局和试点类别的市级主管部门可以查看专家组。"))
    batches, categories = _form_choices(request.user)
    errors, typed, status = {}, {}, 200
    if request.method == "POST":
        typed = {"batch": request.POST.get("batch", ""),
                 "category": request.POST.get("category", "")}
        try:
            batch, category = _form(request, batches, categories)
            panel = panels.form_selection_panel(request.user, batch, category)
            messages.success(request, _("已组建%(category)s遴选专家组，请加入专家。")
                             % {"category": category.label})
            return redirect("review-panel", pk=panel.pk)
        except NotPermitted as error:
            raise PermissionDenied(error.message) from error
        except ServiceError as error:
            messages.error(request, error.message)
            errors, status = getattr(error, "fields", {}) or {}, error.status
    visible = (panels.panels_visible_to(request.user)
               .select_related("batch", "category", "project").order_by("-created_at", "-pk"))
    return render(request, "reviews/panels/list.html", {
        "rows": panels.panel_rows(visible), "batches": batches, "categories": categories,
        "errors": errors, "typed": typed,
    }, status=status)


# --- One panel --------------------------------------------------------------------------------

def _sheet_state(assignment):
    sheet = getattr(assignment, "sheet", None)
    if sheet is not None and sheet.submitted:
        return "submitted", _("评分表已提交")
    if sheet is not None:
        return "draft", _("评分表草稿")
    if assignment.declared:
        return "declared", _("已声明无利益冲突")
    return "undeclared", _("未声明")


def _detail(request, panel):
    """What the panel page shows, in a fixed number of queries whatever its size."""
    projects = list(services.panel_projects(panel)
                    .select_related("applicant", "county", "category", "batch"))
    assignments = list(ExpertAssignment.objects.filter(panel=panel)
                       .select_related("expert", "sheet").order_by("assigned_at", "pk"))
    closed = closing.closed_projects(panel, [p.pk for p in projects])
    # Scores and grades for who may read the panel's results; counts of sheets for all.
    results = ({row.project.pk: row for row in panel_results(panel)}
               if assignments and may_see_panel_results(panel, request.user) else {})
    by_project = defaultdict(list)
    members, cells = {}, defaultdict(list)
    for assignment in assignments:
        by_project[assignment.project_id].append(assignment)
        members.setdefault(assignment.expert_id, assignment.expert)
    project_rows = []
    for project in projects:
        mine = by_project.get(project.pk, [])
        for assignment in mine:
            state, label = _sheet_state(assignment)
            cells[assignment.expert_id].append({"project": project, "state": state,
                                                "label": label})
        project_rows.append({
            "project": project, "assigned": len(mine), "result": results.get(project.pk),
            "submitted": sum(_sheet_state(a)[0] == "submitted" for a in mine),
            "closed": project.pk in closed,
        })
    manages = panels.may_manage(panel, request.user)
    open_projects = [p for p in projects
                     if p.state in services.PANEL_STATES and p.pk not in closed]
    member_rows = [{"expert": expert, "cells": cells[pk],
                    "removable": any(c["project"].state == State.CITY_REVIEW for c in cells[pk]),
                    "waiting": any(c["state"] != "submitted"
                                   and c["project"].state == State.EXPERT_REVIEW
                                   and c["project"].pk not in closed for c in cells[pk])}
                   for pk, expert in sorted(members.items(), key=lambda m: m[1].username)]
    active = [m for m in members.values() if m.is_active]
    missing = max(0, panel.batch.expert_panel_min_size - len(active))
    editable = manages and not panel.is_closed and panel.kind == ReviewKind.SELECTION \
        and bool(open_projects)
    pool = panels.candidates(open_projects, list(members.values()), missing,
                             kind=panel.kind, category=panel.category) if editable else []
    ranking = sorted(results.values(), key=lambda r: (r.rank is None, r.rank or 0))
    return {
        "panel": panel, "projects": project_rows, "members": member_rows,
        "pool": pool, "editable": editable, "manages": manages, "missing": missing,
        "min_size": panel.batch.expert_panel_min_size,
        "any_warning": any(row["warnings"] and not row["blocking"] for row in pool),
        "ranking": ranking if any(r.sheets for r in ranking) else [],
        "may_close": (closing.may_close(request.user) and not panel.is_closed
                      and any(p.state == State.EXPERT_REVIEW for p in open_projects)),
        "forming": [p for p in open_projects if p.state == State.CITY_REVIEW],
        "waiting": [row["expert"] for row in member_rows if row["waiting"]],
    }


@login_required
def panel_detail(request, pk):
    panel = _visible_panel(request, pk)
    return render(request, "reviews/panels/detail.html", _detail(request, panel))


@login_required
@require_POST
def panel_members(request, pk):
    """Add the checked experts to every open project of the panel, or take one off."""
    panel = _visible_panel(request, pk)
    ip = client_ip(request)
    try:
        if request.POST.get("action") == "remove":
            expert_id = parse_id(request.POST.get("expert"))
            expert = (User.objects.filter(expert_assignments__panel=panel, pk=expert_id)
                      .distinct().first() if expert_id else None)
            if expert is None:
                raise InvalidInput(_("请选择要移出的专家。"), fields={"expert": [_("请选择要移出的专家。")]})
            left = panels.remove_member(panel, request.user, expert, ip_address=ip)
            messages.success(request, ngettext(
                "已将%(name)s移出专家组（%(n)s个市级审核中的项目）。",
                "已将%(name)s移出专家组（%(n)s个市级审核中的项目）。", len(left))
                % {"name": expert, "n": len(left)})
        else:
            ids = parse_ids(request.POST.getlist("experts"))
            if ids is None:
                raise InvalidInput(_("所选专家无效，请重新选择。"))
            experts = list(services.expert_pool().filter(pk__in=ids))
            if len(experts) != len(ids):
                raise InvalidInput(_("所选用户不是专家库成员。"))
            added = panels.add_members(panel, request.user, experts, ip_address=ip,
                                       override_reason=request.POST.get("override_reason", ""))
            messages.success(request, ngettext(
                "已加入%(n)s名专家，共%(m)s项指派。", "已加入%(n)s名专家，共%(m)s项指派。",
                len({a.expert_id for a in added}))
                % {"n": len({a.expert_id for a in added}), "m": len(added)})
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("review-panel", pk=pk)


@login_required
@require_POST
def panel_close(request, pk):
    """Close the panel's scoring; a reason typed beside a member who has not submitted takes
    that member off."""
    panel = _visible_panel(request, pk)
    removals = {}
    for key, value in request.POST.items():
        expert_id = parse_id(key.removeprefix("remove_"))
        if key.startswith("remove_") and expert_id and value.strip():
            removals[expert_id] = value
    try:
        closing.close_panel(panel, request.user, removals=removals, ip_address=client_ip(request))
        messages.success(request, _("评分已结束。"))
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("review-panel", pk=pk)
