"""Who may fire which transition: the permission callables declared on the transitions.

Each takes ``(project, user)``. Visibility (who may *see* a project) is the selector's
business (selectors.projects_visible_to); these decide who may *act*.
"""
from .choices import Role


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


def is_applicant(project, user):
    """A member of the project's own applicant organisation."""
    return _holds(user, Role.APPLICANT) and user.organisation_id == project.applicant_id


def may_submit(project, user):
    """The applicant, or a consultant it invited and allowed to submit (guardian grant)."""
    if is_applicant(project, user):
        return True
    return _holds(user, Role.CONSULTANT) and user.has_perm("pilots.submit_project", project)


def is_county_officer(project, user):
    """Staff of the county counterpart of the category's city body, in the project's county."""
    dept = _department(user)
    return (
        _holds(user, Role.COUNTY_OFFICER)
        and dept is not None
        and dept.county_id == project.county_id
        and dept.body_id in project.category.lead_body_ids
    )


def is_county_ecology(project, user):
    """The ecology bureau of the project's county (属地生态环境部门)."""
    dept = _department(user)
    return (
        _holds(user, Role.COUNTY_ECOLOGY)
        and dept is not None
        and dept.county_id == project.county_id
    )


def is_ecology_admin(project, user):
    return _holds(user, Role.ECOLOGY_ADMIN)


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


def is_ecology_admin_or_scheduler(project, user):
    return getattr(user, "is_scheduler", False) or is_ecology_admin(project, user)
