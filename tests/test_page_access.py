"""Every page against every kind of user: who gets it, who is refused, and how (never a 500)."""
import pytest

from pilots import services
from pilots.choices import State

# A campus application of 宜州区 that has been submitted: in county review.
OWNER = "app_campus_yizhou"

# user: expected status of (project page, plan editor, county summary, new project, panel POST)
MATRIX = {
    None:                      (302, 302, 302, 302, 302),
    OWNER:                     (200, 403, 403, 200, 403),
    "app_campus_jinchengjiang": (404, 404, 403, 200, 404),
    "consultant1":             (404, 404, 403, 403, 404),
    "yizhou_education":        (200, 403, 403, 403, 403),
    "jinchengjiang_education": (404, 404, 403, 403, 404),
    "yizhou_ecology":          (200, 403, 200, 403, 403),
    "city_education":          (200, 403, 403, 403, 302),
    "city_industry":           (404, 404, 403, 403, 404),
    "expert4":                 (404, 404, 403, 403, 404),
    "eco_admin":               (200, 403, 200, 403, 302),
}


@pytest.fixture
def submitted(demo):
    project = demo.draft(OWNER)
    return services.fire(project, "submit", demo.user(OWNER))


@pytest.mark.parametrize("username", list(MATRIX), ids=[u or "anonymous" for u in MATRIX])
def test_who_gets_which_page(demo, client, submitted, username):
    if username:
        client.force_login(demo.user(username))
    pk = submitted.pk
    statuses = (
        client.get(f"/projects/{pk}/").status_code,
        client.get(f"/projects/{pk}/plan/").status_code,
        client.get("/county/summary/").status_code,
        client.get("/projects/new/").status_code,
        # The panel is formed in city review: those who may form it are told why not (302).
        client.post(f"/projects/{pk}/panel/", {"experts": ["1"]}).status_code,
    )
    assert statuses == MATRIX[username]
    submitted.refresh_from_db()
    assert submitted.state == State.COUNTY_REVIEW


@pytest.mark.parametrize("path", [
    "/projects/999999/", "/projects/999999/plan/", "/projects/999999/versions/compare/",
    "/projects/999999/attachments/1/",
])
def test_a_project_that_does_not_exist_is_not_found(demo, client, path):
    client.force_login(demo.user("eco_admin"))
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("data", [
    {"action": "remove", "expert": "abc"}, {"experts": ["x"]}, {"action": "remove"},
    # "²".isdigit() is true but int("²") raises: ids are parsed strictly.
    {"experts": ["²"]}, {"action": "remove", "expert": "²"}, {"experts": ["１"]},
    {"experts": ["99999999999999999999999"]},
])
def test_malformed_panel_posts_get_a_message_not_an_error(demo, client, data):
    project = demo.project_in(State.CITY_REVIEW)
    client.force_login(demo.user("eco_admin"))
    response = client.post(f"/projects/{project.pk}/panel/", data, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert project.expert_assignments.count() == 0


def test_a_panel_is_assigned_whole_or_not_at_all(demo, client):
    project = demo.project_in(State.CITY_REVIEW)
    client.force_login(demo.user("eco_admin"))
    not_an_expert = demo.user("app_campus_yizhou")

    response = client.post(f"/projects/{project.pk}/panel/",
                           {"experts": [demo.user("expert4").pk, not_an_expert.pk]}, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["所选用户不是专家库成员。"]
    assert project.expert_assignments.count() == 0
