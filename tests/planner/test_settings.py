"""Production refuses to start half-configured, and passes Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3y-" + "x9Qv7LmZ2pR8sT4wY6uB1nC5dF0gH3jK" * 2


def run_manage(*args, **env):
    environment = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="planner.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("env", "missing"),
    [({"ALLOWED_HOSTS": "relay.example.org"}, "SECRET_KEY"), ({"SECRET_KEY": STRONG_KEY}, "ALLOWED_HOSTS")],
)
def test_production_refuses_to_start_naming_the_missing_variable(env, missing):
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert f"{missing} must be set in the environment for production" in result.stderr


def test_production_settings_pass_the_deployment_checks():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="relay.example.org"
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_sqlite_default_uses_wal_and_immediate_transactions():
    from planner.settings.base import database_from_url

    config = database_from_url("sqlite:////tmp/relay-test.sqlite3")
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_postgres_url_gets_no_sqlite_options():
    from planner.settings.base import database_from_url

    config = database_from_url("postgres://relay@db.internal:5432/relay")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert "transaction_mode" not in config.get("OPTIONS", {})


def test_task_queue_retries_only_after_a_task_could_have_timed_out():
    from django.conf import settings

    assert settings.Q_CLUSTER["retry"] > settings.Q_CLUSTER["timeout"]
    assert settings.Q_CLUSTER["max_attempts"] > 0
