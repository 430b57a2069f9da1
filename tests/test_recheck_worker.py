"""The daily recheck task, run by a real Celery worker over the configured broker."""
import datetime
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from acceptance.tasks import start_due_rechecks
from hechi_nzc.celery import app
from pilots.choices import State
from pilots.models import Project

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker(settings):
    """A Celery worker thread on the real broker (Redis in CI; in-memory without REDIS_URL).

    It and everything this test queues use a queue of their own: the broker is shared with
    the other test process and may hold messages an earlier, interrupted run left behind.
    """
    queue = f"recheck-test-{uuid.uuid4().hex}"
    default_queue = app.conf.task_default_queue
    app.conf.task_always_eager = False
    app.conf.broker_url = settings.CELERY_BROKER_URL
    app.conf.task_default_queue = queue
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10,
                          queues=[queue]):
            yield queue
    finally:
        app.conf.task_default_queue = default_queue
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


def test_due_rechecks_start_in_the_worker(demo, worker, settings):
    titled = demo.project_in(State.TITLED)
    # Titled one day longer ago than its category's recheck interval: due now.
    days = titled.category.recheck_interval_days + 1
    Project.objects.filter(pk=titled.pk).update(
        state_entered_at=timezone.now() - datetime.timedelta(days=days))

    result = start_due_rechecks.apply_async(queue=worker)

    assert result.get(timeout=30) == [titled.code]
    titled = Project.objects.get(pk=titled.pk)
    assert titled.state == State.RECHECK
    entry = titled.audit_entries.order_by("-pk").first()
    assert (entry.transition, entry.source, entry.target, entry.actor) == (
        "start_recheck", State.TITLED, State.RECHECK, None)


def test_nothing_is_due_before_the_interval(demo, worker, settings):
    titled = demo.project_in(State.TITLED)
    days = titled.category.recheck_interval_days - 1
    Project.objects.filter(pk=titled.pk).update(
        state_entered_at=timezone.now() - datetime.timedelta(days=days))

    assert start_due_rechecks.apply_async(queue=worker).get(timeout=30) == []
    assert Project.objects.filter(state=State.TITLED).count() == 1


# The daily schedule is a row made by a data migration: tests/test_outbox.py checks it.
