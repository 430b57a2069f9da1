"""Two officers acting on one project at the same moment: exactly one wins (PostgreSQL)."""
import threading
import time

import pytest
from django.db import connection, connections

from pilots import conditions, services
from pilots.choices import State
from pilots.models import AuditEntry, Project

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]


def _someone_waits_for_a_lock(timeout=10.0):
    """Poll pg_locks until another backend is blocked on a lock (bounded, no fixed wait)."""
    deadline = time.monotonic() + timeout
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.005)
    return False


@pytest.fixture
def hold_the_lock_until_the_rival_waits():
    """While the first officer holds the row lock, wait until the second is blocked on it."""
    first_holds_lock = threading.Event()
    rival_was_blocked = []

    def check(project):
        if not first_holds_lock.is_set():
            first_holds_lock.set()
            rival_was_blocked.append(_someone_waits_for_a_lock())
        return True

    conditions.register("county_forward", "test hook")(check)
    conditions.register("county_return", "test hook")(check)
    yield first_holds_lock, rival_was_blocked
    for name in ("county_forward", "county_return"):
        conditions._registry[name] = [c for c in conditions._registry[name] if c.check is not check]


def test_conflicting_transitions_at_once_one_wins(demo, hold_the_lock_until_the_rival_waits):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; SQLite serialises whole writes")
    first_holds_lock, rival_was_blocked = hold_the_lock_until_the_rival_waits
    project = demo.project_in(State.COUNTY_REVIEW, category__code="region")
    forwarder = demo.user(f"{project.county.code}_ecology")
    returner = demo.user(f"{project.county.code}_ndrc")
    entries_before = AuditEntry.objects.filter(project=project).count()
    outcomes = {}

    def act(key, user, name, reason):
        try:
            services.fire(project, name, user, reason=reason)
            outcomes[key] = "won"
        except services.ServiceError as error:
            outcomes[key] = error
        finally:
            connections.close_all()

    first = threading.Thread(target=act, args=("forward", forwarder, "county_forward", "同意上报。"))
    first.start()
    assert first_holds_lock.wait(10)
    second = threading.Thread(target=act, args=("return", returner, "county_return", "请补充材料。"))
    second.start()
    first.join(20)
    second.join(20)

    assert rival_was_blocked == [True]
    assert outcomes["forward"] == "won"
    assert isinstance(outcomes["return"], services.NotAllowedNow)
    assert outcomes["return"].message == (
        "项目当前状态为「市级审核」，不能执行「退回修改」。可能已有其他人处理了该项目，请刷新页面。"
    )
    assert Project.objects.get(pk=project.pk).state == State.CITY_REVIEW
    new_entries = AuditEntry.objects.filter(project=project).order_by("pk")[entries_before:]
    assert [(e.transition, e.actor.username) for e in new_entries] == [
        ("county_forward", forwarder.username)
    ]
