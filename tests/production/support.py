"""Running Relay for real in the failure tests: ``manage.py`` and servers as subprocesses
against throwaway databases (``relay_fail_*`` on PostgreSQL, temp-file SQLite), loopback only.

pytest-django's own test database is never used here: an in-memory SQLite database cannot be
shared with a subprocess, and these tests must not disturb it."""

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
POSTGRES = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/13"


def known_defect(reason: str) -> pytest.MarkDecorator:
    """Marks a test that fails, for ``reason``, until the defect is fixed; then it must pass,
    and the mark goes. Only a failed assertion counts: a broken set-up is still an error."""
    return pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason)


def relay_env(*, database_url: str, var_dir: Path, settings: str, **extra: str) -> dict[str, str]:
    """The environment for a Relay subprocess: only what we set, whatever the test run has."""
    # Not the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE either: check --deploy refuses it.
    ignored = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in ignored}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE=settings,
        RELAY_VAR_DIR=str(var_dir),
        RELAY_PACK_DIR=str(var_dir / "packs"),
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def manage(*args: str, env: dict[str, str], timeout: float = 60) -> str:
    """Run ``manage.py *args`` and return its stdout; a failure raises with its stderr.

    RuntimeError, not AssertionError: a broken set-up must never pass for an expected failure."""
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def shell_json(code: str, *, env: dict[str, str]) -> dict:
    """Run Python in ``manage.py shell`` and return the JSON object on its last output line."""
    return json.loads(manage("shell", "--no-imports", "-c", code, env=env).strip().splitlines()[-1])


def start(command: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start a long-running process in its own process group, its output going to ``log``."""
    with open(log, "wb") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen, *, grace: float = 10) -> None:
    """Ask ``process`` and its children to stop (SIGTERM), then kill its group if any linger.

    The group is killed before the leader is reaped, so its id cannot have been reused."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        wait_until(lambda: os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT), timeout=grace)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait(5)


def descends_from(pid: int, ancestor: int) -> bool:
    """True when ``pid`` is ``ancestor`` or one of its descendants (read from /proc)."""
    while pid > 1:
        if pid == ancestor:
            return True
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:
            return False
        pid = int(stat.rsplit(")", 1)[1].split()[1])
    return False


def wait_until(condition: Callable[[], object], *, timeout: float, every: float = 0.2) -> object:
    """The first truthy value of ``condition()`` within ``timeout`` seconds, else None."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() >= deadline:
            return value or None
        time.sleep(every)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unique_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def postgres_admin(sql: str) -> None:
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def create_postgres_database(name: str, *, template: str | None = None) -> str:
    """Create ``name`` (a ``relay_fail_*`` database) and return its URL."""
    assert name.startswith("relay_fail_")
    postgres_admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return f"{POSTGRES}/{name}"


def drop_postgres_database(name: str) -> None:
    assert name.startswith("relay_fail_")
    postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def copy_sqlite(source: Path, target: Path) -> str:
    """Copy a SQLite database consistently (its WAL included) and return its URL."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return f"sqlite:///{target}"


def query_one(database_url: str, sql: str, params: tuple = ()) -> tuple | None:
    """One row read straight from a throwaway database, outside Django (``%s`` placeholders)."""
    if database_url.startswith("sqlite:///"):
        connection = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=10)
        try:
            return connection.execute(sql.replace("%s", "?"), params).fetchone()
        finally:
            connection.close()
    with psycopg.connect(database_url, autocommit=True) as connection:
        return connection.execute(sql, params).fetchone()
