"""Production refuses to start half-configured or mis-configured, naming the variable, and
passes Django's deployment checks."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from planner.settings.base import database_from_url

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP"


def start(extra_env: dict, *command: str) -> subprocess.CompletedProcess:
    """``manage.py <command>`` on production settings with a valid base environment."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS"))
    }
    env |= {"DJANGO_SETTINGS_MODULE": "planner.settings.production", "SECRET_KEY": GOOD_KEY}
    env |= {"ALLOWED_HOSTS": "relay.example.org", "RELAY_VAR_DIR": str(ROOT / "var")}
    env |= extra_env
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, str(ROOT / "manage.py"), *command], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SECRET_KEY", None),
        ("SECRET_KEY", "too-short"),
        ("ALLOWED_HOSTS", None),
        ("DATABASE_URL", "postgress://relay@db/relay"),
        ("DATABASE_URL", "relay.sqlite3"),
        ("REDIS_URL", "localhost:6379"),
        ("Q_WORKERS", "two"),
        ("Q_WORKERS", "0"),
        ("CONN_MAX_AGE", "-5"),
        ("SECURE_SSL_REDIRECT", "maybe"),
        ("EMAIL_PORT", "smtp"),
        ("LOG_LEVEL", "LOUD"),
        ("WAGTAILADMIN_BASE_URL", "relay.example.org"),
    ],
)
def test_a_missing_or_malformed_setting_stops_start_up_naming_it(variable, value):
    result = start({variable: value}, "check")
    assert result.returncode != 0
    assert result.stderr.startswith("Relay cannot start:") and variable in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"), [("REDIS_URL", "localhost:6379"), ("WEB_CONCURRENCY", "0"), ("GUNICORN_TIMEOUT", "soon")]
)
def test_gunicorn_stops_at_start_naming_a_malformed_variable_in_one_line(variable, value):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env |= {"DJANGO_SETTINGS_MODULE": "planner.settings.production", "SECRET_KEY": GOOD_KEY}
    env |= {"ALLOWED_HOSTS": "relay.example.org", "GUNICORN_BIND": "127.0.0.1:0", variable: value}
    result = subprocess.run(  # noqa: S603 - our own gunicorn with its config file
        [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode != 0
    assert f"Relay cannot start: {variable}" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Booting worker" not in result.stderr  # nothing half-started


def test_production_settings_pass_the_deployment_checks():
    with socket.create_server(("127.0.0.1", 0)) as mail_server:
        mail = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(mail_server.getsockname()[1])}
        result = start(mail, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


SHOW_TRANSPORT = (
    "from django.conf import settings as s; "
    "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
    "s.CSRF_TRUSTED_ORIGINS)"
)


def test_production_settings_can_be_tried_over_plain_http_on_this_machine_only():
    local = start(
        {"RELAY_LOCAL_HTTP": "true", "ALLOWED_HOSTS": "127.0.0.1,localhost"},
        "shell",
        "--no-imports",
        "-c",
        SHOW_TRANSPORT,
    )
    assert local.returncode == 0, local.stderr
    assert local.stdout.split(" ", 4) == ["False", "False", "False", "0", "['http://127.0.0.1', 'http://localhost']\n"]
    real = start({"RELAY_LOCAL_HTTP": "true", "ALLOWED_HOSTS": "relay.example.org"}, "check")
    assert real.returncode != 0 and real.stderr.startswith("Relay cannot start: RELAY_LOCAL_HTTP")
    default = start({}, "shell", "--no-imports", "-c", SHOW_TRANSPORT)
    assert default.stdout.startswith("True True True 31536000 ['https://relay.example.org']")


def test_sqlite_default_uses_wal_and_immediate_transactions():
    config = database_from_url("sqlite:////tmp/relay-test.sqlite3")
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_postgres_url_gets_no_sqlite_options():
    config = database_from_url("postgres://relay@db.internal:5432/relay")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert "transaction_mode" not in config.get("OPTIONS", {})


def test_task_queue_retries_only_after_a_task_could_have_timed_out():
    assert settings.Q_CLUSTER["retry"] > settings.Q_CLUSTER["timeout"]
    assert settings.Q_CLUSTER["max_attempts"] > 0
