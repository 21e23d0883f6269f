"""``make serve`` as the README's Deploying section runs it, on PostgreSQL and Redis, tried
on this machine over plain HTTP (RELAY_LOCAL_HTTP): it checks, migrates, loads the towns,
serves pages and nearby search, and stops when a supervisor sends SIGTERM to it alone."""

import http.client
import json
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.production.support import (
    REDIS,
    ROOT,
    create_postgres_database,
    drop_postgres_database,
    free_port,
    relay_env,
    stop,
    unique_name,
    wait_until,
)


def get(port: int, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def answers(port: int) -> bool:
    try:
        return get(port, "/healthz")[0] == 200
    except OSError:
        return False


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def serving(postgres_scene):
    """(process, port, log): ``make serve`` running against a copy of the PostgreSQL scene."""
    template, _ = postgres_scene
    name = unique_name("relay_fail")
    folder = Path(tempfile.mkdtemp(prefix="relay_fail_"))
    process = None
    try:
        port = free_port()
        env = relay_env(
            database_url=create_postgres_database(name, template=template),
            var_dir=folder,
            settings="tests.production.websettings",  # production, without the 60 s static manifest
            REDIS_URL=REDIS,
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            RELAY_LOCAL_HTTP="true",
            GUNICORN_BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY="2",
            Q_WORKERS="1",
            EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        )
        log = folder / "serve.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [shutil.which("make"), "--no-print-directory", "serve"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        assert (
            wait_until(lambda: answers(port) or process.poll() is not None, timeout=120) and process.poll() is None
        ), log.read_text()[-3000:]
        yield process, port, log
    finally:
        if process is not None:
            stop(process)
        drop_postgres_database(name)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("to_the_group", [False, True], ids=["to-make", "to-its-process-group"])
def test_make_serve_serves_pages_and_nearby_search_then_stops_on_sigterm(serving, to_the_group):
    process, port, log = serving
    status, body = get(port, "/digital-councils-2027/")
    assert status == 200 and "North West meetup" in body
    status, body = get(port, "/near/?q=Leeds&format=json")
    assert status == 200 and json.loads(body)["origin"]["label"].startswith("Leeds")  # the towns were loaded

    # To make alone (as a container runtime does), or to every process of its group (systemd).
    if to_the_group:
        os.killpg(process.pid, signal.SIGTERM)
    else:
        process.send_signal(signal.SIGTERM)
    assert wait_until(lambda: process.poll() is not None, timeout=30), log.read_text()[-3000:]
    assert wait_until(lambda: not group_alive(process.pid), timeout=10), "gunicorn or qcluster outlived make serve"
