"""The city-wide view of the pilots' indicators and its xlsx export (issue 9 item 7), for
the ecology admin, the city bodies (their categories) and the county ecology bureaus (their
county); a menu entry for them."""
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from pilots import registry
from pilots.exports import XLSX_CONTENT_TYPE
from pilots.inputs import parse_id
from pilots.models import Category, County

from . import activity, overview
from .decline import Status
from .models import ActivityYear

ASCII_FILENAME = "hechi-nzc-indicators.xlsx"

registry.register_menu_link(gettext_lazy("碳排放核算"), "disclosure-overview",
                            activity.may_view_overview)


def _collect(request):
    """The filters (their choices from the pilots in scope) and the overview they give."""
    pilots = overview.pilots_for(request.user)
    if pilots is None:
        raise PermissionDenied(_("只有市生态环境局、市级主管部门和属地生态环境部门可以查看碳排放核算汇总。"))
    categories = list(Category.objects.filter(projects__in=pilots).distinct().order_by("order"))
    counties = list(County.objects.filter(projects__in=pilots).distinct().order_by("order"))
    years = sorted(ActivityYear.objects.filter(project__in=pilots)
                   .values_list("year", flat=True).distinct())
    filters = {"category": request.GET.get("category", ""),
               "county": request.GET.get("county", ""), "year": request.GET.get("year", "")}
    if filters["category"] not in {c.code for c in categories}:
        filters["category"] = ""
    if filters["county"] not in {c.code for c in counties}:
        filters["county"] = ""
    year = parse_id(filters["year"])
    if year not in years:
        filters["year"], year = "", None
    chosen = pilots
    if filters["category"]:
        chosen = chosen.filter(category__code=filters["category"])
    if filters["county"]:
        chosen = chosen.filter(county__code=filters["county"])
    return {
        "overview": overview.build(chosen, year=year),
        "categories": categories, "counties": counties, "years": years,
        "filters": filters, "query": urlencode({k: v for k, v in filters.items() if v}),
        "statuses": list(Status),
    }


@require_safe
@login_required
def overview_page(request):
    return render(request, "disclosure/city/overview.html", _collect(request))


@require_safe
@login_required
def overview_xlsx(request):
    context = _collect(request)
    body = overview.workbook(context["overview"])
    response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    name = f"{_('河池市近零碳排放区试点指标稳步下降判定')}-{timezone.localdate().isoformat()}.xlsx"
    response["Content-Disposition"] = (f'attachment; filename="{ASCII_FILENAME}"; '
                                       f"filename*=UTF-8''{quote(name, safe='')}")
    return response
