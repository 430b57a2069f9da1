"""Shared fixtures: the demo world, seeded once per test database, and its people by name."""
import importlib

import pytest
from django.apps import apps
from django.conf import settings

from pilots.choices import State
from pilots.models import (
    CalendarYear,
    County,
    EligibilityCondition,
    EmailStatus,
    Notification,
    Project,
    User,
)

DEMO_PASSWORD = "test-demo-password"


def pytest_configure(config):
    # Hashing dozens of demo passwords with PBKDF2 would dominate the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def ensure_demo_world():
    """Reference data and demo data, (re)created when missing.

    A transactional test flushes every table, reference data included; the next test
    that needs the world then builds it again inside its own transaction.
    """
    from pilots.demo import seed

    if not County.objects.exists():
        importlib.import_module("pilots.migrations.0002_reference_data").load(apps, None)
        importlib.import_module("pilots.migrations.0007_reference_english").load(apps, None)
    if not EligibilityCondition.objects.exists():
        importlib.import_module("pilots.migrations.0006_plan_schema_2").load(apps, None)
    if not CalendarYear.objects.exists():
        importlib.import_module("pilots.migrations.0009_working_day_calendar").seed(apps, None)
    from disclosure.models import EmissionFactor

    if not EmissionFactor.objects.filter(entered_by__isnull=True).exists():
        importlib.import_module("disclosure.migrations.0002_factor_library").load(apps, None)
    if not User.objects.filter(username="eco_admin").exists():
        seed(DEMO_PASSWORD)
        # The demo's made-up history is not news: none of its emails is left to send.
        Notification.objects.filter(email_status=EmailStatus.PENDING).update(
            email_status=EmailStatus.NONE)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On PostgreSQL the append-only tables refuse TRUNCATE unless the session says it is
    doing maintenance: the test runner's flush between transactional tests is that."""
    from django.db import connections

    for connection in connections.all():
        if connection.vendor == "postgresql":
            options = connection.settings_dict.setdefault("OPTIONS", {})
            options["options"] = "-c hechi.audit_maintenance=on"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_demo_world()


class DemoWorld:
    """Named access to the demo users and projects."""

    password = DEMO_PASSWORD

    def user(self, username) -> User:
        return User.objects.get(username=username)

    def users(self):
        return list(User.objects.order_by("username"))

    def project_in(self, state, **filters) -> Project:
        return Project.objects.filter(state=state, **filters).order_by("pk").first()

    def draft(self, username) -> Project:
        """The demo draft (with a complete plan) of applicant ``username``."""
        user = self.user(username)
        return Project.objects.filter(state=State.DRAFT, applicant=user.organisation).order_by("pk").first()


@pytest.fixture
def demo(db):
    ensure_demo_world()
    return DemoWorld()


@pytest.fixture
def api(client):
    """A DRF test client."""
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture(autouse=True)
def celery_eager(request):
    """Tasks run in-process unless a test brings up a real worker (marked integration)."""
    from hechi_nzc.celery import app

    if request.node.get_closest_marker("integration"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
