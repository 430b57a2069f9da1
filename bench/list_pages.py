"""Time the list pages and API with many projects: `python bench/list_pages.py [N]`.

Builds a throwaway SQLite database (or uses DATABASE_URL when it is set: then it creates
and drops its own test database), adds N submitted projects on top of the demo data, and
prints the median time and the SQL query count of each page, as a user would load it.

Importing this module sets nothing up (tests import ``measure``); running it does.
"""
import os
import statistics
import sys
import time
from pathlib import Path


def setup():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hechi_nzc.settings")
    os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")

    import django

    django.setup()

    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver"]


def build(n):
    from hechi_nzc.celery import app
    from pilots import services
    from pilots.demo import credit_code, demo_plan, seed
    from pilots.models import Category, County, Organisation, RoleGrant, User

    app.conf.task_always_eager = True
    seed("bench")
    county = County.objects.get(code="yizhou")
    category = Category.objects.get(code="campus")
    batch = services.Project.objects.first().batch
    for i in range(n):
        org = Organisation.objects.create(
            name=f"宜州区第{i + 2}中学", org_type="school", county=county,
            credit_code=credit_code("yizhou", "campus", 900000 + i),
            contact_name="甲", contact_phone="1")
        user = User.objects.create(username=f"bench_app_{i}", organisation=org)
        RoleGrant.objects.create(user=user, role="applicant")
        project = services.create_project(actor=user, batch=batch, category=category,
                                          name=f"宜州区第{i + 2}中学近零碳排放校园")
        services.save_plan(project, user, demo_plan(category))
        services.fire(project, "submit", user)


def measure(client, path, repeat=7):
    """(median milliseconds, SQL queries) of ``repeat`` loads of ``path``.

    The connection keeps at most 9,000 queries (``queries_log`` is a bounded deque):
    once the build has logged more, a count taken as the difference of its lengths
    is 0. So the log is emptied before every load and counted after it.
    """
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    times, counts = [], []
    for _ in range(repeat):
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
        assert len(queries) < connection.queries_limit, (path, "too many queries to count")
        counts.append(len(queries))
    return statistics.median(times) * 1000, counts[-1]  # warm, as a user loads it again


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import get_runner, setup_test_environment

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        started = time.perf_counter()
        build(n)
        print(f"built {n} extra submitted projects in {time.perf_counter() - started:.1f}s "
              f"on {connection.vendor}")
        from pilots.models import User

        pages = [
            ("yizhou_education", "/"), ("yizhou_education", "/projects/"),
            ("yizhou_ecology", "/county/summary/"), ("yizhou_ecology", "/county/summary.xlsx"),
            ("eco_admin", "/"), ("eco_admin", "/projects/"), ("eco_admin", "/api/projects/"),
        ]
        print(f"{'user':<18} {'page':<24} {'median ms':>10} {'queries':>8}")
        for username, path in pages:
            client = Client()
            client.force_login(User.objects.get(username=username))
            ms, queries = measure(client, path)
            print(f"{username:<18} {path:<24} {ms:>10.1f} {queries:>8}")
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()
