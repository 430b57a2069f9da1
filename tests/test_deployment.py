"""Production settings pass Django's deployment checklist; development needs no configuration."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_with_production_settings_reports_no_issues():
    result = _manage("check", "--deploy", "--fail-level", "WARNING",
                     DJANGO_ENV="production",
                     DJANGO_SECRET_KEY="k3J9-x8QwzP2vL7mN4rT6yU1iO0pA5sD8fG3hJ6kL9zX2cV5bN8m",
                     DJANGO_ALLOWED_HOSTS="pilot.hechi.gov.cn")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DJANGO_ENV="production")
    assert result.returncode == 1
    assert "Environment variable DJANGO_SECRET_KEY must be set." in result.stderr


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_a_bad_boolean_in_the_environment_fails_loudly(value):
    result = _manage("check", DJANGO_DEBUG=value)
    assert result.returncode == 1
    assert f"DJANGO_DEBUG={value!r} is not a boolean (use true/false)." in result.stderr
