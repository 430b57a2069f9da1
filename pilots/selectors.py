"""Reads that depend on who asks: the one place that decides what a user may see."""
from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, Q
from django.db.models.functions import Cast
from guardian.models import UserObjectPermission

from .choices import Role
from .models import Category, Project


def granted_project_ids(user, codename="view_project"):
    """Subquery of ids of projects granted to ``user`` one by one (consultants, experts)."""
    return (
        UserObjectPermission.objects.filter(
            user=user,
            permission__codename=codename,
            content_type=ContentType.objects.get_for_model(Project),
        )
        .annotate(project_id=Cast("object_pk", BigIntegerField()))
        .values("project_id")
    )


def projects_visible_to(user):
    """Every project ``user`` may see (DOMAIN §2). Used by pages, API, exports and admin."""
    projects = Project.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return projects.none()
    if user.is_superuser or user.has_role(Role.ECOLOGY_ADMIN):
        return projects

    roles = user.roles
    visible = Q(pk__in=granted_project_ids(user))
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
