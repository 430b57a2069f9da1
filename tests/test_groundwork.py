"""The groundwork the second half of the lifecycle builds on: transitions that carry data,
effects of other apps inside fire(), events in the one trail, time in stage, attachments
with a purpose, reasons of sane length, one form per action, an honest API schema."""
import datetime
import json
import re

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from pilots import registry, services
from pilots.audit import record_event
from pilots.choices import State
from pilots.models import Attachment, AuditEntry, Notification, PlanVersion, Project
from pilots.selectors import waiting_for
from reviews.models import ExpertAssignment

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _snapshot(project):
    project = Project.objects.get(pk=project.pk)
    return (project.state, project.state_entered_at, project.audit_entries.count(),
            Notification.objects.filter(project=project).count(),
            list(ExpertAssignment.objects.filter(project=project)
                 .values_list("panel__scoring_deadline", flat=True)))


@pytest.fixture
def with_panel(demo):
    """A project in city review whose panel is formed (by the reviews app's demo step)."""
    project = demo.project_in(State.CITY_REVIEW)
    registry.prepare_for("start_expert_review", project, {
        "admin": demo.user("eco_admin"),
        "experts": [demo.user(u) for u in ("expert4", "expert5", "expert6")]})
    return project


def _in_days(n):
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


# --- A transition with data ---------------------------------------------------------

def test_a_transition_with_data_through_the_api_keeps_the_cleaned_data(demo, api, client,
                                                                      with_panel):
    api.force_authenticate(demo.user("city_ecology"))
    deadline = _in_days(21)

    response = api.post(f"/api/projects/{with_panel.pk}/transitions/start_expert_review/",
                        {"reason": "", "data": {"scoring_deadline": f" {deadline} "[1:-1]}},
                        format="json")

    assert response.status_code == 200
    assert response.json()["state"] == State.EXPERT_REVIEW
    entry = with_panel.audit_entries.order_by("-pk").first()
    assert (entry.kind, entry.transition, entry.data) == (
        "transition", "start_expert_review", {"scoring_deadline": deadline})
    # The reviews app's effect ran: every member of the panel scores by that day.
    assert sorted(ExpertAssignment.objects.filter(project=with_panel)
                  .values_list("panel__scoring_deadline", flat=True)) == [
        datetime.date.fromisoformat(deadline)] * 3
    history = api.get(f"/api/projects/{with_panel.pk}/history/").json()
    assert (history[-1]["kind"], history[-1]["data"], history[-1]["data_text"]) == (
        "transition", {"scoring_deadline": deadline}, [f"评分截止日期：{deadline}"])
    client.force_login(demo.user("city_ecology"))
    page = client.get(f"/projects/{with_panel.pk}/").content.decode()
    assert f"评分截止日期：{deadline}" in page


@pytest.mark.parametrize("data, field, message", [
    ({}, "scoring_deadline", "请填写评分截止日期。"),
    ({"scoring_deadline": "2026-13-45"}, "scoring_deadline", "评分截止日期格式应为年-月-日，如2026-12-31。"),
    ({"scoring_deadline": "yesterday"}, "scoring_deadline", "评分截止日期格式应为年-月-日，如2026-12-31。"),
    ({"scoring_deadline": _in_days(0)}, "scoring_deadline", "评分截止日期应晚于今天。"),
    ({"scoring_deadline": _in_days(91)}, "scoring_deadline", "评分截止日期不能晚于90天之后。"),
    ({"scoring_deadline": _in_days(10), "venue": "会议室"}, "venue", "该操作不接受此项数据。"),
])
def test_bad_data_is_refused_naming_the_field_and_changes_nothing(demo, api, with_panel, data,
                                                                 field, message):
    api.force_authenticate(demo.user("eco_admin"))
    before = _snapshot(with_panel)

    response = api.post(f"/api/projects/{with_panel.pk}/transitions/start_expert_review/",
                        {"data": data}, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": message, "data": {field: [message]}}
    assert _snapshot(with_panel) == before
    with pytest.raises(services.InvalidInput) as refused:
        services.fire(with_panel, "start_expert_review", demo.user("eco_admin"), data=data)
    assert refused.value.fields == {field: [message]}
    assert _snapshot(with_panel) == before


def test_a_transition_that_takes_no_data_refuses_any(demo, api):
    project = demo.project_in(State.COUNTY_REVIEW, county__code="jinchengjiang")
    api.force_authenticate(demo.user("jinchengjiang_ecology"))
    before = _snapshot(project)

    response = api.post(f"/api/projects/{project.pk}/transitions/county_forward/",
                        {"reason": "同意。", "data": {"score": 90}}, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": "该操作不接受附加数据。",
                               "data": {"score": ["该操作不接受此项数据。"]}}
    assert _snapshot(project) == before


def test_an_effect_runs_inside_the_transaction_and_its_failure_undoes_everything(demo):
    project = demo.project_in(State.COUNTY_REVIEW, county__code="jinchengjiang")
    officer = demo.user("jinchengjiang_ecology")
    seen = []

    def observe(p, actor, data):
        # After the state change, before the audit entry and the notifications.
        seen.append((Project.objects.get(pk=p.pk).state, p.audit_entries.count(),
                     connection.in_atomic_block))
        Notification.objects.create(recipient=actor, project=p, title="effect wrote this")

    def explode(p, actor, data):
        raise RuntimeError("the effect failed")

    before = _snapshot(project)
    registry.register_effect("county_forward")(observe)
    registry.register_effect("county_forward")(explode)
    try:
        with pytest.raises(RuntimeError, match="the effect failed"):
            services.fire(project, "county_forward", officer, reason="同意。")
    finally:
        registry.unregister_effect("county_forward", observe)
        registry.unregister_effect("county_forward", explode)

    assert seen == [(State.CITY_REVIEW, before[2], True)]
    assert _snapshot(project) == before  # state, trail, notifications: all as they were
    assert not Notification.objects.filter(title="effect wrote this").exists()


# --- Events in the same trail --------------------------------------------------------

def test_events_and_transitions_share_the_trail_oldest_first(demo, api):
    project = demo.draft("app_campus_yizhou")
    applicant = demo.user("app_campus_yizhou")
    services.invite_consultant(project, applicant, demo.user("consultant1"))
    services.fire(project, "submit", applicant)
    api.force_authenticate(demo.user("yizhou_education"))

    history = api.get(f"/api/projects/{project.pk}/history/").json()

    assert [(e["kind"], e["transition"], e["label"], e["source"], e["target"])
            for e in history] == [
        ("consultant_invited", "", "邀请专业机构", "draft", "draft"),
        ("transition", "submit", "提交申报", "draft", "county_review"),
    ]


def test_an_undeclared_event_is_refused(demo):
    project = demo.draft("app_campus_yizhou")
    with pytest.raises(ValueError, match="Undeclared event kind"):
        record_event(project, "something_happened", demo.user("eco_admin"), {})
    with pytest.raises(ValueError):
        record_event(project, "transition", demo.user("eco_admin"), {})
    assert project.audit_entries.count() == 0


# --- Time in stage ------------------------------------------------------------------

def test_only_a_transition_moves_the_time_in_stage(demo):
    project = demo.draft("app_campus_yizhou")
    applicant = demo.user("app_campus_yizhou")
    long_ago = timezone.now() - datetime.timedelta(days=40)
    Project.objects.filter(pk=project.pk).update(state_entered_at=long_ago)

    services.save_plan(project, applicant, Project.objects.get(pk=project.pk).plan)
    assert Project.objects.get(pk=project.pk).state_entered_at == long_ago

    started = timezone.now()
    services.fire(project, "submit", applicant)
    entered = Project.objects.get(pk=project.pk).state_entered_at
    assert entered >= started
    assert entered == project.audit_entries.get(kind="transition").created_at.replace(
        microsecond=entered.microsecond) or entered >= started
    # The county officer's queue reads it.
    queued = {p.pk: p.entered_at for p in waiting_for(demo.user("yizhou_education"))}
    assert queued[project.pk] == entered


def test_the_migration_fills_the_time_in_stage_from_the_trail(demo):
    project = demo.project_in(State.CITY_REVIEW)
    Project.objects.filter(pk=project.pk).update(
        state_entered_at=timezone.now() + datetime.timedelta(days=365))
    migration = __import__("pilots.migrations.0005_groundwork", fromlist=["_backfill"])

    migration._backfill(apps, None)

    last = project.audit_entries.filter(kind="transition").order_by("-created_at", "-pk").first()
    assert Project.objects.get(pk=project.pk).state_entered_at == last.created_at


# --- Attachments with a purpose, downloads on the trail --------------------------------

def test_an_attachment_has_a_purpose_an_owner_and_each_download_is_recorded(demo, client):
    project = demo.draft("app_campus_yizhou")
    applicant = demo.user("app_campus_yizhou")
    plan_file = services.add_attachment(project, applicant,
                                        SimpleUploadedFile("边界图.pdf", PDF), description="边界")
    services.fire(project, "submit", applicant)
    version = PlanVersion.objects.get(project=project)
    owned = services.store_attachment(project, applicant, SimpleUploadedFile("答复.pdf", PDF),
                                      purpose="opinion_answer", owner=version)

    assert (plan_file.purpose, plan_file.owner) == ("plan", None)
    assert (owned.purpose, owned.owner) == ("opinion_answer", version)
    client.force_login(demo.user("yizhou_education"))
    response = client.get(f"/projects/{project.pk}/attachments/{plan_file.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    download = project.audit_entries.order_by("-pk").first()
    assert (download.kind, download.actor.username, download.data_lines) == (
        "attachment_downloaded", "yizhou_education", [f"附件：边界图.pdf（{filesizeformat(len(PDF))}）"])
    assert [e.kind for e in project.audit_entries.order_by("pk")] == [
        "attachment_added", "transition", "attachment_added", "attachment_downloaded"]
    assert Attachment.objects.filter(project=project).count() == 2


# --- Reasons of sane length (B2) -------------------------------------------------------

def test_a_reason_longer_than_2000_characters_is_refused_everywhere(demo, api, client):
    project = demo.project_in(State.COUNTY_REVIEW, county__code="jinchengjiang")
    officer = demo.user("jinchengjiang_ecology")
    before = _snapshot(project)
    too_long = "长" * 2001

    with pytest.raises(services.InvalidInput) as refused:
        services.fire(project, "county_return", officer, reason=too_long)
    assert refused.value.fields == {"reason": ["理由或意见最多2000字，当前2001字。"]}

    api.force_authenticate(officer)
    response = api.post(f"/api/projects/{project.pk}/transitions/county_return/",
                        {"reason": too_long}, format="json")
    assert (response.status_code, response.json()) == (
        400, {"detail": "理由或意见最多2000字。", "reason": ["理由或意见最多2000字。"]})

    client.force_login(officer)
    page = client.post(f"/projects/{project.pk}/transitions/county_return/",
                       {"reason": too_long}, follow=True)
    assert [str(m) for m in page.context["messages"]] == ["理由或意见最多2000字，当前2001字。"]
    assert 'maxlength="2000"' in page.content.decode()
    assert _snapshot(project) == before

    services.fire(project, "county_return", officer, reason="长" * 2000)
    assert project.audit_entries.order_by("-pk").first().reason == "长" * 2000


def test_a_long_unbroken_reason_wraps_on_the_project_page(demo, client):
    project = demo.project_in(State.COUNTY_REVIEW, county__code="jinchengjiang")
    services.fire(project, "county_return", demo.user("jinchengjiang_ecology"), reason="x" * 1500)
    client.force_login(demo.user("app_region_jinchengjiang"))
    html = client.get(f"/projects/{project.pk}/").content.decode()
    assert '<td data-label="理由、意见或内容" class="longtext">' + "x" * 1500 in html
    assert '<div class="banner longtext" id="sent-back" role="status">' in html


# --- One form per action (B3) -------------------------------------------------------

FORM = re.compile(r'<form method="post" action="/projects/\d+/transitions/([a-z_]+)/".*?</form>', re.S)


def test_each_action_carries_only_its_own_inputs_and_an_opinion_is_never_dropped(demo, client):
    project = demo.project_in(State.EXPERT_REVIEW)
    # The panel scores and the admin closes scoring, as the demo does before select.
    registry.prepare_for("select", project, {"admin": demo.user("eco_admin")})
    client.force_login(demo.user("eco_admin"))
    html = client.get(f"/projects/{project.pk}/").content.decode()

    forms = {m.group(1): m.group(0) for m in FORM.finditer(html)}
    assert sorted(forms) == ["not_select", "select"]
    for name, form in forms.items():
        # Its own opinion box and its own button, nothing of the other action.
        assert f'id="reason-{name}"' in form
        assert form.count('<button type="submit"') == 1
    # not_select's generic form; select's is the card that compiles the review opinions
    # (reviews.selection): a box per opinion, one for a new one, and the opinion box.
    assert forms["not_select"].count("<textarea") == 1
    assert forms["select"].count("<textarea") == 3 + 1 + 1
    assert "意见(选填，将记入操作记录)" in forms["select"]
    assert "理由或意见(必填)" in forms["not_select"]

    client.post(f"/projects/{project.pk}/transitions/select/", {
        "reason": "特色鲜明，同意入选。", "data.opinions.1.text": "请补充数据来源。"})
    entry = project.audit_entries.order_by("-pk").first()
    assert (entry.transition, entry.reason) == ("select", "特色鲜明，同意入选。")


def test_a_draft_is_named_in_the_breadcrumb(demo, client):
    project = demo.draft("app_campus_yizhou")
    client.force_login(demo.user("app_campus_yizhou"))
    html = client.get(f"/projects/{project.pk}/").content.decode()
    assert (f'<p class="crumbs"><a href="/projects/">试点项目</a> / {project.name} '
            f'<span class="note">（未提交）</span></p>') in html


# --- Append-only, also against TRUNCATE (B13) ----------------------------------------

def test_plan_versions_are_append_only(demo):
    version = PlanVersion.objects.order_by("pk").first()
    with pytest.raises(PermissionError):
        version.save()
    with pytest.raises(PermissionError):
        PlanVersion.objects.filter(pk=version.pk).update(number=99)
    with pytest.raises(PermissionError):
        version.delete()
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("UPDATE pilots_planversion SET number = 99 WHERE id = %s", [version.pk])
    assert PlanVersion.objects.get(pk=version.pk).number == version.number


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="TRUNCATE is PostgreSQL's")
@pytest.mark.parametrize("table", ["pilots_auditentry", "pilots_planversion"])
def test_postgresql_refuses_to_truncate_the_append_only_tables(demo, table):
    count = AuditEntry.objects.count() if table == "pilots_auditentry" else PlanVersion.objects.count()
    with pytest.raises(Exception, match=f"{table} is append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        # The portal's own sessions: not in maintenance (only the test runner's flush is).
        cursor.execute("SET LOCAL hechi.audit_maintenance = 'off'")
        cursor.execute(f"TRUNCATE {table} CASCADE")
    after = AuditEntry.objects.count() if table == "pilots_auditentry" else PlanVersion.objects.count()
    assert after == count > 0


# --- The schema tells the truth (B15) --------------------------------------------------

def test_the_openapi_schema_is_true_to_the_api(demo, client):
    client.force_login(demo.user("eco_admin"))
    schema = json.loads(client.get("/api/schema/?format=json").content)
    paths = schema["paths"]

    history = paths["/api/projects/{id}/history/"]["get"]["responses"]["200"]
    body = history["content"]["application/json"]["schema"]
    assert body["type"] == "array"  # a list, not a page
    listing = paths["/api/projects/"]["get"]
    state = next(p for p in listing["parameters"] if p["name"] == "state")
    assert sorted(state["schema"]["enum"]) == sorted(s.value for s in State)
    assert set(listing["responses"]) == {"200", "400", "401"}
    transition = paths["/api/projects/{id}/transitions/{name}/"]["post"]
    assert set(transition["responses"]) == {"200", "400", "401", "403", "404", "409"}
    request = schema["components"]["schemas"]["TransitionRequest"]["properties"]
    assert set(request) == {"reason", "data"}
    assert request["reason"]["maxLength"] == 2000


def test_notifications_are_worded_in_the_portals_language_whatever_the_actor_speaks(demo, client):
    project = demo.project_in(State.COUNTY_REVIEW, county__code="jinchengjiang")
    applicant = demo.user(f"app_{project.category.code}_jinchengjiang")
    client.force_login(demo.user("jinchengjiang_ecology"))
    client.cookies["django_language"] = "en"

    response = client.post(f"/projects/{project.pk}/transitions/county_return/",
                           {"reason": "请补充材料。"}, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["Done: Return for revision"]
    note = Notification.objects.filter(project=project, recipient=applicant).latest("pk")
    assert note.title == f"「{project.name}」退回修改，现为「已退回」"


# --- Deactivated accounts can still be taken off -----------------------------------

def test_a_deactivated_expert_can_be_taken_off_and_does_not_count(demo, client, with_panel):
    gone = demo.user("expert4")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    admin = demo.user("eco_admin")
    # Two active members of three: the panel is short of one.
    with pytest.raises(services.NotAllowedNow, match="至少需要指派3名专家"):
        services.fire(with_panel, "start_expert_review", admin,
                      data={"scoring_deadline": _in_days(10)})

    client.force_login(admin)
    response = client.post(f"/projects/{with_panel.pk}/panel/",
                           {"action": "remove", "expert": str(gone.pk)}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [f"已将{gone}移出专家组。"]
    assert sorted(ExpertAssignment.objects.filter(project=with_panel)
                  .values_list("expert__username", flat=True)) == ["expert5", "expert6"]


def test_a_deactivated_consultants_invitation_can_be_taken_back(demo, client):
    from guardian.models import UserObjectPermission

    project = demo.draft("app_campus_yizhou")
    applicant = demo.user("app_campus_yizhou")
    consultant = demo.user("consultant1")
    services.invite_consultant(project, applicant, consultant, may_submit=True)
    consultant.is_active = False
    consultant.save(update_fields=["is_active"])
    client.force_login(applicant)

    client.post(f"/projects/{project.pk}/consultants/",
                {"action": "revoke", "consultant": str(consultant.pk)})

    assert not UserObjectPermission.objects.filter(user=consultant,
                                                   object_pk=str(project.pk)).exists()
    assert project.audit_entries.order_by("-pk").first().kind == "consultant_removed"


# --- The API's 400s have one shape --------------------------------------------------

@pytest.mark.parametrize("body, expected", [
    ({"reason": "请补充。", "data": [1]}, {"detail": "数据格式无效：data 应为对象(键值对)。"}),
    ([], None),
    ({"reason": ["x"]}, None),
])
def test_every_bad_transition_request_answers_with_a_detail(demo, api, body, expected):
    project = demo.project_in(State.COUNTY_REVIEW, county__code="jinchengjiang")
    api.force_authenticate(demo.user("jinchengjiang_ecology"))

    response = api.post(f"/api/projects/{project.pk}/transitions/county_return/", body,
                        format="json")

    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)
    if expected is not None:
        assert response.json() == expected
    assert Project.objects.get(pk=project.pk).state == State.COUNTY_REVIEW
