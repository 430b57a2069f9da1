"""Pages of a pilot's activity data: the card on the project page, a year's form (or, for
readers, its figures), the Excel template of a year and uploading it filled."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pilots import registry
from pilots.errors import NotPermitted, ServiceError
from pilots.net import client_ip
from pilots.views.common import visible_project

from . import activity, excel
from .forms_activity import ActivityForm

TEMPLATE = "disclosure/activity/year.html"


@registry.register_section("activity", "disclosure/activity/section.html", order=40)
def activity_section(request, project):
    """The years with data and, for the builder, the years it may add."""
    if not activity.may_read_activity(project, request.user):
        return None
    entered = activity.years_entered(project)
    may_enter = activity.may_enter_activity(project, request.user)
    done = {row.year for row in entered}
    open_years = [y for y in activity.allowed_years(project) if y not in done] if may_enter else []
    return {"project": project, "entered": entered, "open_years": open_years,
            "may_enter": may_enter}


def _readable(request, pk):
    """The project if this user sees it (else 404) and may read its activity data (else 403)."""
    project = visible_project(request, pk)
    if project.state not in activity.READ_STATES:
        raise Http404(_("该项目尚未进入建设实施阶段，没有年度活动数据。"))
    if not activity.may_read_activity(project, request.user):
        raise PermissionDenied(_("您无权查看该项目的活动数据。"))
    return project


def _year_of(project, year, plan):
    """The year's stored data, or 404 when it is neither entered nor a year one enters."""
    row = activity.activity_year(project, year)
    if row is None and year not in activity.allowed_years(project, plan):
        raise Http404(_("该年份不在可填报的年份内。"))
    return row


def _page(request, project, year, *, form=None, upload_errors=(), status=200):
    plan = activity.plan_of(project)
    row = _year_of(project, year, plan)
    items = activity.items_for(project)
    may_enter = activity.may_enter_activity(project, request.user)
    prefilled_from = None
    if row is not None:
        values = activity.values_of(row, items)
    else:
        values, prefilled_from = activity.prefill(project, year, items, plan)
    if form is None and may_enter:
        form = ActivityForm(items=items, initial=values)
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(activity.GROUPS[item.group], []).append(
            (item, activity.amount_text(values[item.key])))
    years = sorted(set(activity.allowed_years(project, plan))
                   | {r.year for r in activity.years_entered(project)})
    return render(request, TEMPLATE, {
        "project": project, "year": year, "row": row, "form": form if may_enter else None,
        "may_enter": may_enter, "prefilled_from": prefilled_from,
        "groups": list(groups.items()), "years": years, "upload_errors": list(upload_errors),
        "upload_max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
    }, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def year_page(request, pk, year):
    """GET: the year's form (the builder) or its figures (readers). POST: save the form."""
    project = _readable(request, pk)
    if request.method != "POST":
        return _page(request, project, year)
    if not activity.may_enter_activity(project, request.user):
        raise PermissionDenied(_("只有试点建设单位可以填报活动数据。"))
    _year_of(project, year, None)
    items = activity.items_for(project)
    form = ActivityForm(request.POST, items=items)
    if not form.is_valid():
        messages.error(request, _("有数据无法读取，请更正标出的项目，本次未保存任何数据。"))
        return _page(request, project, year, form=form, status=400)
    try:
        _row, changed = activity.save_activity(project, request.user, year, form.values(),
                                               origin=activity.ORIGIN_FORM,
                                               ip_address=client_ip(request))
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error
    except ServiceError as error:
        for key, problems in getattr(error, "fields", {}).items():
            for problem in problems:
                form.add_error(key if key in form.fields else None, problem)
        messages.error(request, error.message)
        return _page(request, project, year, form=form, status=error.status)
    if changed:
        messages.success(request, _("%(year)s年活动数据已保存。") % {"year": year})
    else:
        messages.info(request, _("数据没有变化。"))
    return redirect("activity-year", pk=project.pk, year=year)


@require_safe
@login_required
def template_xlsx(request, pk, year):
    """The Excel template of the year, prefilled with what is stored (or the plan's)."""
    project = _readable(request, pk)
    plan = activity.plan_of(project)
    row = _year_of(project, year, plan)
    items = activity.items_for(project)
    if row is not None:
        values = activity.values_of(row, items)
    else:
        values, _from = activity.prefill(project, year, items, plan)
    body = excel.template_workbook(project, year, items, values)
    response = HttpResponse(body, content_type=excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = excel.content_disposition(project, year)
    return response


@require_POST
@login_required
def upload_xlsx(request, pk, year):
    """Import a filled template: every row is read first; any bad row refuses the file."""
    project = _readable(request, pk)
    if not activity.may_enter_activity(project, request.user):
        raise PermissionDenied(_("只有试点建设单位可以填报活动数据。"))
    _year_of(project, year, None)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        return _page(request, project, year, status=400,
                     upload_errors=[_("请选择要上传的Excel文件。")])
    items = activity.items_for(project)
    try:
        values = excel.read_upload(uploaded, project, year, items)
        _row, changed = activity.save_activity(project, request.user, year, values,
                                               origin=activity.ORIGIN_EXCEL,
                                               ip_address=client_ip(request))
    except excel.UploadRejected as rejected:
        return _page(request, project, year, status=400, upload_errors=rejected.errors)
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error
    except ServiceError as error:
        lines = [error.message, *[p for problems in getattr(error, "fields", {}).values()
                                  for p in problems]]
        return _page(request, project, year, status=error.status, upload_errors=lines)
    if changed:
        messages.success(request, _("已从Excel文件导入%(year)s年活动数据。") % {"year": year})
    else:
        messages.info(request, _("文件中的数据与已保存的相同，没有变化。"))
    return redirect("activity-year", pk=project.pk, year=year)
