"""Issuing publicity notices (公示公告): one number per notice, without gaps, per year.

``start_publicity``'s effect puts each project under the notice the bulk start opened
(``open_notice``), or issues a notice of its own when fired alone (from the project page
or the API). Either way the notice is written in the transaction that fires the
transition: a refusal takes the notice and its number back with it.
"""
import contextlib
import datetime
from contextvars import ContextVar

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from pilots.models import Project
from pilots.public_plan import frozen_version, public_plan, with_public_plan

from .models import NOTICE_NUMBER_FORMAT, Notice, NoticeCounter
from .periods import day_text

_open: ContextVar[Notice | None] = ContextVar("publicity_open_notice", default=None)


def _next_sequence(year: int) -> int:
    """The next number of ``year``, with the counter row locked until the transaction ends
    (a concurrent issuer waits; a rolled-back issue gives its number back)."""
    NoticeCounter.objects.get_or_create(year=year)
    counter = NoticeCounter.objects.select_for_update().get(year=year)
    NoticeCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db()
    return counter.last


def issue(*, batch, starts_on: datetime.date, ends_on: datetime.date, working_days: int,
          actor) -> Notice:
    """A new notice numbered in this year's sequence. Call inside a transaction."""
    year = timezone.localdate().year
    sequence = _next_sequence(year)
    return Notice.objects.create(
        number=NOTICE_NUMBER_FORMAT.format(year=year, sequence=sequence), year=year,
        sequence=sequence, batch=batch, starts_on=starts_on, ends_on=ends_on,
        working_days=working_days, issued_by=actor)


@contextlib.contextmanager
def opened(notice: Notice):
    """While open, every ``start_publicity`` fired in this context joins ``notice``."""
    token = _open.set(notice)
    try:
        yield notice
    finally:
        _open.reset(token)


def open_notice() -> Notice | None:
    return _open.get()


def notice_projects(notice):
    """The projects of ``notice``, in the order of their codes, with what the notice shows
    prefetched (a fixed number of queries however many projects it lists)."""
    return with_public_plan(
        Project.objects.filter(publicity_periods__notice=notice)
        .select_related("batch", "category", "county", "applicant")
        .distinct().order_by("code", "pk"))


def public_page_path(project) -> str:
    """The pilot's public page (the public app's ``/pilots/<code>/``), where anyone files
    an objection during the period."""
    return reverse("public-pilot", args=[project.code])


def notice_context(notice, request) -> dict:
    """What the notice page and its PDF show: public facts only (code, name, builder,
    county, category, the public plan summary), the period, and how to object."""
    rows = [{"project": project,
             "summary": public_plan(frozen_version(project)),
             "public_url": request.build_absolute_uri(public_page_path(project))}
            for project in notice_projects(notice)]
    return {"notice": notice, "rows": rows, "count": len(rows),
            "contact": settings.HECHI_OBJECTION_CONTACT,
            "starts_text": day_text(notice.starts_on), "ends_text": day_text(notice.ends_on),
            "issued_text": day_text(timezone.localdate(notice.issued_at))}
