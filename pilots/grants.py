"""Per-object grants (django-guardian) as subqueries of project ids."""
from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField
from django.db.models.functions import Cast
from guardian.models import UserObjectPermission


def granted_project_ids(user, codename="view_project"):
    """Subquery of ids of projects granted to ``user`` one by one (consultants, experts)."""
    # By natural key, not through the model: rules (which the model imports) use this.
    return (
        UserObjectPermission.objects.filter(
            user=user,
            permission__codename=codename,
            content_type=ContentType.objects.get_by_natural_key("pilots", "project"),
        )
        .annotate(project_id=Cast("object_pk", BigIntegerField()))
        .values("project_id")
    )


def grantee_ids(project, codename="view_project"):
    """Subquery of ids of the users granted ``codename`` on ``project`` one by one."""
    return UserObjectPermission.objects.filter(
        object_pk=str(project.pk), permission__codename=codename,
        content_type=ContentType.objects.get_by_natural_key("pilots", "project"),
    ).values("user_id")


def has_grant(user, project, codename) -> bool:
    """Whether ``user`` holds the one-by-one grant ``codename`` on ``project``, whether or
    not its account is active (guardian's has_perm() says no for an inactive account)."""
    return granted_project_ids(user, codename).filter(object_pk=str(project.pk)).exists()
