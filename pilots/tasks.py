"""Celery tasks of the pilots app: thin wrappers around services."""
from celery import shared_task

from . import outbox


@shared_task
def send_notification_emails(notification_ids: list[int]) -> int:
    """Deliver these notifications' emails (queued by notify() after commit)."""
    return outbox.deliver(notification_ids)


@shared_task
def sweep_notification_outbox() -> int:
    """Deliver every email still due (run by beat, see migration pilots 0008)."""
    return outbox.sweep()
