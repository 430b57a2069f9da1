"""Email backends for tests: a mail server that is down."""
from django.core.mail.backends.base import BaseEmailBackend


class MailServerDown(BaseEmailBackend):
    """Refuses every message as smtplib does when nothing listens on the SMTP port."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")
