"""Who may fire which transition: the permission callables declared on the transitions.

Each rule answers for one project, ``rule(project, user)``, and carries the same
answer for many projects at once, ``rule.q(user)`` (a filter on Project, or None when
the user may act on none), plus the roles that can ever satisfy it (``rule.roles``), so
work queues and notifications follow the rules instead of restating them. Visibility
(who may *see* a project) is the selector's business.
"""
from django.apps import apps
from django.db.models import Q

from .choices import Role
from .grants import granted_project_ids


class SchedulerActor:
    """The periodic scheduler acting on its own, e.g. when a recheck falls due."""

    pk = None
    is_active = True
    is_authenticated = False
    is_scheduler = True
    roles = frozenset()

    def __str__(self):
        return "系统定时任务"


SCHEDULER = SchedulerActor()


def _holds(user, role):
    return bool(getattr(user, "is_active", False)) and role in getattr(user, "roles", ())


def _department(user):
    return user.department if getattr(user, "department_id", None) else None


def _led_categories(body_id):
    return apps.get_model("pilots", "Category").objects.filter(lead_bodies=body_id).values("pk")


def rule(*, roles, q):
    """Attach the role set and the queryset form to a per-project rule."""

    def decorator(check):
        check.roles = frozenset(roles)
        check.q = q
        return check

    return decorator


def _applicant_q(user):
    if _holds(user, Role.APPLICANT) and user.organisation_id:
        return Q(applicant_id=user.organisation_id)
    return None


@rule(roles=[Role.APPLICANT], q=_applicant_q)
def is_applicant(project, user):
    """A member of the project's own applicant organisation."""
    return _holds(user, Role.APPLICANT) and user.organisation_id == project.applicant_id


def _may_submit_q(user):
    q = _applicant_q(user)
    if _holds(user, Role.CONSULTANT):
        granted = Q(pk__in=granted_project_ids(user, "submit_project"))
        q = granted if q is None else q | granted
    return q


@rule(roles=[Role.APPLICANT, Role.CONSULTANT], q=_may_submit_q)
def may_submit(project, user):
    """The applicant, or a consultant it invited and allowed to submit (guardian grant)."""
    if is_applicant(project, user):
        return True
    return _holds(user, Role.CONSULTANT) and user.has_perm("pilots.submit_project", project)


def _county_officer_q(user):
    dept = _department(user)
    if _holds(user, Role.COUNTY_OFFICER) and dept is not None and dept.county_id:
        return Q(county_id=dept.county_id, category_id__in=_led_categories(dept.body_id))
    return None


@rule(roles=[Role.COUNTY_OFFICER], q=_county_officer_q)
def is_county_officer(project, user):
    """Staff of the county counterpart of the category's city body, in the project's county."""
    dept = _department(user)
    return (
        _holds(user, Role.COUNTY_OFFICER)
        and dept is not None
        and dept.county_id == project.county_id
        and dept.body_id in project.category.lead_body_ids
    )


def _county_ecology_q(user):
    dept = _department(user)
    if _holds(user, Role.COUNTY_ECOLOGY) and dept is not None and dept.county_id:
        return Q(county_id=dept.county_id)
    return None


@rule(roles=[Role.COUNTY_ECOLOGY], q=_county_ecology_q)
def is_county_ecology(project, user):
    """The ecology bureau of the project's county (属地生态环境部门)."""
    dept = _department(user)
    return (
        _holds(user, Role.COUNTY_ECOLOGY)
        and dept is not None
        and dept.county_id == project.county_id
    )


def _admin_q(user):
    return Q() if _holds(user, Role.ECOLOGY_ADMIN) else None


@rule(roles=[Role.ECOLOGY_ADMIN], q=_admin_q)
def is_ecology_admin(project, user):
    return _holds(user, Role.ECOLOGY_ADMIN)


def _city_or_admin_q(user):
    if _holds(user, Role.ECOLOGY_ADMIN):
        return Q()
    dept = _department(user)
    if _holds(user, Role.CITY_OFFICER) and dept is not None and dept.county_id is None:
        return Q(category_id__in=_led_categories(dept.body_id))
    return None


@rule(roles=[Role.CITY_OFFICER, Role.ECOLOGY_ADMIN], q=_city_or_admin_q)
def is_city_officer_or_admin(project, user):
    """Staff of a city body that runs the category's call, or the ecology admin."""
    if is_ecology_admin(project, user):
        return True
    dept = _department(user)
    return (
        _holds(user, Role.CITY_OFFICER)
        and dept is not None
        and dept.county_id is None
        and dept.body_id in project.category.lead_body_ids
    )


@rule(roles=[Role.ECOLOGY_ADMIN], q=_admin_q)
def is_ecology_admin_or_scheduler(project, user):
    return getattr(user, "is_scheduler", False) or is_ecology_admin(project, user)


OFFICIAL_ROLES = frozenset({Role.COUNTY_OFFICER, Role.COUNTY_ECOLOGY, Role.CITY_OFFICER,
                            Role.ECOLOGY_ADMIN})


def may_see_client_ips(user) -> bool:
    """Client addresses in the audit trail are for officials, not applicants or experts."""
    return bool(getattr(user, "is_superuser", False)) or bool(
        OFFICIAL_ROLES & getattr(user, "roles", frozenset()))


def may_view_county_summary(user) -> bool:
    """The county ecology bureau (its own county) and the ecology admin (any county)."""
    return _holds(user, Role.ECOLOGY_ADMIN) or (
        _holds(user, Role.COUNTY_ECOLOGY) and _department(user) is not None
        and _department(user).county_id is not None)


def may_manage_programme(user) -> bool:
    """Batches, category settings, the key park list and eligibility conditions are the city
    Ecology and Environment Bureau's to keep (it runs the calls, DOMAIN §2)."""
    return _holds(user, Role.ECOLOGY_ADMIN)
