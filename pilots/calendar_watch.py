"""The November watch over next year's working-day calendar.

The State Council publishes next year's holiday arrangement around November. Until the
ecology admin has entered and verified it, no period may be counted into next year
(``pilots.workdays`` refuses). A beat task runs ``warn_missing_next_year`` every day
(migration pilots 0010); in November, while next year is not verified, it tells every
ecology admin through ``pilots.notify`` (the in-app notification and its email).

**Once a week**, not once a day: a month of daily emails about the same missing notice
would be noise. The week's warning is claimed first, as a ``CalendarReminder`` row under
a unique key (missing year, Monday of the week), in the same transaction as the
notifications: a task that runs twice — the same day, or any day of that week — finds
the row and sends nothing again. Outside November it does nothing (the calendar pages
show a warning all year round).

The Celery task lives here, not in ``pilots.tasks``: ``pilots.notify`` imports
``pilots.tasks`` to queue its emails, so a task there that notifies would close an import
cycle. ``PilotsConfig.ready`` imports this module so workers register the task.
"""
import datetime

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import Role
from .models import CalendarReminder, CalendarYear, User
from .notify import in_site_language, notify

WARNING_MONTH = 11


def ecology_admins() -> list[User]:
    return list(User.objects.filter(is_active=True, role_grants__role=Role.ECOLOGY_ADMIN)
                .distinct().order_by("pk"))


def warn_missing_next_year(*, today: datetime.date | None = None) -> int:
    """In November, warn every ecology admin once a week while next year's arrangement is
    not verified; returns how many were notified (0 when there was nothing to do)."""
    today = today or timezone.localdate()
    if today.month != WARNING_MONTH:
        return 0
    year = today.year + 1
    if CalendarYear.objects.filter(year=year, verified_at__isnull=False).exists():
        return 0
    week_of = today - datetime.timedelta(days=today.weekday())
    with transaction.atomic():
        _claim, claimed = CalendarReminder.objects.get_or_create(year=year, week_of=week_of)
        if not claimed:
            return 0
        with in_site_language():
            entered = CalendarYear.objects.filter(year=year).exists()
            title = _("请录入并核实%(year)s年的法定节假日安排") % {"year": year}
            lines = [
                _("工作日历中还没有已核实的%(year)s年节假日安排。在录入并核实之前，公示期等"
                  "按工作日计算的期限都不能计算到%(year)s年，相关操作会被拒绝。") % {"year": year},
                _("国务院办公厅公布%(year)s年部分节假日安排的通知后，请在「工作日历」中录入"
                  "放假日期和调休上班日，与通知逐条核对后标记为已核实。") % {"year": year},
            ]
            if entered:
                lines.append(_("%(year)s年的安排已录入但尚未核实。") % {"year": year})
            lines.append(_("工作日历：%(url)s") % {"url": reverse("calendar-years")})
        return len(notify(ecology_admins(), title=title, body="\n".join(lines)))


@shared_task(name="pilots.calendar_watch.warn_missing_next_year")
def warn_missing_next_year_task() -> int:
    """Run daily by beat (migration pilots 0010); see ``warn_missing_next_year``."""
    return warn_missing_next_year()
