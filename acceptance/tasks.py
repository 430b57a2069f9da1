"""Periodic tasks of the acceptance capability: thin wrappers around services."""
from celery import shared_task

from . import services


@shared_task
def start_due_rechecks() -> list[str]:
    return services.start_due_rechecks()
