"""County ecology bureau: the summary of every application in its county, and its xlsx export.

The county ecology bureau (属地生态环境部门) is copied on every application of its county and
collects them for the city bureau (DOMAIN §2); the city bureau's admin may look at any county.
"""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import exports
from ..choices import Role
from ..models import County
from ..rules import may_view_county_summary
from ..selectors import projects_visible_to, state_summary, with_related


def _scope(request):
    """(county or None for the whole city, counties the user may choose from or None).

    Refuses everyone but the county ecology bureau and the city bureau's admin.
    """
    user = request.user
    if not may_view_county_summary(user):
        raise PermissionDenied(_("只有属地生态环境部门和市生态环境局可以查看申报汇总。"))
    if user.has_role(Role.ECOLOGY_ADMIN):
        counties = list(County.objects.order_by("order", "code"))
        code = request.GET.get("county", "")
        if not code:
            return None, counties
        county = next((c for c in counties if c.code == code), None)
        if county is None:
            raise Http404(_("没有这个县(区)。"))
        return county, counties
    return user.department.county, None


def _collect(request):
    """Everything the page and the export show, in a fixed number of queries."""
    county, counties = _scope(request)
    # Applications only: a draft is not reported up until its applicant submits it.
    projects = projects_visible_to(request.user).filter(code__isnull=False)
    if county is not None:
        projects = projects.filter(county=county)
    summary = exports.Summary.from_state_summary(*state_summary(projects))

    # Filter choices are what occurs in the county, so no choice leads to an empty list.
    categories = [category for category, _counts, _total in summary.rows]
    filters = {"category": request.GET.get("category", ""), "state": request.GET.get("state", "")}
    if filters["category"] not in {c.code for c in categories}:
        filters["category"] = ""
    if filters["state"] not in summary.states:
        filters["state"] = ""
    listed = with_related(projects)
    if filters["category"]:
        listed = listed.filter(category__code=filters["category"])
    if filters["state"]:
        listed = listed.filter(state=filters["state"])
    listed = listed.order_by("county__order", "category__order", "code", "pk")

    query = {"county": county.code} if counties is not None and county is not None else {}
    query.update((k, v) for k, v in filters.items() if v)
    return {
        "county": county,
        "counties": counties,
        "summary": summary,
        "categories": categories,
        "filters": filters,
        "projects": list(listed),
        "query": urlencode(query),
    }


@require_safe
@login_required
def summary(request):
    context = _collect(request)
    summary = context["summary"]
    # Templates cannot index by a variable: pair every count with its state.
    context["summary_rows"] = [
        (category, list(zip(summary.states, counts, strict=True)), total)
        for category, counts, total in summary.rows
    ]
    context["summary_totals"] = list(zip(summary.states, summary.totals, strict=True))
    return render(request, "pilots/county_summary.html", context)


@require_safe
@login_required
def summary_xlsx(request):
    context = _collect(request)
    county = context["county"]
    filename = exports.summary_filename(county.label if county else _("全市"), timezone.localdate())
    body = exports.summary_workbook(context["summary"],
                                    [exports.project_row(p) for p in context["projects"]])
    response = HttpResponse(body, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = exports.content_disposition(filename)
    return response
