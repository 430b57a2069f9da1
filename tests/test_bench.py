"""`make bench` counts the queries of each page, however many the build logged before."""
import importlib.util
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

BENCH = Path(__file__).resolve().parent.parent / "bench" / "list_pages.py"


@pytest.fixture
def bench():
    spec = importlib.util.spec_from_file_location("bench_list_pages", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_bench_counts_queries_after_more_than_9000_were_logged(demo, client, bench):
    client.force_login(demo.user("eco_admin"))
    client.get("/projects/")  # warm: sessions, content types
    with CaptureQueriesContext(connection) as page:
        client.get("/projects/")
    # What building 300 projects leaves behind: the log is a deque capped at 9,000.
    with CaptureQueriesContext(connection):
        connection.queries_log.extend({"sql": "SELECT 1", "time": "0.000"} for _ in range(9001))
        assert len(connection.queries_log) == connection.queries_limit == 9000

        _ms, queries = bench.measure(client, "/projects/", repeat=2)

    assert len(page) > 0
    assert queries == len(page)
