"""Keeping the expert pool (专家库): the ecology admin's writes and the reads of its pages."""
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from pilots.choices import Role
from pilots.errors import InvalidInput, NotPermitted
from pilots.models import User

from .choices import ConflictType, ExpertiseField
from .models import DeclaredRelation, ExpertAssignment, ExpertProfile
from .proposal import OPEN_STATES


def may_manage_pool(user) -> bool:
    """The city Ecology and Environment Bureau keeps the pool (DOMAIN §2)."""
    return bool(getattr(user, "is_active", False)) and Role.ECOLOGY_ADMIN in getattr(
        user, "roles", ())


def _check(actor):
    if not may_manage_pool(actor):
        raise NotPermitted(_("只有市生态环境局可以维护专家库。"))


def experts_without_profile():
    """Active users holding the expert role who are not in the pool yet."""
    return (User.objects.filter(role_grants__role=Role.EXPERT, is_active=True,
                                expert_profile__isnull=True)
            .distinct().order_by("username"))


def pool_rows(*, field=None, active=None):
    """The profiles of the list page, each with its relation count and open assignments
    (one query); ``field`` an ExpertiseField code, ``active`` True, False or None (all)."""
    relations = (DeclaredRelation.objects.filter(profile=OuterRef("pk")).order_by()
                 .values("profile").annotate(n=Count("pk")).values("n"))
    load = (ExpertAssignment.objects.filter(expert=OuterRef("user_id"),
                                            project__state__in=OPEN_STATES).order_by()
            .values("expert").annotate(n=Count("pk")).values("n"))
    rows = (ExpertProfile.objects.select_related("user", "employer", "county")
            .annotate(relation_count=Subquery(relations, output_field=IntegerField()),
                      load=Subquery(load, output_field=IntegerField()))
            .order_by("-is_active", "user__username"))
    if active is not None:
        rows = rows.filter(is_active=active)
    rows = list(rows)
    if field:  # a JSON list: filtered here, the same on SQLite and PostgreSQL
        rows = [row for row in rows if field in row.fields]
    return rows


def _clean_fields(fields) -> list[str]:
    chosen = [str(f) for f in fields or ()]
    if not chosen:
        message = _("请至少选择一个专业领域。")
        raise InvalidInput(message, fields={"fields": [message]})
    if any(f not in ExpertiseField.values for f in chosen):
        message = _("专业领域无效，请从列表中选择。")
        raise InvalidInput(message, fields={"fields": [message]})
    return [f for f in ExpertiseField.values if f in chosen]  # one order everywhere


@transaction.atomic
def create_profile(actor, user, *, employer=None, county=None, fields=()) -> ExpertProfile:
    """Put the expert ``user`` into the pool."""
    _check(actor)
    if not (user.is_active and Role.EXPERT in user.roles):
        message = _("只能为具有专家角色的有效用户建立专家档案。")
        raise InvalidInput(message, fields={"user": [message]})
    if ExpertProfile.objects.filter(user=user).exists():
        message = _("%(name)s已在专家库中。") % {"name": user}
        raise InvalidInput(message, fields={"user": [message]})
    return ExpertProfile.objects.create(user=user, employer=employer, county=county,
                                        fields=_clean_fields(fields))


@transaction.atomic
def update_profile(actor, profile, *, employer=None, county=None, fields=()) -> ExpertProfile:
    _check(actor)
    profile.fields = _clean_fields(fields)
    profile.employer, profile.county = employer, county
    profile.save(update_fields=["employer", "county", "fields", "updated_at"])
    return profile


@transaction.atomic
def set_active(actor, profile, active: bool) -> ExpertProfile:
    """Deactivate (no longer proposed nor assignable; panels it sits on keep it) or
    reactivate a member of the pool."""
    _check(actor)
    profile.is_active = bool(active)
    profile.save(update_fields=["is_active", "updated_at"])
    return profile


@transaction.atomic
def add_relation(actor, profile, *, organisation, kind, since, note="") -> DeclaredRelation:
    """Record that the expert worked for or advised ``organisation`` since ``since``."""
    _check(actor)
    errors = {}
    if organisation is None:
        errors["organisation"] = _("请选择单位。")
    if kind not in ConflictType.values:
        errors["kind"] = _("关系类型无效，请从列表中选择。")
    if since is None:
        errors["since"] = _("请填写起始日期。")
    elif since > timezone.localdate():
        errors["since"] = _("起始日期不能晚于今天。")
    if len(note or "") > 200:
        errors["note"] = _("说明不能超过200个字。")
    if organisation is not None and profile.relations.filter(organisation=organisation).exists():
        errors["organisation"] = _("已申报与「%(org)s」的关系。") % {"org": organisation.name}
    if errors:
        raise InvalidInput(next(iter(errors.values())),
                           fields={key: [message] for key, message in errors.items()})
    try:
        with transaction.atomic():
            return DeclaredRelation.objects.create(profile=profile, organisation=organisation,
                                                   kind=kind, since=since, note=note or "")
    except IntegrityError:  # declared by a concurrent request a moment ago
        message = _("已申报与「%(org)s」的关系。") % {"org": organisation.name}
        raise InvalidInput(message, fields={"organisation": [message]}) from None


@transaction.atomic
def remove_relation(actor, relation) -> None:
    _check(actor)
    relation.delete()
