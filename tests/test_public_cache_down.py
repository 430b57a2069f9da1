"""A cache that is down (a Redis nobody listens on) never fails a public page or a change:
the page is computed, the change is saved."""
import pytest
from django.test import override_settings

from pilots import services
from pilots.choices import State

DOWN = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": "redis://127.0.0.1:1/0",
                    "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}


@pytest.mark.django_db
def test_with_the_cache_down_public_pages_answer_and_changes_save(demo, client):
    project = demo.project_in(State.CITY_REVIEW)
    with override_settings(CACHES=DOWN):
        assert client.get("/pilots/").status_code == 200
        assert client.get("/api/public/pilots/").status_code == 200
        services.fire(project, "city_return", demo.user("eco_admin"), reason="材料不全，请补充。")
    project.refresh_from_db()
    assert project.state == State.RETURNED
