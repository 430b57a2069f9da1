"""Email delivery of notifications (console backend by default, SMTP from settings)."""
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Notification


def send_notification_emails(notification_ids) -> int:
    sent = 0
    pending = (
        Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
        .select_related("recipient")
    )
    for notification in pending:
        if not notification.recipient.email:
            continue
        send_mail(
            subject=f"[{settings.SITE_NAME}] {notification.title}",
            message=notification.body,
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent
