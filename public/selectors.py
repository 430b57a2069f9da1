"""What the public reads: projects in the public states (``public.states``), each reduced
to an allow-list of public fields before a template or serializer sees it.

A view of this app never hands a ``Project`` (or an organisation, an objection) to a
template: only the ``PublicProject``, ``PublicPeriod``, ``PublicNotice`` and
``PublicObjection`` summaries below, whose fields are the allow-list. A field added to a
model is not public until it is named here.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from disclosure import public as disclosure_public
from pilots.choices import State
from pilots.models import Category, County, Project
from pilots.models.reference import speaks_english
from pilots.public_plan import frozen_version, public_plan, with_public_plan
from publicity.models import Notice, Period
from publicity.objections import objection_status
from publicity.periods import has_ended, is_running

from .states import (
    AFTER_PUBLICITY_STATES,
    COUNTED_STATES,
    DIRECTORY_STATES,
    PUBLICITY_STATES,
)


@dataclass(frozen=True)
class PublicPeriod:
    starts_on: date
    ends_on: date
    working_days: int
    notice_id: int
    notice_number: str
    notice_url: str
    is_running: bool  # today falls within it
    has_ended: bool


@dataclass(frozen=True)
class PublicProject:
    code: str
    name: str
    category_code: str
    category: str
    county_code: str
    county: str
    builder: str
    state: str
    state_label: str
    publicity: PublicPeriod | None
    title: dict | None = None  # the title and certificate, once acceptance grants them
    plan: dict = field(default_factory=dict)  # pilots.public_plan, on the pilot page only

    @property
    def under_publicity(self) -> bool:
        return self.state in PUBLICITY_STATES

    @property
    def objections_open(self) -> bool:
        """The objection form is open: the project is under publicity and its period runs."""
        return self.under_publicity and self.publicity is not None and self.publicity.is_running


@dataclass(frozen=True)
class PublicNotice:
    id: int
    number: str
    starts_on: date
    ends_on: date
    working_days: int
    issued_on: date
    project_count: int
    url: str
    pdf_url: str


@dataclass(frozen=True)
class PublicObjection:
    receipt: str
    project_code: str
    project_name: str
    project_is_public: bool
    filed_at: datetime
    status: str
    status_label: str
    decision_reason: str
    decided_at: datetime | None


def notice_url(notice_id, *, pdf=False) -> str:
    """The address of publicity's notice page (or its PDF)."""
    return reverse("publicity-notice-pdf" if pdf else "publicity-notice", args=[notice_id])


# --- Which projects -------------------------------------------------------------------

def _with_period(projects):
    periods = Period.objects.select_related("notice").order_by("-starts_on", "-pk")
    return projects.select_related("category", "county", "applicant").prefetch_related(
        Prefetch("publicity_periods", queryset=periods, to_attr="public_periods"))


def public_projects():
    """Every project with a public page (``public.states``)."""
    noticed = Exists(Period.objects.filter(project=OuterRef("pk")))
    return Project.objects.alias(noticed=noticed).filter(
        Q(state__in=DIRECTORY_STATES + PUBLICITY_STATES)
        | Q(state__in=AFTER_PUBLICITY_STATES, noticed=True))


def directory(*, category="", county="", state=""):
    """Confirmed pilots (construction onward, titled, revoked), filtered by codes; an
    unknown code matches nothing."""
    projects = Project.objects.filter(state__in=DIRECTORY_STATES)
    if category:
        projects = projects.filter(category__code=category)
    if county:
        projects = projects.filter(county__code=county)
    if state:
        projects = projects.filter(state=state)
    return _with_period(projects).order_by("code", "pk")


def under_publicity():
    """Projects under publicity now, the period closing first at the top."""
    projects = Project.objects.filter(state__in=PUBLICITY_STATES)
    return _with_period(projects).order_by("code", "pk")


def summarize(project, *, today=None, with_plan=False) -> PublicProject:
    """``project``'s public fields (its periods prefetched by the selectors above)."""
    today = today or timezone.localdate()
    periods = getattr(project, "public_periods", None)
    if periods is None:
        periods = list(project.publicity_periods.select_related("notice")
                       .order_by("-starts_on", "-pk"))
    period = periods[0] if periods else None
    return PublicProject(
        code=project.code,
        name=project.name,
        category_code=project.category.code,
        category=project.category.label,
        county_code=project.county.code,
        county=project.county.label,
        builder=project.applicant.name,
        state=project.state,
        state_label=str(State(project.state).label),
        publicity=_period(period, today) if period else None,
        plan=public_plan(frozen_version(project)) if with_plan else {},
    )


def _period(period, today) -> PublicPeriod:
    return PublicPeriod(starts_on=period.starts_on, ends_on=period.ends_on,
                        working_days=period.working_days, notice_id=period.notice_id,
                        notice_number=period.notice.number,
                        notice_url=notice_url(period.notice_id),
                        is_running=is_running(period, today),
                        has_ended=has_ended(period, today))


def summaries(projects) -> list[PublicProject]:
    today = timezone.localdate()
    return [summarize(p, today=today) for p in projects]


def public_project(code) -> PublicProject:
    """The public page's project, with its public plan; 404 for a code that is unknown or
    not public."""
    project = with_public_plan(_with_period(public_projects().filter(code=code))).first()
    if project is None:
        raise Http404
    return summarize(project, with_plan=True)


def project_for_objection(code):
    """The project (a model, for publicity's service) an objection is filed against; 404
    unless its page is public."""
    project = public_projects().filter(code=code).first()
    if project is None:
        raise Http404
    return project


# --- Annual disclosures ------------------------------------------------------------------

def pilot_disclosures(code) -> list:
    """Every published version of the disclosures of the public pilot ``code``, the newest
    year first (``disclosure.public.PublicDisclosure``); none for a pilot not public."""
    rows = disclosure_public.published(public_projects().filter(code=code))
    return disclosure_public.summaries(rows.order_by("-year", "-version"))


def published_disclosures(*, year=None, category="", county=""):
    """Published disclosures of the public pilots, filtered by year and codes (an unknown
    code matches nothing), in the order of the pilots' codes, years and versions."""
    rows = disclosure_public.published(public_projects())
    if year is not None:
        rows = rows.filter(year=year)
    if category:
        rows = rows.filter(project__category__code=category)
    if county:
        rows = rows.filter(project__county__code=county)
    return rows.order_by("project__code", "year", "version", "pk")


# --- Notices and objections -------------------------------------------------------------

def recent_notices(limit=10) -> list[PublicNotice]:
    notices = Notice.objects.annotate(project_count=Count("periods")).order_by(
        "-issued_at", "-pk")[:limit]
    return [PublicNotice(id=n.pk, number=n.number, starts_on=n.starts_on, ends_on=n.ends_on,
                         working_days=n.working_days,
                         issued_on=timezone.localdate(n.issued_at),
                         project_count=n.project_count, url=notice_url(n.pk),
                         pdf_url=notice_url(n.pk, pdf=True)) for n in notices]


def public_objection(receipt) -> PublicObjection:
    """An objection's status by its receipt (as typed): never the objector's name or
    contact. 404 for an unknown receipt."""
    found = objection_status(receipt)
    if found is None:
        raise Http404
    return PublicObjection(
        receipt=found.receipt, project_code=found.project_code, project_name=found.project_name,
        project_is_public=public_projects().filter(code=found.project_code).exists(),
        filed_at=found.filed_at, status=found.status, status_label=found.status_label,
        decision_reason=found.decision_reason, decided_at=found.decided_at)


# --- Live figures ------------------------------------------------------------------------

def figures() -> dict:
    """Counts of pilots and projects under publicity: by category and state, and by county
    (ids and codes only: the labels are read in the language of the page)."""
    counted = Project.objects.filter(state__in=COUNTED_STATES)
    by_category = {}
    for row in counted.values("category_id", "state").annotate(n=Count("pk")):
        by_category.setdefault(row["category_id"], {})[row["state"]] = row["n"]
    by_county = dict(counted.values_list("county_id").annotate(n=Count("pk")))
    return {"by_category": by_category, "by_county": by_county}


def figure_tables(counts) -> dict:
    """The figures as table rows with labels, every category and county listed."""
    states = [(s, str(State(s).label)) for s in COUNTED_STATES]
    categories = []
    for category in Category.objects.order_by("order", "code"):
        by_state = counts["by_category"].get(category.pk, {})
        cells = [{"state": s, "label": label, "n": by_state.get(s, 0)} for s, label in states]
        categories.append({"code": category.code, "label": category.label, "cells": cells,
                           "total": sum(c["n"] for c in cells),
                           "builders": "" if speaks_english() else category.builder_types})
    counties = [{"code": c.code, "label": c.label, "total": counts["by_county"].get(c.pk, 0)}
                for c in County.objects.order_by("order", "code")]
    totals = [{"state": s, "label": label, "n": sum(r["cells"][i]["n"] for r in categories)}
              for i, (s, label) in enumerate(states)]
    return {"states": states, "categories": categories, "counties": counties,
            "totals": totals, "total": sum(t["n"] for t in totals)}
