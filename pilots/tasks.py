"""Celery tasks of the pilots app: thin wrappers around services."""
from celery import shared_task

from . import mail


@shared_task
def send_notification_emails(notification_ids: list[int]) -> int:
    return mail.send_notification_emails(notification_ids)
