"""Closing scoring, compiling the review opinions into ``select``, and the score sheet as xlsx
(issue 7 items 6 and 7 for selection)."""
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pilots.choices import State
from pilots.errors import NotAllowedNow, NotPermitted
from pilots.models import AuditEntry, Project
from pilots.selectors import projects_visible_to
from reviews import closing, sheets
from reviews.models import ExpertAssignment, ReviewOpinion, ScoreSheet, ScoringClosure

NOT_CLOSED = "专家评分尚未结束，请先结束评分。"
SCORES = {  # distinctive 30, indicators 30, replication 20, feasibility 20
    "expert1": {"distinctive": "25", "indicators": "24.5", "replication": "16",
                "feasibility": "18"},  # 83.5
    "expert2": {"distinctive": "27", "indicators": "26", "replication": "17",
                "feasibility": "19"},  # 89
    "expert3": {"distinctive": "20", "indicators": "21", "replication": "15",
                "feasibility": "14"},  # 70
}


@pytest.fixture
def project(demo):
    """The demo project under expert review: expert1..3 on its panel, declared, no sheet."""
    return demo.project_in(State.EXPERT_REVIEW)


def _assignment(demo, project, username):
    return ExpertAssignment.objects.get(project=project, expert=demo.user(username))


def _draft(demo, project, username, opinion=None):
    expert = demo.user(username)
    sheet = sheets.sheet_for(_assignment(demo, project, username))
    sheets.save_draft(sheet, expert, scores=SCORES[username], opinions=[
        {"text": opinion or f"{username}的意见：请细化分年度目标。", "plan_path": ""}])
    return sheet


def _submitted(demo, project, username, opinion=None):
    sheet = _draft(demo, project, username, opinion)
    return sheets.submit(sheet, demo.user(username))


def _all_submitted_and_closed(demo, project):
    for username in ("expert1", "expert2", "expert3"):
        _submitted(demo, project, username)
    closing.close_scoring(project, demo.user("eco_admin"))


def _state(project):
    project = Project.objects.get(pk=project.pk)
    return (project.state, project.audit_entries.count(),
            ReviewOpinion.objects.filter(project=project).count())


def _select(api, user, project, data):
    api.force_authenticate(user)
    return api.post(f"/api/projects/{project.pk}/transitions/select/", {"data": data},
                    format="json")


# --- Closing scoring ----------------------------------------------------------------------

def test_select_and_not_select_are_refused_before_scoring_is_closed(demo, api, project):
    for username in ("expert1", "expert2", "expert3"):
        _submitted(demo, project, username)
    before = _state(project)

    response = _select(api, demo.user("eco_admin"), project,
                       {"opinions": [{"text": "请补充基准年数据来源。"}]})

    assert (response.status_code, response.json()) == (409, {"detail": NOT_CLOSED})
    api.force_authenticate(demo.user("eco_admin"))
    response = api.post(f"/api/projects/{project.pk}/transitions/not_select/",
                        {"reason": "复制推广价值有限。"}, format="json")
    assert (response.status_code, response.json()) == (409, {"detail": NOT_CLOSED})
    assert _state(project) == before


def test_closing_is_refused_while_a_member_has_not_submitted_naming_who(demo, client, project):
    _submitted(demo, project, "expert1")
    _submitted(demo, project, "expert2")
    _draft(demo, project, "expert3")
    expert3 = demo.user("expert3")
    message = (f"以下专家尚未提交评分表：{expert3}。请等待其提交，或填写理由将其移出专家组。")

    with pytest.raises(NotAllowedNow) as refused:
        closing.close_scoring(project, demo.user("eco_admin"))
    assert refused.value.message == message

    client.force_login(demo.user("eco_admin"))
    page = client.post(reverse("review-close", args=[project.pk]), {
        f"remove_{expert3.pk}": "  "}, follow=True).content.decode()
    assert message in page
    assert ScoringClosure.objects.filter(project=project).count() == 0
    assert _assignment(demo, project, "expert3").sheet.scores == SCORES["expert3"]


def test_only_the_ecology_admin_closes_scoring(demo, client, project):
    for username in ("expert1", "expert2", "expert3"):
        _submitted(demo, project, username)
    with pytest.raises(NotPermitted):
        closing.close_scoring(project, demo.user("city_education"))
    client.force_login(demo.user("city_education"))
    assert client.post(reverse("review-close", args=[project.pk])).status_code == 403
    assert ScoringClosure.objects.filter(project=project).count() == 0


def test_removing_a_member_needs_enough_sheets_left(demo, project):
    _submitted(demo, project, "expert1")
    _submitted(demo, project, "expert2")
    expert3 = demo.user("expert3")

    with pytest.raises(NotAllowedNow) as refused:
        closing.close_scoring(project, demo.user("eco_admin"), removals={expert3: "出差无法评审"})

    assert refused.value.message == "提交评分表的专家不足3名，不能结束评分。"
    assert ExpertAssignment.objects.filter(project=project).count() == 3


def test_closing_after_removing_the_member_with_a_reason(demo, client, project):
    project.batch.expert_panel_min_size = 2
    project.batch.save(update_fields=["expert_panel_min_size"])
    _submitted(demo, project, "expert1")
    _submitted(demo, project, "expert2")
    draft = _draft(demo, project, "expert3")
    expert3 = demo.user("expert3")
    admin = demo.user("eco_admin")
    reason = "该专家长期出差，无法在截止日期前评分。"

    client.force_login(admin)
    page = client.post(reverse("review-close", args=[project.pk]),
                       {f"remove_{expert3.pk}": reason}, follow=True).content.decode()

    assert "评分已结束" in page and 'id="close-scoring"' not in page
    closure = ScoringClosure.objects.get(project=project)
    assert (closure.kind, closure.closed_by) == ("selection", admin)
    assert not ExpertAssignment.objects.filter(project=project, expert=expert3).exists()
    assert not ScoreSheet.objects.filter(pk=draft.pk).exists()
    assert not projects_visible_to(expert3).filter(pk=project.pk).exists()
    removed, closed = AuditEntry.objects.filter(project=project).order_by("-pk")[:2][::-1]
    assert (removed.kind, removed.actor, removed.reason, removed.data) == (
        "panel_member_removed", admin, reason, {"expert_id": expert3.pk, "name": str(expert3)})
    # (83.5 + 89) / 2 = 86.25
    assert (closed.kind, closed.data) == (
        "scoring_closed", {"kind": "selection", "sheets": 2, "score": "86.25"})
    history = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    assert "移出评审专家" in history and reason in history
    assert "结束专家评分" in history and "专家组得分：86.25" in history


def test_a_sheet_is_not_reopened_once_scoring_is_closed(demo, project):
    _all_submitted_and_closed(demo, project)
    sheet = _assignment(demo, project, "expert1").sheet

    with pytest.raises(NotAllowedNow) as refused:
        sheets.reopen(sheet, demo.user("eco_admin"), reason="请复核第二项得分。")

    assert refused.value.message == "评分已结束，不能退回评分表。"
    assert ScoreSheet.objects.get(pk=sheet.pk).submitted


# --- Compiling the opinions into select ----------------------------------------------------

def test_the_admin_compiles_the_opinions_and_selects(demo, client, project):
    _all_submitted_and_closed(demo, project)
    admin = demo.user("eco_admin")
    path, _label = sheets.plan_paths(project)[0]
    client.force_login(admin)

    page = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    assert 'id="compiled-opinions"' in page
    assert page.count('name="data.opinions.') == 2 * 4  # three experts' opinions and a new row
    assert "expert2的意见：请细化分年度目标。</textarea>" in page
    assert 'class="action" id="action-select"' not in page  # no generic form for select

    response = client.post(f"/projects/{project.pk}/transitions/select/", {
        "data.opinions.2.text": "分年度减排目标应与投资安排对应。",
        "data.opinions.2.plan_path": "",
        "data.opinions.1.text": "请补充基准年能源消费数据的统计来源。",
        "data.opinions.1.plan_path": path,
        "data.opinions.3.text": "",  # emptied on the page: taken out
        "data.opinions.3.plan_path": "",
    })

    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).state == State.REVISION
    assert list(ReviewOpinion.objects.filter(project=project)
                .values_list("number", "text", "plan_path", "compiled_by")) == [
        (1, "请补充基准年能源消费数据的统计来源。", path, admin.pk),
        (2, "分年度减排目标应与投资安排对应。", "", admin.pk)]
    entry = AuditEntry.objects.filter(project=project).order_by("-pk").first()
    assert (entry.transition, entry.data) == ("select", {"opinions": [
        {"text": "请补充基准年能源消费数据的统计来源。", "plan_path": path},
        {"text": "分年度减排目标应与投资安排对应。", "plan_path": ""}]})
    history = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    assert ("评审指导意见2条：<br>1. 请补充基准年能源消费数据的统计来源。<br>"
            "2. 分年度减排目标应与投资安排对应。") in history


def test_only_the_ecology_admin_gets_the_compiling_card_and_only_once_closed(
        demo, client, project):
    url = reverse("project-detail", args=[project.pk])
    client.force_login(demo.user("eco_admin"))
    assert 'id="compiled-opinions"' not in client.get(url).content.decode()
    _all_submitted_and_closed(demo, project)
    assert 'id="compiled-opinions"' in client.get(url).content.decode()
    for username in ("expert1", *[u.username for u in demo.users()
                                  if u.organisation_id == project.applicant_id]):
        client.force_login(demo.user(username))
        page = client.get(url)
        assert page.status_code == 200
        assert 'id="compiled-opinions"' not in page.content.decode(), username


@pytest.mark.parametrize(("data", "fields"), [
    ({"opinions": [{"text": "好"}, {"text": "长" * 2001}]},
     {"opinions.2.text": ["第2条意见不能超过2000个字。"]}),
    ({"opinions": [{"text": "请补充。", "plan_path": "no.such.row"}]},
     {"opinions.1.plan_path": ["第1条意见指向的方案位置不存在，请从方案内容中选择。"]}),
    ({"opinions": []}, {"opinions": ["请至少填写一条评审指导意见。"]}),
    ({"opinions": [{"text": "请补充。", "author": "expert1"}]},
     {"opinions.1.author": ["意见不接受此项数据。"]}),
    ({"opinions": [{"text": "请补充。"}], "score": 90}, {"score": ["该操作不接受此项数据。"]}),
])
def test_bad_opinions_are_refused_naming_the_field(demo, api, project, data, fields):
    _all_submitted_and_closed(demo, project)
    before = _state(project)

    response = _select(api, demo.user("eco_admin"), project, data)

    assert response.status_code == 400
    assert response.json()["data"] == fields
    assert _state(project) == before


def test_a_refused_page_form_keeps_what_was_typed(demo, client, project):
    _all_submitted_and_closed(demo, project)
    client.force_login(demo.user("eco_admin"))

    page = client.post(f"/projects/{project.pk}/transitions/select/", {
        "data.opinions.1.text": "保留这一条。", "data.opinions.2.text": "长" * 2001,
    }, follow=True).content.decode()

    assert "第2条意见不能超过2000个字。" in page
    assert "保留这一条。</textarea>" in page
    assert Project.objects.get(pk=project.pk).state == State.EXPERT_REVIEW


# --- The score sheet as xlsx ----------------------------------------------------------------

def test_the_score_sheet_as_xlsx(demo, client, project):
    _all_submitted_and_closed(demo, project)
    client.force_login(demo.user("eco_admin"))

    response = client.get(f"/projects/{project.pk}/scores.xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    names = [str(demo.user(u)) for u in ("expert1", "expert2", "expert3")]
    assert rows[3:] == [
        ("专家", "特色鲜明（30）", "指标设置科学（30）", "有复制推广价值（20）", "可操作性（20）", "合计"),
        (names[0], 25, 24.5, 16, 18, 83.5),
        (names[1], 27, 26, 17, 19, 89),
        (names[2], 20, 21, 15, 14, 70),
        ("平均分", None, None, None, None, 80.83),  # 242.5 / 3
        ("专家组得分", None, None, None, None, 80.83),
    ]
    assert rows[0] == ("项目", project.name, None, None, None, None)


def test_who_may_download_the_score_sheet(demo, client, project):
    applicant = next(u for u in demo.users() if u.organisation_id == project.applicant_id)
    expected = {"eco_admin": 200, "expert1": 403, applicant.username: 403}
    for username, status in expected.items():
        client.force_login(demo.user(username))
        assert client.get(f"/projects/{project.pk}/scores.xlsx").status_code == status, username
