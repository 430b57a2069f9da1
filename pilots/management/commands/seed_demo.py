"""python manage.py seed_demo: demo users and projects in every state (safe to run again)."""
from django.conf import settings
from django.core.management.base import BaseCommand

from pilots.demo import seed


class Command(BaseCommand):
    help = "Create the demo batch, users of every role and projects in every state (idempotent)."

    def handle(self, *args, **options):
        logins = seed(settings.DEMO_PASSWORD)  # its notifications are never mailed
        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins (password: DEMO_PASSWORD):"))
        for role, usernames in logins.items():
            self.stdout.write(f"  {role}: {', '.join(usernames)}")
