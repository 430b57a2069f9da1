"""Pages of the annual disclosure: the card on the project page, and a year's disclosure
(``/projects/<id>/disclosures/<year>/``) where the builder prepares and submits it and the
county ecology bureau publishes it or sends it back. Who may do what is asked of
``disclosure.disclosures``; this module only turns its answers into pages."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pilots import registry
from pilots.errors import NotAllowedNow, NotPermitted, ServiceError
from pilots.net import client_ip
from pilots.views.common import visible_project

from . import disclosures, public
from .models import DisclosureState

TEMPLATE = "disclosure/disclosure/year.html"
ACTIONS = ("save", "submit", "publish", "return")


@registry.register_section("disclosures", "disclosure/disclosure/section.html", order=45)
def disclosure_section(request, project):
    """The years with a disclosure this user may read, and for the builder the years it may
    still prepare."""
    user = request.user
    builder = disclosures.may_prepare(project, user)
    rows = disclosures.readable(
        list(project.disclosures.order_by("-year", "-version")), project, user)
    if not rows and not builder:
        return None
    years = {}
    for disclosure in rows:  # the newest readable version of each year, and its published one
        entry = years.setdefault(disclosure.year, {"year": disclosure.year, "latest": disclosure,
                                                   "published": None})
        if disclosure.is_published and entry["published"] is None:
            entry["published"] = disclosure
    open_years = [y for y in disclosures.disclosable_years(project) if y not in years] \
        if builder else []
    return {"project": project, "years": sorted(years.values(), key=lambda e: -e["year"]),
            "open_years": open_years, "builder": builder,
            "checker": disclosures.may_check(project, user)}


def _context(request, project, year, *, typed=None, errors=None, refused=False):
    """What the year's page shows: the versions this user may read, the one in hand, its
    figures, and the forms this user may use. 404 when there is nothing for this user to
    see, unless the page only carries a refusal (``refused``)."""
    user = request.user
    every = disclosures.versions(project, year)
    shown = disclosures.readable(every, project, user)
    builder = disclosures.may_prepare(project, user)
    disclosable = year in disclosures.disclosable_years(project)
    if not shown and not (builder and disclosable) and not refused:
        raise Http404(_("没有该年度的碳排放信息披露。"))
    superseded = disclosures.superseded_versions(every)
    current = shown[0] if shown else None
    in_check = current is not None and current.state == DisclosureState.COUNTY_CHECK
    editable = builder and disclosable and (
        current is None or current.state in (*disclosures.OPEN_STATES, DisclosureState.PUBLISHED))
    correcting = editable and current is not None and (
        current.is_published or current.version > 1)
    preview, preview_error = None, ""
    if editable and current is None:
        try:  # what the first draft would show
            preview = disclosures.compute_figures(project, year)
        except ServiceError as error:
            preview_error = error.message
    figures = preview if preview is not None else (current.figures if current else None)
    typed = typed or {}
    if current is not None and not typed:  # a correction starts from the published texts
        typed = {"measures": current.measures, "narrative": current.narrative,
                 "correction_note": "" if current.is_published else current.correction_note}
    return {
        "project": project, "year": year, "current": current, "versions": shown,
        "superseded": superseded, "builder": builder, "editable": editable,
        "correcting": correcting, "may_submit": editable and current is not None
        and current.state in disclosures.OPEN_STATES,
        "checker": disclosures.may_check(project, user) and in_check,
        "figures": public.figure_tables(figures) if figures else None,
        "preview": preview is not None, "preview_error": preview_error,
        "typed": typed, "errors": errors or {},
        "limits": {"measures": disclosures.MEASURES_MAX, "narrative": disclosures.NARRATIVE_MAX,
                   "correction_note": disclosures.NOTE_MAX, "reason": disclosures.REASON_MAX},
    }


def _in_check(project, year):
    found = [d for d in disclosures.versions(project, year)
             if d.state == DisclosureState.COUNTY_CHECK]
    return found[0] if found else None


def _act(request, project, year, action):
    """Run ``action``; returns the success message. Refusals raise the service's error."""
    user, ip = request.user, client_ip(request)
    post = request.POST
    texts = {key: post.get(key, "") for key in ("measures", "narrative", "correction_note")}
    if action == "save":
        disclosures.prepare(project, user, year, ip_address=ip, **texts)
        return _("%(year)s年碳排放信息披露已保存。") % {"year": year}
    if action == "submit":
        disclosures.prepare_and_submit(project, user, year, ip_address=ip, **texts)
        return _("已提交属地生态环境部门审核。")
    if not disclosures.may_check(project, user):
        raise NotPermitted(_("只有项目所在县(区)的生态环境部门可以审核碳排放信息披露。"))
    disclosure = _in_check(project, year)
    if disclosure is None:
        raise NotAllowedNow(_("%(year)s年没有待审核的碳排放信息披露。")
                                        % {"year": year})
    if action == "publish":
        disclosures.publish(disclosure, user, ip_address=ip)
        return _("%(year)s年碳排放信息披露已公开。") % {"year": year}
    disclosures.return_to_builder(disclosure, user, post.get("reason", ""), ip_address=ip)
    return _("已退回建设单位。")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def year_page(request, pk, year):
    """GET: the year's disclosure. POST ``action``: save, submit (the builder), publish,
    return (the county ecology bureau)."""
    project = visible_project(request, pk)
    if request.method != "POST":
        return render(request, TEMPLATE, _context(request, project, year))
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        messages.error(request, _("未知的操作。"))
        return render(request, TEMPLATE, _context(request, project, year), status=400)
    try:
        message = _act(request, project, year, action)
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error
    except ServiceError as error:
        messages.error(request, error.message)
        typed = {key: request.POST.get(key, "")
                 for key in ("measures", "narrative", "correction_note", "reason")}
        return render(request, TEMPLATE, _context(
            request, project, year, typed=typed, errors=getattr(error, "fields", {}),
            refused=True), status=error.status)
    messages.success(request, message)
    return redirect("disclosure-year", pk=project.pk, year=year)
