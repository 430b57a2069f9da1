"""The JSON API: token login, the project list and its filters, details, schema, query counts."""
import re

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from pilots import services
from pilots.choices import State
from pilots.models import Batch, Category, County, Project
from tests import factories

LIST_KEYS = {"count", "next", "previous", "results"}
PROJECT_KEYS = {"id", "code", "name", "category", "county", "applicant", "batch", "state",
                "state_label"}


def _snapshot(project):
    project = Project.objects.get(pk=project.pk)
    return (project.state, project.code, project.audit_entries.count(), project.versions.count())


def _new_applicant(county_code, n):
    """An applicant organisation of its own, in a county without demo projects."""
    county = County.objects.get(code=county_code)
    return factories.applicant(f"app_test_{n}", county=county_code,
                               organisation=f"{county.name}第{n}实验小学")


def _create_projects(user, count):
    batch = Batch.objects.get(year=timezone.localdate().year)
    campus = Category.objects.get(code="campus")
    for i in range(count):
        services.create_project(actor=user, batch=batch, category=campus,
                                name=f"{user.organisation.name}近零碳排放校园{i + 1}")


# --- Authentication -----------------------------------------------------------

def test_a_token_from_the_demo_credentials_opens_the_api(demo, api):
    response = api.post("/api/auth/token/",
                        {"username": "app_campus_yizhou", "password": demo.password},
                        format="json")
    assert response.status_code == 200
    assert response.json() == {
        "token": Token.objects.get(user__username="app_campus_yizhou").key}

    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    listing = api.get("/api/projects/")

    assert listing.status_code == 200
    assert listing.json()["count"] == Project.objects.filter(
        applicant=demo.user("app_campus_yizhou").organisation).count()


def test_a_wrong_password_gets_no_token(demo, api):
    response = api.post("/api/auth/token/",
                        {"username": "app_campus_yizhou", "password": "wrong-password"},
                        format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["无法使用提供的认证信息登录。"]}


def test_the_api_refuses_requests_without_credentials(demo, api):
    # Token authentication comes first: the client is told how to authenticate.
    response = api.get("/api/projects/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "身份认证信息未提供。"}
    assert api.get(f"/api/projects/{demo.draft('app_campus_yizhou').pk}/").status_code == 401


def test_a_bad_token_is_refused(demo, api):
    api.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")

    response = api.get("/api/projects/")

    assert response.status_code == 401
    assert response.json() == {"detail": "认证令牌无效。"}


# --- The list -----------------------------------------------------------------

def test_an_applicant_lists_exactly_its_own_projects(demo, api):
    user = demo.user("app_campus_yizhou")
    api.force_authenticate(user)

    body = api.get("/api/projects/").json()

    own = Project.objects.filter(applicant=user.organisation).order_by("pk")
    assert set(body) == LIST_KEYS
    assert body["count"] == own.count() == 3  # its draft, 示范09 and a demo panel's 示范19
    assert (body["next"], body["previous"]) == (None, None)
    assert [r["id"] for r in body["results"]] == [p.pk for p in own]
    year = timezone.localdate().year
    for result, project in zip(body["results"], own, strict=True):
        assert set(result) == PROJECT_KEYS
        assert result == {
            "id": project.pk, "code": project.code, "name": project.name,
            "category": "campus", "county": "yizhou", "applicant": "宜州区第一初级中学",
            "batch": year, "state": project.state, "state_label": project.get_state_display(),
        }
    assert isinstance(body["results"][0]["batch"], int)
    assert body["results"][0]["state"] == State.DRAFT
    assert body["results"][0]["state_label"] == "草稿"


@pytest.mark.parametrize("param, value, orm", [
    ("state", State.CITY_REVIEW, {"state": State.CITY_REVIEW}),
    ("state", State.DRAFT, {"state": State.DRAFT}),
    ("category", "campus", {"category__code": "campus"}),
    ("county", "yizhou", {"county__code": "yizhou"}),
])
def test_the_ecology_admin_filters_the_list(demo, api, param, value, orm):
    api.force_authenticate(demo.user("eco_admin"))

    body = api.get("/api/projects/", {param: value}).json()

    expected = list(Project.objects.filter(**orm).order_by("pk").values_list("pk", flat=True))
    assert 0 < len(expected) < Project.objects.count()
    assert body["count"] == len(expected)
    assert [r["id"] for r in body["results"]] == expected[:20]


def test_filters_combine_and_an_unknown_state_is_refused(demo, api):
    api.force_authenticate(demo.user("eco_admin"))

    both = api.get("/api/projects/", {"category": "campus", "county": "yizhou"}).json()
    unknown = api.get("/api/projects/", {"state": "flying"})
    nothing = api.get("/api/projects/", {"county": "atlantis"}).json()

    assert [r["id"] for r in both["results"]] == list(
        Project.objects.filter(category__code="campus", county__code="yizhou")
        .order_by("pk").values_list("pk", flat=True))
    assert both["count"] == 3  # 示范09, 示范19 (reviews' demo panel) and the draft
    # The schema lists the states: any other is a mistake the caller is told about.
    assert (unknown.status_code, unknown.json()) == (
        400, {"detail": "未知的状态：flying", "state": ["未知的状态：flying"]})
    assert nothing == {"count": 0, "next": None, "previous": None, "results": []}


def test_the_ecology_admin_list_pages_by_twenty(demo, api):
    api.force_authenticate(demo.user("eco_admin"))

    first = api.get("/api/projects/").json()
    second = api.get("/api/projects/", {"page": 2}).json()

    total = Project.objects.count()
    assert total > 20
    assert first["count"] == total
    assert len(first["results"]) == 20
    assert first["next"] == "http://testserver/api/projects/?page=2"
    assert [r["id"] for r in first["results"] + second["results"]] == list(
        Project.objects.order_by("pk").values_list("pk", flat=True))


# --- The detail -----------------------------------------------------------------

def _transitions_of(api, user, project):
    api.force_authenticate(user)
    response = api.get(f"/api/projects/{project.pk}/")
    assert response.status_code == 200
    assert set(response.json()) == PROJECT_KEYS | {"available_transitions"}
    return response.json()["available_transitions"]


def test_available_transitions_of_a_draft_for_its_applicant(demo, api):
    project = demo.draft("app_campus_yizhou")

    assert _transitions_of(api, demo.user("app_campus_yizhou"), project) == ["submit", "withdraw"]


def test_available_transitions_of_a_draft_with_an_incomplete_plan(demo, api):
    project = demo.draft("app_campus_yizhou")
    services.save_plan(project, demo.user("app_campus_yizhou"), {})

    assert _transitions_of(api, demo.user("app_campus_yizhou"), project) == ["withdraw"]


def test_available_transitions_in_county_review(demo, api):
    project = demo.project_in(State.COUNTY_REVIEW)
    assert (project.category.code, project.county.code) == ("region", "jinchengjiang")

    assert _transitions_of(api, demo.user("jinchengjiang_ndrc"), project) == [
        "county_forward", "county_return"]
    assert _transitions_of(api, demo.user("jinchengjiang_ecology"), project) == [
        "county_forward", "county_return"]
    assert _transitions_of(api, demo.user("eco_admin"), project) == []
    assert _transitions_of(api, demo.user("app_region_jinchengjiang"), project) == ["withdraw"]


def test_available_transitions_in_city_review_wait_for_a_panel(demo, api):
    from reviews.services import assign_expert

    project = demo.project_in(State.CITY_REVIEW)
    eco_admin = demo.user("eco_admin")
    assert project.expert_assignments.count() == 0

    assert _transitions_of(api, eco_admin, project) == ["city_return"]

    for expert in ("expert4", "expert5", "expert6"):
        assign_expert(project, eco_admin, demo.user(expert))
    assert _transitions_of(api, eco_admin, project) == ["city_return", "start_expert_review"]


def test_a_project_of_another_organisation_is_not_found(demo, api):
    api.force_authenticate(demo.user("app_campus_yizhou"))

    response = api.get(f"/api/projects/{demo.draft('app_campus_jinchengjiang').pk}/")

    assert response.status_code == 404


# --- Schema and docs --------------------------------------------------------------

def test_the_schema_describes_the_transition_endpoint(demo, api):
    api.force_authenticate(demo.user("eco_admin"))

    response = api.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert sorted(paths) == [
        "/api/auth/token/", "/api/projects/", "/api/projects/{id}/",
        "/api/projects/{id}/history/", "/api/projects/{id}/transitions/{name}/",
        "/api/public/disclosures.csv", "/api/public/disclosures/",
        "/api/public/objections/", "/api/public/objections/{receipt}/", "/api/public/pilots/",
        "/api/public/publicity/",
        "/api/reviews/assignments/", "/api/reviews/assignments/{id}/declaration/",
        "/api/reviews/assignments/{id}/sheet/", "/api/reviews/assignments/{id}/sheet/submit/",
        "/api/reviews/panels/{id}/close/", "/api/reviews/panels/{id}/results/",
    ]
    operation = paths["/api/projects/{id}/transitions/{name}/"]
    assert list(operation) == ["post"]
    assert [p["name"] for p in operation["post"]["parameters"] if p["in"] == "path"] == [
        "id", "name"]
    assert operation["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TransitionRequest"}


def test_the_docs_page_renders(demo, api):
    api.force_login(demo.user("eco_admin"))

    response = api.get("/api/docs/")

    assert response.status_code == 200
    assert b"swagger-ui" in response.content


# --- Transitions --------------------------------------------------------------------

def test_an_unknown_transition_is_a_bad_request(demo, api):
    project = demo.draft("app_campus_yizhou")
    before = _snapshot(project)
    api.force_authenticate(demo.user("app_campus_yizhou"))

    response = api.post(f"/api/projects/{project.pk}/transitions/fly/", {}, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": "未知的操作：fly"}
    assert _snapshot(project) == before


# --- Query counts -----------------------------------------------------------------

def _count_list(api, django_assert_num_queries, n, path, params):
    api.get(path, params)  # warm the content-type cache
    with django_assert_num_queries(n):
        response = api.get(path, params)
    assert response.status_code == 200
    return response.json()


def test_the_applicant_list_runs_a_constant_number_of_queries(demo, api,
                                                              django_assert_num_queries):
    user = _new_applicant("nandan", 900001)
    api.force_login(user)  # a fresh user per request, as in production

    _create_projects(user, 1)
    one = _count_list(api, django_assert_num_queries, 5, "/api/projects/", {})
    _create_projects(user, 2)
    three = _count_list(api, django_assert_num_queries, 5, "/api/projects/", {})

    assert (one["count"], three["count"]) == (1, 3)


def test_the_admin_list_runs_a_constant_number_of_queries(demo, api, django_assert_num_queries):
    user = _new_applicant("nandan", 900002)
    api.force_login(demo.user("eco_admin"))

    _create_projects(user, 1)
    one = _count_list(api, django_assert_num_queries, 5, "/api/projects/", {"county": "nandan"})
    _create_projects(user, 2)
    three = _count_list(api, django_assert_num_queries, 5, "/api/projects/", {"county": "nandan"})

    assert (one["count"], three["count"]) == (1, 3)


def test_client_ips_in_the_history_are_for_officials_only(demo, api):
    project = demo.project_in("city_review")
    api.force_authenticate(demo.user(f"app_{project.category.code}_{project.county.code}"))
    assert {e["ip_address"] for e in api.get(f"/api/projects/{project.pk}/history/").json()} == {None}

    api.force_authenticate(demo.user("eco_admin"))
    assert {e["ip_address"] for e in api.get(f"/api/projects/{project.pk}/history/").json()} == {"127.0.0.1"}


def test_the_list_filters_are_documented_on_the_list_only(demo, api):
    api.force_authenticate(demo.user("eco_admin"))
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    assert sorted(p["name"] for p in paths["/api/projects/"]["get"]["parameters"]) == [
        "category", "county", "page", "state"]
    assert [p["name"] for p in paths["/api/projects/{id}/"]["get"]["parameters"]] == ["id"]


def test_the_api_docs_load_nothing_from_outside(demo, api):
    api.force_authenticate(demo.user("eco_admin"))
    page = api.get("/api/docs/").content.decode()
    assert "swagger-ui-bundle.js" in page
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', page) == []
