"""An assigned expert declares before it reads: until it declares no conflict it sees the
project's name, applicant and category only (the page shows the declaration card and no
plan, attachments, versions or history; the API detail, history, version compare and
attachment download answer 403); a conflict takes it off the panel."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pilots import services as pilot_services
from pilots.choices import State
from pilots.errors import NotPermitted
from pilots.models import Notification
from pilots.selectors import projects_visible_to
from reviews.declarations import CONFLICT_DECLARED, NO_CONFLICT_DECLARED, declare
from reviews.models import ExpertAssignment, ScoreSheet
from reviews.services import assign_expert, open_selection_panel

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DECLARE_FIRST = "请先声明与本项目无利益冲突。"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def project(demo):
    """The demo's application in city review (金城江区), with one attachment."""
    project = demo.project_in(State.CITY_REVIEW)
    pilot_services.store_attachment(project, demo.user("eco_admin"),
                                    SimpleUploadedFile("测算表.pdf", PDF))
    return project


@pytest.fixture
def expert(demo, project):
    """expert4 (宜州区, on no demo panel), put on the panel by the category's city officer."""
    expert = demo.user("expert4")
    assign_expert(project, demo.user("city_ecology"), expert)
    return expert


def _paths(project):
    attachment = project.attachments.get()
    return {
        "api": f"/api/projects/{project.pk}/",
        "history": f"/api/projects/{project.pk}/history/",
        "download": f"/projects/{project.pk}/attachments/{attachment.pk}/",
        "compare": f"/projects/{project.pk}/versions/compare/",
    }


def _statuses(client, api, project):
    paths = _paths(project)
    return {
        "api": api.get(paths["api"]).status_code,
        "history": api.get(paths["history"]).status_code,
        "download": client.get(paths["download"]).status_code,
        "compare": client.get(paths["compare"]).status_code,
    }


def test_before_declaring_the_expert_sees_the_facts_and_the_card_only(demo, client, api,
                                                                        project, expert):
    client.force_login(expert)
    api.force_authenticate(expert)

    page = client.get(f"/projects/{project.pk}/")
    html = page.content.decode()

    assert page.status_code == 200
    assert project.name in html and project.applicant.name in html
    assert 'id="declaration"' in html and DECLARE_FIRST in html
    for hidden in ('id="plan"', 'id="attachments"', 'id="versions"', 'id="history"',
                   "测算表.pdf"):
        assert hidden not in html
    assert _statuses(client, api, project) == {"api": 403, "history": 403, "download": 403,
                                               "compare": 403}
    assert api.get(f"/api/projects/{project.pk}/").json() == {"detail": DECLARE_FIRST}
    # The project is still in its list and queue, by name.
    assert project.pk in [row["id"] for row in api.get("/api/projects/").json()["results"]]


def test_after_declaring_no_conflict_on_the_page_the_expert_reads_everything(demo, client, api,
                                                                               project, expert):
    client.force_login(expert)
    api.force_authenticate(expert)

    response = client.post(f"/projects/{project.pk}/declaration/", {"conflict": "no"},
                           follow=True)
    html = response.content.decode()

    assert response.status_code == 200
    assert "已声明无利益冲突，现在可以查看创建方案和附件。" in html
    assert 'id="plan"' in html and "测算表.pdf" in html and 'id="history"' in html
    assert 'id="declaration"' not in html
    assert _statuses(client, api, project) == {"api": 200, "history": 200, "download": 200,
                                               "compare": 200}
    assignment = ExpertAssignment.objects.get(project=project, expert=expert)
    assert assignment.declared is True
    entry = project.audit_entries.filter(kind=NO_CONFLICT_DECLARED).get()
    assert (entry.actor, entry.label, entry.data_lines) == (
        expert, "专家声明无利益冲突", [f"专家：{expert}"])


def test_the_ecology_admin_is_not_held_back_by_a_panel_it_does_not_sit_on(demo, client, api,
                                                                           project, expert):
    admin = demo.user("eco_admin")
    client.force_login(admin)
    api.force_authenticate(admin)

    assert _statuses(client, api, project) == {"api": 200, "history": 200, "download": 200,
                                               "compare": 200}


def test_declaring_a_conflict_takes_the_expert_off_and_tells_the_organisers(demo, client, api,
                                                                             project, expert):
    api.force_authenticate(expert)
    assignment = ExpertAssignment.objects.get(project=project, expert=expert)
    statement = "近三年曾为申报单位提供节能诊断咨询。"

    response = api.post(f"/api/reviews/assignments/{assignment.pk}/declaration/",
                        {"conflict": True, "type": "collaborator", "statement": statement},
                        format="json")

    assert response.status_code == 200
    panel = assignment.panel
    assert response.json() == {
        "id": assignment.pk, "panel": panel.pk, "kind": "selection",
        "project": {"id": project.pk, "code": project.code, "name": project.name},
        "declared": True, "conflict": True, "submitted": False,
        "deadline": panel.scoring_deadline.isoformat()}
    assert not ExpertAssignment.objects.filter(pk=assignment.pk).exists()
    # Access revoked: the project is gone for the expert, page and API alike.
    client.force_login(expert)
    assert client.get(f"/projects/{project.pk}/").status_code == 404
    assert api.get(f"/api/projects/{project.pk}/").status_code == 404
    assert api.get("/api/reviews/assignments/").json() == []
    entry = project.audit_entries.filter(kind=CONFLICT_DECLARED).get()
    assert (entry.actor, entry.label, entry.data, entry.data_lines) == (
        expert, "专家声明存在利益冲突",
        {"expert_id": expert.pk, "name": str(expert), "type": "collaborator",
         "statement": statement},
        [f"专家：{expert}", "冲突类型：合作/咨询关系", f"说明：{statement}"])
    # The ecology admin and the city officer who assigned it, with a replacement proposed.
    # A community panel needs buildings, ecology and carbon sinks, management: expert2,
    # expert3 and expert5 each cover two; expert2 and expert3 already review the demo's
    # project in expert review (one open assignment), expert5 none, so expert5 (韦春燕).
    title = f"{expert}声明与「{project.name}」存在利益冲突，已退出专家组"
    told = Notification.objects.filter(project=project, title=title).order_by("recipient__username")
    assert [(n.recipient.username, n.title) for n in told] == [
        ("city_ecology", title), ("eco_admin", title)]
    assert told[0].body.splitlines() == [
        f"项目编号：{project.code}", "冲突类型：合作/咨询关系", f"说明：{statement}",
        "推荐替补专家：韦春燕（专业领域：生态与碳汇、管理）", f"调整专家组：/projects/{project.pk}/"]


def test_with_nobody_left_in_the_pool_the_organisers_are_told_so(demo, api, project, expert):
    from reviews.models import ExpertProfile

    ExpertProfile.objects.exclude(user=expert).update(is_active=False)
    assignment = ExpertAssignment.objects.get(project=project, expert=expert)

    declare(assignment, expert, conflict=True, type="personal", statement="配偶在申报单位任职。")

    body = Notification.objects.get(recipient__username="eco_admin", project=project,
                                    title__contains="存在利益冲突").body
    assert body.splitlines()[3] == "专家库中暂无可推荐的替补专家。"


def test_declaring_twice_is_refused(demo, api, project, expert):
    assignment = ExpertAssignment.objects.get(project=project, expert=expert)
    declare(assignment, expert, conflict=False)
    declared_at = ExpertAssignment.objects.get(pk=assignment.pk).declared_at
    api.force_authenticate(expert)

    response = api.post(f"/api/reviews/assignments/{assignment.pk}/declaration/",
                        {"conflict": True, "type": "personal", "statement": "亲属任职。"},
                        format="json")

    assert (response.status_code, response.json()) == (409, {"detail": "您已声明过，不能重复声明。"})
    assert ExpertAssignment.objects.get(pk=assignment.pk).declared_at == declared_at
    assert project.audit_entries.filter(kind=CONFLICT_DECLARED).count() == 0


def test_another_experts_assignment_is_not_found(demo, client, api, project, expert):
    assignment = ExpertAssignment.objects.get(project=project, expert=expert)
    other = demo.user("expert3")
    api.force_authenticate(other)
    client.force_login(other)

    response = api.post(f"/api/reviews/assignments/{assignment.pk}/declaration/",
                        {"conflict": False}, format="json")

    assert response.status_code == 404
    assert client.post(f"/projects/{project.pk}/declaration/",
                       {"conflict": "no"}).status_code == 404
    assert ExpertAssignment.objects.get(pk=assignment.pk).declared is False
    # An expert never on the panel does not learn that the project exists.
    assert api.get(f"/api/projects/{project.pk}/").status_code == 404


@pytest.mark.parametrize("body, errors", [
    ({}, {"detail": "请选择是否存在利益冲突。", "conflict": ["请选择是否存在利益冲突。"]}),
    ({"conflict": "no"}, {"detail": "请选择是否存在利益冲突。",
                          "conflict": ["请选择是否存在利益冲突。"]}),
    ({"conflict": True}, {"detail": "请选择利益冲突类型。", "type": ["请选择利益冲突类型。"],
                          "statement": ["请说明利益冲突的情况。"]}),
    ({"conflict": True, "type": "enemy", "statement": "有。"},
     {"detail": "请选择利益冲突类型。", "type": ["请选择利益冲突类型。"]}),
    ({"conflict": True, "type": "other", "statement": "长" * 1001},
     {"detail": "说明不能超过1000个字。", "statement": ["说明不能超过1000个字。"]}),
    ({"conflict": False, "note": "x"}, {"detail": "声明不接受此项数据。",
                                        "note": ["声明不接受此项数据。"]}),
])
def test_a_bad_declaration_is_refused_field_by_field_and_changes_nothing(demo, api, project,
                                                                         expert, body, errors):
    assignment = ExpertAssignment.objects.get(project=project, expert=expert)
    api.force_authenticate(expert)

    response = api.post(f"/api/reviews/assignments/{assignment.pk}/declaration/", body,
                        format="json")

    assert (response.status_code, response.json()) == (400, errors)
    assert ExpertAssignment.objects.get(pk=assignment.pk).declared is False
    assert project.audit_entries.filter(
        kind__in=[CONFLICT_DECLARED, NO_CONFLICT_DECLARED]).count() == 0


def test_a_refused_declaration_on_the_page_keeps_what_was_typed(demo, client, project, expert):
    client.force_login(expert)

    response = client.post(f"/projects/{project.pk}/declaration/",
                           {"conflict": "yes", "type": "", "statement": "曾任其顾问。"},
                           follow=True)
    html = response.content.decode()

    assert response.status_code == 200
    assert '<p class="field-error">请选择利益冲突类型。</p>' in html
    assert 'value="yes" checked' in html
    assert ">曾任其顾问。</textarea>" in html
    assert ExpertAssignment.objects.filter(project=project, expert=expert,
                                           declared_at__isnull=True).count() == 1


def test_only_the_assignments_own_expert_may_declare(demo, project, expert):
    assignment = ExpertAssignment.objects.get(project=project, expert=expert)
    with pytest.raises(NotPermitted):
        declare(assignment, demo.user("eco_admin"), conflict=False)
    assert ExpertAssignment.objects.get(pk=assignment.pk).declared is False


# --- The assignments list -------------------------------------------------------------

def test_the_assignments_list_shows_the_callers_assignments_with_exact_values(demo, api):
    # expert1 sits on every panel of the demo and declared on each (the demo does). The
    # list shows the assignments whose project it still reads (once expert review ended,
    # by select or not_select, the grant went with it). Each row reads its panel: the
    # panel's id, its kind and its scoring deadline (none until its projects went to the
    # experts); submitted is the expert's own sheet.
    expert = demo.user("expert1")
    api.force_authenticate(expert)

    response = api.get("/api/reviews/assignments/")

    readable = set(projects_visible_to(expert).values_list("pk", flat=True))
    assignments = list(ExpertAssignment.objects.filter(expert=expert)
                       .select_related("project", "panel").order_by("assigned_at", "pk"))
    submitted = set(ScoreSheet.objects.filter(assignment__expert=expert, status="submitted")
                    .values_list("assignment_id", flat=True))
    listed = [a for a in assignments if a.project_id in readable]
    assert response.status_code == 200
    assert 0 < len(listed) < len(assignments)
    assert response.json() == [
        {"id": a.pk, "panel": a.panel_id, "kind": a.panel.kind,
         "project": {"id": a.project_id, "code": a.project.code, "name": a.project.name},
         "declared": True, "conflict": False, "submitted": a.pk in submitted,
         "deadline": (a.panel.scoring_deadline.isoformat() if a.panel.scoring_deadline
                      else None)}
        for a in listed]
    rows = response.json()
    # The demo leaves work of each kind: a sheet submitted and one not, a panel with a
    # deadline, on more than one panel.
    assert {row["submitted"] for row in rows} == {True, False}
    assert any(row["deadline"] for row in rows)
    assert len({row["panel"] for row in rows}) > 1


def test_a_fresh_assignment_reads_undeclared_with_its_panels_deadline(demo, api, project,
                                                                     expert):
    # The project (city review) sits on its category's open panel, which has a deadline
    # since an earlier project of the category went to the experts: the new member reads
    # that deadline at once.
    api.force_authenticate(expert)
    assignment = ExpertAssignment.objects.get(project=project, expert=expert)
    panel = open_selection_panel(project.batch, project.category)
    assert panel.scoring_deadline is not None

    assert api.get("/api/reviews/assignments/").json() == [{
        "id": assignment.pk, "panel": panel.pk, "kind": "selection",
        "project": {"id": project.pk, "code": project.code, "name": project.name},
        "declared": False, "conflict": False, "submitted": False,
        "deadline": panel.scoring_deadline.isoformat()}]


def test_the_assignments_list_refuses_anonymous(demo, api):
    assert api.get("/api/reviews/assignments/").status_code == 401


@pytest.mark.parametrize("count", [1, 3])
def test_the_assignments_list_runs_a_constant_number_of_queries(demo, api, count,
                                                                django_assert_num_queries):
    from tests import factories

    applicant = factories.applicant("app_decl", organisation="宜州区实验中学")
    projects = factories.projects(applicant, [f"实验中学校区{i}" for i in range(count)],
                                  submit=True)
    officer = demo.user("yizhou_education")
    admin = demo.user("eco_admin")
    expert = demo.user("expert6")
    for project in projects:
        project = pilot_services.fire(project, "county_forward", officer, reason="同意上报。")
        assign_expert(project, admin, expert, override_reason="同县专家，回避已核实。")
    api.force_authenticate(expert)

    with django_assert_num_queries(1):
        response = api.get("/api/reviews/assignments/")

    assert len(response.json()) == count


def test_the_schema_documents_the_refusals_with_their_bodies(demo, api):
    api.force_authenticate(demo.user("eco_admin"))

    paths = api.get("/api/schema/", {"format": "json"}).json()["paths"]

    detail = paths["/api/projects/{id}/"]["get"]["responses"]
    assert detail["403"]["content"]["application/json"]["examples"] == {
        "尚未声明利益冲突": {"value": {"detail": DECLARE_FIRST}}}
    declaration = paths["/api/reviews/assignments/{id}/declaration/"]["post"]
    assert sorted(declaration["responses"]) == ["200", "400", "401", "404", "409"]
    assert declaration["responses"]["400"]["content"]["application/json"]["examples"][
        "缺少说明"]["value"] == {"detail": "请说明利益冲突的情况。",
                              "statement": ["请说明利益冲突的情况。"]}
    assert sorted(declaration["requestBody"]["content"]["application/json"]["examples"]) == [
        "存在利益冲突", "无利益冲突"]
