"""A session's join link reaches only those who may join, only from 15 minutes before the
start until the end, and never once the session is cancelled (planner.rules.joining)."""

from datetime import timedelta
from unittest import mock

import icalendar
import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from planner.models import SessionPage
from planner.rules.joining import join_link
from planner.services.agenda import set_star
from planner.services.calendar import issue_calendar_token, sync_calendar_entry
from planner.services.cancellations import cancel_page
from tests.factories import DelegateFactory, make_session, registered_person

pytestmark = pytest.mark.django_db

LINK = "https://meet.example.org/relay/shared-care-7f3a"


@pytest.fixture
def session(conference):
    session = make_session(conference, title="Shared care records")
    SessionPage.objects.filter(pk=session.pk).update(join_url=LINK)
    session.refresh_from_db()
    sync_calendar_entry(page=session)
    return session


def at(session, minutes_from_start: int):
    """Time travel: the clock ``minutes_from_start`` after the session starts."""
    later = session.start + timedelta(minutes=minutes_from_start)
    return mock.patch("planner.rules.joining.clock", return_value=later)


@pytest.mark.parametrize(
    ("minutes", "shown"), [(-60, False), (-16, False), (-15, True), (0, True), (49, True), (50, False), (90, False)]
)
def test_the_link_shows_from_fifteen_minutes_before_the_start_until_the_end(session, minutes, shown):
    link = join_link(session, may_join=True, now=session.start + timedelta(minutes=minutes))
    assert (link.url == LINK) is shown
    assert (link.opens_at == session.start - timedelta(minutes=15)) is (minutes < -15)


def test_anonymous_and_unregistered_viewers_never_get_the_link_but_are_told_how(client, session):
    unregistered = DelegateFactory()
    for viewer in (None, unregistered):
        if viewer:
            client.force_login(viewer.user)
        with at(session, 5):
            body = client.get(session.url).content.decode()
        assert LINK not in body and "Registered delegates get the link to join online" in body


def test_a_registered_delegate_is_told_when_the_link_appears_then_gets_it(client, conference, session):
    client.force_login(registered_person(conference, "Amira Shah").user)
    with at(session, -60):
        before = client.get(session.url).content.decode()
    assert LINK not in before and "The link to join appears here from 09:15 GMT" in before
    with at(session, 10):
        assert f'href="{LINK}"' in client.get(session.url).content.decode()
    with at(session, 50):
        assert LINK not in client.get(session.url).content.decode()


def test_a_planner_gets_the_link_during_the_session(client, session):
    planner = get_user_model().objects.create_superuser("planner", "p@example.org", "correct horse battery")
    client.force_login(planner)
    with at(session, 0):
        assert f'href="{LINK}"' in client.get(session.url).content.decode()


def test_a_cancelled_session_never_shows_the_link(client, conference, session):
    cancel_page(page=session, reason="The speaker is ill")
    client.force_login(registered_person(conference, "Amira Shah").user)
    with at(session, 0):
        body = client.get(session.url).content.decode()
    assert LINK not in body and "Registered delegates get the link" not in body


def test_a_session_open_to_all_shows_anyone_the_link_and_the_public_feed_carries_it(client, conference, session):
    SessionPage.objects.filter(pk=session.pk).update(join_open_to_all=True)
    session.refresh_from_db()
    sync_calendar_entry(page=session)
    with at(session, 0):
        assert f'href="{LINK}"' in client.get(session.url).content.decode()
    assert LINK in feed_descriptions(client, f"/calendar/conference/{conference.pk}.ics")


def test_public_feeds_schedules_and_the_api_never_carry_a_private_link(client, conference, session):
    for path in (
        f"/calendar/conference/{conference.pk}.ics",
        f"/calendar/session/{session.pk}.ics",
        f"/calendar/conference/{conference.pk}/schedule.xml",
        f"/calendar/conference/{conference.pk}/schedule.json",
        "/api/v2/pages/?type=planner.SessionPage&fields=*",
        f"/api/v2/pages/{session.pk}/",
    ):
        response = client.get(path)
        # A calendar folds long lines: it is read back unfolded, as a calendar would.
        text = feed_descriptions(client, path) if path.endswith(".ics") else response.content.decode()
        assert response.status_code == 200 and "meet.example.org" in LINK and LINK not in text, path


def test_a_registered_delegates_own_feed_carries_the_links_of_the_sessions_they_starred(client, conference, session):
    delegate = registered_person(conference, "Amira Shah")
    set_star(delegate=delegate, session=session, starred=True)
    token = issue_calendar_token(delegate=delegate)
    assert LINK in feed_descriptions(client, f"/calendar/me/{token}.ics")
    stranger = DelegateFactory()  # starred, but not registered for the conference
    set_star(delegate=stranger, session=session, starred=True)
    assert LINK not in feed_descriptions(client, f"/calendar/me/{issue_calendar_token(delegate=stranger)}.ics")


def feed_descriptions(client, path: str) -> str:
    calendar = icalendar.Calendar.from_ical(client.get(path).content)
    return " ".join(str(event.get("DESCRIPTION", "")) for event in calendar.walk("VEVENT"))


def test_the_clock_used_is_the_real_one_outside_the_tests(session):
    assert join_link(session, may_join=True).opens_at == session.start - timedelta(minutes=15)
    assert session.start > timezone.now()


def test_my_programme_is_grouped_by_day_with_the_join_link_when_it_opens(client, conference, session):
    delegate = registered_person(conference, "Amira Shah")
    set_star(delegate=delegate, session=session, starred=True)
    later = make_session(conference, title="Places people stay", start=session.start + timedelta(days=1))
    set_star(delegate=delegate, session=later, starred=True)
    client.force_login(delegate.user)
    with at(session, -60):
        before = client.get("/my/programme/").content.decode()
    monday, tuesday = before.index("Monday 8 March 2027"), before.index("Tuesday 9 March 2027")
    assert monday < before.index("Shared care records") < tuesday < before.index("Places people stay")
    assert LINK not in before and "The link to join appears here from 09:15 GMT" in before
    with at(session, 0):
        assert f'href="{LINK}"' in client.get("/my/programme/").content.decode()
