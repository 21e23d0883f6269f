"""Production hardening that a person relies on without seeing it: pages carry a strict
Content Security Policy; every state change needs a CSRF token; oversized requests get a
clear 400; the admin is for staff only; logs carry a request id and never a token or an
email address. (Settings read strictly from the environment: test_settings.py.)"""

import io
import json
import logging
import logging.config
import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from planner.models import Contribution
from planner.settings.base import logging_config
from tests.factories import DelegateFactory, make_session


def directive(response, name: str) -> str:
    policy = dict(
        part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";") if part.strip()
    )
    return policy[name]


def test_public_pages_allow_no_inline_script_and_have_none(client, conference):
    session = make_session(conference, title="Hospital discharge")
    for path in ["/", conference.url, session.url, "/near/?q=Leeds", "/account/signup/", "/no-such-page/"]:
        response = client.get(path)
        assert directive(response, "script-src") == "'self'"
        assert directive(response, "style-src") == "'self'"
        assert directive(response, "frame-ancestors") == "'none'"
        page = BeautifulSoup(response.content, "html.parser")
        assert all(script.get("src") for script in page.find_all("script")), path
        assert not page.select("[style]"), path
        inline_handlers = [attr for tag in page.find_all(True) for attr in tag.attrs if attr.startswith("on")]
        assert not inline_handlers, path


def test_the_admin_relaxes_the_policy_only_behind_its_login(client, planner_client):
    assert "'unsafe-inline'" not in directive(client.get("/admin/login/"), "script-src")
    assert directive(planner_client.get("/admin/"), "script-src") == "'self' 'unsafe-inline'"
    assert directive(planner_client.get("/admin/"), "frame-ancestors") == "'none'"


def test_the_admin_is_for_staff_groups_only(client, conference):
    delegate = DelegateFactory()
    client.force_login(delegate.user)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    moderator = DelegateFactory().user
    moderator.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(moderator)
    home = client.get("/admin/")
    assert home.status_code == 200 and "Search all pages" in home.content.decode()  # the admin's own home


def sample_paths():
    """A concrete path for every URL pattern of the site (Wagtail's admin included): each
    parameter filled with a value its converter accepts. Regex patterns with groups are
    left out (a few in Wagtail's admin); the page-serving catch-all is covered by "/"."""

    def fill(pattern) -> str | None:
        if isinstance(pattern, RoutePattern):
            converters = pattern.converters

            def value(match):
                regex = converters[match.group(2)].regex
                return next(v for v in ("1", "abc", "a-b", "2026-01-01") if re.fullmatch(regex, v))

            return re.sub(r"<(?:(\w+):)?(\w+)>", value, str(pattern))
        if isinstance(pattern, RegexPattern) and not pattern.regex.groups:
            return re.sub(r"\\(.)", r"\1", str(pattern).lstrip("^").rstrip("$").replace("\\Z", ""))
        return None

    def walk(patterns, prefix):
        for entry in patterns:
            part = fill(entry.pattern)
            if part is None:
                continue
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + part)
            elif isinstance(entry, URLPattern):
                yield "/" + prefix + part

    return sorted(set(walk(get_resolver().url_patterns, ""))) + ["/"]


@pytest.mark.django_db
def test_every_state_change_needs_a_csrf_token(django_user_model):
    """A logged-in planner's browser posting to any address of the site without the token
    gets 403; the read-only API accepts no POST at all (403 or 405)."""
    user = django_user_model.objects.create_superuser("planner", "planner@example.org", "correct horse battery")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    paths = sample_paths()
    assert len(paths) > 300  # the whole site, Wagtail's admin included
    unprotected = []
    for path in paths:
        response = browser.post(path, {"body": "x"})
        if path.startswith("/api/v2/"):
            ok = response.status_code in (403, 405)  # never a write
        else:
            ok = response.status_code == 403 and b"CSRF" in response.content
        if not ok:
            unprotected.append((path, response.status_code))
    assert not unprotected
    assert not Contribution.objects.exists()


def test_an_oversized_post_gets_a_clear_400_and_writes_nothing(client, conference, settings):
    session = make_session(conference, title="Hospital discharge")
    delegate = DelegateFactory()
    client.force_login(delegate.user)
    body = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(f"/sessions/{session.pk}/discuss/", {"body": body})
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert not Contribution.objects.exists()


@pytest.fixture
def json_log():
    """The production logging configuration, writing to a buffer instead of stdout."""
    config = logging_config("json", access_level="INFO")
    config["handlers"]["console"]["stream"] = buffer = io.StringIO()
    logging.config.dictConfig(config)
    yield buffer
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


def lines(buffer) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_log_lines_are_json_with_the_request_id_and_no_token(client, db, json_log):
    token = "s3cret-calendar-token-0123456789"
    response = client.get(f"/calendar/me/{token}.ics", headers={"X-Request-ID": "proxy-given-id-42"})
    assert response.status_code == 404
    assert response["X-Request-ID"] == "proxy-given-id-42"
    written = lines(json_log)
    assert written and all(line["request_id"] == "proxy-given-id-42" for line in written)
    assert any(line["logger"] == "relay.requests" and line["status"] == 404 for line in written)
    assert token not in json_log.getvalue() and "/calendar/me/[token]" in json_log.getvalue()


def test_a_malformed_request_id_is_replaced_not_repeated(client, db):
    response = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.urls("tests.planner.failing_urls")
def test_an_error_logs_its_request_id_and_the_page_shows_it(db, json_log):
    browser = Client(raise_request_exception=False)
    response = browser.get("/broken/")
    assert response.status_code == 500
    rid = response["X-Request-ID"]
    error = next(line for line in lines(json_log) if line["level"] == "ERROR")
    assert error["request_id"] == rid and "RuntimeError" in error["error"]
    assert "someone@example.org" not in json_log.getvalue()  # redacted from the traceback too
    assert rid in response.content.decode()  # the reference a delegate can quote


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "client"),
    [
        (0, "203.0.113.5", "10.0.0.9"),  # no proxy in front: the header is the client's own words
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "198.51.100.7, 203.0.113.5", "203.0.113.5"),  # a forged entry to the left is ignored
        (2, "198.51.100.7, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (1, "", "10.0.0.9"),
        (1, "not-an-address", "10.0.0.9"),
        (2, "203.0.113.5", "10.0.0.9"),  # fewer hops than proxies: did not come through them
    ],
)
def test_the_client_address_is_the_one_our_own_proxies_wrote(rf, settings, proxies, forwarded_for, client):
    from planner.ops.client_address import client_address

    settings.RELAY_PROXY_COUNT = proxies
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded_for, REMOTE_ADDR="10.0.0.9")
    assert client_address(request) == client


def test_signing_in_a_request_with_no_address_is_logged_not_refused(db, django_user_model):
    """force_login and scripts build requests with no REMOTE_ADDR: axes still logs them."""
    from axes.models import AccessLog
    from django.test import Client

    user = django_user_model.objects.create_user("nobody-in-particular", password="x")
    Client().force_login(user)
    assert AccessLog.objects.filter(username="nobody-in-particular").exists()


@pytest.mark.parametrize(
    "path", ["/delegates/?q=%00", "/api/v2/images/?search=%00", "/api/v2/documents/?search=a%00b", "/near/?q=%00"]
)
def test_a_nul_byte_in_a_search_gets_a_400_that_says_what_to_fix(client, db, path):
    response = client.get(path)
    assert response.status_code == 400
    message = response.json()["error"] if path.startswith("/api/") else response.content.decode()
    assert "NUL character" in message and "Remove it" in message


def test_a_nul_byte_in_a_posted_form_field_gets_a_400(client, db):
    form = "username=a%00b&password=x"
    response = client.post("/account/login/", form, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and "NUL character" in response.content.decode()
