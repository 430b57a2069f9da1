"""Working days (工作日) under China's statutory holidays and make-up working days (调休).

The counting rule
-----------------
A day is a **working day** when

- the State Council's notice makes it a make-up working day (调休上班日, e.g. Saturday
  2026-02-14), or
- it falls on Monday to Friday and the notice does not make it a holiday (e.g. Monday
  2026-02-16 of the Spring Festival is not).

Everything else — Saturdays, Sundays and the notice's holidays — is not.

A period of *n* working days starting on ``start`` ends on ``add_working_days(start, n)``:
if ``start`` is a working day it is day 1, otherwise the first working day after it is
day 1; the period ends on its n-th working day, which is counted in full. Example: 5
working days from Thursday 2026-02-12 are 02-12, 02-13, Saturday 02-14 (make-up), then
the Spring Festival 02-15..02-23 is skipped, 02-24, 02-25: the period ends on 2026-02-25.

Never a guess
-------------
The days come from the calendar table (``CalendarYear`` / ``CalendarDay``), one State
Council notice a year, seeded from ``chinesecalendar`` for 2004–2026 and entered by the
ecology admin afterwards. A year counts only once its notice is **verified**; looking at
any day of a year that is not raises ``UnverifiedYear`` (HTTP 409) with a message for
the admin. Weekend rules are never applied to an unknown year: a period that would reach
into it is refused, not shortened.

Each call loads the special days of every year it looks at once (two queries a year),
so a change of the calendar is seen by the next call; nothing is cached across calls.

Keeping the calendar (for the ecology admin's pages): ``enter_year``, ``update_year``,
``delete_year`` while a year is unverified, then ``verify_year``; a verified year is
never changed (periods may already have been counted with it).
"""
import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import InvalidInput, NotAllowedNow
from .models import CalendarDay, CalendarYear, DayKind

ONE_DAY = datetime.timedelta(days=1)
FIRST_YEAR, LAST_YEAR = 2004, 2100
LONGEST_HOLIDAY_DAYS = 15
WEEKDAYS = (gettext_lazy("星期一"), gettext_lazy("星期二"), gettext_lazy("星期三"),
            gettext_lazy("星期四"), gettext_lazy("星期五"), gettext_lazy("星期六"),
            gettext_lazy("星期日"))


class UnverifiedYear(NotAllowedNow):
    """A day of a year whose holiday arrangement is not entered and verified."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(_(
            "%(year)s年的法定节假日安排尚未录入并核实，不能计算到该年的工作日。"
            "请市生态环境局管理员在「工作日历」中录入国务院办公厅公布的%(year)s年"
            "节假日安排后再试。") % {"year": year})


# --- Counting ----------------------------------------------------------------------------

class _Calendar:
    """The special days of the years one call looks at, each year loaded once."""

    def __init__(self):
        self._years: dict[int, dict[datetime.date, str]] = {}

    def _special(self, year: int) -> dict[datetime.date, str]:
        if year not in self._years:
            if not CalendarYear.objects.filter(year=year, verified_at__isnull=False).exists():
                raise UnverifiedYear(year)
            # A day counts once the notice it comes from is verified (a notice may arrange
            # the end of the December before its year).
            self._years[year] = dict(CalendarDay.objects.filter(
                date__year=year, year__verified_at__isnull=False).values_list("date", "kind"))
        return self._years[year]

    def is_working_day(self, day: datetime.date) -> bool:
        kind = self._special(_checked(day).year).get(day)
        if kind == DayKind.WORKDAY:
            return True
        if kind == DayKind.HOLIDAY:
            return False
        return day.weekday() < 5

    def next_working_day(self, day: datetime.date) -> datetime.date:
        day = _checked(day) + ONE_DAY
        while not self.is_working_day(day):
            day += ONE_DAY
        return day


def _checked(day) -> datetime.date:
    # A datetime is a date too, but never equal to one: it would miss every special day.
    if isinstance(day, datetime.datetime) or not isinstance(day, datetime.date):
        raise TypeError(f"a datetime.date is needed, not {type(day).__name__}")
    return day


def is_working_day(day: datetime.date) -> bool:
    """Whether ``day`` is a working day (see the module's rule); ``UnverifiedYear`` if its
    year is not verified."""
    return _Calendar().is_working_day(day)


def next_working_day(day: datetime.date) -> datetime.date:
    """The first working day strictly after ``day``."""
    return _Calendar().next_working_day(day)


def first_working_day(day: datetime.date) -> datetime.date:
    """Day 1 of a period starting on ``day``: ``day`` itself if it is a working day, else
    the first working day after it."""
    calendar = _Calendar()
    return day if calendar.is_working_day(day) else calendar.next_working_day(day)


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The last day of a period of ``n`` (≥ 1) working days starting on ``start``: day 1 is
    ``start`` if it is a working day, else the first working day after it. Every day up to
    the end must lie in a verified year (``UnverifiedYear`` otherwise)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"a period has at least one working day, not {n!r}")
    calendar = _Calendar()
    day, counted = _checked(start), 0
    while True:
        if calendar.is_working_day(day):
            counted += 1
            if counted == n:
                return day
        day += ONE_DAY


def working_days_between(first: datetime.date, last: datetime.date) -> int:
    """How many working days from ``first`` to ``last``, both included (0 if ``last`` is
    before ``first``)."""
    calendar = _Calendar()
    day, counted = _checked(first), 0
    while day <= _checked(last):
        counted += calendar.is_working_day(day)
        day += ONE_DAY
    return counted


def missing_years(today: datetime.date | None = None) -> list[int]:
    """This year and next year, those of them not yet verified (for the admin's warning)."""
    today = today or timezone.localdate()
    wanted = [today.year, today.year + 1]
    verified = set(CalendarYear.objects.filter(year__in=wanted, verified_at__isnull=False)
                   .values_list("year", flat=True))
    return [year for year in wanted if year not in verified]


# --- Keeping the calendar ------------------------------------------------------------------

@dataclass(frozen=True)
class Holiday:
    """A holiday as the notice writes it: a name and its first and last day (inclusive)."""

    name: str
    first: datetime.date
    last: datetime.date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class MakeUpDay:
    """A make-up working day and the holiday it makes up for."""

    date: datetime.date
    name: str


def _day(day: datetime.date) -> str:
    return f"{day:%Y-%m-%d}（{WEEKDAYS[day.weekday()]}）"


def _range_of(year: int) -> tuple[datetime.date, datetime.date]:
    """The days a year's notice may arrange: its own year, and the end of the December
    before (the 2019 notice made Saturday 2018-12-29 a working day)."""
    return datetime.date(year - 1, 12, 20), datetime.date(year, 12, 31)


def plan_days(year: int, holidays, makeup_days, *, replacing=None) -> list[tuple]:
    """The (date, kind, name) rows of a year's notice, checked; ``InvalidInput`` naming the
    field (``holidays`` / ``makeup_days``) with every problem otherwise. ``replacing``:
    the year being edited, whose own days may be given again."""
    errors: dict[str, list[str]] = {"holidays": [], "makeup_days": []}
    low, high = _range_of(year)
    outside = _("%(day)s不在%(year)s年节假日安排的范围内（%(low)s至%(high)s）。")
    rows, seen, kinds = [], {}, {}

    def inside(field, day):
        if low <= day <= high:
            return True
        errors[field].append(outside % {"day": _day(day), "year": year,
                                        "low": f"{low:%Y-%m-%d}", "high": f"{high:%Y-%m-%d}"})
        return False

    def take(field, day, kind, name):
        if day in seen:
            errors[field].append(_("%(day)s填写了两次（%(first)s、%(second)s）。") % {
                "day": _day(day), "first": seen[day], "second": name})
        else:
            seen[day], kinds[day] = name, kind
            rows.append((day, kind, name))

    for holiday in holidays:
        name = (holiday.name or "").strip()
        if not name or len(name) > 60:
            errors["holidays"].append(_("每段假期须写明节日名称（最多60字）。"))
            continue
        if holiday.last < holiday.first:
            errors["holidays"].append(_("「%(name)s」的结束日期%(last)s早于开始日期%(first)s。") % {
                "name": name, "first": _day(holiday.first), "last": _day(holiday.last)})
            continue
        length = holiday.days
        if length > LONGEST_HOLIDAY_DAYS:
            errors["holidays"].append(_("「%(name)s」共%(days)s天，一段假期最多%(limit)s天，请核对日期。")
                                      % {"name": name, "days": length,
                                         "limit": LONGEST_HOLIDAY_DAYS})
            continue
        if not (inside("holidays", holiday.first) and inside("holidays", holiday.last)):
            continue
        day = holiday.first
        while day <= holiday.last:
            take("holidays", day, DayKind.HOLIDAY, name)
            day += ONE_DAY
    if DayKind.HOLIDAY not in kinds.values() and not errors["holidays"]:
        errors["holidays"].append(_("请填写至少一段法定节假日。"))

    for makeup in makeup_days:
        name = (makeup.name or "").strip()
        if not name or len(name) > 60:
            errors["makeup_days"].append(_("每个调休上班日须写明所调休的节日（最多60字）。"))
            continue
        if makeup.date.weekday() < 5:
            errors["makeup_days"].append(
                _("%(day)s本来就是工作日，不是调休上班日；调休上班日是上班的星期六或星期日。")
                % {"day": _day(makeup.date)})
            continue
        if inside("makeup_days", makeup.date):
            take("makeup_days", makeup.date, DayKind.WORKDAY, name)

    taken = CalendarDay.objects.filter(date__in=list(seen)).select_related("year")
    if replacing is not None:
        taken = taken.exclude(year=replacing)
    for other in taken.order_by("date"):
        field = "holidays" if kinds[other.date] == DayKind.HOLIDAY else "makeup_days"
        errors[field].append(_("%(day)s已列入%(year)s年的节假日安排（%(name)s%(kind)s）。") % {
            "day": _day(other.date), "year": other.year.year, "name": other.name,
            "kind": other.get_kind_display()})

    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise InvalidInput(_("节假日安排有误，未保存。"), fields=errors)
    return sorted(rows)


def _write_days(calendar_year, rows):
    CalendarDay.objects.bulk_create(
        CalendarDay(date=day, kind=kind, name=name, year=calendar_year) for day, kind, name in rows)


def _check_year(year):
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(_("年份有误。"), fields={"year": [
            _("年份须在%(low)s至%(high)s之间。") % {"low": FIRST_YEAR, "high": LAST_YEAR}]})


def _check_source(source):
    source = (source or "").strip()
    if not source or len(source) > 300:
        raise InvalidInput(_("请填写依据文件。"), fields={"source": [
            _("请填写国务院办公厅通知的标题和文号（最多300字）。")]})
    return source


def _locked(calendar_year) -> CalendarYear:
    return CalendarYear.objects.select_for_update().get(pk=calendar_year.pk)


def refuse_if_verified(calendar_year: CalendarYear) -> None:
    """``NotAllowedNow`` saying why a verified year is not changed."""
    if calendar_year.is_verified:
        raise NotAllowedNow(_(
            "%(year)s年的节假日安排已于%(when)s核实，不能再修改：已计算的期限以它为准。"
            "如国务院办公厅发布了调整通知，请联系系统管理员。") % {
            "year": calendar_year.year,
            "when": date_format(timezone.localtime(calendar_year.verified_at), "Y-m-d H:i")})


def enter_year(*, year: int, source: str, note: str = "", holidays=(), makeup_days=()
               ) -> CalendarYear:
    """A new year's arrangement as its notice gives it, not yet verified (it counts only
    once ``verify_year`` is done)."""
    _check_year(year)
    source = _check_source(source)
    if CalendarYear.objects.filter(year=year).exists():
        raise InvalidInput(_("该年份已录入。"), fields={"year": [
            _("%(year)s年的节假日安排已经录入，请在该年份的页面修改。") % {"year": year}]})
    rows = plan_days(year, holidays, makeup_days)
    try:
        with transaction.atomic():
            calendar_year = CalendarYear.objects.create(year=year, source=source,
                                                        note=(note or "").strip())
            _write_days(calendar_year, rows)
    except IntegrityError as exc:  # another admin entered the same year or days meanwhile
        raise InvalidInput(_("该年份或其中的日期刚被他人录入，请刷新后核对。"),
                           fields={"year": [_("该年份或其中的日期刚被他人录入，请刷新后核对。")]}
                           ) from exc
    return calendar_year


@transaction.atomic
def update_year(calendar_year: CalendarYear, *, source: str, note: str = "", holidays=(),
                makeup_days=()) -> CalendarYear:
    """Replace an unverified year's source, note and days; a verified year is refused."""
    calendar_year = _locked(calendar_year)
    refuse_if_verified(calendar_year)
    source = _check_source(source)
    rows = plan_days(calendar_year.year, holidays, makeup_days, replacing=calendar_year)
    calendar_year.source, calendar_year.note = source, (note or "").strip()
    calendar_year.save(update_fields=["source", "note"])
    calendar_year.days.all().delete()
    try:
        with transaction.atomic():
            _write_days(calendar_year, rows)
    except IntegrityError as exc:  # another year took one of these days meanwhile
        raise InvalidInput(_("其中的日期刚被他人录入到其他年份，请刷新后核对。"), fields={
            "holidays": [_("其中的日期刚被他人录入到其他年份，请刷新后核对。")]}) from exc
    return calendar_year


@transaction.atomic
def delete_year(calendar_year: CalendarYear) -> None:
    """Remove an unverified year entered by mistake; a verified year is refused."""
    calendar_year = _locked(calendar_year)
    refuse_if_verified(calendar_year)
    calendar_year.delete()


@transaction.atomic
def verify_year(calendar_year: CalendarYear, actor) -> CalendarYear:
    """The admin has checked the year's days against the notice: from now on they count,
    and the year is not changed any more. Records who and when."""
    calendar_year = _locked(calendar_year)
    refuse_if_verified(calendar_year)
    if not calendar_year.days.filter(kind=DayKind.HOLIDAY).exists():
        raise NotAllowedNow(_("%(year)s年还没有录入任何法定节假日，不能核实。") % {
            "year": calendar_year.year})
    calendar_year.verified_at = timezone.now()
    calendar_year.verified_by = actor
    calendar_year.save(update_fields=["verified_at", "verified_by"])
    return calendar_year


def holiday_ranges(days) -> list[Holiday]:
    """A year's holidays (``CalendarDay`` rows in date order) as the notice writes them:
    consecutive days of the same name as one range."""
    ranges: list[Holiday] = []
    for day in days:
        if day.kind != DayKind.HOLIDAY:
            continue
        last = ranges[-1] if ranges else None
        if last is not None and last.name == day.name and last.last + ONE_DAY == day.date:
            ranges[-1] = Holiday(last.name, last.first, day.date)
        else:
            ranges.append(Holiday(day.name, day.date, day.date))
    return ranges


__all__ = [
    "Holiday",
    "MakeUpDay",
    "UnverifiedYear",
    "add_working_days",
    "delete_year",
    "enter_year",
    "first_working_day",
    "holiday_ranges",
    "is_working_day",
    "missing_years",
    "next_working_day",
    "plan_days",
    "refuse_if_verified",
    "update_year",
    "verify_year",
    "working_days_between",
]
