"""The email outbox: every Notification row is also the email that tells it.

The row is written in the same transaction as the change it reports, so nothing is lost
when the broker or the mail server is down; a task delivers it after commit, and a
periodic sweep delivers whatever is still pending. Each email is claimed (pending →
sending) by one conditional UPDATE before it is sent, so of two workers only one sends
it: at most once. The claim is stamped with the moment that row's send starts, and its
outcome is written only while the row is still that claim's (``sending``, same stamp): a
sweep that overlaps a long one, or an administrator's resend, is never overwritten.
A failed send waits (``EMAIL_RETRY_MINUTES``) and is tried again, up to
``EMAIL_MAX_ATTEMPTS`` times; then it is marked failed for an administrator.

A row left in ``sending`` (the worker died mid-send) is never sent again by itself: the
mail may have gone out. After ``EMAIL_SENDING_TIMEOUT_MINUTES`` the sweep marks it
failed, and an administrator who has checked resends it from the admin (``resend``).
"""
import logging
from contextlib import suppress
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Case, DateTimeField, F, Q, Value, When
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


def _claim(notification, now):
    """Turn a due row from pending to sending; returns the claim's time, or None if
    another sender has it. One conditional UPDATE: of two sweepers that read the same row,
    the database lets only one claim it. Stamped with the time of this row's send, not the
    sweep's start: a sweep through a long backlog must not look interrupted to the next."""
    claimed_at = timezone.now()
    claimed = Notification.objects.filter(_due(now), pk=notification.pk).update(
        email_status=EmailStatus.SENDING, email_claimed_at=claimed_at)
    return claimed_at if claimed else None


def _send(notifications, now) -> int:
    # One SMTP session for the batch: the backend opens and closes one per send() unless
    # it is already open. Opened before each send (a no-op while it is open), so a batch
    # whose rows were all claimed elsewhere connects to nothing, and a session broken by a
    # failure is reopened for the next row.
    connection = get_connection()
    sent = 0
    try:
        for notification in notifications:
            claimed_at = _claim(notification, now)
            if claimed_at is None:
                continue
            address = notification.recipient.email
            if not address:  # removed since the notification was written
                _finish(notification, claimed_at, EmailStatus.NONE)
                continue
            message = EmailMessage(subject=f"[{settings.SITE_NAME}] {notification.title}",
                                   body=notification.body, to=[address], connection=connection)
            try:
                connection.open()
                message.send()
            except Exception as exc:
                _failed(notification, claimed_at, exc, now)
                with suppress(Exception):
                    connection.close()
            else:
                _finish(notification, claimed_at, EmailStatus.SENT, emailed_at=timezone.now())
                sent += 1
    finally:
        with suppress(Exception):
            connection.close()
    return sent


def _ours(notification, claimed_at):
    """The row while it is still this claim's: not marked interrupted by another sweep,
    not resent and claimed again since."""
    return Notification.objects.filter(pk=notification.pk, email_status=EmailStatus.SENDING,
                                       email_claimed_at=claimed_at)


def _finish(notification, claimed_at, status, **fields):
    if not _ours(notification, claimed_at).update(
            email_status=status, email_error="", email_next_try_at=None, **fields):
        log.warning("Email of notification %s ended as %s after its row was taken from this "
                    "sender (marked interrupted or resent); the row is left as it is.",
                    notification.pk, status)


def _failed(notification, claimed_at, exc, now):
    # The count is the database's, not the one read before the claim: an administrator
    # may have reset it in between.
    gives_up = Q(email_attempts__gte=settings.EMAIL_MAX_ATTEMPTS - 1)
    steps = len(settings.EMAIL_RETRY_MINUTES)
    updated = _ours(notification, claimed_at).update(
        email_status=Case(When(gives_up, then=Value(EmailStatus.FAILED)),
                          default=Value(EmailStatus.PENDING)),
        email_next_try_at=Case(
            When(gives_up, then=Value(None)),
            *(When(email_attempts=attempts - 1, then=Value(now + retry_delay(attempts)))
              for attempts in range(1, steps)),
            default=Value(now + retry_delay(steps)), output_field=DateTimeField()),
        email_attempts=F("email_attempts") + 1,
        email_error=f"{type(exc).__name__}: {exc}"[:2000],
    )
    if not updated:
        log.warning("Email of notification %s failed after its row was taken from this sender "
                    "(marked interrupted or resent); the row is left as it is.",
                    notification.pk, exc_info=exc)
        return
    attempts, status = (Notification.objects.filter(pk=notification.pk)
                        .values_list("email_attempts", "email_status").get())
    log.warning("Email of notification %s failed (attempt %s)%s", notification.pk, attempts,
                ", giving up" if status == EmailStatus.FAILED else "", exc_info=exc)


def _give_up_interrupted(now) -> int:
    """Rows claimed long ago and never finished: the sender died, perhaps after sending.
    They are not sent again by themselves (at most once); an administrator decides."""
    cutoff = now - timedelta(minutes=settings.EMAIL_SENDING_TIMEOUT_MINUTES)
    return Notification.objects.filter(
        email_status=EmailStatus.SENDING, email_claimed_at__lt=cutoff,
    ).update(email_status=EmailStatus.FAILED, email_error=_(
        "发送中断：发送进程在发送过程中停止，邮件可能已发出也可能没有。请核实后在管理后台重新发送。"))
