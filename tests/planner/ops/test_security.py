"""Security a person relies on without seeing it: pages carry a strict Content Security
Policy; every state change needs a CSRF token; oversized requests and NUL bytes get a clear
400; the admin is for staff only. (Logs: test_observability.py; settings read strictly from
the environment: test_settings.py.)"""

import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from planner.models import Contribution
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
        elif path.startswith("/account/emails/off/"):
            # One-click unsubscribe (RFC 8058): mail clients post without a CSRF token, so the
            # signed token in the address is the proof, and a forged one changes nothing.
            ok = response.status_code == 404
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


def test_a_nul_byte_in_a_multipart_form_field_gets_a_400_too(client, db):
    # The test client, and a browser sending a form with a file input, post multipart: the
    # bad-input sweep's NUL in a facilitator's email reached PostgreSQL that way (a 500).
    response = client.post("/account/login/", {"username": "a\x00b", "password": "x"})
    assert response.status_code == 400 and "NUL character" in response.content.decode()
