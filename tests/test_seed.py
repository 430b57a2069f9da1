"""The demo world: idempotent, complete (one project per state), with the people DOMAIN names."""
import io
import re
from collections import Counter

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import override_settings
from guardian.models import UserObjectPermission

from pilots.choices import Role, State
from pilots.demo import seed
from pilots.models import (
    AuditEntry,
    Batch,
    CodeCounter,
    Organisation,
    PlanVersion,
    Project,
    RoleGrant,
    User,
)
from reviews.models import ExpertAssignment

COUNTIES = ["jinchengjiang", "yizhou"]
CATEGORIES = ["region", "park", "community", "campus", "commercial"]
BODIES = ["ecology", "ndrc", "industry", "education", "commerce"]
EXPERTS = [f"expert{n}" for n in range(1, 7)]
DEMO_USERS = {
    "eco_admin",
    *(f"city_{body}" for body in BODIES),
    *(f"{county}_{body}" for county in COUNTIES for body in BODIES),
    *(f"app_{category}_{county}" for county in COUNTIES for category in CATEGORIES),
    "consultant1",
    *EXPERTS,
}
CODE = re.compile(r"^HC-(?P<year>\d{4})-(?P<category>REGION|PARK|COMMUNITY|CAMPUS|COMMERCIAL)-(?P<n>\d{3})$")


def counts():
    return {
        "users": User.objects.count(),
        "role_grants": RoleGrant.objects.count(),
        "organisations": Organisation.objects.count(),
        "batches": Batch.objects.count(),
        "projects": Project.objects.count(),
        "plan_versions": PlanVersion.objects.count(),
        "audit_entries": AuditEntry.objects.count(),
        "code_counters": CodeCounter.objects.count(),
        "expert_assignments": ExpertAssignment.objects.count(),
        "object_permissions": UserObjectPermission.objects.count(),
    }


def test_the_demo_world_has_the_expected_size(demo):
    assert {k: v for k, v in counts().items()
            if k in {"users", "organisations", "batches", "projects", "audit_entries"}} == {
        # admin, city officers, county officers, applicants, a consultant, experts
        "users": 1 + 5 + 10 + 10 + 1 + 6,
        # the applicants', one consultancy and the expert pool's three employers
        "organisations": 10 + 1 + 3,
        "batches": 1,
        # a draft per applicant, one project per other state, and reviews' three demo
        # panels (forming in city review; scoring with 2 of 3 sheets; scoring closed)
        "projects": 10 + 16 + 3,
        # The sum of the lengths of the paths that walk the 16 projects to their states,
        # and three panel members added to each of the 12 projects that reached expert
        # review, each of whom then declared no conflict (reviews.demo.declare_no_conflict);
        # on the 11 projects walked through select or not_select the three submit their
        # sheets and the ecology admin closes scoring (reviews.selection's demo step); the
        # applicant answers the opinions of the 9 projects walked through submit_revision.
        # reviews.selection._demo_panels adds: 2 + 3 + 3 transitions, 1 + 3 + 3 members
        # each declaring no conflict, 2 + 3 sheets submitted and 1 closing.
        # Before grant_title (on the titled, recheck and revoked projects) an acceptance
        # panel is formed (1), its 3 members added, declaring and submitting, and scoring
        # closed (1): 3 × 11 (reviews.demo.acceptance_score_and_close); the project in
        # acceptance review gets a panel (1), 3 members declaring, 2 sheets submitted
        # (reviews.demo._demo_acceptance).
        "audit_entries": 93 + 12 * 3 + 12 * 3 + 11 * 3 + 11 + 9 + (8 + 7 + 7 + 5 + 1)
        + 3 * 11 + (1 + 3 + 3 + 2),
    }
    assert AuditEntry.objects.filter(kind="transition").count() == 93 + 8
    assert AuditEntry.objects.filter(kind="panel_member_added").count() == 36 + 7 + 3 * 3 + 3
    assert AuditEntry.objects.filter(kind="no_conflict_declared").count() == 36 + 7 + 3 * 3 + 3
    assert AuditEntry.objects.filter(kind="score_sheet_submitted").count() == 33 + 5 + 3 * 3 + 2
    assert AuditEntry.objects.filter(kind="scoring_closed").count() == 11 + 1 + 3
    assert AuditEntry.objects.filter(kind="acceptance_panel_formed").count() == 3 + 1
    assert ExpertAssignment.objects.filter(declared_at__isnull=True).count() == 0


def test_seeding_again_changes_nothing(demo):
    before = counts()
    states = dict(Project.objects.values_list("pk", "state"))

    logins = seed(demo.password)

    assert counts() == before
    assert dict(Project.objects.values_list("pk", "state")) == states
    assert sorted(u for names in logins.values() for u in names) == sorted(DEMO_USERS)


def test_every_state_has_one_demo_project_and_every_applicant_a_draft(demo):
    states = Counter(Project.objects.values_list("state", flat=True))

    # reviews' demo panels add one project in city review and two in expert review
    assert states == {**{state: 1 for state in State.values}, State.DRAFT: 10,
                      State.CITY_REVIEW: 2, State.EXPERT_REVIEW: 3}
    assert len(states) == 17


def test_each_applicant_has_one_draft_with_a_complete_plan(demo):
    drafts = Project.objects.filter(state=State.DRAFT).select_related("applicant", "category")

    assert sorted(d.applicant.members.get().username for d in drafts) == sorted(
        f"app_{category}_{county}" for county in COUNTIES for category in CATEGORIES)
    for draft in drafts:
        assert draft.plan_problems() == [], draft.name
        assert draft.code is None
        assert draft.versions.count() == 0


def test_the_demo_users_are_those_of_the_domain(demo):
    assert set(User.objects.values_list("username", flat=True)) == DEMO_USERS
    assert len(DEMO_USERS) == 33


def test_each_demo_user_holds_the_roles_of_its_place(demo):
    roles = {u.username: u.roles for u in User.objects.all()}

    want = {"eco_admin": {Role.ECOLOGY_ADMIN}}
    want |= {f"city_{b}": {Role.CITY_OFFICER} for b in BODIES}
    want |= {f"{c}_{b}": {Role.COUNTY_OFFICER} for c in COUNTIES for b in BODIES}
    want |= {f"{c}_ecology": {Role.COUNTY_OFFICER, Role.COUNTY_ECOLOGY} for c in COUNTIES}
    want |= {f"app_{k}_{c}": {Role.APPLICANT} for c in COUNTIES for k in CATEGORIES}
    want |= {e: {Role.EXPERT} for e in EXPERTS}
    want |= {"consultant1": {Role.CONSULTANT}}
    assert roles == want
    assert roles["jinchengjiang_ecology"] == {"county_officer", "county_ecology"}


def test_each_officer_sits_in_its_department_and_each_applicant_in_its_organisation(demo):
    users = {u.username: u for u in User.objects.select_related(
        "department__county", "department__body", "organisation__county")}

    assert users["yizhou_education"].department.name == "宜州区教育局"
    assert users["jinchengjiang_ecology"].department.name == "金城江区生态环境局"
    assert users["city_ndrc"].department.name == "河池市发展和改革委员会"
    assert users["eco_admin"].department.name == "河池市生态环境局"
    assert users["app_campus_yizhou"].organisation.name == "宜州区第一初级中学"
    for county in COUNTIES:
        for body in BODIES:
            department = users[f"{county}_{body}"].department
            assert (department.county.code, department.body.code) == (county, body)
        for category in CATEGORIES:
            assert users[f"app_{category}_{county}"].organisation.county.code == county
    for expert in EXPERTS:
        assert (users[expert].department, users[expert].organisation) == (None, None)
    assert users["consultant1"].organisation.org_type == "consultancy"


def test_project_codes_follow_the_pattern_and_are_unique(demo):
    projects = Project.objects.exclude(code=None).select_related("batch", "category")
    codes = [p.code for p in projects]

    assert len(codes) == 16 + 3  # one per state but draft, and reviews' three panels
    assert len(set(codes)) == 16 + 3
    for project in projects:
        match = CODE.match(project.code)
        assert match, project.code
        assert int(match["year"]) == project.batch.year
        assert match["category"] == project.category.code.upper()
    # Numbers run from 001 within each category of the batch, without gaps.
    by_category = {}
    for project in projects:
        by_category.setdefault(project.category.code, []).append(int(project.code[-3:]))
    assert {k: sorted(v) for k, v in by_category.items()} == {
        # reviews' demo panels add a park, a community and a campus project
        "region": [1, 2, 3, 4], "park": [1, 2, 3, 4], "community": [1, 2, 3, 4],
        "campus": [1, 2, 3, 4], "commercial": [1, 2, 3],
    }


def test_every_submitted_project_has_a_frozen_plan_and_the_drafts_none(demo):
    assert set(Project.objects.filter(versions__isnull=False).values_list("pk", flat=True)) == set(
        Project.objects.exclude(code=None).values_list("pk", flat=True))


def test_the_expert_panels_are_granted_view_permission(demo):
    content_type = ContentType.objects.get_for_model(Project)
    granted = set(UserObjectPermission.objects.filter(
        content_type=content_type, permission__codename="view_project",
    ).values_list("user__username", "object_pk"))

    # A panel member's grant lasts while expert review does: select or not_select ends it;
    # an acceptance panel's, while acceptance review does: grant_title ends it.
    reviewing = {"selection": (State.CITY_REVIEW, State.EXPERT_REVIEW),
                 "acceptance": (State.ACCEPTANCE_REVIEW,)}
    assert granted == {(a.expert.username, str(a.project_id))
                       for a in ExpertAssignment.objects.select_related("expert", "project",
                                                                        "panel")
                       if a.project.state in reviewing[a.panel.kind]}
    # 3 experts × the 3 projects under expert review, the 1 member of the panel forming,
    # and the 3 members of the acceptance panel scoring
    assert len(granted) == 3 * 3 + 1 + 3


@override_settings(DEMO_PASSWORD="another-password")
def test_the_command_prints_the_logins(demo):
    before = counts()
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    assert out.getvalue().splitlines() == [
        "Demo data ready. Logins (password: DEMO_PASSWORD):",
        "  ecology_admin: eco_admin",
        "  city_officer: city_ecology, city_ndrc, city_industry, city_education, city_commerce",
        "  county_officer: jinchengjiang_ecology, jinchengjiang_ndrc, jinchengjiang_industry, "
        "jinchengjiang_education, jinchengjiang_commerce, yizhou_ecology, yizhou_ndrc, "
        "yizhou_industry, yizhou_education, yizhou_commerce",
        "  applicant: app_region_jinchengjiang, app_park_jinchengjiang, "
        "app_community_jinchengjiang, app_campus_jinchengjiang, app_commercial_jinchengjiang, "
        "app_region_yizhou, app_park_yizhou, app_community_yizhou, app_campus_yizhou, "
        "app_commercial_yizhou",
        "  consultant: consultant1",
        "  expert: expert1, expert2, expert3, expert4, expert5, expert6",
    ]
    assert counts() == before
    # An existing user keeps its password when the demo is seeded again.
    assert User.objects.get(username="eco_admin").check_password(demo.password)


def test_seeding_mails_nothing_whatever_the_worker_does(demo, mailoutbox,
                                                          django_capture_on_commit_callbacks):
    from pilots.models import Notification
    from pilots.outbox import sweep

    # Rename a walked demo project, so seeding walks a new one (with new notifications).
    walked = Project.objects.exclude(state=State.DRAFT).order_by("pk").first()
    Project.objects.filter(pk=walked.pk).update(name=walked.name + "（旧）")
    newest = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()

    with django_capture_on_commit_callbacks(execute=True):
        seed(demo.password)
    sweep()

    made = Notification.objects.filter(pk__gt=newest)
    assert made.count() > 0
    assert set(made.values_list("email_status", flat=True)) == {"none"}
    assert mailoutbox == []
