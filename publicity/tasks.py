"""Periodic tasks of publicity: thin wrappers around services."""
from celery import shared_task

from . import services


@shared_task
def notify_ended_periods() -> list[int]:
    """Tell the ecology admins which projects' publicity periods have ended (daily, see
    migration publicity 0002)."""
    return [period.pk for period in services.notify_ended_periods()]
