"""Scoring pages: the expert's score sheet for one assignment, the card that leads to it
from the project page, and the panel's results for who formed it."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pilots import registry
from pilots.choices import Role, State
from pilots.errors import InvalidInput, NotPermitted, ServiceError
from pilots.exports import XLSX_CONTENT_TYPE, content_disposition
from pilots.net import client_ip
from pilots.views.common import visible_project

from . import closing, exports, sheets
from .choices import ReviewKind
from .models import ExpertAssignment, ScoreSheet
from .results import points


def _kind(request):
    """The kind of review a results page is asked for (``?kind=acceptance``), selection by
    default; anything else is no such page."""
    kind = request.POST.get("kind") or request.GET.get("kind") or ReviewKind.SELECTION
    if kind not in ReviewKind.values:
        raise Http404(_("评审类型无效。"))
    return kind


def _results_url(pk, kind):
    url = reverse("review-results", args=[pk])
    return url if kind == ReviewKind.SELECTION else f"{url}?kind={kind}"


def _own_assignment(request, pk):
    """The caller's own assignment, else 404 (another expert's is not even hinted at)."""
    return get_object_or_404(
        ExpertAssignment.objects.select_related(
            "project__batch", "project__category", "project__county", "project__applicant",
            "expert", "panel"),
        pk=pk, expert=request.user)


def _posted(request, criteria):
    """The form as the services take it: scores by code, opinions in order; a row left
    blank is dropped, ``remove_opinion`` (a 1-based row) is taken out."""
    scores = {c.code: request.POST.get(f"score_{c.code}", "") for c in criteria}
    texts = request.POST.getlist("opinion_text")
    paths = request.POST.getlist("opinion_path")
    removed = request.POST.get("remove_opinion", "")
    opinions = []
    for index, text in enumerate(texts, start=1):
        path = paths[index - 1] if index <= len(paths) else ""
        if str(index) == removed or (not text.strip() and not path.strip()):
            continue
        opinions.append({"text": text, "plan_path": path})
    return scores, opinions


def _with_rows(sheet, criteria, labels):
    """The sheet with ``score_rows`` (criterion, points or None), ``total`` and
    ``shown_opinions`` (each with the label of the plan row it points at) to show it."""
    sheet.score_rows = [(c, points(sheet.scores.get(c.code))) for c in criteria]
    sheet.total = sheets.total_of(sheet, criteria)
    sheet.shown_opinions = list(sheet.opinions.all())
    for opinion in sheet.shown_opinions:
        opinion.plan_label = labels.get(opinion.plan_path, opinion.plan_path)
    return sheet


def _others(request, project, own, criteria, labels, panel):
    """The other members' sheets on ``panel`` this expert may read (none before it
    submitted its own there)."""
    return [_with_rows(other, criteria, labels) for other in
            sheets.sheets_visible_to(request.user, project, panel)
            .exclude(pk=own.pk)
            .select_related("assignment__expert").prefetch_related("opinions")
            .order_by("submitted_at", "pk")]


@login_required
def sheet_page(request, pk):
    """The expert scores each criterion and writes its opinions; saves; submits."""
    assignment = _own_assignment(request, pk)
    project = assignment.project
    try:
        sheet = sheets.sheet_for(assignment)
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("project-detail", pk=project.pk)
    criteria = list(sheet.rubric.criteria.all())
    editable = not sheet.submitted and sheets.may_score(assignment)
    errors, status = {}, 200
    scores = dict(sheet.scores)
    opinions = [{"text": o.text, "plan_path": o.plan_path} for o in sheet.opinions.all()]
    if request.method == "POST":
        if not editable:
            messages.error(request, _("评分表已提交，不能再修改；如需修改，请联系市生态环境局退回。"))
            return redirect("review-sheet", pk=pk)
        scores, opinions = _posted(request, criteria)
        action = request.POST.get("action", "save")
        try:
            sheets.save_draft(sheet, request.user, scores=scores, opinions=opinions)
            if action == "submit":
                if request.POST.get("confirm") != "1":
                    raise InvalidInput(_("请勾选确认后再提交：提交后不能再修改。"),
                                       fields={"confirm": [_("请勾选确认后再提交：提交后不能再修改。")]})
                sheets.submit(sheet, request.user, ip_address=client_ip(request))
                messages.success(request, _("评分表已提交。"))
            else:
                messages.success(request, _("草稿已保存。"))
            anchor = "#new-opinion" if action == "add_opinion" else ""
            return redirect(request.path + anchor)
        except ServiceError as error:
            messages.error(request, error.message)
            errors = getattr(error, "fields", {}) or {}
            status = error.status
    rows = [{"criterion": c, "value": scores.get(c.code, ""),
             "errors": errors.get(f"scores.{c.code}", [])} for c in criteria]
    opinion_rows = [{"number": n, "text": o["text"], "plan_path": o["plan_path"],
                     "errors": errors.get(f"opinions.{n}.text", [])
                     + errors.get(f"opinions.{n}.plan_path", [])}
                    for n, o in enumerate(opinions, start=1)]
    paths = sheets.plan_paths(project)
    labels = dict(paths)
    _with_rows(sheet, criteria, labels)
    return render(request, "reviews/sheets/sheet.html", {
        "assignment": assignment, "project": project, "sheet": sheet, "rows": rows,
        "opinions": opinion_rows, "new_number": len(opinion_rows) + 1,
        "paths": paths, "editable": editable and not sheet.submitted,
        "errors": errors, "total": sheet.total,
        "others": _others(request, project, sheet, criteria, labels, assignment.panel)
        if sheet.submitted else [],
    }, status=status)


@login_required
def results_page(request, pk):
    """Each submitted sheet's total, the panel's figures, who has not submitted, and the
    opinions with their authors: for the ecology admin and the category's city officer."""
    project = visible_project(request, pk)
    kind = _kind(request)
    if not sheets.may_see_results(project, request.user, kind):
        raise PermissionDenied(_("只有组织评审的部门可以查看评分结果。"))
    context = sheets.results_of(project, kind)
    closure = closing.closure_of(project, kind)  # the latest panel's: closures are per panel
    under_review = (project.state == sheets.REVIEW_STATE[kind] and closure is None
                    and context["panel"] is not None and context["panel"].closed_at is None)
    return render(request, "reviews/sheets/results.html", {
        "project": project, **context, "closure": closure,
        "acceptance": kind == ReviewKind.ACCEPTANCE,
        "may_reopen": sheets.may_reopen(request.user) and under_review,
        "may_close": closing.may_close(request.user) and under_review,
    })


@login_required
def results_xlsx(request, pk):
    """The score sheet as .xlsx, for who may see the results."""
    project = visible_project(request, pk)
    kind = _kind(request)
    if not sheets.may_see_results(project, request.user, kind):
        raise PermissionDenied(_("只有组织评审的部门可以查看评分结果。"))
    body = exports.results_workbook(project, sheets.results_of(project, kind))
    response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(
        exports.results_filename(project, timezone.localdate()))
    return response


@login_required
def close_page(request, pk):
    """The ecology admin closes scoring; a reason typed beside a member who has not
    submitted takes that member off the panel."""
    kind = _kind(request)
    if request.method != "POST":
        return redirect(_results_url(pk, kind))
    project = visible_project(request, pk)
    removals = {}
    for key, value in request.POST.items():
        expert_id = key.removeprefix("remove_")
        if key.startswith("remove_") and expert_id.isdigit() and value.strip():
            removals[int(expert_id)] = value
    try:
        closing.close_scoring(project, request.user, kind=kind, removals=removals,
                              ip_address=client_ip(request))
        messages.success(request, _("评分已结束。"))
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect(_results_url(pk, kind))


@login_required
def reopen_sheet(request, pk, sheet_pk):
    """The ecology admin sends a submitted sheet back to its expert, with a reason."""
    if request.method != "POST":
        return redirect("review-results", pk=pk)
    project = visible_project(request, pk)
    sheet = (ScoreSheet.objects.filter(pk=sheet_pk, assignment__project=project)
             .select_related("assignment__panel").first())
    if sheet is None:
        raise Http404(_("没有该评分表。"))
    kind = sheet.assignment.panel.kind
    try:
        sheets.reopen(sheet, request.user, reason=request.POST.get("reason", ""),
                      ip_address=client_ip(request))
        messages.success(request, _("评分表已退回专家修改。"))
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect(_results_url(pk, kind))


@registry.register_section("scoring", "reviews/sheets/section.html", order=25)
def scoring_section(request, project):
    """The expert's way to its sheet (declared, while its panel scores: expert review for
    selection, acceptance review for acceptance); the organisers' way to the results of
    the panel the project's state concerns once it scores."""
    user = request.user
    kind = sheets.kind_under_review(project)
    if sheets.may_see_results(project, user, kind):
        if project.state == State.CITY_REVIEW or not project.expert_assignments.filter(
                panel__kind=kind).exists():
            return None
        return {"project": project, "results": True, "results_url": _results_url(project.pk, kind)}
    assignment = (ExpertAssignment.objects.filter(project=project, expert=user, panel__kind=kind)
                  .select_related("sheet", "panel").order_by("-assigned_at", "-pk").first())
    if assignment is None or not assignment.declared or project.state != sheets.REVIEW_STATE[kind]:
        return None
    return {"project": project, "assignment": assignment,
            "sheet": getattr(assignment, "sheet", None)}


@registry.register_queue_links
def sheet_links(user, projects):
    """A declared member's queue row leads straight to its score sheet on the panel that
    scores the project now (selection in expert review, acceptance in acceptance review)."""
    if not user.has_role(Role.EXPERT):
        return {}
    ids = [p.pk for p in projects if p.state in sheets.REVIEW_STATE.values()]
    if not ids:
        return {}
    scoring = Q(pk__in=[])
    for kind, state in sheets.REVIEW_STATE.items():
        scoring |= Q(panel__kind=kind, project__state=state)
    assignments = ExpertAssignment.objects.filter(
        scoring, expert=user, project_id__in=ids, declared_at__isnull=False,
    ).order_by("assigned_at", "pk").values_list("pk", "project_id")
    return {project_id: [(_("填写评分表"), reverse("review-sheet", args=[pk]))]
            for pk, project_id in assignments}
