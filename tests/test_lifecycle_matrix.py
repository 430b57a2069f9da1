"""Every transition against every demo user: who may fire it, from where, with what.

The table below is DOMAIN §3 written out independently of the code: for a project of a
given county and category, which demo users may fire each transition.
"""
import pytest
from django.db import transaction

from pilots import lifecycle, registry, services
from pilots.choices import State
from pilots.models import AuditEntry, Project
from pilots.selectors import projects_visible_to
from reviews.services import assign_expert

# Bodies that run each category's call (DOMAIN §1), by the demo usernames' suffixes.
LEADS = {
    "region": ["ecology", "ndrc"],
    "park": ["industry"],
    "community": ["ecology", "ndrc"],
    "campus": ["education"],
    "commercial": ["commerce"],
}


def applicant(p):
    return {f"app_{p.category.code}_{p.county.code}"}


def county_officers(p):
    return {f"{p.county.code}_{body}" for body in LEADS[p.category.code]}


def county_ecology(p):
    return {f"{p.county.code}_ecology"}


def city_or_admin(p):
    return {"eco_admin"} | {f"city_{body}" for body in LEADS[p.category.code]}


def admin(p):
    return {"eco_admin"}


# transition: (a source state, who may, reason required)
MATRIX = {
    "submit": (State.DRAFT, applicant, False),
    "withdraw": (State.CITY_REVIEW, applicant, False),
    "county_forward": (State.COUNTY_REVIEW, county_officers, True),
    "county_return": (State.COUNTY_REVIEW, county_officers, True),
    "city_return": (State.CITY_REVIEW, city_or_admin, True),
    "start_expert_review": (State.CITY_REVIEW, city_or_admin, False),
    "select": (State.EXPERT_REVIEW, admin, False),
    "not_select": (State.EXPERT_REVIEW, admin, True),
    "submit_revision": (State.REVISION, applicant, False),
    "request_revision": (State.REVISION_CHECK, admin, True),
    "start_publicity": (State.REVISION_CHECK, admin, False),
    "confirm": (State.PUBLICITY, admin, False),
    "reject_after_publicity": (State.PUBLICITY, admin, True),
    "apply_acceptance": (State.CONSTRUCTION, applicant, False),
    "return_acceptance": (State.ACCEPTANCE_CHECK, county_ecology, True),
    "forward_acceptance": (State.ACCEPTANCE_CHECK, county_ecology, True),
    "grant_title": (State.ACCEPTANCE_REVIEW, admin, False),
    "fail_acceptance": (State.ACCEPTANCE_REVIEW, admin, True),
    "start_recheck": (State.TITLED, admin, False),
    "pass_recheck": (State.RECHECK, admin, True),
    "revoke": (State.RECHECK, admin, True),
    "cancel": (State.ACCEPTANCE_CHECK, admin, True),
}

TARGETS = {
    "submit": State.COUNTY_REVIEW, "withdraw": State.WITHDRAWN,
    "county_forward": State.CITY_REVIEW, "county_return": State.RETURNED,
    "city_return": State.RETURNED, "start_expert_review": State.EXPERT_REVIEW,
    "select": State.REVISION, "not_select": State.NOT_SELECTED,
    "submit_revision": State.REVISION_CHECK, "request_revision": State.REVISION,
    "start_publicity": State.PUBLICITY, "confirm": State.CONSTRUCTION,
    "reject_after_publicity": State.NOT_SELECTED, "apply_acceptance": State.ACCEPTANCE_CHECK,
    "return_acceptance": State.CONSTRUCTION, "forward_acceptance": State.ACCEPTANCE_REVIEW,
    "grant_title": State.TITLED, "fail_acceptance": State.CONSTRUCTION,
    "start_recheck": State.RECHECK, "pass_recheck": State.TITLED, "revoke": State.REVOKED,
    "cancel": State.CANCELLED,
}


def test_the_matrix_covers_every_transition_of_the_domain():
    assert set(MATRIX) == set(lifecycle.TRANSITION_NAMES)
    assert len(MATRIX) == 22


def _project_for(demo, name):
    """A project where ``name`` may fire, made ready by what each app registered for the
    demo (the reviews app forms a panel before start_expert_review; before select and
    not_select the panel submits its sheets and the ecology admin closes scoring)."""
    source = MATRIX[name][0]
    project = demo.project_in(source)
    registry.prepare_for(name, project, {
        "admin": demo.user("eco_admin"),
        "experts": [demo.user(u) for u in ("expert4", "expert5", "expert6")],
        "applicant": demo.user(sorted(applicant(project))[0]),
    })
    return project


def _snapshot(project):
    project = Project.objects.get(pk=project.pk)
    return (project.state, project.code, project.audit_entries.count(), project.versions.count())


def _post(api, user, project, name, reason, data=None):
    api.force_authenticate(user)
    body = {"reason": reason}
    if data is None:
        data = registry.demo_input(name, project)
    if data:
        body["data"] = data
    return api.post(f"/api/projects/{project.pk}/transitions/{name}/", body, format="json")


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_transition_through_the_api(demo, api, name):
    source, who, reason_required = MATRIX[name]
    project = _project_for(demo, name)
    allowed = who(project)
    before = _snapshot(project)
    reason = "经研究，意见如下。"

    for user in demo.users():
        if user.username in allowed:
            continue
        visible = projects_visible_to(user).filter(pk=project.pk).exists()
        response = _post(api, user, project, name, reason)
        assert response.status_code == (403 if visible else 404), user.username
        assert _snapshot(project) == before

    actor = demo.user(sorted(allowed)[0])
    if reason_required:
        response = _post(api, actor, project, name, "  ")
        assert response.status_code == 400
        assert "必须填写理由或意见" in response.json()["detail"]
        assert _snapshot(project) == before

    # Each allowed user succeeds (tried one at a time, each undone afterwards).
    for username in sorted(allowed):
        with transaction.atomic():
            response = _post(api, demo.user(username), project, name, reason)
            assert response.status_code == 200, (username, response.json())
            assert response.json()["state"] == TARGETS[name]
            entry = AuditEntry.objects.filter(project=project).order_by("-pk").first()
            assert (entry.transition, entry.source, entry.target, entry.actor.username,
                    entry.reason, entry.data) == (name, source, TARGETS[name], username,
                                                  reason, registry.demo_input(name, project))
            assert entry.ip_address == "127.0.0.1"
            transaction.set_rollback(True)
    assert _snapshot(project) == before


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_transition_from_a_wrong_state_is_a_conflict(demo, api, name):
    source, who, _reason = MATRIX[name]
    sources = set(lifecycle.sources(name))
    # A state this transition does not leave from, where an allowed user can still see it.
    wrong = next(s for s in [State.CITY_REVIEW, State.CONSTRUCTION, State.COUNTY_REVIEW]
                 if s not in sources)
    project = demo.project_in(wrong)
    allowed = who(project)
    actor = demo.user(sorted(allowed)[0])
    before = _snapshot(project)

    response = _post(api, actor, project, name, "理由")

    assert response.status_code == 409
    assert response.json()["detail"].startswith(
        f"项目当前状态为「{project.get_state_display()}」，不能执行「{lifecycle.label(name)}」")
    assert _snapshot(project) == before


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_transition_through_the_service_layer(demo, name):
    source, who, reason_required = MATRIX[name]
    project = _project_for(demo, name)
    allowed = who(project)
    before = _snapshot(project)

    for user in demo.users():
        if user.username in allowed:
            continue
        with pytest.raises(services.NotPermitted):
            services.fire(project, name, user, reason="理由")
    if reason_required:
        with pytest.raises(services.InvalidInput):
            services.fire(project, name, demo.user(sorted(allowed)[0]), reason="")
    assert _snapshot(project) == before

    data = registry.demo_input(name, project)
    fired = services.fire(project, name, demo.user(sorted(allowed)[0]), reason="理由", data=data)
    assert fired.state == TARGETS[name]
    assert Project.objects.get(pk=project.pk).state == TARGETS[name]

    with pytest.raises(services.NotAllowedNow):
        services.fire(project, name, demo.user(sorted(allowed)[0]), reason="理由", data=data)


def test_the_scheduler_may_start_a_recheck_but_no_one_else_outside_the_table(demo):
    from pilots.rules import SCHEDULER

    project = demo.project_in(State.TITLED)
    services.fire(project, "start_recheck", SCHEDULER)
    entry = project.audit_entries.order_by("-pk").first()
    assert (entry.transition, entry.actor, entry.target) == ("start_recheck", None, State.RECHECK)
    with pytest.raises(services.NotPermitted):
        services.fire(demo.project_in(State.RECHECK), "revoke", SCHEDULER, reason="x")


def test_expert_review_needs_a_panel(demo, api):
    project = demo.project_in(State.CITY_REVIEW)
    eco_admin = demo.user("eco_admin")
    assign_expert(project, eco_admin, demo.user("expert1"))

    response = _post(api, eco_admin, project, "start_expert_review", "")

    assert response.status_code == 409
    assert response.json()["detail"] == "尚未组建专家组：至少需要指派3名专家。"
    assert Project.objects.get(pk=project.pk).state == State.CITY_REVIEW
