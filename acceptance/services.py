"""Rechecks: which titled pilots are due, and starting them."""
from datetime import timedelta

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from pilots.choices import State
from pilots.models import Project
from pilots.rules import SCHEDULER
from pilots.services import ServiceError, fire


def rechecks_due(now=None):
    """Titled pilots whose title (or last passed recheck) is older than the recheck interval."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.RECHECK_INTERVAL_DAYS)
    return (
        Project.objects.filter(state=State.TITLED)
        .annotate(titled_at=Max("audit_entries__created_at",
                                filter=Q(audit_entries__target=State.TITLED)))
        .filter(titled_at__lte=cutoff)
    )


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
