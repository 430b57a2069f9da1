"""Publicity (公示): starting it with a period counted in working days, the notice (page and
PDF), confirmation only after the period with no objection pending or upheld, the daily
notice of ended periods, and the ecology admin's bulk pages.

Dates are checked by hand against the State Council's 2026 notice (国办发明电〔2025〕7号):
the Mid-Autumn Festival 09-25..09-27 and National Day 10-01..10-07 are holidays, Sunday
09-20 and Saturday 10-10 are make-up working days.
"""
import datetime
import importlib
import shutil
import subprocess

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pilots import registry, services
from pilots.choices import State
from pilots.models import AuditEntry, CalendarYear, Notification, Project
from publicity import objections
from publicity import services as publicity_services
from publicity.models import Notice, NoticeCounter, Period

D = datetime.date
NATIONAL_DAY_NOTICE_START = D(2026, 9, 28)  # Monday


@pytest.fixture(autouse=True)
def calendar(db):
    """The seeded working-day calendar (a transactional test elsewhere may have flushed it)."""
    if not CalendarYear.objects.exists():
        importlib.import_module("pilots.migrations.0009_working_day_calendar").seed(apps, None)


@pytest.fixture
def today(monkeypatch):
    """``today(date)`` makes ``timezone.localdate()`` answer ``date`` (what every rule of
    publicity reads as today); with an argument it converts as before."""
    real = timezone.localdate

    def set_today(day):
        def localdate(value=None, tz=None):
            return day if value is None else real(value, tz)

        monkeypatch.setattr(timezone, "localdate", localdate)
        return day

    return set_today


def at_revision_check(demo, n):
    """``n`` demo projects at revision check: the demo's own, and others moved there (the
    way through expert review is the reviews app's to test)."""
    own = demo.project_in(State.REVISION_CHECK)
    others = list(Project.objects.filter(
        state__in=[State.REVISION, State.CITY_REVIEW, State.COUNTY_REVIEW],
        code__isnull=False).order_by("pk")[:n - 1])
    Project.objects.filter(pk__in=[p.pk for p in others]).update(state=State.REVISION_CHECK)
    return [Project.objects.get(pk=p.pk) for p in [own, *others]]


def sequences(year=2026):
    return list(Notice.objects.filter(year=year).order_by("sequence")
                .values_list("sequence", flat=True))


def snapshot():
    return (Notice.objects.count(), Period.objects.count(),
            list(NoticeCounter.objects.values_list("year", "last")),
            sorted(Project.objects.values_list("pk", "state")), AuditEntry.objects.count())


def start(project, admin, starts_on, days=None):
    data = {"starts_on": starts_on.isoformat()}
    if days is not None:
        data["working_days"] = days
    return services.fire(project, "start_publicity", admin, data=data)


def on_notice(demo, today, *, starts_on=NATIONAL_DAY_NOTICE_START, days=5):
    """The demo's revision-check project put on notice, as of the day before it starts."""
    today(starts_on - datetime.timedelta(days=3))
    project = demo.project_in(State.REVISION_CHECK)
    start(project, demo.user("eco_admin"), starts_on, days)
    return Project.objects.get(pk=project.pk)


# --- Starting one project ---------------------------------------------------------------

def test_a_single_start_counts_working_days_across_national_day_and_issues_a_notice(demo, today):
    today(D(2026, 9, 25))
    project = demo.project_in(State.REVISION_CHECK)
    admin = demo.user("eco_admin")
    before = sequences()

    start(project, admin, NATIONAL_DAY_NOTICE_START, 7)

    period = Period.objects.get(project=project)
    # 09-28, 09-29, 09-30; National Day 10-01..10-07; 10-08, 10-09, Saturday 10-10 (make-up
    # working day), Sunday 10-11 off, Monday 10-12 is the 7th working day.
    assert (period.starts_on, period.ends_on, period.working_days) == (
        D(2026, 9, 28), D(2026, 10, 12), 7)
    notice = period.notice
    assert list(notice.periods.all()) == [period]
    assert notice.number == f"河池近零碳公示〔2026〕{len(before) + 1}号"
    assert sequences() == list(range(1, len(before) + 2))  # no gap
    assert (notice.starts_on, notice.ends_on, notice.working_days, notice.issued_by) == (
        D(2026, 9, 28), D(2026, 10, 12), 7, admin)
    entry = project.audit_entries.order_by("-pk").first()
    assert entry.data == {"starts_on": "2026-09-28", "working_days": 7, "ends_on": "2026-10-12"}
    assert registry.describe("transition", "start_publicity", entry.data) == [
        "公示期：2026-09-28至2026-10-12，共7个工作日"]


def test_the_period_defaults_to_the_batchs_setting(demo, today):
    today(D(2026, 9, 25))
    project = demo.project_in(State.REVISION_CHECK)
    project.batch.publicity_days = 5
    project.batch.save()

    start(project, demo.user("eco_admin"), D(2026, 10, 3))  # a Saturday of National Day

    period = Period.objects.get(project=project)
    # Day 1 is the first working day: 10-08, 10-09, Saturday 10-10, 10-12, 10-13.
    assert (period.ends_on, period.working_days) == (D(2026, 10, 13), 5)


@pytest.mark.parametrize("data, field, message", [
    ({"starts_on": "2026-09-24"}, "starts_on", "公示开始日期不能早于今天。"),
    ({"starts_on": "2026-02-30"}, "starts_on", "公示开始日期格式应为年-月-日，如2026-09-28。"),
    ({}, "starts_on", "请填写公示开始日期。"),
    ({"starts_on": "2026-09-28", "working_days": "31"}, "working_days",
     "公示期须为1至30个工作日的整数。"),
    ({"starts_on": "2026-09-28", "working_days": 0}, "working_days",
     "公示期须为1至30个工作日的整数。"),
    ({"starts_on": "2026-09-28", "ends_on": "2026-10-02"}, "ends_on",
     "按工作日计算，公示截止日期应为2026年10月9日，请核对后重新提交。"),
    ({"starts_on": "2026-12-28"}, "starts_on",
     "2027年的法定节假日安排尚未录入并核实，不能计算到该年的工作日。请市生态环境局管理员在"
     "「工作日历」中录入国务院办公厅公布的2027年节假日安排后再试。"),
    ({"starts_on": "2026-09-28", "note": "x"}, "note", "该操作不接受此项数据。"),
], ids=["past", "no-such-day", "missing", "too-long", "zero", "stale-end", "unverified-year",
        "unknown"])
def test_a_bad_period_is_refused_naming_the_field_and_nothing_changes(demo, today, data, field,
                                                                      message):
    today(D(2026, 9, 25))
    project = demo.project_in(State.REVISION_CHECK)
    before = snapshot()

    with pytest.raises(services.InvalidInput) as refused:
        services.fire(project, "start_publicity", demo.user("eco_admin"), data=data)

    assert refused.value.fields == {field: [message]}
    assert snapshot() == before


def test_a_start_from_the_project_pages_generic_form_issues_a_notice_of_one(demo, client, today):
    today(D(2026, 9, 25))
    project = demo.project_in(State.REVISION_CHECK)
    client.force_login(demo.user("eco_admin"))

    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert 'name="data.starts_on"' in page and 'name="data.working_days"' in page
    response = client.post(f"/projects/{project.pk}/transitions/start_publicity/",
                           {"data.starts_on": "2026-09-28", "data.working_days": ""})

    assert response.status_code == 302
    period = Period.objects.get(project=project)
    assert (period.starts_on, period.ends_on, period.working_days) == (
        D(2026, 9, 28), D(2026, 10, 9), project.batch.publicity_days)
    assert [p.project_id for p in period.notice.periods.all()] == [project.pk]


# --- Starting many at once --------------------------------------------------------------

def test_the_bulk_start_previews_the_end_then_issues_one_notice(demo, client, today):
    today(D(2026, 9, 25))
    projects = at_revision_check(demo, 3)
    ids = [str(p.pk) for p in projects]
    client.force_login(demo.user("eco_admin"))
    before = sequences()

    form = client.get("/programme/publicity/start/").content.decode()
    assert all(f'name="projects" value="{pk}"' in form for pk in ids)
    preview = client.post("/programme/publicity/start/", {
        "projects": ids, "starts_on": "2026-09-28", "working_days": "5", "action": "preview"})
    page = preview.content.decode()
    assert preview.status_code == 200
    assert '<dd id="preview-ends">2026-10-09</dd>' in page
    assert all(p.name in page for p in projects)
    assert Notice.objects.count() == len(before)  # a preview changes nothing

    response = client.post("/programme/publicity/start/", {
        "projects": ids, "starts_on": "2026-09-28", "working_days": "5",
        "ends_on": "2026-10-09", "action": "start"})

    notice = Notice.objects.get(sequence=len(before) + 1, year=2026)
    assert response.status_code == 302
    assert response["Location"] == f"/publicity/notices/{notice.pk}/"
    assert notice.number == f"河池近零碳公示〔2026〕{len(before) + 1}号"
    assert sorted(notice.periods.values_list("project_id", "starts_on", "ends_on",
                                             "working_days")) == sorted(
        (p.pk, D(2026, 9, 28), D(2026, 10, 9), 5) for p in projects)
    assert set(Project.objects.filter(pk__in=ids).values_list("state", flat=True)) == {
        State.PUBLICITY}
    assert sequences() == list(range(1, len(before) + 2))


def test_the_bulk_start_is_all_or_nothing(demo, today):
    today(D(2026, 9, 25))
    projects = at_revision_check(demo, 3)
    admin = demo.user("eco_admin")
    before = snapshot()

    def refuse_the_third(project, actor, data):
        if project.pk == projects[2].pk:
            raise services.NotAllowedNow("测试：该项目不能开始公示。")

    registry.register_effect("start_publicity")(refuse_the_third)
    try:
        with pytest.raises(services.NotAllowedNow) as refused:
            publicity_services.start_publicity(admin, [p.pk for p in projects],
                                               starts_on="2026-09-28", working_days=5)
    finally:
        registry.unregister_effect("start_publicity", refuse_the_third)

    assert refused.value.message == f"「{projects[2].name}」：测试：该项目不能开始公示。"
    assert refused.value.status == 409
    assert snapshot() == before  # no state, no period, no notice, no number taken


def test_a_bulk_start_refuses_a_stale_preview_and_projects_no_longer_waiting(demo, today):
    today(D(2026, 9, 25))
    projects = at_revision_check(demo, 2)
    admin = demo.user("eco_admin")
    before = snapshot()

    with pytest.raises(services.InvalidInput) as stale:
        publicity_services.start_publicity(admin, [p.pk for p in projects],
                                           starts_on="2026-09-28", working_days=5,
                                           ends_on="2026-10-08")
    Project.objects.filter(pk=projects[1].pk).update(state=State.REVISION)
    with pytest.raises(services.InvalidInput) as moved:
        publicity_services.start_publicity(admin, [p.pk for p in projects],
                                           starts_on="2026-09-28", working_days=5)

    assert stale.value.fields == {
        "ends_on": ["按工作日计算，公示截止日期应为2026年10月9日，请核对后重新提交。"]}
    assert moved.value.message == "所选项目中有1个已不在「完善稿审核」阶段，请刷新页面后重新选择。"
    assert snapshot()[:3] == before[:3]


def test_only_the_ecology_admin_runs_publicity_pages(demo, client):
    for url in ["/programme/publicity/start/", "/programme/publicity/confirm/",
                "/programme/objections/"]:
        assert client.get(url).status_code == 302  # to the login page
        for username in ["city_ecology", "yizhou_ecology", "app_park_yizhou", "expert1"]:
            client.force_login(demo.user(username))
            assert client.get(url).status_code == 403, (url, username)
        client.logout()


@pytest.mark.parametrize("extra", [0, 3])
def test_the_start_page_runs_a_constant_number_of_queries(demo, client, extra):
    at_revision_check(demo, 1 + extra)
    client.force_login(demo.user("eco_admin"))
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/programme/publicity/start/").content.decode()
    assert page.count('name="projects"') == 1 + extra
    assert len(queries) == 6


# --- Confirming -------------------------------------------------------------------------

def test_confirm_is_refused_until_the_period_is_over(demo, today):
    project = on_notice(demo, today)  # 2026-09-28 .. 2026-10-09
    admin = demo.user("eco_admin")

    for day in [D(2026, 9, 28), D(2026, 10, 9)]:
        today(day)
        with pytest.raises(services.NotAllowedNow) as refused:
            services.fire(project, "confirm", admin)
        assert refused.value.message == "公示期至10月9日结束，期满后才能确认。"
        assert Project.objects.get(pk=project.pk).state == State.PUBLICITY

    today(D(2026, 10, 10))
    assert services.fire(project, "confirm", admin).state == State.CONSTRUCTION


def test_confirm_is_refused_while_an_objection_is_undecided_then_allowed_once_not_upheld(
        demo, today):
    project = on_notice(demo, today)
    admin = demo.user("eco_admin")
    today(D(2026, 9, 30))
    objection = objections.file_objection(project, name="张三", contact="13907780001",
                                          grounds="基准年数据有误。", client_ip="203.0.113.5")
    today(D(2026, 10, 12))

    with pytest.raises(services.NotAllowedNow) as refused:
        services.fire(project, "confirm", admin)
    assert refused.value.message == "该项目有1件异议尚未处理，处理完毕后才能确认。"
    with pytest.raises(services.NotAllowedNow) as no_ground:
        services.fire(project, "reject_after_publicity", admin, reason="异议成立。")
    assert no_ground.value.message == "该项目没有经调查成立的异议，不能以公示异议成立为由不予确定。"

    objections.decide(objection, admin, upheld=False, investigation="经核实数据来源可靠。",
                      reason="数据与统计公报一致，异议不成立。")
    assert services.fire(project, "confirm", admin).state == State.CONSTRUCTION


def test_confirm_is_refused_after_an_upheld_objection_which_leads_to_reject(demo, today):
    project = on_notice(demo, today)
    admin = demo.user("eco_admin")
    today(D(2026, 10, 8))
    objection = objections.file_objection(project, name="李四", contact="lisi@example.cn",
                                          grounds="项目边界与实际不符。", client_ip="203.0.113.6")
    objections.decide(objection, admin, upheld=True, investigation="现场核查确认边界有误。",
                      reason="异议成立。")
    today(D(2026, 10, 12))

    with pytest.raises(services.NotAllowedNow) as refused:
        services.fire(project, "confirm", admin)
    assert refused.value.message == "该项目有异议经调查成立，不能确定为试点项目。"

    rejected = services.fire(project, "reject_after_publicity", admin,
                             reason="公示期间异议经调查成立。")
    assert rejected.state == State.NOT_SELECTED


def test_the_bulk_confirm_lists_what_is_ready_and_confirms_all_or_nothing(demo, client, today):
    today(D(2026, 9, 25))
    projects = at_revision_check(demo, 3)
    admin = demo.user("eco_admin")
    publicity_services.start_publicity(admin, [p.pk for p in projects], starts_on="2026-09-28")
    today(D(2026, 9, 29))
    objections.file_objection(projects[2], name="王五", contact="0778-2200000",
                              grounds="反映的问题。", client_ip="203.0.113.7")
    today(D(2026, 10, 10))
    client.force_login(admin)

    page = client.get("/programme/publicity/confirm/").content.decode()
    ready_table = page.split('id="ready"')[1].split("</table>")[0]
    waiting_table = page.split('id="waiting"')[1].split("</table>")[0]
    assert projects[0].name in ready_table and projects[1].name in ready_table
    assert projects[2].name not in ready_table and projects[2].name in waiting_table
    assert "有异议尚未处理" in waiting_table

    refused = client.post("/programme/publicity/confirm/",
                          {"projects": [projects[0].pk, projects[2].pk]})
    assert refused.status_code == 409
    assert f"「{projects[2].name}」：该项目有1件异议尚未处理，处理完毕后才能确认。" in \
        refused.content.decode()
    assert Project.objects.get(pk=projects[0].pk).state == State.PUBLICITY

    done = client.post("/programme/publicity/confirm/",
                       {"projects": [projects[0].pk, projects[1].pk]})
    assert done.status_code == 302
    assert [Project.objects.get(pk=p.pk).state for p in projects] == [
        State.CONSTRUCTION, State.CONSTRUCTION, State.PUBLICITY]


@pytest.mark.parametrize("n", [1, 3])
def test_the_confirm_page_runs_a_constant_number_of_queries(demo, client, today, n):
    today(D(2026, 9, 25))
    projects = at_revision_check(demo, n)
    publicity_services.start_publicity(demo.user("eco_admin"), [p.pk for p in projects],
                                       starts_on="2026-09-28")
    today(D(2026, 10, 12))
    client.force_login(demo.user("eco_admin"))
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/programme/publicity/confirm/").content.decode()
    assert page.count('name="projects"') == n
    assert len(queries) == 6


# --- The daily task ---------------------------------------------------------------------

def test_the_daily_task_tells_the_admins_once_which_projects_are_ready(demo, today):
    from publicity import tasks

    today(D(2026, 9, 25))
    projects = at_revision_check(demo, 2)
    admin = demo.user("eco_admin")
    publicity_services.start_publicity(admin, [p.pk for p in projects], starts_on="2026-09-28")
    today(D(2026, 9, 29))
    objections.file_objection(projects[1], name="王五", contact="0778-2200000",
                              grounds="反映的问题。", client_ip="203.0.113.7")
    before = Notification.objects.count()

    today(D(2026, 10, 9))  # the last day: not ended yet
    assert tasks.notify_ended_periods.delay().get() == []
    today(D(2026, 10, 10))
    marked = tasks.notify_ended_periods.delay().get()
    again = tasks.notify_ended_periods.delay().get()

    assert sorted(marked) == sorted(Period.objects.filter(project__in=projects)
                                    .values_list("pk", flat=True))
    assert again == []
    sent = list(Notification.objects.filter(pk__gt=0).order_by("pk")[before:])
    assert [(n.recipient.username, n.title) for n in sent] == [
        ("eco_admin", "公示期满：1个项目可确定为试点项目")]
    ready, waiting = projects
    assert sent[0].body.splitlines() == [
        "以下项目公示期已满，没有待处理或成立的异议，可以确定为试点项目：",
        f"{ready.code} {ready.name}（公示期至2026年10月9日）",
        "以下项目公示期已满，但有异议尚未处理或经调查成立，请先处理：",
        f"{waiting.code} {waiting.name}",
        "批量确定：/programme/publicity/confirm/",
        "处理异议：/programme/objections/",
    ]


def test_the_daily_task_is_scheduled_by_a_migration():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="notify-ended-publicity-periods")
    assert task.task == "publicity.tasks.notify_ended_periods"
    assert (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone)) == (
        "8", "0", "Asia/Shanghai")


# --- The notice -------------------------------------------------------------------------

PRIVATE = ("credit_code", "contact_phone", "contact_email")


def _bulk_notice(demo, today, n=3):
    today(D(2026, 9, 25))
    projects = at_revision_check(demo, n)
    for project in projects:  # something private to look for
        project.applicant.contact_email = f"private{project.pk}@example.cn"
        project.applicant.save()
    notice = publicity_services.start_publicity(demo.user("eco_admin"),
                                                [p.pk for p in projects],
                                                starts_on="2026-09-28", working_days=7)
    return notice, [Project.objects.select_related("applicant").get(pk=p.pk) for p in projects]


def test_the_notice_page_is_public_and_shows_public_facts_only(demo, client, today):
    notice, projects = _bulk_notice(demo, today)

    response = client.get(f"/publicity/notices/{notice.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert notice.number in page
    assert "2026年9月28日至2026年10月12日（7个工作日，法定节假日不计入）。" in page
    for project in projects:
        assert project.name in page and project.code in page
        assert project.applicant.name in page
        assert f"http://testserver/pilots/{project.code}/" in page
        for field in PRIVATE:
            assert getattr(project.applicant, field) not in page


def _pdf_text(content: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "notice.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def test_the_notice_pdf_lists_the_projects_and_nothing_private(demo, client, today, tmp_path):
    notice, projects = _bulk_notice(demo, today)

    response = client.get(f"/publicity/notices/{notice.pk}.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = _pdf_text(response.content, tmp_path)
    flat = "".join(text.split())
    assert "河池市近零碳排放区试点项目公示" in flat
    assert "".join(notice.number.split()) in flat
    assert "2026年9月28日至2026年10月12日" in flat
    for project in projects:
        assert "".join(project.name.split()) in flat
        assert project.code in flat
        for field in PRIVATE:
            assert getattr(project.applicant, field) not in flat


def test_the_pdf_fetcher_serves_only_the_portals_static_files():
    from publicity.pdf import StaticOnlyFetcher

    fetcher = StaticOnlyFetcher()
    served = fetcher.fetch("https://portal.invalid/static/favicon.svg")
    assert served.read().lstrip().startswith(b"<")
    for url in ["file:///etc/passwd", "http://127.0.0.1:8000/admin/",
                "https://portal.invalid/static/../../hechi_nzc/settings.py",
                "https://portal.invalid/media/private/x.pdf",
                "https://example.com/static/favicon.svg"]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)


@pytest.mark.parametrize("n", [1, 3])
def test_the_notice_page_runs_a_constant_number_of_queries(demo, client, today, n):
    notice, _projects = _bulk_notice(demo, today, n)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/publicity/notices/{notice.pk}/").content.decode()
    assert page.count('<section class="notice-project">') == n
    assert len(queries) == 4


# --- The project page's card ------------------------------------------------------------

def test_the_project_card_shows_objectors_to_the_admin_only(demo, client, today):
    project = on_notice(demo, today)
    today(D(2026, 9, 29))
    objections.file_objection(project, name="赵六", contact="13907780002",
                              grounds="反映的问题。", client_ip="203.0.113.8")

    client.force_login(demo.user("eco_admin"))
    admin_page = client.get(f"/projects/{project.pk}/").content.decode()
    client.force_login(demo.user(f"app_{project.category.code}_{project.county.code}"))
    applicant_page = client.get(f"/projects/{project.pk}/").content.decode()

    period = "2026-09-28 至 2026-10-09（5个工作日）"
    assert period in admin_page and period in applicant_page
    assert "13907780002" in admin_page and "赵六" in admin_page
    assert "13907780002" not in applicant_page and "赵六" not in applicant_page
    assert 'id="project-objections"' not in applicant_page
