"""The email outbox: every Notification row is also the email that tells it.

The row is written in the same transaction as the change it reports, so nothing is lost
when the broker or the mail server is down; a task delivers it after commit, and a
periodic sweep delivers whatever is still pending. Each email is claimed (pending →
sending) by one conditional UPDATE before it is sent, so of two workers only one sends
it: at most once. A failed send waits (``EMAIL_RETRY_MINUTES``) and is tried again, up
to ``EMAIL_MAX_ATTEMPTS`` times; then it is marked failed for an administrator.

A row left in ``sending`` (the worker died mid-send) is never sent again by itself: the
mail may have gone out. After ``EMAIL_SENDING_TIMEOUT_MINUTES`` the sweep marks it
failed, and an administrator who has checked resends it from the admin (``resend``).
"""
import logging
from contextlib import suppress
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import EmailStatus, Notification

log = logging.getLogger(__name__)

BATCH_SIZE = 100


def email_status_for(user) -> str:
    """Where a new notification's email starts: pending, or none without an address."""
    return EmailStatus.PENDING if user.email else EmailStatus.NONE


def _due(now):
    return Q(email_status=EmailStatus.PENDING) & (
        Q(email_next_try_at__isnull=True) | Q(email_next_try_at__lte=now))


def deliver(notification_ids, *, now=None) -> int:
    """Send those of ``notification_ids`` that are due; returns how many went out."""
    now = now or timezone.now()
    rows = (Notification.objects.filter(_due(now), pk__in=notification_ids)
            .select_related("recipient").order_by("pk"))
    return _send(list(rows), now)


def sweep(*, now=None, batch_size=BATCH_SIZE) -> int:
    """Send every due pending email, in batches; returns how many went out."""
    now = now or timezone.now()
    _give_up_interrupted(now)
    sent = after = 0
    while batch := _due_batch(now, after, batch_size):
        sent += _send(batch, now)
        after = batch[-1].pk
    return sent


def _due_batch(now, after, size) -> list[Notification]:
    return list(Notification.objects.filter(_due(now), pk__gt=after)
                .select_related("recipient").order_by("pk")[:size])


def resend(notifications) -> list[int]:
    """Put the failed emails among ``notifications`` back in the outbox with a fresh
    count of attempts; returns their ids (the caller asks for delivery after commit)."""
    ids = list(notifications.filter(email_status=EmailStatus.FAILED).values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids, email_status=EmailStatus.FAILED).update(
        email_status=EmailStatus.PENDING, email_attempts=0, email_next_try_at=None,
        email_claimed_at=None)
    return ids


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure (the last step repeats)."""
    steps = settings.EMAIL_RETRY_MINUTES
    return timedelta(minutes=steps[min(attempts, len(steps)) - 1])


def _claim(notification, now) -> bool:
    # One conditional UPDATE: of two sweepers that read the same row, the database lets
    # only one turn it from pending to sending; the other updates nothing.
    return Notification.objects.filter(_due(now), pk=notification.pk).update(
        email_status=EmailStatus.SENDING, email_claimed_at=now) == 1


def _send(notifications, now) -> int:
    connection = get_connection()  # one SMTP session for the batch, opened on first use
    sent = 0
    try:
        for notification in notifications:
            if not _claim(notification, now):
                continue
            address = notification.recipient.email
            if not address:  # removed since the notification was written
                _finish(notification, EmailStatus.NONE)
                continue
            message = EmailMessage(subject=f"[{settings.SITE_NAME}] {notification.title}",
                                   body=notification.body, to=[address], connection=connection)
            try:
                message.send()
            except Exception as exc:
                _failed(notification, exc, now)
                with suppress(Exception):  # a broken session is reopened for the next one
                    connection.close()
            else:
                _finish(notification, EmailStatus.SENT, emailed_at=timezone.now())
                sent += 1
    finally:
        with suppress(Exception):
            connection.close()
    return sent


def _finish(notification, status, **fields):
    Notification.objects.filter(pk=notification.pk).update(
        email_status=status, email_error="", email_next_try_at=None, **fields)


def _failed(notification, exc, now):
    attempts = notification.email_attempts + 1
    give_up = attempts >= settings.EMAIL_MAX_ATTEMPTS
    log.warning("Email of notification %s failed (attempt %s)%s", notification.pk, attempts,
                ", giving up" if give_up else "", exc_info=exc)
    Notification.objects.filter(pk=notification.pk).update(
        email_status=EmailStatus.FAILED if give_up else EmailStatus.PENDING,
        email_attempts=attempts,
        email_next_try_at=None if give_up else now + retry_delay(attempts),
        email_error=f"{type(exc).__name__}: {exc}"[:2000],
    )


def _give_up_interrupted(now) -> int:
    """Rows claimed long ago and never finished: the sender died, perhaps after sending.
    They are not sent again by themselves (at most once); an administrator decides."""
    cutoff = now - timedelta(minutes=settings.EMAIL_SENDING_TIMEOUT_MINUTES)
    return Notification.objects.filter(
        email_status=EmailStatus.SENDING, email_claimed_at__lt=cutoff,
    ).update(email_status=EmailStatus.FAILED, email_error=_(
        "发送中断：发送进程在发送过程中停止，邮件可能已发出也可能没有。请核实后在管理后台重新发送。"))
