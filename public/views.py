"""The public pages (no login): home, publicity, the pilot directory, a pilot's page with
the objection form and its annual disclosures, a disclosure's PDF, and an objection's
status by its receipt."""
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from disclosure import public as disclosure_public
from pilots.errors import NotAllowedNow, ServiceError
from pilots.models import Category, County
from pilots.net import client_ip
from pilots.views.home import home as work_queue
from publicity import objections

from . import cache, selectors
from .charts import bar_chart
from .forms import ObjectionForm
from .states import DIRECTORY_STATES

PAGE_SIZE = 20


def home(request):
    """The programme in brief and its live figures; a signed-in user lands on its queue."""
    if request.user.is_authenticated:
        return work_queue(request)
    counts = cache.cached("figures", (), selectors.figures)
    figures = selectors.figure_tables(counts)
    return render(request, "public/home.html", {
        "nav": "home",
        "categories": figures["categories"],
        "figures": figures,
        "publicity_count": sum(c["n"] for c in figures["totals"] if c["state"] == "publicity"),
        "category_chart": bar_chart((r["label"], r["total"]) for r in figures["categories"]),
        "county_chart": bar_chart((r["label"], r["total"]) for r in figures["counties"]),
    })


def publicity(request):
    """Projects under publicity now, and the recent notices."""
    return render(request, "public/publicity.html", {
        "nav": "publicity",
        "projects": selectors.summaries(selectors.under_publicity()),
        "notices": selectors.recent_notices(),
    })


def directory(request):
    """Confirmed, titled and revoked pilots, filtered by category, county and state."""
    filters = {key: request.GET.get(key, "").strip()[:40] for key in ("category", "county", "state")}
    projects = selectors.directory(**filters)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "public/directory.html", {
        "nav": "directory",
        "page": page,
        "projects": selectors.summaries(page.object_list),
        "filters": filters,
        "categories": Category.objects.order_by("order", "code"),
        "counties": County.objects.order_by("order", "code"),
        "states": [(s, s.label) for s in DIRECTORY_STATES],
    })


def pilot(request, code, *, form=None, status=200):
    """A pilot's public page: its facts, its public plan, publicity, the objection form and
    its published annual disclosures with the yearly series as charts."""
    project = selectors.public_project(code)
    disclosures = selectors.pilot_disclosures(code)
    return render(request, "public/pilot.html", {
        "nav": "publicity" if project.under_publicity else "directory",
        "project": project,
        "form": form or (ObjectionForm() if project.objections_open else None),
        "disclosures": disclosures,
        "disclosure_charts": disclosure_public.series(disclosures),
    }, status=status)


def disclosure_pdf(request, code, year):
    """A year's published disclosure as a PDF: the current version, or ``?version=``."""
    shown = selectors.pilot_disclosures(code)
    of_year = [d for d in shown if d.year == year]
    wanted = request.GET.get("version", "")
    if wanted:
        found = [d for d in of_year if str(d.version) == wanted.strip()]
    else:
        found = [d for d in of_year if not d.superseded]
    if not found:
        raise Http404
    # Cached like the open data: drawing a PDF is the slowest thing a visitor can ask for.
    body = cache.cached("disclosure-pdf", (code, year, found[0].version, get_language()),
                        lambda: disclosure_public.render_pdf(shown, found[0], request))
    response = HttpResponse(body, content_type="application/pdf")
    name = _("%(code)s-%(year)s年碳排放信息披露") % {"code": code, "year": year}
    if found[0].superseded:
        name += _("(第%(n)s版)") % {"n": found[0].version}
    ascii_name = f"disclosure-{code}-{year}-v{found[0].version}.pdf"
    response["Content-Disposition"] = (f'inline; filename="{ascii_name}"; '
                                       f"filename*=UTF-8''{quote(name + '.pdf', safe='')}")
    return response


@require_POST
def file_objection(request, code):
    """Files an objection through publicity's service; the receipt is shown on its status
    page. A refusal comes back on the pilot's page with its status (400, 409, 429)."""
    project = selectors.project_for_objection(code)
    form = ObjectionForm(request.POST, request.FILES)
    if not form.is_valid():
        return pilot(request, code, form=form, status=400)
    data = form.cleaned_data
    try:
        objection = objections.file_objection(
            project, name=data["name"], contact=data["contact"], grounds=data["grounds"],
            attachment=data["attachment"], client_ip=client_ip(request))
    except NotAllowedNow as error:  # the period is not running: the form is closed
        messages.error(request, error.message)
        return pilot(request, code, status=error.status)
    except ServiceError as error:
        form.apply_errors(getattr(error, "fields", None) or {})
        if not getattr(error, "fields", None):
            form.add_error(None, error.message)
        return pilot(request, code, form=form, status=error.status)
    messages.success(request, _("异议已提交。回执号：%(receipt)s。请妥善保存回执号，凭它查询处理结果。")
                     % {"receipt": objection.receipt})
    return redirect("public-objection", receipt=objection.receipt)


def objection(request, receipt):
    """An objection's status and decision, by its receipt (no name, no contact)."""
    return render(request, "public/objection.html", {
        "nav": "publicity",
        "objection": selectors.public_objection(receipt),
    })
