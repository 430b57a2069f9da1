"""Work queues follow the transition rules; notify() tells the next people in line."""
import datetime

import pytest
from django.core import mail
from django.utils import timezone

from pilots import registry, services
from pilots.choices import State
from pilots.models import EmailStatus, Notification
from pilots.selectors import waiting_for
from reviews.models import ExpertAssignment
from tests import factories


def _names(projects):
    return sorted(p.name for p in projects)


def test_each_role_sees_what_waits_for_it(demo):
    expected = {
        "app_campus_yizhou": ["宜州区第一初级中学近零碳排放校园"],
        "jinchengjiang_ecology": ["金城江区城西新区近零碳排放区域（示范01）"],
        "jinchengjiang_ndrc": ["金城江区城西新区近零碳排放区域（示范01）"],
        "jinchengjiang_education": [],
        "yizhou_ecology": ["宜州区第一初级中学近零碳排放校园（示范09）"],
        "city_ecology": ["金城江区城北社区近零碳排放社区（示范03）"],
        # 示范17..19 are reviews' demo panels: forming in city review (a park project, the
        # city's industry officer's), scoring open, scoring closed (both in expert review).
        "city_industry": ["宜州区工业园区近零碳排放园区（示范17）"],
        # 示范10 is in acceptance review, its acceptance panel scoring (reviews.demo).
        "expert1": sorted(["金城江区第一初级中学近零碳排放校园（示范04）",
                           "宜州区商贸物流中心近零碳排放商业场所（示范10）",
                           "宜州区城北社区近零碳排放社区（示范18）",
                           "宜州区第一初级中学近零碳排放校园（示范19）"]),
        "expert4": [],
        "eco_admin": sorted([
            "金城江区城北社区近零碳排放社区（示范03）", "金城江区第一初级中学近零碳排放校园（示范04）",
            "宜州区城西新区近零碳排放区域（示范06）", "宜州区工业园区近零碳排放园区（示范07）",
            "宜州区商贸物流中心近零碳排放商业场所（示范10）", "金城江区工业园区近零碳排放园区（示范12）",
            "宜州区工业园区近零碳排放园区（示范17）", "宜州区城北社区近零碳排放社区（示范18）",
            "宜州区第一初级中学近零碳排放校园（示范19）",
        ]),
    }
    assert {u: _names(waiting_for(demo.user(u))) for u in expected} == expected


def test_home_shows_the_queue_and_what_is_overdue(demo, client, settings):
    settings.QUEUE_OVERDUE_DAYS = 0
    client.force_login(demo.user("jinchengjiang_ecology"))

    page = client.get("/").content.decode()

    assert '<strong data-testid="queue-count">1</strong>' in page
    assert '<strong data-testid="overdue-count">1</strong>' in page
    assert "金城江区城西新区近零碳排放区域（示范01）" in page
    assert "审核通过并上报" in page  # handled recently: it forwarded the demo projects


def _submitted_projects(n):
    applicant = factories.applicant("app_extra", organisation="宜州区实验小学")
    factories.projects(applicant, [f"实验小学校区{i}" for i in range(n)], submit=True)
    return applicant


@pytest.mark.parametrize("count", [1, 3])
def test_the_queue_page_runs_a_constant_number_of_queries(demo, client, django_assert_num_queries, count):
    _submitted_projects(count)
    officer = demo.user("yizhou_education")
    client.force_login(officer)
    assert len(waiting_for(officer)) == count
    with django_assert_num_queries(7):
        response = client.get("/")
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 3])
def test_the_project_list_runs_a_constant_number_of_queries(demo, client, django_assert_num_queries, count):
    applicant = _submitted_projects(count)
    client.force_login(applicant)
    with django_assert_num_queries(9):
        response = client.get("/projects/")
    assert response.content.decode().count('<td data-label="项目名称"><a href="/projects/') == count


def test_arriving_in_a_queue_notifies_in_app_and_by_email(demo, django_capture_on_commit_callbacks):
    project = demo.draft("app_campus_yizhou")
    applicant = demo.user("app_campus_yizhou")
    officer = demo.user("yizhou_education")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.fire(project, "submit", applicant)

    notes = Notification.objects.filter(project=project)
    assert [(n.recipient.username, n.title) for n in notes] == [
        ("yizhou_education", "「宜州区第一初级中学近零碳排放校园」提交申报，现为「县(区)审核」")]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([officer.email], "[河池市近零碳排放区试点管理平台] 「宜州区第一初级中学近零碳排放校园」提交申报，现为「县(区)审核」")]
    sent = notes.get()
    assert (sent.email_status, sent.email_attempts, sent.emailed_at is not None) == (
        EmailStatus.SENT, 0, True)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.fire(project, "county_return", officer, reason="请补充基准年能源统计来源。")
    back = Notification.objects.filter(project=project, recipient=applicant).get()
    assert back.title == "「宜州区第一初级中学近零碳排放校园」退回修改，现为「已退回」"
    assert "理由或意见：请补充基准年能源统计来源。" in back.body
    assert [m.to for m in mail.outbox] == [[applicant.email]]


def test_the_notification_centre_counts_unread_and_marks_read(demo, client):
    user = demo.user("app_campus_yizhou")
    Notification.objects.filter(recipient=user).delete()
    Notification.objects.create(recipient=user, title="甲")
    Notification.objects.create(recipient=user, title="乙",
                                created_at=timezone.now() - datetime.timedelta(hours=1))
    client.force_login(user)

    page = client.get("/notifications/").content.decode()
    assert '<span class="badge" aria-label="未读">2</span>' in page
    assert page.index("甲") < page.index("乙")

    client.post("/notifications/read/")
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 0
    assert 'class="badge"' not in client.get("/notifications/").content.decode()


def test_a_project_page_offers_only_what_this_user_may_do(demo, client):
    project = demo.project_in(State.CITY_REVIEW)
    client.force_login(demo.user("city_ecology"))
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-action="city_return"' in page
    assert 'data-action="start_expert_review"' not in page  # no panel yet
    assert 'id="panel"' in page

    client.force_login(demo.user(f"{project.county.code}_ecology"))
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-action=' not in page
    assert 'id="panel"' not in page


def test_city_officer_assigns_a_panel_and_passes_to_expert_review(demo, client):
    project = demo.project_in(State.CITY_REVIEW)
    client.force_login(demo.user("city_ecology"))
    experts = [demo.user(f"expert{i}") for i in (4, 5, 6)]
    deadline = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()

    client.post(f"/projects/{project.pk}/panel/", {"experts": [e.pk for e in experts]})
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-action="start_expert_review"' in page
    assert 'name="data.scoring_deadline"' in page
    client.post(f"/projects/{project.pk}/transitions/start_expert_review/",
                {"data.scoring_deadline": deadline, "reason": ""})

    project.refresh_from_db()
    assert project.state == State.EXPERT_REVIEW
    assignments = ExpertAssignment.objects.filter(project=project).order_by("expert__username")
    assert [(a.expert.username, a.scoring_deadline.isoformat()) for a in assignments] == [
        ("expert4", deadline), ("expert5", deadline), ("expert6", deadline)]
    # Each expert was told, and the trail has the three members and the deadline in words.
    for expert in experts:
        assert list(Notification.objects.filter(recipient=expert, project=project)
                    .values_list("title", flat=True)) == [f"您被指派为「{project.name}」的评审专家"]
    trail = [(e.kind, e.label, e.data_lines) for e in project.audit_entries.order_by("pk")][-4:]
    assert trail == [
        ("panel_member_added", "指派评审专家", [f"专家：{experts[0]}"]),
        ("panel_member_added", "指派评审专家", [f"专家：{experts[1]}"]),
        ("panel_member_added", "指派评审专家", [f"专家：{experts[2]}"]),
        ("transition", "提交专家评审", [f"评分截止日期：{deadline}"]),
    ]
    # The expert opens it by name, and declares before it reads the plan.
    client.force_login(experts[0])
    page = client.get(f"/projects/{project.pk}/")
    assert page.status_code == 200
    assert 'id="declaration"' in page.content.decode()
    assert 'id="plan"' not in page.content.decode()
    client.post(f"/projects/{project.pk}/declaration/", {"conflict": "no"})
    assert 'id="plan"' in client.get(f"/projects/{project.pk}/").content.decode()


def test_an_applicant_invites_and_uninvites_a_consultant(demo, client):
    project = demo.draft("app_campus_yizhou")
    consultant = demo.user("consultant1")
    client.force_login(demo.user("app_campus_yizhou"))
    page = client.get(f"/projects/{project.pk}/").content.decode()
    # Picked from the consultancies the portal knows, not typed.
    assert f'<option value="{consultant.pk}">广西绿源低碳技术咨询有限公司 · {consultant}</option>' in page

    client.post(f"/projects/{project.pk}/consultants/", {"consultant": str(consultant.pk)})
    assert list(Notification.objects.filter(recipient=consultant, project=project)
                .values_list("title", flat=True)) == [f"「{project.name}」邀请您协助编制创建方案"]
    client.force_login(consultant)
    assert client.get(f"/projects/{project.pk}/").status_code == 200
    assert client.post(f"/projects/{project.pk}/transitions/submit/").status_code == 403

    client.force_login(demo.user("app_campus_yizhou"))
    client.post(f"/projects/{project.pk}/consultants/",
                {"consultant": str(consultant.pk), "action": "revoke"})
    client.force_login(consultant)
    assert client.get(f"/projects/{project.pk}/").status_code == 404
    assert [(e.kind, e.data_lines) for e in project.audit_entries.order_by("pk")] == [
        ("consultant_invited", [f"专业机构用户：{consultant.signature}"]),
        ("consultant_removed", [f"专业机构用户：{consultant.signature}"]),
    ]


def test_only_the_applicant_may_invite(demo, client):
    project = demo.project_in(State.COUNTY_REVIEW, county__code="jinchengjiang")
    client.force_login(demo.user("jinchengjiang_ecology"))
    response = client.post(f"/projects/{project.pk}/consultants/", {"username": "consultant1"})
    assert response.status_code == 403


def test_the_project_page_shows_client_ips_to_officials_only(demo, client):
    project = demo.project_in(State.CITY_REVIEW)
    client.force_login(demo.user(f"app_{project.category.code}_{project.county.code}"))
    assert "客户端IP" not in client.get(f"/projects/{project.pk}/").content.decode()
    client.force_login(demo.user("city_ecology"))
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "客户端IP" in page
    assert "127.0.0.1" in page


def test_an_action_that_came_too_late_says_so(demo, client):
    project = demo.project_in(State.COUNTY_REVIEW, county__code="jinchengjiang")
    client.force_login(demo.user("jinchengjiang_ecology"))
    # A colleague forwards it first; this officer's return now comes too late.
    services.fire(project, "county_forward", demo.user("jinchengjiang_ndrc"), reason="同意。")

    response = client.post(f"/projects/{project.pk}/transitions/county_return/",
                           {"reason": "请补充材料。"}, follow=True)

    # Back on the project page, where a reload does not post again.
    assert response.redirect_chain == [(f"/projects/{project.pk}/#action-county_return", 302)]
    assert ("项目当前状态为「市级审核」，不能执行「退回修改」。可能已有其他人处理了该项目，请刷新页面。"
            in response.content.decode())


@pytest.mark.parametrize("consultant", ["999999", "abc", "²", "expert1", "inactive"])
def test_a_refused_invitation_tells_nothing_about_who_exists(demo, client, consultant):
    project = demo.draft("app_campus_yizhou")
    client.force_login(demo.user("app_campus_yizhou"))
    if consultant == "expert1":
        consultant = str(demo.user("expert1").pk)
    elif consultant == "inactive":
        gone = demo.user("consultant1")
        gone.is_active = False
        gone.save(update_fields=["is_active"])
        consultant = str(gone.pk)

    response = client.post(f"/projects/{project.pk}/consultants/",
                           {"consultant": consultant, "may_submit": "on"}, follow=True)

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("无法处理该邀请，请从列表中选择专业机构用户。") == 1
    if demo.user("consultant1").is_active:  # else no one is left to pick: no form
        assert 'name="may_submit" checked' in page
    assert project.audit_entries.count() == 0


@pytest.mark.parametrize("count", [1, 3])
def test_the_notification_centre_runs_a_constant_number_of_queries(
        demo, client, django_assert_num_queries, count):
    user = demo.user("expert6")
    Notification.objects.filter(recipient=user).delete()
    project = demo.project_in(State.CITY_REVIEW)
    for i in range(count):
        Notification.objects.create(recipient=user, title=f"通知{i}", project=project)
    client.force_login(user)
    with django_assert_num_queries(6):
        page = client.get("/notifications/").content.decode()
    assert page.count(f'href="/projects/{project.pk}/"') == count


def test_the_applicant_hears_how_its_project_fares(demo, django_capture_on_commit_callbacks):
    project = demo.project_in(State.PUBLICITY)
    applicant = demo.user(f"app_{project.category.code}_{project.county.code}")
    Notification.objects.filter(project=project).delete()
    registry.prepare_for("confirm", project, {"admin": demo.user("eco_admin")})  # period over

    with django_capture_on_commit_callbacks(execute=True):
        services.fire(project, "confirm", demo.user("eco_admin"))

    assert [(n.recipient.username, n.title) for n in Notification.objects.filter(project=project)] == [
        (applicant.username, f"「{project.name}」确定为试点项目，现为「建设实施」")]


def _steps(page):
    import re

    return re.findall(r'<li class="step step-(\w+)"', page)


def test_the_timeline_highlights_the_current_step_or_how_far_it_got(demo, client):
    client.force_login(demo.user("eco_admin"))
    in_city = demo.project_in(State.CITY_REVIEW)
    assert _steps(client.get(f"/projects/{in_city.pk}/").content.decode()) == (
        ["done", "done", "current"] + ["todo"] * 8)
    cancelled = demo.project_in(State.CANCELLED)  # cancelled during construction
    assert _steps(client.get(f"/projects/{cancelled.pk}/").content.decode()) == (
        ["done"] * 8 + ["todo"] * 3)
