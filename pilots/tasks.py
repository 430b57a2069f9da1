"""Celery tasks of the pilots app: thin wrappers around services."""
import logging

from celery import shared_task

from . import outbox

log = logging.getLogger(__name__)


@shared_task
def send_notification_emails(notification_ids: list[int]) -> int:
    """Deliver these notifications' emails (queued by notify() after commit)."""
    return outbox.deliver(notification_ids)


@shared_task
def sweep_notification_outbox() -> int:
    """Deliver every email still due (run by beat, see migration pilots 0008)."""
    return outbox.sweep()


def enqueue_delivery(notification_ids) -> None:
    """Ask a worker to deliver these emails now. Never raises: called after commit, when
    the change is already made, and a row that could not be queued waits for the sweep.
    The broker settings make a broker that is down fail in one attempt."""
    if not notification_ids:
        return
    try:
        send_notification_emails.apply_async((list(notification_ids),), retry=False,
                                             ignore_result=True)
    except Exception as exc:  # the broker is down or refuses: nothing is lost
        log.warning("Could not queue the emails of notifications %s (%s: %s); the outbox "
                    "sweep will send them.", list(notification_ids), type(exc).__name__, exc)
