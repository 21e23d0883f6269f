"""Relay under gunicorn with production settings, as the README deploys it behind a proxy that
appends the client's address to ``X-Forwarded-For``: every request reaches Django from
127.0.0.1, so lock-outs must key on the forwarded address, and each request writes its access
line."""

import http.client
import re
import secrets
import shutil
import sys
import tempfile
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.production.support import (
    copy_sqlite,
    free_port,
    relay_env,
    shell_json,
    start,
    stop,
    wait_until,
)

PASSWORD = "correct horse battery"  # tests/factories.py
VICTIM_ADDRESS, ATTACKER_ADDRESS = "198.51.100.7", "203.0.113.66"
MAKE_PLANNER = (
    "import json; from django.contrib.auth.models import User; "
    f"User.objects.create_superuser('planner@example.org', 'planner@example.org', {PASSWORD!r}); "
    "print(json.dumps({'delegate': User.objects.filter(delegate__isnull=False).get().username}))"
)


@pytest.fixture(scope="module")
def relay(sqlite_scene):
    """(port, log, accounts): gunicorn serving a copy of the scene with production settings."""
    path, _ = sqlite_scene
    folder = Path(tempfile.mkdtemp(prefix="relay_fail_"))
    server = None
    try:
        port = free_port()
        env = relay_env(
            database_url=copy_sqlite(path, folder / "relay.sqlite3"),
            var_dir=folder,
            settings="tests.production.websettings",
            GUNICORN_BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY="2",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="false",
            LOG_FORMAT="text",
            PROXY_COUNT="1",
        )
        accounts = shell_json(MAKE_PLANNER, env=env)
        server = start([str(Path(sys.executable).parent / "gunicorn")], env=env, log=folder / "gunicorn.log")
        assert wait_until(lambda: answers(port), timeout=30), (folder / "gunicorn.log").read_text()[-3000:]
        yield port, folder / "gunicorn.log", accounts
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(folder, ignore_errors=True)


def answers(port: int) -> bool:
    try:
        return request(port, "GET", "/healthz", forwarded_for="192.0.2.1")[0] == 200
    except OSError:
        return False


def request(port, method, path, *, forwarded_for, cookies=None, form=None) -> tuple[int, dict, str]:
    """One request as the proxy hands it on: ``forwarded_for`` is the X-Forwarded-For it wrote."""
    headers = {"X-Forwarded-For": forwarded_for}
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        set_cookies = SimpleCookie()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                set_cookies.load(value)
        return response.status, {key: morsel.value for key, morsel in set_cookies.items()}, response.read().decode()
    finally:
        connection.close()


def log_in(port, path, *, username, password, forwarded_for) -> int:
    """Fill in the login form at ``path`` from ``forwarded_for``; the status of the POST
    (302 signed in, 200 the form again with an error, 429 locked out)."""
    _, cookies, page = request(port, "GET", path, forwarded_for=forwarded_for)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"csrfmiddlewaretoken": token, "username": username, "password": password}
    return request(port, "POST", path, forwarded_for=forwarded_for, cookies=cookies, form=form)[0]


@pytest.mark.parametrize(("path", "account"), [("/account/login/", "delegate"), ("/admin/login/", "planner")])
def test_wrong_passwords_from_one_address_do_not_lock_the_account_out_from_another(relay, path, account):
    port, _, accounts = relay
    username = accounts["delegate"] if account == "delegate" else "planner@example.org"
    # The attacker also forges the victim's address at the left of the header; the proxy
    # appends the attacker's real one, which is the only entry Relay trusts.
    forged = f"{VICTIM_ADDRESS}, {ATTACKER_ADDRESS}"
    statuses = [log_in(port, path, username=username, password="wrong", forwarded_for=forged) for _ in range(5)]
    assert statuses == [200] * 4 + [429]  # the fifth failure locks the attacker's own address
    assert log_in(port, path, username=username, password=PASSWORD, forwarded_for=forged) == 429
    assert log_in(port, path, username=username, password=PASSWORD, forwarded_for=VICTIM_ADDRESS) == 302


def test_every_request_writes_one_access_line(relay):
    port, log, _ = relay
    marker = f"/no-such-page-{secrets.token_hex(4)}/"
    for _ in range(3):
        request(port, "GET", marker, forwarded_for="192.0.2.9")
    assert wait_until(lambda: log.read_text().count(f"GET {marker} 404") == 3, timeout=5), log.read_text()[-2000:]
