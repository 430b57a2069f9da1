"""Programme settings the ecology admin keeps as data: batches (calls) with their publicity
period and expert panel size, category settings, the key park list, eligibility conditions.

Each change is one function here, called by the portal's programme pages (and usable from
a shell or a task alike); forms validate before they call.
"""
import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Batch, Category, EligibilityCondition, KeyPark

BATCH_FIELDS = ("name", "opens_on", "closes_on", "publicity_days", "expert_panel_min_size")
CATEGORY_FIELDS = ("is_open", "recheck_interval_days", "title", "title_en")
KEY_PARK_FIELDS = ("name", "name_en", "level", "county", "source", "order")
CONDITION_FIELDS = ("text", "text_en", "required", "order")


def _assign(obj, fields, values):
    unknown = set(values) - set(fields)
    if unknown:
        raise TypeError(f"not a programme setting of {type(obj).__name__}: {sorted(unknown)}")
    for field, value in values.items():
        setattr(obj, field, value)


# --- Batches ---------------------------------------------------------------------------

def batch_name(year: int) -> str:
    return _("%(year)s年度近零碳排放区试点申报") % {"year": year}


def next_batch_defaults() -> dict:
    """What next year's call starts from: the latest batch's settings, the next calendar year."""
    latest = Batch.objects.order_by("-year").first()
    year = latest.year + 1 if latest else timezone.localdate().year
    defaults = {"year": year, "name": batch_name(year),
                "opens_on": datetime.date(year, 1, 1), "closes_on": datetime.date(year, 12, 31)}
    if latest is not None:
        defaults.update(publicity_days=latest.publicity_days,
                        expert_panel_min_size=latest.expert_panel_min_size)
    return defaults


@transaction.atomic
def create_batch(*, year, **values) -> Batch:
    batch = Batch(year=year)
    _assign(batch, BATCH_FIELDS, values)
    batch.save()
    return batch


@transaction.atomic
def update_batch(batch: Batch, **values) -> Batch:
    _assign(batch, BATCH_FIELDS, values)
    batch.save(update_fields=list(values))
    return batch


# --- Categories ------------------------------------------------------------------------

@transaction.atomic
def update_category(category: Category, **values) -> Category:
    _assign(category, CATEGORY_FIELDS, values)
    category.save(update_fields=list(values))
    return category


# --- The key industrial park list --------------------------------------------------------

@transaction.atomic
def add_key_park(**values) -> KeyPark:
    park = KeyPark()
    _assign(park, KEY_PARK_FIELDS, values)
    park.save()
    return park


@transaction.atomic
def update_key_park(park: KeyPark, **values) -> KeyPark:
    _assign(park, KEY_PARK_FIELDS, values)
    park.save(update_fields=list(values))
    return park


@transaction.atomic
def set_key_park_listed(park: KeyPark, listed: bool) -> KeyPark:
    """Take a park off the list (or put it back). Parks are never deleted: projects and
    plans may name them, and the list's history stays readable."""
    park.is_listed = listed
    park.save(update_fields=["is_listed"])
    return park


# --- Eligibility conditions --------------------------------------------------------------

def _next_condition_code(category: Category) -> str:
    codes = set(category.eligibility_conditions.values_list("code", flat=True))
    n = len(codes) + 1
    while f"c{n}" in codes:
        n += 1
    return f"c{n}"


@transaction.atomic
def add_condition(category: Category, **values) -> EligibilityCondition:
    # Lock the category so two admins adding at once do not pick the same code.
    category = Category.objects.select_for_update().get(pk=category.pk)
    condition = EligibilityCondition(category=category, code=_next_condition_code(category))
    _assign(condition, CONDITION_FIELDS, values)
    condition.save()
    return condition


@transaction.atomic
def update_condition(condition: EligibilityCondition, **values) -> EligibilityCondition:
    _assign(condition, CONDITION_FIELDS, values)
    condition.save(update_fields=list(values))
    return condition


@transaction.atomic
def set_condition_active(condition: EligibilityCondition, active: bool) -> EligibilityCondition:
    """Deactivate (or reactivate) a condition; plans that confirmed it keep their answer."""
    condition.is_active = active
    condition.save(update_fields=["is_active"])
    return condition
