"""PostgreSQL restarting under the web process: while it is away, pages answer a short 503 with
``Retry-After`` (JSON for API clients) and no 500s; once it is back, the same workers serve again,
without restarting Relay.

The first tests run Django in-process with views that lose the database. The last ones run
gunicorn (two workers, production settings, connections kept for 60 s) against a copy of the
PostgreSQL scene through a loopback proxy that plays the restart (tcp_proxy.py)."""

import http.client
import json
import secrets
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import IntegrityError, OperationalError, connection
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from planner.urls import urlpatterns as relay_urls
from tests.production.support import (
    create_postgres_database,
    drop_postgres_database,
    free_port,
    relay_env,
    start,
    stop,
    unique_name,
    wait_until,
)
from tests.production.tcp_proxy import RestartableProxy

BRIEFLY_UNAVAILABLE = "Relay is briefly unavailable"


def answers(request):
    return HttpResponse("Programme")


def loses_the_database(request):
    raise OperationalError("server closed the connection unexpectedly\n\tThis probably means the server terminated")


def breaks_a_constraint(request):
    raise IntegrityError("duplicate key value violates unique constraint")


class LosesTheDatabaseAfterTheView:
    """Stands for a middleware that queries after the view (a session being saved, say)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        self.get_response(request)
        raise OperationalError("consuming input failed: server closed the connection unexpectedly")


urlpatterns = [
    path("answers/", answers),
    path("lost/", loses_the_database),
    path("api/v2/lost/", loses_the_database),
    path("constraint/", breaks_a_constraint),
    *relay_urls,
]


@pytest.mark.urls(__name__)
def test_a_page_that_loses_the_database_answers_503_with_a_short_page_and_one_warning(caplog):
    response = Client(raise_request_exception=False).get("/lost/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert BRIEFLY_UNAVAILABLE in body and "Try again in a minute." in body
    assert "server closed" not in body and "Traceback" not in body
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records if r.levelno >= 30] == [
        (
            "planner.ops.outage",
            "WARNING",
            "Database unreachable, answered 503: OperationalError: server closed the connection unexpectedly",
        )
    ]


@pytest.mark.urls(__name__)
def test_api_and_json_clients_get_the_outage_as_json():
    client = Client(raise_request_exception=False)
    for response in (
        client.get("/api/v2/lost/"),
        client.get("/lost/", {"format": "json"}),
        client.get("/lost/", headers={"accept": "application/json"}),
    ):
        assert (response.status_code, response["Retry-After"]) == (503, "60")
        assert json.loads(response.content) == {"error": "Relay is briefly unavailable, try again in a minute."}


@pytest.mark.urls(__name__)
def test_a_database_error_that_is_not_an_outage_is_still_a_server_error():
    response = Client(raise_request_exception=False).get("/constraint/")
    assert response.status_code == 500
    assert BRIEFLY_UNAVAILABLE not in response.content.decode()


@pytest.mark.urls(__name__)
def test_losing_the_database_inside_another_middleware_answers_503_too(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.LosesTheDatabaseAfterTheView"]
    response = Client(raise_request_exception=False).get("/answers/")
    assert (response.status_code, response["Retry-After"]) == (503, "60")
    assert BRIEFLY_UNAVAILABLE in response.content.decode()


def every_query_fails(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page, answer",
    [
        ("/", "page"),
        ("/digital-councils-2027/", "page"),
        ("/calendar/regional.ics", "page"),
        ("/near/?q=Leeds&format=json", "json"),
        ("/api/v2/pages/?type=planner.ConferencePage", "json"),
    ],
)
def test_public_pages_answer_503_when_every_query_fails(conference, page, answer):
    with connection.execute_wrapper(every_query_fails):
        response = Client(raise_request_exception=False).get(page)
    assert (response.status_code, response.get("Retry-After")) == (503, "60"), response.content[:300]
    if answer == "json":
        assert json.loads(response.content) == {"error": "Relay is briefly unavailable, try again in a minute."}
    else:
        assert BRIEFLY_UNAVAILABLE in response.content.decode()


# Relay under gunicorn, its database behind a proxy that can play a restart.

PAGES = ["/", "/digital-councils-2027/", "/healthz"]


@pytest.fixture(scope="module")
def relay(postgres_scene):
    """(get, proxy): gunicorn serving a copy of the scene through the proxy; ``get(path)``
    returns (status, headers, body)."""
    template, scene = postgres_scene
    assert scene["conference_url"] == PAGES[1]
    name = unique_name("relay_fail")
    folder = Path(tempfile.mkdtemp(prefix="relay_fail_"))
    proxy = RestartableProxy(upstream_port=5432)
    server = None
    try:
        create_postgres_database(name, template=template)
        port = free_port()
        env = relay_env(
            database_url=f"postgres://postgres@127.0.0.1:{proxy.start()}/{name}",
            var_dir=folder,
            settings="tests.production.websettings",
            CONN_MAX_AGE="60",
            GUNICORN_BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY="2",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="false",
            LOG_FORMAT="text",
        )
        server = start([str(Path(sys.executable).parent / "gunicorn")], env=env, log=folder / "gunicorn.log")

        def get(path: str) -> tuple[int, dict, str]:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                return response.status, dict(response.getheaders()), response.read().decode()
            finally:
                connection.close()

        def healthy() -> bool:
            try:
                return get("/healthz")[0] == 200
            except OSError:
                return False

        assert wait_until(healthy, timeout=30), (folder / "gunicorn.log").read_text()[-3000:]
        yield get, proxy
    finally:
        if server is not None:
            stop(server)
        proxy.go_down()
        drop_postgres_database(name)
        shutil.rmtree(folder, ignore_errors=True)


def statuses(get, rounds: int) -> dict[str, list[int]]:
    """Each page's statuses over ``rounds`` rounds, the pages of a round asked at once (so
    both gunicorn workers answer some)."""
    seen = {page: [] for page in PAGES}
    with ThreadPoolExecutor(max_workers=len(PAGES)) as pool:
        for _ in range(rounds):
            for page, (status, _, _) in zip(PAGES, pool.map(get, PAGES), strict=True):
                seen[page].append(status)
    return seen


def test_pages_answer_503_while_the_database_restarts_and_200_once_it_is_back(relay):
    get, proxy = relay
    assert statuses(get, rounds=3) == {page: [200] * 3 for page in PAGES}
    proxy.go_down()
    down_since = time.monotonic()
    try:
        assert statuses(get, rounds=3) == {page: [503] * 3 for page in PAGES}
        status, headers, body = get("/")
        assert (status, headers["Retry-After"]) == (503, "60") and BRIEFLY_UNAVAILABLE in body
        status, headers, body = get("/healthz")
        assert json.loads(body) == {"status": "unavailable", "database": "failing", "queue": "failing"}
        time.sleep(max(0.0, 3 - (time.monotonic() - down_since)))  # a restart takes a few seconds
    finally:
        proxy.start()
    assert statuses(get, rounds=3) == {page: [200] * 3 for page in PAGES}


def test_a_database_restart_between_two_requests_goes_unnoticed(relay):
    """Every worker holds a connection the restart closed; none has noticed yet."""
    get, proxy = relay
    assert statuses(get, rounds=3) == {page: [200] * 3 for page in PAGES}
    proxy.restart()
    assert statuses(get, rounds=3) == {page: [200] * 3 for page in PAGES}
