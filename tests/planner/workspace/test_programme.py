"""The planner's workspace: the whole programme on one page with its problems, moving a
session from there under the same rules as the form, and cancelling a session or meetup as
a first-class action that pages, feeds, the API and the people affected all hear about."""

from datetime import date, timedelta

import pytest
import vobject
from bs4 import BeautifulSoup
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client

from planner.models import CalendarEntry, Cancellation, CancellationNotice, SessionPage
from planner.queries import planning
from planner.services.agenda import set_star
from planner.services.bookings import BookingRefused, book_meetup
from planner.services.cancellations import cancel_page, send_cancellation_notice, send_cancellation_notices
from tests.factories import DelegateFactory, SpeakerFactory, london, make_meetup, make_session
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db


def starred_by(session, count: int) -> list:
    """``count`` delegates (fan0@example.org, ...) who starred ``session``."""
    fans = [DelegateFactory(user__email=f"fan{n}@example.org") for n in range(count)]
    for fan in fans:
        set_star(delegate=fan, session=session, starred=True)
    return fans


def programme_url(conference) -> str:
    return f"/admin/conferences/{conference.pk}/programme/"


def grid(planner_client, conference, **params) -> BeautifulSoup:
    response = planner_client.get(programme_url(conference), params)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def titles(page: BeautifulSoup) -> list[str]:
    return [div.get_text(strip=True) for div in page.select(".programme-session .title")]


def test_the_programme_shows_every_session_with_speakers_and_status(planner_client, conference):
    asha = SpeakerFactory(name="Asha Patel")
    make_session(conference, title="Open data", speakers=[asha])
    draft = make_session(conference, title="Care records", start=london(date(2027, 3, 9), 14, 30))
    draft.unpublish()
    called_off = make_session(conference, title="Town deals", start=london(date(2027, 3, 10), 11))
    cancel_page(page=called_off, reason="The speaker is unwell.")
    page = grid(planner_client, conference)
    assert titles(page) == ["Open data", "Care records", "Town deals"]
    statuses = [s.select_one(".status").get_text() for s in page.select(".programme-session")]
    assert statuses == ["Live", "Draft", "Cancelled"]
    assert "Asha Patel" in page.select(".programme-session")[0].get_text()
    assert "1 live, 1 draft, 1 cancelled" in page.get_text()


def test_the_programme_narrows_to_a_day_a_stream_or_a_speaker(planner_client, conference):
    asha = SpeakerFactory(name="Asha Patel")
    second_stream = conference.streams.all()[1]
    make_session(conference, title="Open data", speakers=[asha])
    make_session(conference, title="Care records", start=london(date(2027, 3, 9), 14, 30))
    make_session(conference, title="Housing", stream=second_stream)
    assert titles(grid(planner_client, conference, day="2027-03-09")) == ["Care records"]
    assert titles(grid(planner_client, conference, stream=second_stream.slug)) == ["Housing"]
    assert titles(grid(planner_client, conference, speaker=asha.pk)) == ["Open data"]
    assert titles(grid(planner_client, conference, day="not-a-day")) == ["Open data", "Housing", "Care records"]


def test_a_large_programme_opens_on_one_day_and_can_show_them_all(planner_client, conference, monkeypatch):
    monkeypatch.setattr(planning, "ONE_DAY_FROM", 2)  # 900 sessions in life; three here
    make_session(conference, title="Open data")
    make_session(conference, title="Housing", start=london(conference.start_date, 11))
    make_session(conference, title="Care records", start=london(date(2027, 3, 9), 14, 30))
    page = grid(planner_client, conference)
    assert titles(page) == ["Open data", "Housing"]  # the first day: the conference is not on yet
    assert "3 sessions: showing Monday 8 March" in page.get_text(" ")
    assert titles(grid(planner_client, conference, day="all")) == ["Open data", "Housing", "Care records"]
    assert titles(grid(planner_client, conference, day="2027-03-09")) == ["Care records"]


def problems(planner_client, conference) -> list[str]:
    return [li.get_text(" ", strip=True) for li in grid(planner_client, conference).select(".programme-problems li")]


def test_problems_list_clashes_overlaps_dates_and_missing_parts(planner_client, conference):
    asha = SpeakerFactory(name="Asha Patel")
    first = make_session(conference, title="Open data", speakers=[asha])
    second = make_session(conference, title="Care records", start=london(date(2027, 3, 9), 9, 30), speakers=[asha])
    # Data arriving from elsewhere (an old import, a bulk edit) can break the form's rules.
    SessionPage.objects.filter(pk=second.pk).update(start=first.start, end=first.end)
    SessionPage.objects.filter(pk=first.pk).update(summary="")
    late = make_session(conference, title="Late show", start=london(date(2027, 3, 12), 16), speakers=[asha])
    SessionPage.objects.filter(pk=late.pk).update(
        start=late.start + timedelta(days=3), end=late.end + timedelta(days=3)
    )
    meetup = make_meetup(conference, title="North West meetup")
    meetup.venue.latitude = meetup.venue.longitude = None
    meetup.venue.save()
    found = problems(planner_client, conference)
    assert any(p.startswith("Speaker clash: Asha Patel is in “Open data” and “Care records”") for p in found)
    assert any(p.startswith("Overlap in a stream: “Open data” and “Care records” overlap") for p in found)
    assert any(p.startswith("Outside the dates: “Late show” is on Monday 15 March 2027") for p in found)
    assert any(p.startswith("Incomplete: “Open data” has no summary") for p in found)
    assert any(p.startswith("Venue not on the map: “North West meetup”") for p in found)
    assert any(p.startswith("Continues nothing: “North West meetup”") for p in found)
    cancel_page(page=second, reason="Moved online-only.")
    assert not any("Care records" in p for p in problems(planner_client, conference))  # cancelled: no clash


def test_the_programme_costs_the_same_queries_for_ten_or_forty_sessions(planner_client, conference):
    speakers = [SpeakerFactory() for _ in range(4)]

    def add(count, offset):
        for n in range(count):
            day = conference.start_date + timedelta(days=(n + offset) % 5)
            make_session(conference, title=f"Session {n + offset}", start=london(day, 8 + (n + offset) // 5 % 10))
        SessionPage.objects.first().speakers.add(*speakers)

    add(10, 0)
    make_meetup(conference)
    few = queries_for(planner_client, programme_url(conference))
    add(30, 10)
    make_meetup(conference, title="Second meetup")
    assert queries_for(planner_client, programme_url(conference)) == few


def move(planner_client, session, **data):
    fields = {"day": "2027-03-09", "start": "14:00", "end": "14:50", "stream": session.stream_id} | data
    return planner_client.post(f"/admin/sessions/{session.pk}/move/", fields)


def test_moving_a_session_publishes_the_new_time_to_the_feeds(planner_client, conference):
    session = make_session(conference, title="Open data")
    before = CalendarEntry.objects.get(page_id=session.pk).sequence
    response = move(planner_client, session)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.start == london(date(2027, 3, 9), 14) and session.end == london(date(2027, 3, 9), 14, 50)
    assert CalendarEntry.objects.get(page_id=session.pk).sequence == before + 1  # calendars update


def test_a_move_is_refused_for_the_same_reasons_as_the_form(planner_client, conference):
    asha = SpeakerFactory(name="Asha Patel")
    make_session(conference, title="Care records", start=london(date(2027, 3, 9), 14), speakers=[asha])
    session = make_session(conference, title="Open data", speakers=[asha])
    clash = move(planner_client, session)
    assert clash.status_code == 200
    assert "Asha Patel is already speaking in “Care records”" in clash.content.decode()
    backwards = move(planner_client, session, start="15:00", end="14:00")
    assert "The session must end after it starts." in backwards.content.decode()
    outside = move(planner_client, session, day="2027-04-01")
    assert "Select a valid choice" in outside.content.decode()
    session.refresh_from_db()
    assert session.start == london(date(2027, 3, 8), 9, 30)  # nothing changed


def test_a_move_keeps_a_planners_unpublished_edits(planner_client, conference):
    session = make_session(conference, title="Open data")
    draft = session.get_latest_revision_as_object()
    draft.summary = "A better summary, not yet published."
    draft.save_revision()
    move(planner_client, session)
    session.refresh_from_db()
    assert session.start == london(date(2027, 3, 8), 9, 30)  # live page untouched
    latest = session.get_latest_revision_as_object()
    assert latest.start == london(date(2027, 3, 9), 14) and latest.summary == "A better summary, not yet published."


def test_cancelling_a_session_shows_everywhere_and_tells_who_starred_it(
    planner_client, conference, django_capture_on_commit_callbacks
):
    session = make_session(conference, title="Open data")
    starred_by(session, 2)
    with django_capture_on_commit_callbacks(execute=True):
        response = planner_client.post(f"/admin/pages/{session.pk}/cancel/", {"reason": "The speaker is unwell."})
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["fan0@example.org", "fan1@example.org"]
    assert "The speaker is unwell." in mail.outbox[0].body and mail.outbox[0].subject == "Cancelled: Open data"

    anonymous = Client()
    page = BeautifulSoup(anonymous.get(session.url).content, "html.parser")
    assert "The speaker is unwell." in page.select_one(".cancelled-banner").get_text()
    timetable = BeautifulSoup(anonymous.get(conference.url).content, "html.parser")
    assert timetable.find("a", string="Open data").find_parent("article").select_one(".tag--cancelled")
    feed = vobject.readOne(anonymous.get(f"/calendar/conference/{conference.pk}.ics").content.decode())
    [event] = feed.vevent_list
    assert event.status.value == "CANCELLED" and event.summary.value == "Cancelled: Open data"
    api = anonymous.get(f"/api/v2/pages/{session.pk}/").json()
    assert api["cancellation_reason"] == "The speaker is unwell."


def test_a_cancellation_notice_is_sent_once_even_when_its_task_runs_again(
    conference, django_capture_on_commit_callbacks
):
    session = make_session(conference, title="Open data")
    [fan] = starred_by(session, 1)
    with django_capture_on_commit_callbacks(execute=True):
        cancellation = cancel_page(page=session, reason="Speaker unwell.")
    send_cancellation_notice(cancellation_id=cancellation.pk, delegate_id=fan.pk)  # the queue retrying
    assert len(mail.outbox) == 1 and CancellationNotice.objects.count() == 1
    cancel_page(page=session, reason="Cancelled again by a double click.")
    assert len(mail.outbox) == 1 and Cancellation.objects.get().reason == "Speaker unwell."


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the SMTP server did not answer")


def test_a_failed_email_is_not_marked_sent_so_running_the_task_again_sends_it(
    conference, settings, django_capture_on_commit_callbacks
):
    session = make_session(conference, title="Open data")
    starred_by(session, 2)
    settings.EMAIL_BACKEND = "tests.planner.test_workspace.RefusingBackend"
    failing = pytest.raises(RuntimeError, match="2 of 2 cancellation emails failed")
    with failing, django_capture_on_commit_callbacks(execute=True):  # tests run tasks at once, like a worker
        cancel_page(page=session, reason="Speaker unwell.")
    cancellation = Cancellation.objects.get()  # the cancellation stands
    assert not CancellationNotice.objects.exists()  # but nobody is marked told
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_cancellation_notices(cancellation_id=cancellation.pk) == 2  # the task run again
    assert send_cancellation_notices(cancellation_id=cancellation.pk) == 0  # and again: nobody twice
    assert sorted(m.to[0] for m in mail.outbox) == ["fan0@example.org", "fan1@example.org"]


def test_cancelling_a_meetup_closes_bookings_and_reinstating_opens_them(
    planner_client, conference, django_capture_on_commit_callbacks
):
    meetup = make_meetup(conference, capacity=1)
    booked, waiting, late = (DelegateFactory(user__email=f"d{n}@example.org") for n in range(3))
    book_meetup(delegate=booked, event=meetup)
    book_meetup(delegate=waiting, event=meetup)
    with django_capture_on_commit_callbacks(execute=True):
        planner_client.post(f"/admin/pages/{meetup.pk}/cancel/", {"reason": "The venue flooded."})
    assert sorted(m.to[0] for m in mail.outbox) == ["d0@example.org", "d1@example.org"]
    with pytest.raises(BookingRefused, match="cancelled: The venue flooded."):
        book_meetup(delegate=late, event=meetup)
    delegate_browser = Client()  # ``client`` is the planner's
    delegate_browser.force_login(booked.user)
    page = BeautifulSoup(delegate_browser.get(meetup.url).content, "html.parser")
    assert "Bookings are closed" in page.select_one(".action-panel").get_text()
    assert not page.select(".action-panel form")
    feed = vobject.readOne(delegate_browser.get("/calendar/regional.ics").content.decode())
    assert [e.status.value for e in feed.vevent_list] == ["CANCELLED"]

    reinstated = planner_client.post(f"/admin/pages/{meetup.pk}/cancel/", {"action": "reinstate"})
    assert reinstated.status_code == 302
    assert not Cancellation.objects.exists()
    assert book_meetup(delegate=late, event=meetup).status == "waitlisted"
    feed = vobject.readOne(delegate_browser.get("/calendar/regional.ics").content.decode())
    assert [e.status.value for e in feed.vevent_list] == ["CONFIRMED"]


def test_a_cancelled_session_stays_cancelled_when_its_page_is_edited(client, conference):
    session = make_session(conference, title="Open data")
    cancel_page(page=session, reason="Speaker unwell.")
    revision = session.get_latest_revision_as_object()
    revision.summary = "Fixed a typo."
    revision.save_revision().publish()
    feed = vobject.readOne(client.get(f"/calendar/conference/{conference.pk}.ics").content.decode())
    assert feed.vevent_list[0].status.value == "CANCELLED"


def test_a_cancellation_needs_a_reason_and_a_publisher(client, planner_client, conference):
    session = make_session(conference, title="Open data")
    empty = planner_client.post(f"/admin/pages/{session.pk}/cancel/", {"reason": "  "})
    assert "This field is required." in empty.content.decode()
    client.force_login(DelegateFactory().user)  # not staff: the admin sends them to its login
    refused = client.post(f"/admin/pages/{session.pk}/cancel/", {"reason": "Because."})
    assert refused.status_code == 302 and refused["Location"].startswith("/admin/login/")
    assert not Cancellation.objects.exists()


def test_my_programme_marks_a_cancelled_session_and_stops_counting_its_clashes(client, conference):
    starred = make_session(conference, title="Open data")
    overlapping = make_session(conference, title="Care records", stream=conference.streams.all()[1])
    delegate = DelegateFactory()
    for session in (starred, overlapping):
        set_star(delegate=delegate, session=session, starred=True)
    cancel_page(page=starred, reason="Speaker unwell.")
    client.force_login(delegate.user)
    page = BeautifulSoup(client.get("/my/programme/").content, "html.parser")
    items = {li.h3.get_text(strip=True): li.get_text(" ", strip=True) for li in page.select("ol.agenda > li")}
    assert "Cancelled Speaker unwell." in items["Open data"]
    assert "Clashes with" not in items["Care records"]


def test_the_kept_programme_view_shows_a_cancel_a_move_and_a_new_draft_at_the_next_request(planner_client, conference):
    session = make_session(conference, title="Rates relief made simple", start=london(conference.start_date, 9, 30))
    before = grid(planner_client, conference).get_text()
    assert "Rates relief made simple" in before and "Cancelled:" not in before

    cancel_page(page=session, reason="The speaker is unwell.")
    assert "Cancelled: The speaker is unwell." in grid(planner_client, conference).get_text()

    draft = SessionPage(
        live=False,
        title="A late draft",
        slug="a-late-draft",
        stream=conference.streams.first(),
        start=london(conference.start_date, 15),
        end=london(conference.start_date, 16),
        summary="Not yet published.",
    )
    conference.refresh_from_db()  # treebeard places the child from the parent's current row
    conference.add_child(instance=draft)
    draft.save_revision()
    page = grid(planner_client, conference).get_text()
    assert "A late draft" in page and "Draft" in page


def test_the_programme_view_is_the_same_for_every_planner_but_only_for_planners(planner_client, client, conference):
    make_session(conference, title="Rates relief made simple")
    grid(planner_client, conference)  # kept
    other = DelegateFactory().user
    client.force_login(other)
    response = client.get(programme_url(conference))
    assert response.status_code in (302, 403)  # the kept body is never served past the permission check
