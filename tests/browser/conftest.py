"""Browser tests: playwright (PyPI) driving Debian's Chromium against Django's live server.

Never `playwright install` (it downloads a browser, which this network refuses): Chromium
comes from the system package (`make test` installs it where it can). Without it the tests
fail, saying what to install: a skipped browser test would hide a broken journey."""

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from playwright.sync_api import sync_playwright

from planner import services
from planner.models import Visibility
from planner.services.agenda import register_online
from planner.services.discussion import accept_answer, moderate_contribution, post_contribution
from tests.browser.helpers import AXE, restore_migrated_data, watch_policy
from tests.factories import DelegateFactory, VenueFactory, london, make_conference, make_meetup, make_session
from venues.gazetteer import load_gazetteer, load_outward_codes

CHROMIUM = Path(os.environ.get("RELAY_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# the test's own database calls as "async-unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def missing(thing: str, command: str):
    """A browser test without its browser proves nothing: fail, saying what to install
    (`make test` installs it first where it can)."""
    pytest.fail(f"{thing} is missing; install it with: {command}")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        missing("Chromium", "sudo apt-get install chromium")
    if not AXE.exists():
        missing("axe-core", "npm ci")

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    blocked = watch_policy(tab)
    yield tab
    context.close()
    assert not blocked, f"the Content Security Policy blocked: {blocked}"


@pytest.fixture(scope="session")
def migrated_snapshot(django_db_setup, django_db_blocker) -> str:
    """The rows the migrations made (home page, site, locale, content types), serialised
    while the database is still as migrated, before any live-server test flushes it."""

    with django_db_blocker.unblock():
        return connection.creation.serialize_db_to_string()


@pytest.fixture
def site(migrated_snapshot, live_server):
    """A small programme near Leeds, with the gazetteer loaded, served by the live server."""

    restore_migrated_data(migrated_snapshot)
    load_gazetteer()
    load_outward_codes()
    conference = make_conference()
    digital, communities, _ = conference.streams.all()
    opening = make_session(conference, title="Open data that residents use", stream=digital, format="panel")
    second = make_session(
        conference, title="Town deals, year two", stream=communities, start=london(date(2027, 3, 9), 10, 30)
    )
    meetup = make_meetup(
        conference,
        title="Yorkshire meetup",
        capacity=1,
        venue=VenueFactory(
            name="Leeds Central Library", town="Leeds", latitude=Decimal("53.8002"), longitude=Decimal("-1.5486")
        ),
        agenda=[
            services.AgendaItemPlan(
                title="Open data clinic",
                start_time=london(date(2027, 4, 14), 10, 30).time(),
                end_time=london(date(2027, 4, 14), 12).time(),
                continues=[opening],
            )
        ],
    )
    thread = seed_discussion(conference, opening)
    return {
        "url": live_server.url,
        "conference": conference,
        "sessions": [opening, second],
        "meetup": meetup,
        "thread": thread,
    }


def seed_discussion(conference, session):
    """A short discussion: a question answered by a named delegate, a reply from a hidden one,
    and a finding; returns the question's thread."""

    asker = DelegateFactory(name="Tom Okafor", visibility=Visibility.EVERYONE, organisation="Bradford Council")
    helper = DelegateFactory(name="Asha Patel", visibility=Visibility.EVERYONE, organisation="Leeds City Council")
    quiet = DelegateFactory(name="Quiet Quentin", visibility=Visibility.HIDDEN)
    for person in (asker, helper, quiet):
        register_online(delegate=person, conference=conference)
    question = post_contribution(
        author=asker, session=session, body="Which **open data** do residents actually use?", is_question=True
    )
    answer = post_contribution(
        author=helper, session=session, body="Bin days and planning, by a mile.", parent=question
    )
    post_contribution(author=quiet, session=session, body="Same here: see https://data.gov.uk", parent=question)
    accept_answer(question=question, answer=answer, by=asker)
    finding = post_contribution(author=helper, session=session, body="Publishing bin days as open data cut calls.")
    moderator = get_user_model().objects.create_superuser("moderator", "moderator@example.org", "correct horse battery")
    moderate_contribution(contribution=finding, moderator=moderator, action="finding")
    return question


@pytest.fixture
def delegate_page(browser, site):
    """A tab logged in as a confirmed delegate (through the real log-in form)."""
    delegate = DelegateFactory(name="Priya Raman", user__email="priya@kirklees.gov.uk")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    blocked = watch_policy(tab)
    tab.goto(site["url"] + "/account/login/")
    tab.get_by_label("Email address").fill("priya@kirklees.gov.uk")
    tab.get_by_label("Password").fill("correct horse battery")
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url("**/my/programme/")
    yield tab, delegate
    context.close()
    assert not blocked, f"the Content Security Policy blocked: {blocked}"
