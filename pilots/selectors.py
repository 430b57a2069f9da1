"""Reads that depend on who asks: the one place that decides what a user may see."""
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone

from . import lifecycle
from .choices import Role, State
from .grants import granted_project_ids
from .models import AuditEntry, Category, Project
from .models.projects import TRANSITION


def projects_visible_to(user):
    """Every project ``user`` may see (DOMAIN §2). Used by pages, API, exports and admin."""
    projects = Project.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return projects.none()
    if user.is_superuser or user.has_role(Role.ECOLOGY_ADMIN):
        return projects

    roles = user.roles
    visible = Q(pk__in=[])
    # One-by-one grants count only while the user still holds the role they were given for.
    if roles & {Role.CONSULTANT, Role.EXPERT}:
        visible |= Q(pk__in=granted_project_ids(user))
    if Role.APPLICANT in roles and user.organisation_id:
        visible |= Q(applicant_id=user.organisation_id)

    department = user.department if user.department_id else None
    # Officers see an application once it has been submitted (it then has a code).
    submitted = Q(code__isnull=False)
    if department is not None and department.county_id is not None:
        if Role.COUNTY_ECOLOGY in roles:
            visible |= submitted & Q(county_id=department.county_id)
        if Role.COUNTY_OFFICER in roles:
            visible |= submitted & Q(county_id=department.county_id,
                                     category_id__in=_categories_led_by(department.body_id))
    if department is not None and department.county_id is None and Role.CITY_OFFICER in roles:
        visible |= submitted & Q(category_id__in=_categories_led_by(department.body_id))
    return projects.filter(visible)


def _categories_led_by(body_id):
    return Category.objects.filter(lead_bodies=body_id).values("pk")


def with_related(projects):
    """The joins every project list needs, so a page's query count does not grow with rows."""
    return projects.select_related("batch", "category", "county", "applicant")


def with_entered_at(projects):
    """``entered_at``: when each project entered its current state (written by fire())."""
    return projects.annotate(entered_at=F("state_entered_at"))


def waiting_for(user):
    """Projects standing in ``user``'s work queue: those it may move on now, by the rules
    declared on the transitions; experts also have their assigned projects under review
    (expert review for selection panels, acceptance review for acceptance panels)."""
    waiting = None
    for name, by_source in lifecycle.TRANSITIONS.items():
        declared = lifecycle.any_transition(name)
        if not declared.custom.get("queue", True):
            continue
        allowed = declared.permission.q(user)
        if allowed is None:
            continue
        clause = Q(state__in=list(by_source)) & allowed
        waiting = clause if waiting is None else waiting | clause
    if user.has_role(Role.EXPERT):
        clause = Q(state__in=[State.EXPERT_REVIEW, State.ACCEPTANCE_REVIEW],
                   pk__in=granted_project_ids(user))
        waiting = clause if waiting is None else waiting | clause
    if waiting is None:
        return Project.objects.none()
    queue = with_entered_at(with_related(projects_visible_to(user).filter(waiting)))
    return queue.order_by("entered_at", "pk")


def overdue_since():
    return timezone.now() - timedelta(days=settings.QUEUE_OVERDUE_DAYS)


def handled_by(user, limit=10):
    """The user's latest actions on projects it may still see."""
    return (
        AuditEntry.objects.filter(actor=user, kind=TRANSITION,
                                  project__in=projects_visible_to(user))
        .select_related("project", "project__category", "project__county")
        .order_by("-created_at", "-pk")[:limit]
    )


def state_summary(projects):
    """Counts by category and state: [(category, {state: n}, total)], plus totals per state."""
    rows = projects.values("category_id", "state").annotate(n=Count("pk")).order_by()
    counts: dict[int, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["category_id"], {})[row["state"]] = row["n"]
    categories = Category.objects.filter(pk__in=counts).order_by("order")
    table = [(c, counts[c.pk], sum(counts[c.pk].values())) for c in categories]
    totals: dict[str, int] = {}
    for _category, by_state, _total in table:
        for state, n in by_state.items():
            totals[state] = totals.get(state, 0) + n
    return table, totals
