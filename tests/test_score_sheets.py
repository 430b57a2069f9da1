"""Independent scoring: each expert's score sheet (draft, submit, reopen), what each person
may read of the others' sheets, and the panel's results page worked out by hand."""
import json
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from pilots.errors import InvalidInput, NotAllowedNow, NotPermitted
from pilots.models import AuditEntry
from reviews import sheets
from reviews.models import ExpertAssignment, ScoreSheet, SheetStatus
from reviews.rubrics import update_rubric

# Secret-looking texts, so a leak is unmistakable in any response body.
OPINION_1 = "专家一意见：光伏装机容量测算依据不足"
OPINION_2 = "专家二意见：建议补充校园能源管理平台"


@pytest.fixture
def project(demo):
    project = demo.project_in("expert_review", category__code="campus")
    # Declared: the declaration service (another piece) sets the same field.
    ExpertAssignment.objects.filter(project=project).update(declared_at=timezone.now())
    return project


def _assignment(project, username):
    return ExpertAssignment.objects.select_related("project", "expert").get(
        project=project, expert__username=username)


def _sheet(demo, project, username):
    return sheets.sheet_for(_assignment(project, username))


def _path(project):
    return sheets.plan_paths(project)[0][0]


FULL = {"distinctive": "25", "indicators": "27.5", "replication": "16", "feasibility": "18"}


def _submitted(demo, project, username, scores=FULL, opinions=(OPINION_1,)):
    sheet = _sheet(demo, project, username)
    expert = demo.user(username)
    sheets.save_draft(sheet, expert, scores=scores,
                      opinions=[{"text": text} for text in opinions])
    return sheets.submit(sheet, expert)


def _body(response):
    return response.content.decode()


# --- Saving a draft ----------------------------------------------------------------------

def test_a_draft_keeps_scores_and_renumbered_opinions(demo, project):
    sheet = _sheet(demo, project, "expert1")
    path = _path(project)
    sheets.save_draft(sheet, demo.user("expert1"), scores={"distinctive": 25.5, "indicators": "30"},
                      opinions=[{"text": " 第一条 ", "plan_path": path}, {"text": "第二条"}])
    sheet.refresh_from_db()
    assert sheet.scores == {"distinctive": "25.5", "indicators": "30"}
    assert sheet.status == SheetStatus.DRAFT
    assert [(o.number, o.text, o.plan_path) for o in sheet.opinions.all()] == [
        (1, "第一条", path), (2, "第二条", "")]
    assert sheet.rubric.criteria.count() == 4  # the batch's selection rubric, by default


@pytest.mark.parametrize(("scores", "opinions", "field", "message"), [
    ({"distinctive": "31"}, [], "scores.distinctive", "「特色鲜明」的得分应在0至30分之间，最多两位小数。"),
    ({"distinctive": "-1"}, [], "scores.distinctive", "「特色鲜明」的得分应在0至30分之间，最多两位小数。"),
    ({"distinctive": "12.345"}, [], "scores.distinctive",
     "「特色鲜明」的得分应在0至30分之间，最多两位小数。"),
    ({"beauty": "5"}, [], "scores.beauty", "评分标准中没有此评分项。"),
    ({}, [{"text": "好"}, {"text": "  "}], "opinions.2.text", "请填写第2条意见。"),
    ({}, [{"text": "长" * 2001}], "opinions.1.text", "第1条意见不能超过2000个字。"),
    ({}, [{"text": "好", "plan_path": "tasks.nothing"}], "opinions.1.plan_path",
     "第1条意见指向的方案位置不存在，请从方案内容中选择。"),
])
def test_bad_input_is_refused_naming_the_field_and_nothing_changes(
        demo, project, scores, opinions, field, message):
    sheet = _sheet(demo, project, "expert1")
    expert = demo.user("expert1")
    sheets.save_draft(sheet, expert, scores={"distinctive": "20"}, opinions=[{"text": "原意见"}])
    with pytest.raises(InvalidInput) as refused:
        sheets.save_draft(sheet, expert, scores={"indicators": "10", **scores},
                          opinions=opinions or [{"text": "新意见"}])
    assert refused.value.fields == {field: [message]}
    sheet.refresh_from_db()
    assert sheet.scores == {"distinctive": "20"}
    assert [o.text for o in sheet.opinions.all()] == ["原意见"]


def test_only_the_sheets_expert_may_change_it(demo, project):
    sheet = _sheet(demo, project, "expert1")
    for username in ("expert2", "eco_admin"):
        with pytest.raises(NotPermitted):
            sheets.save_draft(sheet, demo.user(username), scores={}, opinions=[])


def test_an_undeclared_expert_gets_no_sheet(demo, project):
    ExpertAssignment.objects.filter(project=project, expert__username="expert1").update(
        declared_at=None)
    with pytest.raises(NotPermitted):
        _sheet(demo, project, "expert1")
    assert not ScoreSheet.objects.filter(assignment__project=project).exists()


# --- Submitting, locking, reopening ----------------------------------------------------------

def test_submit_needs_every_criterion_and_an_opinion(demo, project):
    sheet = _sheet(demo, project, "expert1")
    locked_before = sheet.rubric.locked_at
    expert = demo.user("expert1")
    sheets.save_draft(sheet, expert, scores={"distinctive": "25"}, opinions=[])
    with pytest.raises(InvalidInput) as refused:
        sheets.submit(sheet, expert)
    assert refused.value.fields == {
        "scores.indicators": ["请为「指标设置科学」打分。"],
        "scores.replication": ["请为「有复制推广价值」打分。"],
        "scores.feasibility": ["请为「可操作性」打分。"],
        "opinions": ["请至少填写一条评审意见。"],
    }
    sheet.refresh_from_db()
    # The demo's selected projects already locked their categories' rubrics: unchanged here.
    assert (sheet.status, sheet.submitted_at, sheet.rubric.locked_at) == ("draft", None,
                                                                          locked_before)


def test_submitting_locks_the_rubric_and_the_sheet_until_the_admin_reopens_it(demo, project):
    admin, expert = demo.user("eco_admin"), demo.user("expert1")
    sheet = _submitted(demo, project, "expert1")
    sheet.refresh_from_db()
    assert sheet.status == "submitted" and sheet.submitted_at is not None
    rubric = sheet.rubric
    rubric.refresh_from_db()
    assert rubric.locked_at is not None
    with pytest.raises(NotAllowedNow) as locked:
        update_rubric(rubric, admin, pass_line="60", excellent_line="85", criteria=[
            {"id": c.pk, "code": c.code, "name": c.name, "weight": c.weight}
            for c in rubric.criteria.all()])
    assert locked.value.message == "评分标准已锁定：已有专家提交评分表，不能再修改。"

    with pytest.raises(NotAllowedNow) as final:
        sheets.save_draft(sheet, expert, scores={"distinctive": "1"}, opinions=[{"text": "改"}])
    assert final.value.message == "评分表已提交，不能再修改；如需修改，请联系市生态环境局退回。"
    with pytest.raises(NotPermitted):
        sheets.reopen(sheet, demo.user("city_education"), reason="分数有误")
    with pytest.raises(InvalidInput) as no_reason:
        sheets.reopen(sheet, admin, reason="  ")
    assert no_reason.value.fields == {"reason": ["请填写退回理由。"]}

    sheets.reopen(sheet, admin, reason="请核对指标分")
    sheet.refresh_from_db()
    assert (sheet.status, sheet.submitted_at) == ("draft", None)
    entry = AuditEntry.objects.filter(project=project).order_by("-pk").first()
    assert (entry.kind, entry.actor, entry.reason, entry.data) == (
        "score_sheet_reopened", admin, "请核对指标分", {"sheet": sheet.pk})
    assert expert.notifications.filter(title=f"您对「{project.name}」的评分表已被退回").count() == 1
    sheets.save_draft(sheet, expert, scores={**FULL, "indicators": "20"},
                      opinions=[{"text": "改后意见"}])
    sheet.refresh_from_db()
    assert sheet.scores["indicators"] == "20"


def test_the_trail_records_the_submission_without_scores_or_opinions(demo, project):
    _submitted(demo, project, "expert1")
    entry = AuditEntry.objects.get(project=project, kind="score_sheet_submitted")
    assert (entry.actor.username, entry.data, entry.reason) == ("expert1", {}, "")


# --- Independence ---------------------------------------------------------------------------

def _leaks(text):
    return [secret for secret in (OPINION_1, "27.5", "22.5") if secret in text]


def test_before_submitting_an_expert_gets_nothing_of_the_others(demo, project, client, api):
    _submitted(demo, project, "expert1")
    own = _sheet(demo, project, "expert2")
    sheets.save_draft(own, demo.user("expert2"), scores={"distinctive": "20"},
                      opinions=[{"text": OPINION_2}])
    expert2 = demo.user("expert2")
    assert list(sheets.sheets_visible_to(expert2, project)) == [own]
    assert list(sheets.opinions_visible_to(expert2, project).values_list("text", flat=True)) == [
        OPINION_2]

    client.force_login(expert2)
    pages = [reverse("review-sheet", args=[own.assignment_id]),
             reverse("project-detail", args=[project.pk])]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        assert _leaks(_body(response)) == []
    other = _assignment(project, "expert1")
    assert client.get(reverse("review-sheet", args=[other.pk])).status_code == 404
    assert client.get(reverse("review-results", args=[project.pk])).status_code == 403

    api.force_authenticate(expert2)
    response = api.get(f"/api/reviews/assignments/{own.assignment_id}/sheet/")
    assert response.status_code == 200
    assert response.json()["others"] == []
    assert response.json()["opinions"] == [{"number": 1, "text": OPINION_2, "plan_path": ""}]
    for url in (f"/api/reviews/assignments/{other.pk}/sheet/",
                f"/api/reviews/assignments/{other.pk}/sheet/submit/"):
        answered = api.get(url) if url.endswith("sheet/") else api.post(url)
        assert answered.status_code == 404
        assert _leaks(answered.content.decode()) == []
    for url in (f"/api/projects/{project.pk}/", f"/api/projects/{project.pk}/history/"):
        assert _leaks(api.get(url).content.decode()) == []


def test_after_submitting_an_expert_sees_the_others_opinions_and_scores(demo, project, client, api):
    """As pretalx does by default: another reviewer's review shows once one's own is in."""
    _submitted(demo, project, "expert1")
    own = _submitted(demo, project, "expert2", scores={**FULL, "indicators": "22.5"},
                     opinions=(OPINION_2,))
    client.force_login(demo.user("expert2"))
    page = _body(client.get(reverse("review-sheet", args=[own.assignment_id])))
    assert OPINION_1 in page and "27.5" in page
    api.force_authenticate(demo.user("expert2"))
    others = api.get(f"/api/reviews/assignments/{own.assignment_id}/sheet/").json()["others"]
    assert others == [{"expert": str(demo.user("expert1")), "scores": FULL, "total": "86.5",
                       "opinions": [{"number": 1, "text": OPINION_1, "plan_path": ""}]}]
    # expert3 has not submitted: still nothing.
    assert list(sheets.sheets_visible_to(demo.user("expert3"), project)) == []


def test_the_applicant_never_sees_scores_or_who_wrote_an_opinion(demo, project, client, api):
    _submitted(demo, project, "expert1")
    applicant = demo.user("app_campus_jinchengjiang")
    assert list(sheets.sheets_visible_to(applicant, project)) == []
    client.force_login(applicant)
    page = _body(client.get(reverse("project-detail", args=[project.pk])))
    assert "专家提交评分表" in page  # the event is on the trail...
    assert _leaks(page) == []  # ...with nothing of the sheet
    assert client.get(reverse("review-results", args=[project.pk])).status_code == 403
    api.force_authenticate(applicant)
    history = api.get(f"/api/projects/{project.pk}/history/").json()
    submitted = [e for e in history if e["kind"] == "score_sheet_submitted"]
    assert [(e["data"], e["data_text"], e["reason"]) for e in submitted] == [({}, [], "")]
    assert _leaks(json.dumps(history, ensure_ascii=False)) == []


# --- API --------------------------------------------------------------------------------------

def test_the_api_saves_refuses_and_submits(demo, project, api):
    assignment = _assignment(project, "expert1")
    api.force_authenticate(demo.user("expert1"))
    url = f"/api/reviews/assignments/{assignment.pk}/sheet/"
    refused = api.put(url, {"scores": {"distinctive": 40, "beauty": 1},
                            "opinions": [{"text": ""}]}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"detail": "评分表有误，请按提示更正，尚未保存。", "fields": {
        "scores.distinctive": ["「特色鲜明」的得分应在0至30分之间，最多两位小数。"],
        "scores.beauty": ["评分标准中没有此评分项。"],
        "opinions.1.text": ["请填写第1条意见。"]}}
    saved = api.put(url, {"scores": {"distinctive": 25, "indicators": 27.5, "replication": 16,
                                     "feasibility": 18},
                          "opinions": [{"text": OPINION_1, "plan_path": _path(project)}]},
                    format="json")
    assert saved.status_code == 200
    assert (saved.json()["status"], saved.json()["total"], saved.json()["scores"]) == (
        "draft", "86.5", FULL)
    done = api.post(url + "submit/")
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["editable"]) == ("submitted", False)
    again = api.put(url, {"scores": {}, "opinions": []}, format="json")
    assert again.status_code == 409
    assert again.json() == {"detail": "评分表已提交，不能再修改；如需修改，请联系市生态环境局退回。"}


def test_the_api_asks_an_undeclared_expert_to_declare_first(demo, project, api):
    assignment = _assignment(project, "expert1")
    ExpertAssignment.objects.filter(pk=assignment.pk).update(declared_at=None)
    api.force_authenticate(demo.user("expert1"))
    response = api.get(f"/api/reviews/assignments/{assignment.pk}/sheet/")
    assert (response.status_code, response.json()) == (
        403, {"detail": "请先声明与本项目无利益冲突，再评分。"})


def test_the_sheet_api_is_in_the_schema(demo, client):
    client.force_login(demo.user("eco_admin"))
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/reviews/assignments/{id}/sheet/" in schema
    assert "/api/reviews/assignments/{id}/sheet/submit/" in schema


# --- Pages -------------------------------------------------------------------------------------

def test_the_expert_scores_on_its_page_without_javascript(demo, project, client):
    assignment = _assignment(project, "expert1")
    client.force_login(demo.user("expert1"))
    detail = _body(client.get(reverse("project-detail", args=[project.pk])))
    url = reverse("review-sheet", args=[assignment.pk])
    assert f'href="{url}"' in detail
    path = _path(project)
    form = {f"score_{code}": value for code, value in FULL.items()}
    # Add an opinion row (saves), then a second one, then remove the first.
    response = client.post(url, {**form, "opinion_text": ["第一条"], "opinion_path": [path],
                                 "action": "add_opinion"})
    assert response.status_code == 302 and response["Location"] == url + "#new-opinion"
    client.post(url, {**form, "opinion_text": ["第一条", "第二条"], "opinion_path": [path, ""],
                      "action": "save"})
    client.post(url, {**form, "opinion_text": ["第一条", "第二条", ""],
                      "opinion_path": [path, "", ""], "remove_opinion": "1"})
    sheet = ScoreSheet.objects.get(assignment=assignment)
    assert [(o.number, o.text, o.plan_path) for o in sheet.opinions.all()] == [(1, "第二条", "")]
    # A bad score comes back next to its box, with what was typed; nothing saved.
    bad = client.post(url, {**form, "score_distinctive": "35", "opinion_text": ["改了"],
                            "opinion_path": [""], "action": "save"})
    assert bad.status_code == 400
    assert "「特色鲜明」的得分应在0至30分之间，最多两位小数。" in _body(bad)
    assert 'value="35"' in _body(bad) and "改了" in _body(bad)
    assert [o.text for o in sheet.opinions.all()] == ["第二条"]
    # Submitting needs the confirmation box.
    unconfirmed = client.post(url, {**form, "opinion_text": ["第二条"], "opinion_path": [""],
                                    "action": "submit"})
    assert "请勾选确认后再提交：提交后不能再修改。" in _body(unconfirmed)
    sheet.refresh_from_db()
    assert sheet.status == "draft"
    client.post(url, {**form, "opinion_text": ["第二条"], "opinion_path": [""],
                      "action": "submit", "confirm": "1"})
    sheet.refresh_from_db()
    assert sheet.status == "submitted"
    page = _body(client.get(url))
    assert 'id="sheet-form"' not in page and "86.5" in page


# --- Results ----------------------------------------------------------------------------------

def test_the_results_page_worked_out_by_hand(demo, project, client):
    # expert1: 25 + 27.5 + 16 + 18 = 86.5; expert2: 20 + 20 + 10 + 10 = 60;
    # expert3: 15 + 12 + 8 + 9.5 = 44.5. Mean (86.5 + 60 + 44.5) / 3 = 63.666… → 63.67,
    # no trimmed mean under five sheets; spread 86.5 − 44.5 = 42 > 20: flagged; 63.67 ≥ 60: 通过.
    _submitted(demo, project, "expert1")
    _submitted(demo, project, "expert2", scores={"distinctive": "20", "indicators": "20",
                                                   "replication": "10", "feasibility": "10"},
               opinions=(OPINION_2,))
    _submitted(demo, project, "expert3", scores={"distinctive": "15", "indicators": "12",
                                                   "replication": "8", "feasibility": "9.5"},
               opinions=("专家三意见",))
    context = sheets.results_of(project)
    assert [row["total"] for row in context["rows"]] == [D("86.5"), D("60"), D("44.5")]
    client.force_login(demo.user("city_education"))
    page = _body(client.get(reverse("review-results", args=[project.pk])))
    assert '<dd id="mean">63.67</dd>' in page
    assert '<dd id="score">63.67</dd>' in page
    assert '<dd id="sheets-count">3/3</dd>' in page
    assert 'id="spread-flag"' in page and '<dd id="grade">通过' in page
    assert "不适用（少于5份评分表）" in page
    for total in ('class="total">86.50<', 'class="total">60.00<', 'class="total">44.50<'):
        assert total in page
    assert OPINION_1 in page and OPINION_2 in page and "专家三意见" in page
    assert 'id="waiting"' not in page


def test_the_results_page_names_who_has_not_submitted(demo, project, client):
    _submitted(demo, project, "expert1")
    client.force_login(demo.user("eco_admin"))
    page = _body(client.get(reverse("review-results", args=[project.pk])))
    assert f'<p id="waiting">尚未提交：{demo.user("expert2")}、{demo.user("expert3")}</p>' in page
    assert '<dd id="sheets-count">1/3</dd>' in page and '<dd id="mean">86.50</dd>' in page


@pytest.mark.parametrize("count", [1, 3])
def test_the_results_page_runs_a_fixed_number_of_queries(
        demo, project, client, count, django_assert_num_queries):
    for username in ("expert1", "expert2", "expert3")[:count]:
        _submitted(demo, project, username)
    client.force_login(demo.user("eco_admin"))
    url = reverse("review-results", args=[project.pk])
    with django_assert_num_queries(14):  # 13, and whether scoring was closed (reviews.closing)
        assert client.get(url).status_code == 200


# --- Who sees what: the scoring card and the results page ---------------------------------------

@pytest.mark.parametrize(("username", "card", "results"), [
    ("expert1", "sheet", 403),  # a declared panel member: its sheet, not the results
    ("expert4", None, 404),  # not on the panel: the project is not even found
    ("app_campus_jinchengjiang", None, 403),
    ("jinchengjiang_education", None, 403),  # the county officer
    ("city_education", "results", 200),  # the category's city officer, who formed the panel
    ("city_industry", None, 404),  # another category's city officer
    ("eco_admin", "results", 200),
])
def test_the_scoring_card_and_the_results_page_by_role(demo, project, client, username, card,
                                                       results):
    client.force_login(demo.user(username))
    detail = client.get(reverse("project-detail", args=[project.pk]))
    page = _body(detail) if detail.status_code == 200 else ""
    shown = ("sheet" if 'id="sheet-link"' in page else "results" if 'id="results-link"' in page
             else None)
    assert shown == card
    assert client.get(reverse("review-results", args=[project.pk])).status_code == results


def test_an_undeclared_expert_has_no_scoring_card_and_no_sheet_page(demo, project, client):
    assignment = _assignment(project, "expert1")
    ExpertAssignment.objects.filter(pk=assignment.pk).update(declared_at=None)
    client.force_login(demo.user("expert1"))
    assert 'id="sheet-link"' not in _body(client.get(reverse("project-detail", args=[project.pk])))
    assert client.get(reverse("review-sheet", args=[assignment.pk])).status_code == 403
    assert not ScoreSheet.objects.filter(assignment=assignment).exists()


def test_the_admin_reopens_a_sheet_from_the_results_page(demo, project, client):
    sheet = _submitted(demo, project, "expert1")
    url = reverse("review-sheet-reopen", args=[project.pk, sheet.pk])
    client.force_login(demo.user("city_education"))
    assert client.post(url, {"reason": "分数有误"}).status_code == 403
    client.force_login(demo.user("eco_admin"))
    page = _body(client.post(url, {"reason": ""}, follow=True))
    assert "请填写退回理由。" in page
    page = _body(client.post(url, {"reason": "请核对指标分"}, follow=True))
    assert "评分表已退回专家修改。" in page and '<dd id="sheets-count">0/3</dd>' in page
    sheet.refresh_from_db()
    assert sheet.status == "draft"
    assert AuditEntry.objects.filter(project=project, kind="score_sheet_reopened",
                                     reason="请核对指标分").count() == 1


def test_an_opinion_shows_the_plan_row_it_points_at(demo, project, client):
    path, label = sheets.plan_paths(project)[0]
    sheet = _sheet(demo, project, "expert1")
    sheets.save_draft(sheet, demo.user("expert1"), scores=FULL,
                      opinions=[{"text": OPINION_1, "plan_path": path}])
    sheets.submit(sheet, demo.user("expert1"))
    client.force_login(demo.user("eco_admin"))
    page = _body(client.get(reverse("review-results", args=[project.pk])))
    assert f'{OPINION_1} <span class="note">（{label}）</span>' in page


def test_the_work_queue_leads_a_declared_expert_to_its_sheet(demo, project, client):
    first, second = _assignment(project, "expert1"), _assignment(project, "expert2")
    ExpertAssignment.objects.filter(pk=second.pk).update(declared_at=None)
    client.force_login(demo.user("expert1"))
    assert (f'<a href="{reverse("review-sheet", args=[first.pk])}" class="queue-link">填写评分表</a>'
            in _body(client.get("/")))
    client.force_login(demo.user("expert2"))  # (its sheets on reviews' demo panels lead on)
    assert f'{reverse("review-sheet", args=[second.pk])}" class="queue-link"' \
        not in _body(client.get("/"))


@pytest.mark.parametrize("count", [1, 3])
def test_the_sheet_page_runs_a_fixed_number_of_queries(
        demo, project, client, count, django_assert_num_queries):
    opinions = [f"意见{i}" for i in range(count)]
    _submitted(demo, project, "expert1", opinions=opinions)
    own = _submitted(demo, project, "expert2", opinions=opinions)
    if count == 3:
        _submitted(demo, project, "expert3", opinions=opinions)
    client.force_login(demo.user("expert2"))
    url = reverse("review-sheet", args=[own.assignment_id])
    with django_assert_num_queries(15):
        page = _body(client.get(url))
    assert page.count("意见0") == (2 if count == 1 else 3)
