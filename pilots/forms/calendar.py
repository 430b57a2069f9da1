"""The form of a year's holiday arrangement, as the State Council's notice writes it: one
line per holiday (name, first day, last day), one line per make-up working day (day,
the holiday it makes up for). The lines are read here; what they mean (inside the year,
no day twice, make-up days on weekends) is checked by ``pilots.workdays.plan_days``, so
the page and any other caller refuse the same things with the same words."""
import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import workdays
from ..errors import InvalidInput
from ..models import CalendarYear

DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
SEPARATORS = " \t,，、;；:：~～—至到"
TEXT_ERRORS = {"max_length": _("最多%(limit_value)d字(当前%(show_value)d字)。")}
LINES_LIMIT = 60

HOLIDAYS_HELP = _("每行一段假期：节日名称、开始日期、结束日期，如「春节 2027-02-06 至 2027-02-13」；"
                  "只放假一天的写一个日期，如「元旦 2027-01-01」。")
MAKEUP_HELP = _("每行一天：日期和所调休的节日，如「2027-02-20 春节」。没有调休上班日的留空。")


def _read_line(line):
    """The dates on a line and what is left of it (the name)."""
    dates, bad = [], []
    for match in DATE.finditer(line):
        try:
            dates.append(datetime.date(*(int(part) for part in match.groups())))
        except ValueError:
            bad.append(match.group(0).strip())
    name = DATE.sub(" ", line).strip(SEPARATORS).strip()
    name = " ".join(name.split()).strip(SEPARATORS)
    return dates, bad, name


def _lines(text):
    return [(number, line.strip()) for number, line in enumerate((text or "").splitlines(), 1)
            if line.strip()]


def parse_holidays(text) -> tuple[list, list[str]]:
    """``workdays.Holiday`` items of the lines, and the messages of the lines not read."""
    holidays, errors = [], []
    for number, line in _lines(text):
        dates, bad, name = _read_line(line)
        if bad:
            errors.append(_("第%(line)s行：%(value)s不是有效日期。") % {"line": number,
                                                                  "value": "、".join(bad)})
        elif not name or len(dates) not in (1, 2):
            errors.append(_("第%(line)s行「%(text)s」无法识别，请写成「春节 2027-02-06 至 2027-02-13」"
                            "或「元旦 2027-01-01」。") % {"line": number, "text": line})
        else:
            holidays.append(workdays.Holiday(name, dates[0], dates[-1]))
    if len(holidays) > LINES_LIMIT:
        errors.append(_("最多%(limit)s行。") % {"limit": LINES_LIMIT})
    return holidays, errors


def parse_makeup_days(text) -> tuple[list, list[str]]:
    """``workdays.MakeUpDay`` items of the lines, and the messages of the lines not read."""
    days, errors = [], []
    for number, line in _lines(text):
        dates, bad, name = _read_line(line)
        if bad:
            errors.append(_("第%(line)s行：%(value)s不是有效日期。") % {"line": number,
                                                                  "value": "、".join(bad)})
        elif not name or len(dates) != 1:
            errors.append(_("第%(line)s行「%(text)s」无法识别，请写成「2027-02-20 春节」。")
                          % {"line": number, "text": line})
        else:
            days.append(workdays.MakeUpDay(dates[0], name))
    if len(days) > LINES_LIMIT:
        errors.append(_("最多%(limit)s行。") % {"limit": LINES_LIMIT})
    return days, errors


def holiday_lines(days) -> str:
    """A year's days (in date order) written back as the form's holiday lines."""
    lines = []
    for holiday in workdays.holiday_ranges(days):
        if holiday.first == holiday.last:
            lines.append(f"{holiday.name} {holiday.first:%Y-%m-%d}")
        else:
            lines.append(f"{holiday.name} {holiday.first:%Y-%m-%d} 至 {holiday.last:%Y-%m-%d}")
    return "\n".join(lines)


def makeup_lines(days) -> str:
    return "\n".join(f"{day.date:%Y-%m-%d} {day.name}" for day in days
                     if day.kind == "workday")


class CalendarYearForm(forms.Form):
    """An unverified year's notice and days (its year is fixed once entered)."""

    source = forms.CharField(
        label=_("依据文件"), max_length=300, error_messages={
            **TEXT_ERRORS, "required": _("请填写国务院办公厅通知的标题和文号。")},
        help_text=_("如「国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕×号）」。"))
    holidays = forms.CharField(
        label=_("法定节假日"), widget=forms.Textarea(attrs={"rows": 8}), help_text=HOLIDAYS_HELP,
        error_messages={"required": _("请填写至少一段法定节假日。")})
    makeup_days = forms.CharField(
        label=_("调休上班日"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=MAKEUP_HELP)
    note = forms.CharField(label=_("备注"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}), error_messages=TEXT_ERRORS)

    def __init__(self, *args, calendar_year: CalendarYear | None = None, **kwargs):
        self.calendar_year = calendar_year
        super().__init__(*args, **kwargs)

    def the_year(self):
        return self.calendar_year.year

    def clean_holidays(self):
        holidays, errors = parse_holidays(self.cleaned_data["holidays"])
        if errors:
            raise forms.ValidationError(errors)
        return holidays

    def clean_makeup_days(self):
        days, errors = parse_makeup_days(self.cleaned_data["makeup_days"])
        if errors:
            raise forms.ValidationError(errors)
        return days

    def clean(self):
        data = super().clean()
        year = self.the_year()
        if year is None or self.errors:
            return data
        try:
            workdays.plan_days(year, data["holidays"], data["makeup_days"],
                               replacing=self.calendar_year)
        except InvalidInput as refused:
            for field, messages in refused.fields.items():
                for message in messages:
                    self.add_error(field, message)
        return data


class CalendarYearCreateForm(CalendarYearForm):
    """A new year: the one its notice is for."""

    year = forms.IntegerField(
        label=_("年份"), min_value=workdays.FIRST_YEAR, max_value=workdays.LAST_YEAR,
        error_messages={"required": _("请填写年份。"), "invalid": _("请输入整数。"),
                        "min_value": _("年份须在 2004 至 2100 之间。"),
                        "max_value": _("年份须在 2004 至 2100 之间。")})

    field_order = ["year"]

    def the_year(self):
        return self.cleaned_data.get("year")

    def clean_year(self):
        year = self.cleaned_data["year"]
        if CalendarYear.objects.filter(year=year).exists():
            raise forms.ValidationError(
                _("%(year)s年的节假日安排已经录入，请在该年份的页面修改。"), code="exists",
                params={"year": year})
        return year
