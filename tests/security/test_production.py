"""Production settings: the deploy checks pass and missing secrets stop the start."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    environment.update(DJANGO_SETTINGS_MODULE="roadmap_portal.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_checks_at_warning_level():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="roadmap.example.org",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "roadmap.example.org"}, "DJANGO_SECRET_KEY must be set"),
        (
            {"DJANGO_SECRET_KEY": "short", "DJANGO_ALLOWED_HOSTS": "roadmap.example.org"},
            "DJANGO_SECRET_KEY must be set",
        ),
        ({"DJANGO_SECRET_KEY": secrets.token_urlsafe(60)}, "DJANGO_ALLOWED_HOSTS must name"),
    ],
)
def test_production_refuses_to_start_without_a_real_secret_and_hosts(env, message):
    result = _manage("check", **env)

    assert result.returncode != 0
    assert message in result.stderr
