"""Grants end with the panel (issue 7 item 3): once expert review ends for a project
(``select`` or ``not_select``), no panel member reads it any more; its assignment, its sheet
and the trail stay."""
import pytest

from pilots.choices import State
from pilots.models import AuditEntry, Project
from reviews.models import ExpertAssignment, ScoreSheet
from tests.test_closing import _all_submitted_and_closed, _select

PANEL = ("expert1", "expert2", "expert3")


@pytest.fixture
def project(demo):
    """The demo project under expert review: expert1..3 on its panel, declared, no sheet."""
    return demo.project_in(State.EXPERT_REVIEW)


def _reads(api, client, user, project):
    """(API status, page status) of the project for ``user``."""
    api.force_authenticate(user)
    client.force_login(user)
    return (api.get(f"/api/projects/{project.pk}/").status_code,
            client.get(f"/projects/{project.pk}/").status_code)


def test_after_select_no_panel_member_reads_the_project_and_the_admin_still_does(
        demo, api, client, project):
    _all_submitted_and_closed(demo, project)
    assert _reads(api, client, demo.user("expert1"), project) == (200, 200)
    entries = AuditEntry.objects.filter(project=project).count()

    response = _select(api, demo.user("eco_admin"), project,
                       {"opinions": [{"text": "请补充基准年数据来源。", "plan_path": ""}]})

    assert response.status_code == 200
    assert Project.objects.get(pk=project.pk).state == State.REVISION
    for username in PANEL:
        assert _reads(api, client, demo.user(username), project) == (404, 404)
    assert _reads(api, client, demo.user("eco_admin"), project) == (200, 200)
    # The assignments, the sheets and the trail stay: the results stand on them.
    assert ExpertAssignment.objects.filter(project=project).count() == 3
    assert ScoreSheet.objects.filter(assignment__project=project,
                                     submitted_at__isnull=False).count() == 3
    assert AuditEntry.objects.filter(project=project).count() == entries + 1


def test_after_not_select_no_panel_member_reads_the_project(demo, api, client, project):
    _all_submitted_and_closed(demo, project)
    api.force_authenticate(demo.user("eco_admin"))

    response = api.post(f"/api/projects/{project.pk}/transitions/not_select/",
                        {"reason": "特色不够鲜明。"}, format="json")

    assert response.status_code == 200, response.json()
    assert Project.objects.get(pk=project.pk).state == State.NOT_SELECTED
    for username in PANEL:
        assert _reads(api, client, demo.user(username), project) == (404, 404)


def test_the_assignments_list_keeps_only_projects_the_expert_still_reads(demo, api, project):
    # The rule: an expert's assignments list shows the assignments whose project it may
    # still read; the one just selected leaves it, its other open assignments stay (the
    # panels of reviews' demo: 示范17 forming, 示范18 and 示范19 under expert review; and
    # 示范10 in acceptance review, read again through its acceptance panel, where both its
    # selection and its acceptance assignment show).
    expert = demo.user("expert1")
    api.force_authenticate(expert)
    before = [row["project"]["id"] for row in api.get("/api/reviews/assignments/").json()]
    assert len(before) == 6
    assert project.pk in before
    _all_submitted_and_closed(demo, project)
    _select(api, demo.user("eco_admin"), project,
            {"opinions": [{"text": "请补充基准年数据来源。", "plan_path": ""}]})

    api.force_authenticate(expert)
    after = [row["project"]["id"] for row in api.get("/api/reviews/assignments/").json()]
    assert after == [pk for pk in before if pk != project.pk]
    assert len(after) == 5
