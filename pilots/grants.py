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
