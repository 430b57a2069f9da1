"""Publicity pages: the notice (public, printable, PDF); for the ecology admin the bulk
start with its preview, the bulk confirmation, and the objections with their decisions."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from pilots.errors import InvalidInput, NotPermitted, ServiceError
from pilots.exports import content_disposition
from pilots.inputs import parse_id, parse_ids
from pilots.net import client_ip

from . import notices, objections, pdf, services
from .models import Notice, Objection, ObjectionStatus


def _refuse_unless(allowed, message):
    if not allowed:
        raise PermissionDenied(message)


# --- The notice (public) ----------------------------------------------------------------

def notice_page(request, pk):
    notice = get_object_or_404(Notice.objects.select_related("batch"), pk=pk)
    # Shown in the public site's frame (its menu marks 公示).
    return render(request, "publicity/notice.html",
                  {**notices.notice_context(notice, request), "nav": "publicity"})


def notice_pdf(request, pk):
    notice = get_object_or_404(Notice.objects.select_related("batch"), pk=pk)
    html = render_to_string("publicity/notice_pdf.html",
                            notices.notice_context(notice, request), request=request)
    response = HttpResponse(pdf.render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"{notice.number}.pdf").replace(
        "attachment;", "inline;", 1)  # shown in the browser, saved under its number
    return response


# --- Starting publicity in bulk ---------------------------------------------------------

def _ids(values):
    ids = parse_ids(values)
    if ids is None:
        raise InvalidInput(_("所选项目无效，请刷新页面后重新选择。"))
    return ids


@login_required
def start_page(request):
    """Choose projects, a start date and a period; preview the end date; confirm."""
    _refuse_unless(services.may_run_publicity(request.user), _("只有市生态环境局可以组织公示。"))
    candidates = list(services.startable())
    chosen = [pk for pk in (parse_id(v) for v in request.GET.getlist("project")) if pk]
    typed = {"starts_on": timezone.localdate().isoformat(), "working_days": ""}
    preview, errors, status = None, {}, 200
    if request.method == "POST":
        typed = {"starts_on": request.POST.get("starts_on", ""),
                 "working_days": request.POST.get("working_days", "")}
        action = request.POST.get("action", "preview")
        try:
            chosen = _ids(request.POST.getlist("projects"))
            if action == "start":
                notice = services.start_publicity(
                    request.user, chosen, starts_on=typed["starts_on"],
                    working_days=typed["working_days"],
                    ends_on=request.POST.get("ends_on", ""), ip_address=client_ip(request))
                messages.success(request, _("已发布公示公告%(number)s，%(n)s个项目进入公示。")
                                 % {"number": notice.number, "n": len(chosen)})
                return redirect("publicity-notice", pk=notice.pk)
            preview = services.plan_start(request.user, chosen, starts_on=typed["starts_on"],
                                          working_days=typed["working_days"])
        except NotPermitted as error:
            raise PermissionDenied(error.message) from error
        except ServiceError as error:
            messages.error(request, error.message)
            errors = getattr(error, "fields", {}) or {}
            status = error.status
            preview = None
    batches = {}
    for project in candidates:
        batches.setdefault(project.batch_id, project.batch)
    return render(request, "publicity/start.html", {
        "candidates": candidates, "chosen": set(chosen), "typed": typed, "preview": preview,
        "errors": errors, "batches": list(batches.values()),
    }, status=status)


# --- Confirming in bulk -----------------------------------------------------------------

@login_required
def confirm_page(request):
    """Projects whose period is over with no objection pending or upheld; confirm those
    selected, all or nothing. Those still waiting are listed with why."""
    _refuse_unless(services.may_run_publicity(request.user), _("只有市生态环境局可以确定试点项目。"))
    status = 200
    if request.method == "POST":
        try:
            chosen = _ids(request.POST.getlist("projects"))
            confirmed = services.confirm_many(request.user, chosen,
                                              ip_address=client_ip(request))
            messages.success(request, _("已确定%(n)s个试点项目。") % {"n": len(confirmed)})
            return redirect("publicity-confirm")
        except NotPermitted as error:
            raise PermissionDenied(error.message) from error
        except ServiceError as error:
            messages.error(request, error.message)
            status = error.status
    today = timezone.localdate()
    in_publicity = list(services.in_publicity().order_by("period_ends_on", "code", "pk"))
    ready = [p for p in in_publicity
             if p.period_ends_on and p.period_ends_on < today
             and not p.has_pending and not p.has_upheld]
    waiting = [p for p in in_publicity if p not in ready]
    return render(request, "publicity/confirm.html", {
        "ready": ready, "waiting": waiting, "today": today,
    }, status=status)


# --- Objections (the ecology admin) -----------------------------------------------------

@login_required
def objection_list(request):
    _refuse_unless(objections.may_read_objectors(request.user), _("只有市生态环境局可以查看公示异议。"))
    shown = request.GET.get("status", "")
    rows = objections.objections_for_admin()
    if shown in ObjectionStatus.values:
        rows = rows.filter(status=shown)
    else:
        shown = ""
    return render(request, "publicity/objections.html", {
        "objections": list(rows), "shown": shown, "statuses": ObjectionStatus.choices,
    })


def _admin_objection(request, pk):
    _refuse_unless(objections.may_read_objectors(request.user), _("只有市生态环境局可以查看公示异议。"))
    return get_object_or_404(
        Objection.objects.select_related("project__category", "project__county",
                                         "project__applicant", "period__notice", "decided_by"),
        pk=pk)


@login_required
def objection_decide(request, pk):
    objection = _admin_objection(request, pk)
    typed = {"upheld": "", "investigation": "", "reason": ""}
    errors, status = {}, 200
    if request.method == "POST":
        typed = {key: request.POST.get(key, "") for key in typed}
        upheld = {"1": True, "0": False}.get(typed["upheld"])
        try:
            objections.decide(objection, request.user, upheld=upheld,
                              investigation=typed["investigation"], reason=typed["reason"],
                              ip_address=client_ip(request))
            messages.success(request, _("已记录处理结果。"))
            return redirect("objection-decide", pk=pk)
        except NotPermitted as error:
            raise PermissionDenied(error.message) from error
        except ServiceError as error:
            messages.error(request, error.message)
            errors = getattr(error, "fields", {}) or {}
            status = error.status
    return render(request, "publicity/decide.html", {
        "objection": objection, "project": objection.project, "typed": typed,
        "errors": errors, "may_decide": objections.may_decide(request.user),
        "max_length": objections.DECISION_MAX_LENGTH,
    }, status=status)


@login_required
def objection_attachment(request, pk):
    objection = _admin_objection(request, pk)
    if not objection.attachment:
        raise Http404
    response = FileResponse(objection.attachment.open("rb"),
                            content_type=objection.attachment_type)
    response["Content-Disposition"] = content_disposition(objection.attachment_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
