"""Who sees which project (DOMAIN §2), against the demo world, with the expected sets written here.

The demo world (pilots/demo.py): two counties, five categories, one draft per applicant
and sixteen submitted projects. The expected sets below are built from plain filters on
county, category and code, independently of the selector; a literal count backs each one.
"""
import pytest
from django.contrib.auth.models import AnonymousUser

from pilots import registry, services
from pilots.choices import Role, State
from pilots.models import Project, User
from pilots.selectors import projects_visible_to
from reviews.declarations import declare
from reviews.services import assign_expert, remove_expert
from tests import factories

ALL_CATEGORIES = ["region", "park", "community", "campus", "commercial"]


def ids(projects):
    return set(projects.values_list("pk", flat=True))


def expected(*, county=None, categories=ALL_CATEGORIES, submitted_only=True):
    projects = Project.objects.filter(category__code__in=categories)
    if county:
        projects = projects.filter(county__code=county)
    if submitted_only:
        projects = projects.filter(code__isnull=False)
    return ids(projects)


# username: (what the user should see, how many that is in the demo world). reviews' demo
# panels add 示范17 (yizhou park, city review), 示范18 (yizhou community) and 示范19 (yizhou
# campus), both in expert review.
TABLE = {
    # Applicants: their own organisation's projects, drafts included.
    "app_region_jinchengjiang": (dict(county="jinchengjiang", categories=["region"], submitted_only=False), 3),
    "app_campus_yizhou": (dict(county="yizhou", categories=["campus"], submitted_only=False), 3),
    "app_commercial_jinchengjiang": (dict(county="jinchengjiang", categories=["commercial"], submitted_only=False), 3),
    # County officers: submitted projects of their county and their categories.
    "yizhou_education": (dict(county="yizhou", categories=["campus"]), 2),
    "yizhou_commerce": (dict(county="yizhou", categories=["commercial"]), 1),
    "yizhou_ndrc": (dict(county="yizhou", categories=["region", "community"]), 4),
    "jinchengjiang_industry": (dict(county="jinchengjiang", categories=["park"]), 2),
    # County ecology bureaus: every submitted project of their county.
    "yizhou_ecology": (dict(county="yizhou"), 9),
    "jinchengjiang_ecology": (dict(county="jinchengjiang"), 10),
    # City officers: their categories, city-wide.
    "city_education": (dict(categories=["campus"]), 4),
    "city_industry": (dict(categories=["park"]), 4),
    "city_commerce": (dict(categories=["commercial"]), 3),
    "city_ecology": (dict(categories=["region", "community"]), 8),
    "city_ndrc": (dict(categories=["region", "community"]), 8),
    # The ecology admin: everything, drafts included.
    "eco_admin": (dict(submitted_only=False), 29),
}


@pytest.mark.parametrize("username", sorted(TABLE))
def test_each_role_sees_exactly_its_projects(demo, username):
    filters, count = TABLE[username]
    want = expected(**filters)

    seen = ids(projects_visible_to(demo.user(username)))

    assert seen == want
    assert len(seen) == count


def test_an_applicant_sees_its_draft_and_no_other_organisations_project(demo):
    user = demo.user("app_campus_yizhou")

    seen = set(projects_visible_to(user).values_list("name", flat=True))

    assert seen == {"宜州区第一初级中学近零碳排放校园", "宜州区第一初级中学近零碳排放校园（示范09）",
                    "宜州区第一初级中学近零碳排放校园（示范19）"}
    others = Project.objects.exclude(applicant=user.organisation)
    assert projects_visible_to(user).filter(pk__in=others).count() == 0


def test_a_county_officer_does_not_see_a_draft_of_its_county_and_category(demo):
    draft = demo.draft("app_campus_yizhou")
    assert draft.code is None

    assert not projects_visible_to(demo.user("yizhou_education")).filter(pk=draft.pk).exists()
    assert not projects_visible_to(demo.user("yizhou_ecology")).filter(pk=draft.pk).exists()
    assert not projects_visible_to(demo.user("city_education")).filter(pk=draft.pk).exists()


def test_a_county_officer_sees_a_project_once_submitted(demo):
    draft = demo.draft("app_campus_yizhou")
    officer = demo.user("yizhou_education")

    services.fire(draft, "submit", demo.user("app_campus_yizhou"))

    assert ids(projects_visible_to(officer)) == expected(county="yizhou", categories=["campus"])
    assert draft.pk in ids(projects_visible_to(officer))
    assert len(ids(projects_visible_to(officer))) == 3  # 示范09, 示范19 and the draft


def test_the_county_ecology_bureau_holds_both_county_roles(demo):
    assert demo.user("yizhou_ecology").roles == {Role.COUNTY_OFFICER, Role.COUNTY_ECOLOGY}
    assert demo.user("yizhou_education").roles == {Role.COUNTY_OFFICER}


def test_an_expert_sees_nothing_until_assigned_then_exactly_the_assigned_projects(demo):
    expert = demo.user("expert4")
    eco_admin = demo.user("eco_admin")
    first = demo.project_in("city_review")
    second = demo.project_in("county_review")
    # Panels are formed in city review: bring a second application there.
    second = services.fire(second, "county_forward", demo.user(f"{second.county.code}_ecology"),
                           reason="同意上报。")
    assert ids(projects_visible_to(expert)) == set()

    assign_expert(first, eco_admin, expert)
    assert ids(projects_visible_to(expert)) == {first.pk}
    # It sees the project; its plan only once it has declared no conflict.
    assert registry.may_read_plan(first, expert) is False
    declare(first.expert_assignments.get(expert=expert), expert, conflict=False)
    assert registry.may_read_plan(first, expert) is True

    assign_expert(second, eco_admin, expert)
    assert ids(projects_visible_to(expert)) == {first.pk, second.pk}

    remove_expert(first, eco_admin, expert)
    assert ids(projects_visible_to(expert)) == {second.pk}


def test_a_demo_panel_expert_sees_the_project_it_reviews_and_nothing_it_never_sat_on(demo):
    # expert1..3 form the panel of every demo project that reached expert review (expert1
    # also sits alone on the panel forming on 示范17), and the acceptance panel of the
    # project in acceptance review. Grants end with the panel: it sees exactly the projects
    # it sits on still in city or expert review, or in acceptance review on its acceptance
    # panel.
    sat_on = set(Project.objects.filter(expert_assignments__expert__username="expert1")
                 .values_list("pk", flat=True))
    reviewing = set(Project.objects.filter(expert_assignments__expert__username="expert1",
                                           state=State.EXPERT_REVIEW).values_list("pk", flat=True))

    visible = ids(projects_visible_to(demo.user("expert1")))
    assert len(reviewing) == 3  # the demo's, and reviews' demo panels 示范18 and 示范19
    assert reviewing <= visible <= sat_on
    assert visible == set(Project.objects.filter(
        expert_assignments__expert__username="expert1",
        state__in=[State.CITY_REVIEW, State.EXPERT_REVIEW]).values_list("pk", flat=True)) | set(
        Project.objects.filter(expert_assignments__expert__username="expert1",
                               expert_assignments__panel__kind="acceptance",
                               state=State.ACCEPTANCE_REVIEW).values_list("pk", flat=True))
    assert len(visible) == 5


def test_anonymous_sees_nothing(demo):
    assert ids(projects_visible_to(AnonymousUser())) == set()


@pytest.mark.parametrize("username", ["app_campus_yizhou", "yizhou_ecology", "city_ecology",
                                      "eco_admin", "expert1"])
def test_an_inactive_user_sees_nothing(demo, username):
    user = demo.user(username)
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert ids(projects_visible_to(User.objects.get(pk=user.pk))) == set()


def test_a_superuser_sees_everything(demo):
    root = User.objects.create_superuser("root", "root@example.cn", "x")

    assert ids(projects_visible_to(root)) == ids(Project.objects.all())


@pytest.fixture
def consultant(demo):
    return factories.consultant("consultant_under_test")


def test_an_invited_consultant_sees_only_that_project_until_revoked(demo, consultant):
    applicant = demo.user("app_campus_yizhou")
    project = demo.draft("app_campus_yizhou")
    assert ids(projects_visible_to(consultant)) == set()

    services.invite_consultant(project, applicant, consultant)
    assert ids(projects_visible_to(consultant)) == {project.pk}

    services.revoke_consultant(project, applicant, consultant)
    assert ids(projects_visible_to(consultant)) == set()


# --- The same answer through the API and the pages --------------------------

def _api_ids(api):
    seen, url = [], "/api/projects/"
    while url:
        response = api.get(url)
        assert response.status_code == 200
        seen += [row["id"] for row in response.json()["results"]]
        url = response.json()["next"]
    return seen


# expert1: the panels it sits on still in city or expert review, and the acceptance panel
# in acceptance review (grants end with the panel).
API_COUNTS = {"app_campus_yizhou": 3, "yizhou_education": 2, "city_ecology": 8, "eco_admin": 29,
              "expert1": 5}


@pytest.mark.parametrize("username", sorted(API_COUNTS))
def test_the_api_list_answers_what_the_selector_answers(demo, api, username):
    user = demo.user(username)
    api.force_authenticate(user)

    response = api.get("/api/projects/")

    assert response.status_code == 200
    assert response.json()["count"] == projects_visible_to(user).count()
    if API_COUNTS[username] is not None:
        assert response.json()["count"] == API_COUNTS[username]
    assert sorted(_api_ids(api)) == sorted(ids(projects_visible_to(user)))


@pytest.mark.parametrize("query, count", [
    ("", 2), ("?county=yizhou", 2), ("?county=jinchengjiang", 0),  # 示范09, 示范19 ("?category=park", 0),
    ("?state=draft", 0), ("?state=acceptance_check", 1),
])
def test_api_filters_narrow_but_never_widen_what_a_user_sees(demo, api, query, count):
    user = demo.user("yizhou_education")
    api.force_authenticate(user)

    response = api.get(f"/api/projects/{query}")

    assert response.json()["count"] == count
    assert {row["id"] for row in response.json()["results"]} <= ids(projects_visible_to(user))


def test_the_api_list_answers_nothing_to_an_inactive_user(demo, api):
    user = demo.user("city_ecology")
    user.is_active = False
    user.save(update_fields=["is_active"])
    api.force_authenticate(user)

    response = api.get("/api/projects/")

    assert (response.status_code, response.json()["count"]) == (200, 0)


def test_the_api_refuses_anonymous(demo, api):
    response = api.get("/api/projects/")

    assert response.status_code == 401


# (viewer, a project it must not see, a project it sees)
INVISIBLE = [
    ("yizhou_education", dict(county__code="jinchengjiang", category__code="campus"),
     dict(county__code="yizhou", category__code="campus", code__isnull=False)),
    ("app_campus_yizhou", dict(county__code="yizhou", category__code="park"),
     dict(county__code="yizhou", category__code="campus")),
    ("city_industry", dict(category__code="campus", code__isnull=False),
     dict(category__code="park", code__isnull=False)),
    ("expert4", dict(state="city_review"), None),
    ("jinchengjiang_ecology", dict(county__code="jinchengjiang", code__isnull=True),
     dict(county__code="jinchengjiang", code__isnull=False)),
]


def _one(filters):
    return Project.objects.filter(**filters).order_by("pk").first()


@pytest.mark.parametrize("username, hidden, shown", INVISIBLE, ids=[row[0] for row in INVISIBLE])
def test_an_invisible_project_is_not_found_by_api_or_page(demo, api, client, username, hidden, shown):
    user = demo.user(username)
    project = _one(hidden)
    assert not projects_visible_to(user).filter(pk=project.pk).exists()
    api.force_authenticate(user)
    client.force_login(user)

    assert api.get(f"/api/projects/{project.pk}/").status_code == 404
    assert api.get(f"/api/projects/{project.pk}/history/").status_code == 404
    assert client.get(f"/projects/{project.pk}/").status_code == 404

    if shown is not None:
        visible = _one(shown)
        assert api.get(f"/api/projects/{visible.pk}/").status_code == 200
        assert api.get(f"/api/projects/{visible.pk}/").json()["id"] == visible.pk
        assert client.get(f"/projects/{visible.pk}/").status_code == 200
