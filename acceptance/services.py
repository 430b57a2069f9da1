"""Rechecks: which titled pilots are due, and starting them."""
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from pilots.choices import State
from pilots.errors import ServiceError
from pilots.models import Category, Project
from pilots.rules import SCHEDULER
from pilots.services import fire


def rechecks_due(now=None):
    """Titled pilots whose title (or last passed recheck) is older than their category's
    recheck interval: the time a project has stood titled is its ``state_entered_at``."""
    now = now or timezone.now()
    due = Q(pk__in=[])
    for category_id, days in Category.objects.values_list("pk", "recheck_interval_days"):
        due |= Q(category_id=category_id, state_entered_at__lte=now - timedelta(days=days))
    return Project.objects.filter(due, state=State.TITLED)


def start_due_rechecks(now=None) -> list[str]:
    """Start the recheck of every pilot that is due; returns their codes."""
    started = []
    for project in rechecks_due(now):
        try:
            fire(project, "start_recheck", SCHEDULER)
        except ServiceError:
            continue  # someone acted on it meanwhile; the next run looks again
        started.append(project.code)
    return started
