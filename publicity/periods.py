"""The publicity period: its dates counted in working days (工作日), and what a project's
current period is. Reads only; the changes live in services.py and lifecycle.py."""
import datetime

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from pilots.choices import State
from pilots.errors import InvalidInput, NotAllowedNow
from pilots.workdays import add_working_days

from .models import Objection, ObjectionStatus, Period

MIN_DAYS = 1
MAX_DAYS = 30
DATA_FIELDS = {"starts_on", "working_days", "ends_on"}


def end_of(starts_on: datetime.date, working_days: int) -> datetime.date:
    """The last day of a period of ``working_days`` working days that opens on
    ``starts_on``: the opening day counts when it is a working day, otherwise counting
    starts on the next working day. Raises ``UnverifiedYear`` (a NotAllowedNow) when the
    count reaches into a year whose holidays have not been verified."""
    return add_working_days(starts_on, working_days)


def _refuse(field, message):
    raise InvalidInput(message, fields={field: [message]})


def _parse_day(raw, field, label):
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        _refuse(field, _("请填写%(label)s。") % {"label": label})
    if isinstance(raw, datetime.date) and not isinstance(raw, datetime.datetime):
        return raw
    try:
        day = parse_date(raw.strip()) if isinstance(raw, str) else None
    except ValueError:  # well formed but no such day, e.g. 2026-13-45
        day = None
    if day is None:
        _refuse(field, _("%(label)s格式应为年-月-日，如2026-09-28。") % {"label": label})
    return day


def _parse_days(raw, default):
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return default
    if isinstance(raw, bool):
        raw = None
    if isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        raw = int(raw.strip())
    if not isinstance(raw, int) or not MIN_DAYS <= raw <= MAX_DAYS:
        _refuse("working_days", _("公示期须为%(min)s至%(max)s个工作日的整数。")
                % {"min": MIN_DAYS, "max": MAX_DAYS})
    return raw


def clean_period(batch, data) -> dict:
    """``{"starts_on", "working_days"[, "ends_on"]}`` → ``{"starts_on": "YYYY-MM-DD",
    "working_days": n, "ends_on": "YYYY-MM-DD"}``, or InvalidInput naming the field.

    The start is today or later; the period defaults to the batch's setting; the end is
    computed in working days. An ``ends_on`` sent along (the date a preview showed) must
    be the computed one: a calendar changed in between is not passed over silently.
    """
    if not isinstance(data, dict):
        raise InvalidInput(_("数据格式无效：data 应为对象(键值对)。"))
    unknown = set(data) - DATA_FIELDS
    if unknown:
        raise InvalidInput(_("该操作不接受此项数据。"),
                           fields={key: [_("该操作不接受此项数据。")] for key in sorted(unknown)})
    starts_on = _parse_day(data.get("starts_on"), "starts_on", _("公示开始日期"))
    if starts_on < timezone.localdate():
        _refuse("starts_on", _("公示开始日期不能早于今天。"))
    working_days = _parse_days(data.get("working_days"), batch.publicity_days)
    try:
        ends_on = end_of(starts_on, working_days)
    except NotAllowedNow as error:  # a year whose holidays are not verified yet
        _refuse("starts_on", error.message)
    shown = data.get("ends_on")
    if shown not in (None, ""):
        if _parse_day(shown, "ends_on", _("公示截止日期")) != ends_on:
            _refuse("ends_on", _("按工作日计算，公示截止日期应为%(date)s，请核对后重新提交。")
                    % {"date": day_text(ends_on)})
    return {"starts_on": starts_on.isoformat(), "working_days": working_days,
            "ends_on": ends_on.isoformat()}


def day_text(day: datetime.date) -> str:
    """A date as Chinese text: 2026年10月9日."""
    return _("%(year)s年%(month)s月%(day)s日") % {"year": day.year, "month": day.month,
                                                 "day": day.day}


def current_period(project) -> Period | None:
    """The project's latest publicity period (None: it was never put on notice)."""
    cache = getattr(project, "_prefetched_objects_cache", {})
    if "publicity_periods" in cache:
        return max(cache["publicity_periods"], key=lambda p: (p.starts_on, p.pk), default=None)
    return project.publicity_periods.order_by("-starts_on", "-pk").first()


def is_running(period, today=None) -> bool:
    return period is not None and period.runs_on(today or timezone.localdate())


def has_ended(period, today=None) -> bool:
    return period is not None and period.ends_on < (today or timezone.localdate())


def open_for_objections(project, today=None) -> bool:
    """Objections are taken while the project is under publicity and its period runs."""
    return project.state == State.PUBLICITY and is_running(current_period(project), today)


def objection_counts(project) -> dict[str, int]:
    """``{status: n}`` of the project's objections."""
    counts = dict.fromkeys(ObjectionStatus.values, 0)
    for status in Objection.objects.filter(project=project).values_list("status", flat=True):
        counts[status] += 1
    return counts
