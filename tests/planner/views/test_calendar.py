"""Calendar feeds that calendar clients get right, read back with three different parsers."""

import logging
from datetime import UTC, date, datetime, timedelta

import icalendar
import ics
import pytest
import vobject
from django.utils import timezone
from wagtail.models import PageViewRestriction

from planner import services
from planner.models import CalendarEntry, CalendarToken
from planner.services.accounts import delete_delegate_account
from planner.services.agenda import set_star
from planner.services.bookings import book_meetup
from planner.services.calendar import issue_calendar_token
from tests.factories import DelegateFactory, SpeakerFactory, london, make_conference, make_meetup, make_session
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db


def feed(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response


def events_by_icalendar(body: bytes):
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def test_conference_feed_reads_the_same_in_three_parsers(client, conference):
    make_session(conference, title="Open data", speakers=[SpeakerFactory()])
    make_session(conference, title="Care records", start=london(date(2027, 3, 9), 14, 30))
    body = feed(client, f"/calendar/conference/{conference.pk}.ics").content

    with_icalendar = sorted(str(e["summary"]) for e in events_by_icalendar(body))
    with_vobject = sorted(v.summary.value for v in vobject.readOne(body.decode()).vevent_list)
    with_ics = sorted(e.name for e in ics.Calendar(body.decode()).events)
    assert with_icalendar == with_vobject == with_ics == ["Care records", "Open data"]

    parsed = vobject.readOne(body.decode())
    first = min(parsed.vevent_list, key=lambda v: v.dtstart.value)
    assert first.dtstart.value.tzinfo is not None  # never floating
    assert first.dtstart.value.astimezone(UTC) == datetime(2027, 3, 8, 9, 30, tzinfo=UTC)
    assert "TZID=Europe/London" in body.decode() and "BEGIN:VTIMEZONE" in body.decode()


def test_feed_carries_names_refresh_hints_and_stable_uids(client, conference):
    session = make_session(conference, title="Open data")
    calendar = icalendar.Calendar.from_ical(feed(client, f"/calendar/conference/{conference.pk}.ics").content)
    assert str(calendar["X-WR-CALNAME"]) == conference.title == str(calendar["NAME"])
    assert calendar["X-PUBLISHED-TTL"].to_ical() == b"PT1H"
    assert calendar["REFRESH-INTERVAL"].to_ical() == b"PT1H"
    [event] = events_by_icalendar(calendar.to_ical())
    assert str(event["UID"]) == f"relay-session-{session.pk}@testserver"
    assert str(event["LOCATION"]) == "Online"
    assert "Join online" not in str(event["DESCRIPTION"]) or session.join_url
    assert session.full_url in str(event["DESCRIPTION"])


def test_the_same_data_gives_the_same_bytes(client, conference):
    make_session(conference, title="Open data")
    url = f"/calendar/conference/{conference.pk}.ics"
    assert feed(client, url).content == feed(client, url).content


def test_a_session_moved_across_the_october_clock_change_keeps_its_wall_clock_time(client, db):
    autumn = services.add_conference(
        parent=services.default_home_page(),
        title="Autumn week",
        slug="autumn-week",
        start_date=date(2027, 10, 28),
        end_date=date(2027, 11, 3),
        time_zone="Europe/London",
    )
    services.add_stream(conference=autumn, name="Digital", slug="digital")
    session = make_session(autumn, title="Ten o'clock", start=london(date(2027, 10, 29), 10, 0))
    session.start, session.end = london(date(2027, 11, 1), 10, 0), london(date(2027, 11, 1), 10, 50)
    session.save_revision().publish()
    body = feed(client, f"/calendar/conference/{autumn.pk}.ics").content.decode()
    assert "DTSTART;TZID=Europe/London:20271101T100000" in body
    [event] = vobject.readOne(body).vevent_list
    assert event.dtstart.value.astimezone(UTC) == datetime(2027, 11, 1, 10, 0, tzinfo=UTC)  # GMT by then


def test_editing_time_or_place_raises_sequence_but_a_cosmetic_save_does_not(client, conference):
    session = make_session(conference, title="Open data")
    entry = CalendarEntry.objects.get(page_id=session.pk)
    assert entry.sequence == 0
    session.save_revision().publish()
    assert CalendarEntry.objects.get(page_id=session.pk).sequence == 0
    session.start += timedelta(hours=2)
    session.end += timedelta(hours=2)
    session.save_revision().publish()
    [event] = events_by_icalendar(feed(client, f"/calendar/session/{session.pk}.ics").content)
    assert event["SEQUENCE"] == 1


def test_cancelled_session_stays_as_cancelled_for_30_days_then_goes(client, conference):
    session = make_session(conference, title="Open data")
    session.unpublish()
    [event] = events_by_icalendar(feed(client, f"/calendar/conference/{conference.pk}.ics").content)
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]) == "Cancelled: Open data"
    assert event["SEQUENCE"] == 1
    CalendarEntry.objects.filter(page_id=session.pk).update(cancelled_at=timezone.now() - timedelta(days=31))
    assert events_by_icalendar(feed(client, f"/calendar/conference/{conference.pk}.ics").content) == []


def test_deleted_meetup_stays_in_the_regional_feed_as_cancelled(client, conference):
    meetup = make_meetup(conference, title="Leeds meetup")
    page_id = meetup.pk
    meetup.delete()
    [event] = events_by_icalendar(feed(client, "/calendar/regional.ics").content)
    assert str(event["STATUS"]) == "CANCELLED"
    assert feed(client, f"/calendar/event/{page_id}.ics").status_code == 200


def test_meetup_feed_has_the_venue_address_and_position_in_the_venues_zone(client, conference):
    meetup = make_meetup(conference, title="Leeds meetup")
    [event] = events_by_icalendar(feed(client, f"/calendar/event/{meetup.pk}.ics").content)
    assert "Market Street" in str(event["LOCATION"]) and "LS1 1UR" in str(event["LOCATION"])
    assert (event["GEO"].latitude, event["GEO"].longitude) == (53.7996, -1.5491)
    assert event["DTSTART"].dt == datetime(2027, 4, 14, 10, 0, tzinfo=event["DTSTART"].dt.tzinfo)
    assert event["DTSTART"].params["TZID"] == "Europe/London"


def test_stream_feed_has_only_that_streams_sessions_and_unknown_streams_are_404(client, conference):
    first, second = conference.streams.all()[:2]
    make_session(conference, title="In the first", stream=first)
    make_session(conference, title="In the second", stream=second)
    body = feed(client, f"/calendar/conference/{conference.pk}/stream/{second.slug}.ics").content
    assert [str(e["SUMMARY"]) for e in events_by_icalendar(body)] == ["In the second"]
    assert client.get(f"/calendar/conference/{conference.pk}/stream/no-such-stream.ics").status_code == 404
    other = make_conference(slug="other-conf", streams=("Housing",))
    assert client.get(f"/calendar/conference/{other.pk}/stream/{second.slug}.ics").status_code == 404


def test_unchanged_feed_answers_304_to_etag_and_date_validators(client, conference):
    make_session(conference, title="Open data")
    url = f"/calendar/conference/{conference.pk}.ics"
    first = feed(client, url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"stale"').status_code == 200
    assert client.get(url, HTTP_IF_NONE_MATCH="garbage, , W/").status_code == 200
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


@pytest.mark.parametrize(
    "path", ["/calendar/conference/99999.ics", "/calendar/session/99999.ics", "/calendar/event/0.ics"]
)
def test_unknown_feeds_are_404(client, db, path):
    assert client.get(path).status_code == 404


def test_conference_feed_costs_the_same_with_10_and_60_sessions(client, conference):
    def add(n, offset=0):
        for index in range(offset, offset + n):
            make_session(
                conference, title=f"Session {index}", start=london(date(2027, 3, 8 + index % 5), 8 + index % 10)
            )

    add(10)
    few = queries_for(client, f"/calendar/conference/{conference.pk}.ics")
    add(50, offset=10)
    assert queries_for(client, f"/calendar/conference/{conference.pk}.ics") == few


@pytest.fixture
def delegate_with_programme(conference):
    delegate = DelegateFactory(name="Priya Raman")
    mine = make_session(conference, title="Mine")
    set_star(delegate=delegate, session=mine, starred=True)
    book_meetup(delegate=delegate, event=make_meetup(conference, title="Leeds meetup"))
    other = DelegateFactory(name="Someone Else")
    theirs = make_session(conference, title="Theirs", start=london(date(2027, 3, 10), 9))
    set_star(delegate=other, session=theirs, starred=True)
    return delegate


def test_personal_feed_holds_only_the_delegates_own_events_and_no_names(client, delegate_with_programme):
    token = issue_calendar_token(delegate=delegate_with_programme)
    response = feed(client, f"/calendar/me/{token}.ics")
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    body = response.content
    assert sorted(str(e["SUMMARY"]) for e in events_by_icalendar(body)) == ["Leeds meetup", "Mine"]
    assert b"Someone Else" not in body and b"Priya Raman" not in body and b"ATTENDEE" not in body


def test_a_new_token_kills_the_old_address_at_once_and_only_a_hash_is_stored(client, delegate_with_programme):
    old = issue_calendar_token(delegate=delegate_with_programme)
    new = issue_calendar_token(delegate=delegate_with_programme)
    assert client.get(f"/calendar/me/{old}.ics").status_code == 404
    assert client.get(f"/calendar/me/{new}.ics").status_code == 200
    stored = CalendarToken.objects.get(delegate=delegate_with_programme).token_hash
    assert new not in stored and len(stored) == 64


def test_getting_the_address_from_my_programme_shows_it_once(client, delegate_with_programme):
    client.force_login(delegate_with_programme.user)
    page = client.post("/my/calendar/", {"action": "new"})
    assert page["Cache-Control"] == "private, no-store"
    token = page.content.decode().split("/calendar/me/")[1].split(".ics")[0]
    assert client.get(f"/calendar/me/{token}.ics").status_code == 200
    assert token not in client.get("/my/programme/").content.decode()
    client.post("/my/calendar/", {"action": "off"})
    assert client.get(f"/calendar/me/{token}.ics").status_code == 404


@pytest.mark.parametrize("token", ["short", "x" * 43, "a" * 42 + "!", "a" * 44, "%2e%2e%2f" * 5, "A" * 43])
def test_bad_or_unknown_tokens_get_a_quiet_404(client, db, token, caplog):
    with caplog.at_level(logging.DEBUG):
        response = client.get(f"/calendar/me/{token}.ics")
    assert response.status_code == 404
    assert all(token not in record.getMessage() for record in caplog.records)


def test_delegates_who_delete_their_account_take_their_feed_with_them(client, delegate_with_programme):
    token = issue_calendar_token(delegate=delegate_with_programme)
    delete_delegate_account(delegate=delegate_with_programme)
    assert client.get(f"/calendar/me/{token}.ics").status_code == 404


def test_pages_offer_subscribe_links(client, conference):
    session = make_session(conference, title="Open data")
    page = client.get(conference.url).content.decode()
    assert f"webcal://testserver/calendar/conference/{conference.pk}.ics" in page
    assert "https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2Ftestserver" in page
    assert "outlook.live.com/calendar/0/addfromweb?url=http%3A%2F%2Ftestserver" in page
    assert f"/calendar/session/{session.pk}.ics" in client.get(session.url).content.decode()


def test_a_changed_venue_address_reaches_the_meetup_feed(client, conference):
    meetup = make_meetup(conference, title="Leeds meetup")
    venue = meetup.venue
    venue.address = "2 Park Row"
    venue.save()
    [event] = events_by_icalendar(feed(client, f"/calendar/event/{meetup.pk}.ics").content)
    assert "2 Park Row" in str(event["LOCATION"]) and event["SEQUENCE"] == 1


def test_personal_feed_follows_a_swapped_star_at_once(client, delegate_with_programme, conference):
    token = issue_calendar_token(delegate=delegate_with_programme)
    url = f"/calendar/me/{token}.ics"
    feed(client, url)  # cached
    other = make_session(conference, title="Swapped in", start=london(date(2027, 3, 11), 9))
    set_star(delegate=delegate_with_programme, session=other, starred=True)
    mine = delegate_with_programme.stars.get(session__title="Mine").session
    set_star(delegate=delegate_with_programme, session=mine, starred=False)
    summaries = sorted(str(e["SUMMARY"]) for e in events_by_icalendar(feed(client, url).content))
    assert summaries == ["Leeds meetup", "Swapped in"]


def test_a_new_summary_moves_last_modified_without_raising_sequence(client, conference):
    session = make_session(conference, title="Open data")
    before = CalendarEntry.objects.get(page_id=session.pk)
    session.summary = "A clearer summary."
    session.save_revision().publish()
    after = CalendarEntry.objects.get(page_id=session.pk)
    assert after.sequence == before.sequence and after.last_modified > before.last_modified
    [event] = events_by_icalendar(feed(client, f"/calendar/session/{session.pk}.ics").content)
    assert "A clearer summary." in str(event["DESCRIPTION"])


def test_private_sessions_never_reach_a_feed(client, conference):
    secret = make_session(conference, title="Members only")
    PageViewRestriction.objects.create(page=secret, restriction_type="password", password="x")
    assert client.get(f"/calendar/session/{secret.pk}.ics").status_code == 404
    assert b"Members only" not in client.get(f"/calendar/conference/{conference.pk}.ics").content


def test_if_modified_since_sees_a_new_star_in_the_personal_feed(client, conference):
    delegate = DelegateFactory()
    token = issue_calendar_token(delegate=delegate)
    url = f"/calendar/me/{token}.ics"
    first = client.get(url)
    session = make_session(conference, title="Starred later")

    set_star(delegate=delegate, session=session, starred=True)
    again = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 200 and b"Starred later" in again.content


def test_calendar_names_with_commas_survive_every_parser(client, conference):
    stream = conference.streams.first()
    stream.name = "Data, digital; and AI"
    stream.save()
    body = client.get(f"/calendar/conference/{conference.pk}/stream/{stream.slug}.ics").content.decode()
    assert vobject.readOne(body).contents["x-wr-calname"][0].value.endswith("Data, digital; and AI")


def test_feed_entries_are_not_in_a_feed_when_their_page_is_restricted_later(client, conference):
    session = make_session(conference, title="Restricted later")
    assert CalendarEntry.objects.filter(page_id=session.pk).exists()
    PageViewRestriction.objects.create(page=conference, restriction_type="login")
    assert client.get(f"/calendar/session/{session.pk}.ics").status_code == 404


def test_a_waiting_list_meetup_is_tentative_in_the_personal_feed_until_a_place_comes(client, conference):
    """Choice: the feed keeps the waiting-list meetup (so the day can be kept free) but marks
    it TENTATIVE and says it is not a place; it turns CONFIRMED when the place comes."""
    meetup = make_meetup(conference, capacity=1)
    holder = book_meetup(delegate=DelegateFactory(), event=meetup)
    waiting = DelegateFactory()
    book_meetup(delegate=waiting, event=meetup)
    token = issue_calendar_token(delegate=waiting)

    def the_meetup():
        [event] = vobject.readOne(feed(client, f"/calendar/me/{token}.ics").content.decode()).vevent_list
        return event

    event = the_meetup()
    assert event.status.value == "TENTATIVE" and event.summary.value == f"Waiting list: {meetup.title}"
    assert event.description.value.startswith("You are on the waiting list: this is not a place yet.")
    services.bookings.cancel_booking(booking=holder)
    event = the_meetup()
    assert (event.status.value, event.summary.value) == ("CONFIRMED", meetup.title)
