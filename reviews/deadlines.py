"""A panel's scoring deadline as typed: a date later than today, at most 90 days ahead.
Selection's comes with ``start_expert_review``, acceptance's with the panel."""
import datetime

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from pilots.errors import InvalidInput

# The furthest a scoring deadline may be set ahead (calendar days).
DEADLINE_MAX_DAYS = 90
DEADLINE_DEFAULT_DAYS = 15


def default_deadline() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=DEADLINE_DEFAULT_DAYS)


def clean_deadline(raw, field="scoring_deadline") -> datetime.date:
    """``raw`` (``YYYY-MM-DD``, or a date) as a date, or InvalidInput naming ``field``."""
    if isinstance(raw, datetime.date) and not isinstance(raw, datetime.datetime):
        deadline = raw
    else:
        try:
            deadline = parse_date(raw.strip()) if isinstance(raw, str) and raw.strip() else None
        except ValueError:  # well formed but no such day, e.g. 2026-13-45
            deadline = None
    today = timezone.localdate()
    message = None
    if not raw:
        message = _("请填写评分截止日期。")
    elif deadline is None:
        message = _("评分截止日期格式应为年-月-日，如2026-12-31。")
    elif deadline <= today:
        message = _("评分截止日期应晚于今天。")
    elif deadline > today + datetime.timedelta(days=DEADLINE_MAX_DAYS):
        message = _("评分截止日期不能晚于%(n)s天之后。") % {"n": DEADLINE_MAX_DAYS}
    if message:
        raise InvalidInput(message, fields={field: [message]})
    return deadline
