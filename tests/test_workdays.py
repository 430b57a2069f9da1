"""Working days under the State Council's holiday notices: counting across the 2026 Spring
Festival and National Day (dates checked by hand against 国办发明电〔2025〕7号), refusing
any day of a year not verified, the admin's calendar pages, the November warning."""
import datetime
import importlib
import re
from html import unescape

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from hechi_nzc.celery import app as celery_app
from pilots import calendar_watch, workdays
from pilots.models import CalendarDay, CalendarReminder, CalendarYear, DayKind, Notification
from pilots.workdays import (
    UnverifiedYear,
    add_working_days,
    first_working_day,
    is_working_day,
    next_working_day,
    working_days_between,
)

D = datetime.date.fromisoformat
ADMIN = "eco_admin"
REFUSED_2027 = ("2027年的法定节假日安排尚未录入并核实，不能计算到该年的工作日。"
                "请市生态环境局管理员在「工作日历」中录入国务院办公厅公布的2027年节假日安排后再试。")

# What the admin types for 2027 in these tests: an arrangement made up for the test (the
# real notice is not in this repository), with a make-up Saturday to count with.
HOLIDAYS_2027 = "元旦 2027-01-01 至 2027-01-03\n春节 2027-02-06 至 2027-02-13\n劳动节 2027-05-01 至 2027-05-05"
MAKEUP_2027 = "2027-02-20 春节"


@pytest.fixture
def calendar(db):
    """The seeded calendar (a transactional test elsewhere may have flushed it)."""
    if not CalendarYear.objects.exists():
        importlib.import_module("pilots.migrations.0009_working_day_calendar").seed(apps, None)


def _errors(response):
    return [unescape(m) for m in
            re.findall(r'<p class="field-error">([^<]*)</p>', response.content.decode())]


def _cells(response, table_id):
    html = response.content.decode()
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)
    return [[" ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]


def _text(response):
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


# --- The seed against the 2026 notice ------------------------------------------------------

def test_the_seed_has_2004_to_2026_verified_and_2026_as_the_notice_gives_it(calendar):
    years = list(CalendarYear.objects.order_by("year").values_list("year", "verified_by"))
    assert years == [(year, None) for year in range(2004, 2027)]
    assert not CalendarYear.objects.filter(verified_at__isnull=True).exists()
    year = CalendarYear.objects.get(year=2026)
    assert year.source == ("国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）"
                           "（数据来源：chinesecalendar 1.11.0）")
    assert CalendarYear.objects.get(year=2010).source == (
        "国务院办公厅关于2010年部分节假日安排的通知（数据来源：chinesecalendar 1.11.0）")
    # 国办发明电〔2025〕7号: 调休上班 1月4日(周日)、2月14日(周六)、2月28日(周六)、5月9日(周六)、
    # 9月20日(周日)、10月10日(周六).
    assert list(year.days.filter(kind=DayKind.WORKDAY).values_list("date", "name")) == [
        (D("2026-01-04"), "元旦"), (D("2026-02-14"), "春节"), (D("2026-02-28"), "春节"),
        (D("2026-05-09"), "劳动节"), (D("2026-09-20"), "国庆节"), (D("2026-10-10"), "国庆节")]
    assert [(h.name, h.first, h.last) for h in workdays.holiday_ranges(year.days.all())] == [
        ("元旦", D("2026-01-01"), D("2026-01-03")),
        ("春节", D("2026-02-15"), D("2026-02-23")),
        ("清明节", D("2026-04-04"), D("2026-04-06")),
        ("劳动节", D("2026-05-01"), D("2026-05-05")),
        ("端午节", D("2026-06-19"), D("2026-06-21")),
        ("中秋节", D("2026-09-25"), D("2026-09-27")),
        ("国庆节", D("2026-10-01"), D("2026-10-07")),
    ]


# --- Counting in 2026 ------------------------------------------------------------------------

def test_single_days_of_2026(calendar):
    assert is_working_day(D("2026-01-04")) is True    # Sunday, make-up working day
    assert is_working_day(D("2026-01-02")) is False   # Friday, New Year holiday
    assert is_working_day(D("2026-02-14")) is True    # Saturday, make-up for the Spring Festival
    assert is_working_day(D("2026-02-16")) is False   # Monday in the Spring Festival
    assert is_working_day(D("2026-02-21")) is False   # plain Saturday
    assert is_working_day(D("2026-03-02")) is True    # plain Monday
    assert next_working_day(D("2026-02-14")) == D("2026-02-24")  # over the whole festival
    assert next_working_day(D("2026-09-30")) == D("2026-10-08")
    assert first_working_day(D("2026-02-15")) == D("2026-02-24")
    assert first_working_day(D("2026-02-14")) == D("2026-02-14")


def test_counting_across_the_2026_spring_festival(calendar):
    # 5 working days from Thursday 02-12: 02-12 (1), Fri 02-13 (2), Sat 02-14 make-up (3),
    # 02-15..02-23 holiday, Tue 02-24 (4), Wed 02-25 (5).
    assert add_working_days(D("2026-02-12"), 5) == D("2026-02-25")
    # Starting on Sunday 02-15, a holiday: day 1 is Tue 02-24; 02-24, 25, 26, Fri 27 (4),
    # Sat 02-28 make-up (5).
    assert add_working_days(D("2026-02-15"), 5) == D("2026-02-28")
    # 1 working day from a working day is that day.
    assert add_working_days(D("2026-02-14"), 1) == D("2026-02-14")
    # Mon 02-09..Fri 02-13 (5) + Sat 02-14 (6) + Tue 02-24..Fri 02-27 (10) + Sat 02-28 (11);
    # Sun 03-01 not.
    assert working_days_between(D("2026-02-09"), D("2026-03-01")) == 11
    assert working_days_between(D("2026-02-15"), D("2026-02-23")) == 0
    assert working_days_between(D("2026-03-01"), D("2026-02-01")) == 0


def test_counting_across_the_2026_national_day(calendar):
    # From Thu 09-17: 09-17 (1), Fri 09-18 (2), Sat 09-19 no, Sun 09-20 make-up (3),
    # Mon 09-21 (4), Tue 09-22 (5).
    assert add_working_days(D("2026-09-17"), 5) == D("2026-09-22")
    # From Tue 09-29: 09-29 (1), 09-30 (2), 10-01..10-07 holiday, Thu 10-08 (3),
    # Fri 10-09 (4), Sat 10-10 make-up (5).
    assert add_working_days(D("2026-09-29"), 5) == D("2026-10-10")
    # From Wed 09-23: 09-23 (1), 09-24 (2), Mid-Autumn 09-25..09-27, Mon 09-28 (3),
    # 09-29 (4), 09-30 (5).
    assert add_working_days(D("2026-09-23"), 5) == D("2026-09-30")
    # 7 from Mon 09-28: 09-28, 29, 30 (3), 10-08 (4), 10-09 (5), Sat 10-10 (6),
    # Sun 10-11 no, Mon 10-12 (7).
    assert add_working_days(D("2026-09-28"), 7) == D("2026-10-12")
    # Sept 2026: 22 weekdays, less Fri 09-25 (Mid-Autumn), plus Sun 09-20 = 22.
    assert working_days_between(D("2026-09-01"), D("2026-09-30")) == 22


def test_a_count_reads_each_year_once(calendar, django_assert_num_queries):
    with django_assert_num_queries(2):   # is 2026 verified; its special days
        assert add_working_days(D("2026-01-01"), 240) == D("2026-12-21")
    # December 2025: 23 weekdays; January 2026: 20 weekdays besides the holidays Thu 01-01
    # and Fri 01-02, plus Sunday 01-04 = 21.
    with django_assert_num_queries(4):
        assert working_days_between(D("2025-12-01"), D("2026-01-31")) == 44


def test_bad_arguments_are_programming_errors(calendar):
    with pytest.raises(ValueError):
        add_working_days(D("2026-02-12"), 0)
    with pytest.raises(TypeError):
        is_working_day(datetime.datetime(2026, 2, 14, 9, 0))


# --- 2027 unknown: refused, never guessed -----------------------------------------------------

def test_a_period_reaching_into_2027_is_refused_with_the_message(calendar):
    # From Mon 12-28: 12-28, 29, 30, 31 are 4 working days; the 5th would be in 2027.
    with pytest.raises(UnverifiedYear) as refused:
        add_working_days(D("2026-12-28"), 5)
    assert refused.value.message == REFUSED_2027
    assert refused.value.status == 409
    assert refused.value.year == 2027
    # A period ending on 12-31 is fine.
    assert add_working_days(D("2026-12-28"), 4) == D("2026-12-31")
    for call in (lambda: is_working_day(D("2027-01-04")),
                 lambda: next_working_day(D("2026-12-31")),
                 lambda: working_days_between(D("2026-12-01"), D("2027-01-01"))):
        with pytest.raises(UnverifiedYear):
            call()


def test_the_admin_enters_2027_verifies_it_and_then_it_counts(calendar, demo, client):
    admin = demo.user(ADMIN)
    client.force_login(admin)

    response = client.post("/programme/calendar/new/", {
        "year": "2027", "source": "国务院办公厅关于2027年部分节假日安排的通知（测试）",
        "holidays": HOLIDAYS_2027, "makeup_days": MAKEUP_2027, "note": ""})

    assert response.status_code == 302
    assert response["Location"] == "/programme/calendar/2027/"
    year = CalendarYear.objects.get(year=2027)
    assert (year.is_verified, year.days.count()) == (False, 3 + 8 + 5 + 1)
    # Entered but not verified: still refused, with the same words.
    with pytest.raises(UnverifiedYear) as refused:
        add_working_days(D("2026-12-28"), 5)
    assert refused.value.message == REFUSED_2027

    page = client.get("/programme/calendar/2027/")
    assert _cells(page, "holidays") == [
        ["元旦", "2027-01-01 至 2027-01-03", "3"], ["春节", "2027-02-06 至 2027-02-13", "8"],
        ["劳动节", "2027-05-01 至 2027-05-05", "5"]]
    assert _cells(page, "makeup-days") == [["2027-02-20", "星期六", "春节"]]
    assert "未核实：尚不用于计算工作日" in _text(page)

    unchecked = client.post("/programme/calendar/2027/verify/", {})
    assert unchecked.status_code == 400
    assert "请先勾选「已与国务院办公厅的通知逐条核对」，再标记为已核实。" in _text(unchecked)
    assert CalendarYear.objects.get(year=2027).is_verified is False

    verified = client.post("/programme/calendar/2027/verify/", {"checked": "1"})
    assert verified.status_code == 302
    year.refresh_from_db()
    assert year.verified_by == admin and year.verified_at is not None
    # Mon 12-28..Thu 12-31 (4), 2027-01-01..03 holiday, Mon 01-04 (5).
    assert add_working_days(D("2026-12-28"), 5) == D("2027-01-04")
    # From Thu 2027-02-04: 02-04 (1), Fri 02-05 (2), 02-06..02-13 holiday, Sun 02-14 no,
    # Mon 02-15 (3).
    assert add_working_days(D("2027-02-04"), 3) == D("2027-02-15")
    # Mon 02-15..Fri 02-19 (5) + Sat 02-20 make-up (6); Sun 02-21 not.
    assert working_days_between(D("2027-02-15"), D("2027-02-21")) == 6
    page = client.get("/programme/calendar/2027/")
    assert f"已核实（赵敏，{timezone.localtime(year.verified_at):%Y-%m-%d %H:%M}）" in _text(page)


def test_bad_lines_are_refused_in_chinese_and_nothing_is_written(calendar, demo, client):
    client.force_login(demo.user(ADMIN))
    before = (CalendarYear.objects.count(), CalendarDay.objects.count())

    response = client.post("/programme/calendar/new/", {
        "year": "2027", "source": "国务院办公厅关于2027年部分节假日安排的通知",
        "holidays": "春节 2027-02-30\n国庆",
        "makeup_days": "2027-02-20"})

    assert response.status_code == 400
    assert _errors(response) == [
        "第1行：2027-02-30不是有效日期。",
        "第2行「国庆」无法识别，请写成「春节 2027-02-06 至 2027-02-13」或「元旦 2027-01-01」。",
        "第1行「2027-02-20」无法识别，请写成「2027-02-20 春节」。",
    ]

    response = client.post("/programme/calendar/new/", {
        "year": "2027", "source": "国务院办公厅关于2027年部分节假日安排的通知",
        "holidays": "春节 2027-02-06 至 2027-02-13\n国庆节 2028-10-01 至 2028-10-07\n"
                    "中秋节 2027-09-20 至 2027-09-10",
        "makeup_days": "2027-02-22 春节\n2027-02-13 春节\n2026-11-28 元旦"})

    assert response.status_code == 400
    assert _errors(response) == [
        "2028-10-01（星期日）不在2027年节假日安排的范围内（2026-12-20至2027-12-31）。",
        "「中秋节」的结束日期2027-09-10（星期五）早于开始日期2027-09-20（星期一）。",
        "2027-02-22（星期一）本来就是工作日，不是调休上班日；调休上班日是上班的星期六或星期日。",
        "2027-02-13（星期六）填写了两次（春节、春节）。",
        "2026-11-28（星期六）不在2027年节假日安排的范围内（2026-12-20至2027-12-31）。",
    ]

    response = client.post("/programme/calendar/new/", {
        "year": "2026", "source": "x", "holidays": "元旦 2026-01-01"})
    assert response.status_code == 400
    assert _errors(response) == ["2026年的节假日安排已经录入，请在该年份的页面修改。"]
    assert (CalendarYear.objects.count(), CalendarDay.objects.count()) == before


def test_a_day_another_notice_set_is_refused(calendar):
    # The 2019 notice made Saturday 2018-12-29 a working day; the seed files it under 2018.
    with pytest.raises(workdays.InvalidInput) as refused:
        workdays.plan_days(2019, [workdays.Holiday("元旦", D("2018-12-30"), D("2019-01-01"))],
                           [workdays.MakeUpDay(D("2018-12-29"), "元旦")],
                           replacing=CalendarYear.objects.get(year=2019))
    assert refused.value.fields == {
        "holidays": ["2018-12-30（星期日）已列入2018年的节假日安排（元旦法定节假日）。",
                     "2018-12-31（星期一）已列入2018年的节假日安排（元旦法定节假日）。"],
        "makeup_days": ["2018-12-29（星期六）已列入2018年的节假日安排（元旦调休上班日）。"],
    }


def test_a_verified_year_is_not_edited(calendar, demo, client):
    client.force_login(demo.user(ADMIN))
    year = CalendarYear.objects.get(year=2026)
    days = list(year.days.values_list("date", "kind", "name"))
    when = f"{timezone.localtime(year.verified_at):%Y-%m-%d %H:%M}"
    message = (f"2026年的节假日安排已于{when}核实，不能再修改：已计算的期限以它为准。"
               "如国务院办公厅发布了调整通知，请联系系统管理员。")

    for response in (client.get("/programme/calendar/2026/edit/"),
                     client.post("/programme/calendar/2026/edit/", {
                         "source": "改", "holidays": "春节 2026-02-16"}),
                     client.post("/programme/calendar/2026/verify/", {"checked": "1"}),
                     client.post("/programme/calendar/2026/delete/")):
        assert response.status_code == 409
        assert message in _text(response)

    year.refresh_from_db()
    assert (year.source, year.verified_by) == (
        "国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）"
        "（数据来源：chinesecalendar 1.11.0）", None)
    assert list(year.days.values_list("date", "kind", "name")) == days


def test_an_unverified_year_is_edited_and_deleted(calendar, demo, client):
    client.force_login(demo.user(ADMIN))
    year = workdays.enter_year(year=2027, source="通知", holidays=[
        workdays.Holiday("元旦", D("2027-01-01"), D("2027-01-01"))])

    form = client.get("/programme/calendar/2027/edit/")
    assert form.status_code == 200
    assert form.context["form"].initial["holidays"] == "元旦 2027-01-01"

    response = client.post("/programme/calendar/2027/edit/", {
        "source": "通知（补）", "holidays": HOLIDAYS_2027, "makeup_days": MAKEUP_2027})
    assert response.status_code == 302
    year.refresh_from_db()
    assert year.source == "通知（补）"
    assert year.days.count() == 17
    assert list(year.days.filter(kind=DayKind.WORKDAY).values_list("date", flat=True)) == [
        D("2027-02-20")]

    response = client.post("/programme/calendar/2027/delete/")
    assert response.status_code == 302
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_verifying_needs_a_holiday(calendar, demo):
    year = CalendarYear.objects.create(year=2027, source="通知")
    with pytest.raises(workdays.NotAllowedNow) as refused:
        workdays.verify_year(year, demo.user(ADMIN))
    assert refused.value.message == "2027年还没有录入任何法定节假日，不能核实。"
    assert CalendarYear.objects.get(year=2027).verified_at is None


# --- Pages ---------------------------------------------------------------------------------

def test_the_years_page_lists_each_year_and_warns_that_2027_is_missing(calendar, demo, client):
    client.force_login(demo.user(ADMIN))
    page = client.get("/programme/calendar/")
    assert page.status_code == 200
    rows = _cells(page, "calendar-years")
    assert [row[0] for row in rows] == [str(y) for y in range(2026, 2003, -1)]
    assert rows[0] == ["2026", "国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）"
                       "（数据来源：chinesecalendar 1.11.0）", "33", "6", "已核实（随系统导入）", "查看"]
    missing = workdays.missing_years()
    for year in missing:
        assert (f"工作日历中还没有已核实的{year}年法定节假日安排" in _text(page))
    assert '<a href="/programme/calendar/">工作日历</a>' in client.get("/programme/").content.decode()


def test_the_years_page_takes_the_same_queries_for_more_years(calendar, demo, client):
    client.force_login(demo.user(ADMIN))
    client.get("/programme/calendar/")
    with CaptureQueriesContext(connection) as before:
        client.get("/programme/calendar/")
    workdays.enter_year(year=2027, source="通知", holidays=[
        workdays.Holiday("元旦", D("2027-01-01"), D("2027-01-03"))])
    workdays.enter_year(year=2028, source="通知", holidays=[
        workdays.Holiday("元旦", D("2028-01-01"), D("2028-01-03"))])
    with CaptureQueriesContext(connection) as after:
        page = client.get("/programme/calendar/")
    assert len(_cells(page, "calendar-years")) == 25
    assert len(after) == len(before)


def test_the_calendar_pages_are_the_ecology_admins_only(calendar, demo, client):
    urls = ["/programme/calendar/", "/programme/calendar/new/", "/programme/calendar/2026/",
            "/programme/calendar/2026/edit/"]
    before = (CalendarYear.objects.count(), CalendarDay.objects.count())
    for username in ("city_ecology", "app_campus_yizhou", "consultant1"):
        client.force_login(demo.user(username))
        statuses = [client.get(url).status_code for url in urls]
        statuses += [
            client.post("/programme/calendar/new/", {
                "year": "2027", "source": "通知", "holidays": HOLIDAYS_2027}).status_code,
            client.post("/programme/calendar/2026/verify/", {"checked": "1"}).status_code,
            client.post("/programme/calendar/2026/delete/").status_code,
        ]
        assert statuses == [403] * 7, username
    assert (CalendarYear.objects.count(), CalendarDay.objects.count()) == before
    client.logout()
    assert client.get("/programme/calendar/")["Location"] == (
        "/accounts/login/?next=/programme/calendar/")


def test_an_unknown_year_is_not_found(calendar, demo, client):
    client.force_login(demo.user(ADMIN))
    assert client.get("/programme/calendar/2099/").status_code == 404
    assert client.post("/programme/calendar/2099/verify/", {"checked": "1"}).status_code == 404


# --- The November warning --------------------------------------------------------------------

def test_the_november_warning_is_sent_once_a_week_while_2027_is_missing(calendar, demo):
    admins = calendar_watch.ecology_admins()
    assert [u.username for u in admins] == [ADMIN]
    notified = Notification.objects.filter(title="请录入并核实2027年的法定节假日安排")

    assert calendar_watch.warn_missing_next_year(today=D("2026-10-31")) == 0
    assert calendar_watch.warn_missing_next_year(today=D("2026-11-02")) == 1
    assert calendar_watch.warn_missing_next_year(today=D("2026-11-02")) == 0  # same day again
    assert calendar_watch.warn_missing_next_year(today=D("2026-11-06")) == 0  # same week
    assert notified.count() == 1
    note = notified.get()
    assert note.recipient.username == ADMIN
    assert note.body.splitlines()[0] == (
        "工作日历中还没有已核实的2027年节假日安排。在录入并核实之前，公示期等按工作日计算的期限"
        "都不能计算到2027年，相关操作会被拒绝。")
    assert note.body.splitlines()[-1] == "工作日历：/programme/calendar/"

    assert calendar_watch.warn_missing_next_year(today=D("2026-11-09")) == 1  # next week
    assert notified.count() == 2
    assert list(CalendarReminder.objects.order_by("week_of").values_list("year", "week_of")) == [
        (2027, D("2026-11-02")), (2027, D("2026-11-09"))]

    year = workdays.enter_year(year=2027, source="通知", holidays=[
        workdays.Holiday("元旦", D("2027-01-01"), D("2027-01-03"))])
    assert calendar_watch.warn_missing_next_year(today=D("2026-11-16")) == 1  # entered, unverified
    assert "2027年的安排已录入但尚未核实。" in notified.order_by("-pk").first().body.splitlines()
    workdays.verify_year(year, demo.user(ADMIN))
    assert calendar_watch.warn_missing_next_year(today=D("2026-11-23")) == 0
    assert calendar_watch.warn_missing_next_year(today=D("2026-12-07")) == 0
    assert notified.count() == 3


def test_the_warning_is_a_daily_beat_task_workers_know(calendar):
    task = PeriodicTask.objects.get(name="warn-missing-next-year-calendar")
    assert task.task == "pilots.calendar_watch.warn_missing_next_year"
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_month,
            task.crontab.month_of_year, str(task.crontab.timezone)) == ("0", "9", "*", "*",
                                                                         "Asia/Shanghai")
    assert task.task in celery_app.tasks
