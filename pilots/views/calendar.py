"""The working-day calendar (工作日历) for the city Ecology and Environment Bureau: the years
and their State Council notices, a year's holidays and make-up working days, entering a
new year and marking it verified. The rules are pilots.workdays'; a refusal is shown on
the year's page with its status (409 for a verified year), and nothing is written."""
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import workdays
from ..errors import ServiceError
from ..forms.calendar import (
    CalendarYearCreateForm,
    CalendarYearForm,
    holiday_lines,
    makeup_lines,
)
from ..models import CalendarYear, DayKind
from ..rules import may_manage_programme

SECTION = "calendar"


def calendar_admin(view):
    """Logged in, and the rule says this user keeps the programme settings; else 403."""

    @login_required
    @wraps(view)
    def checked(request, *args, **kwargs):
        if not may_manage_programme(request.user):
            raise PermissionDenied(_("只有市生态环境局可以维护工作日历。"))
        return view(request, *args, **kwargs)

    return checked


@calendar_admin
def years(request):
    rows = (CalendarYear.objects.select_related("verified_by")
            .annotate(holiday_count=Count("days", filter=Q(days__kind=DayKind.HOLIDAY)),
                      workday_count=Count("days", filter=Q(days__kind=DayKind.WORKDAY)))
            .order_by("-year"))
    today = timezone.localdate()
    return render(request, "pilots/calendar/years.html", {
        "years": rows, "missing": workdays.missing_years(today), "today": today,
        "section": SECTION,
    })


def _year_page(request, calendar_year, *, error=None, status=200):
    days = list(calendar_year.days.order_by("date"))
    return render(request, "pilots/calendar/year.html", {
        "calendar_year": calendar_year,
        "holidays": workdays.holiday_ranges(days),
        "makeup_days": [(day, workdays.WEEKDAYS[day.date.weekday()]) for day in days
                        if day.kind == DayKind.WORKDAY],
        "error": error, "section": SECTION,
    }, status=status)


def _get_year(year):
    return get_object_or_404(CalendarYear.objects.select_related("verified_by"), year=year)


@calendar_admin
def year_detail(request, year):
    return _year_page(request, _get_year(year))


def _form_page(request, form, *, title, calendar_year=None):
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "pilots/calendar/form.html", {
        "form": form, "title": title, "calendar_year": calendar_year, "section": SECTION,
    }, status=status)


def _next_year_initial():
    latest = CalendarYear.objects.order_by("-year").values_list("year", flat=True).first()
    year = max(latest + 1 if latest else 0, timezone.localdate().year)
    return {"year": year,
            "source": _("国务院办公厅关于%(year)s年部分节假日安排的通知") % {"year": year}}


@calendar_admin
def year_create(request):
    form = CalendarYearCreateForm(request.POST or None, initial=_next_year_initial())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            calendar_year = workdays.enter_year(
                year=data["year"], source=data["source"], note=data["note"],
                holidays=data["holidays"], makeup_days=data["makeup_days"])
        except ServiceError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("已录入%(year)s年的节假日安排。请与国务院办公厅的通知逐条核对，"
                                        "无误后标记为已核实，核实后才用于计算工作日。")
                             % {"year": calendar_year.year})
            return redirect("calendar-year", calendar_year.year)
    return _form_page(request, form, title=_("录入节假日安排"))


@calendar_admin
def year_edit(request, year):
    calendar_year = _get_year(year)
    try:
        workdays.refuse_if_verified(calendar_year)
    except ServiceError as refused:
        return _year_page(request, calendar_year, error=refused.message, status=refused.status)
    days = list(calendar_year.days.order_by("date"))
    initial = {"source": calendar_year.source, "note": calendar_year.note,
               "holidays": holiday_lines(days), "makeup_days": makeup_lines(days)}
    form = CalendarYearForm(request.POST or None, initial=initial, calendar_year=calendar_year)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            workdays.update_year(calendar_year, source=data["source"], note=data["note"],
                                 holidays=data["holidays"], makeup_days=data["makeup_days"])
        except ServiceError as refused:
            return _year_page(request, _get_year(year), error=refused.message,
                              status=refused.status)
        messages.success(request, _("已保存%(year)s年的节假日安排（尚未核实）。") % {"year": year})
        return redirect("calendar-year", year)
    return _form_page(request, form, title=_("修改节假日安排"), calendar_year=calendar_year)


@calendar_admin
@require_POST
def year_verify(request, year):
    calendar_year = _get_year(year)
    if request.POST.get("checked") != "1":
        return _year_page(request, calendar_year, status=400, error=_(
            "请先勾选「已与国务院办公厅的通知逐条核对」，再标记为已核实。"))
    try:
        workdays.verify_year(calendar_year, request.user)
    except ServiceError as refused:
        return _year_page(request, calendar_year, error=refused.message, status=refused.status)
    messages.success(request, _("%(year)s年的节假日安排已核实，现在可以计算到该年的工作日。")
                     % {"year": year})
    return redirect("calendar-year", year)


@calendar_admin
@require_POST
def year_delete(request, year):
    calendar_year = _get_year(year)
    try:
        workdays.delete_year(calendar_year)
    except ServiceError as refused:
        return _year_page(request, calendar_year, error=refused.message, status=refused.status)
    messages.success(request, _("已删除未核实的%(year)s年节假日安排。") % {"year": year})
    return redirect("calendar-years")
