"""The demo programme is the sector event in miniature, and loading it twice changes nothing."""

import json
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from planner.demo.discussion import CORPUS
from planner.demo.programme import load_corpus
from planner.models import (
    AgendaItem,
    Booking,
    ConferencePage,
    Connection,
    Contribution,
    Delegate,
    EventSeats,
    RegionalEventPage,
    Registration,
    SessionPage,
    SessionStar,
    Speaker,
    Stream,
    Theme,
)
from venues.models import Venue

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def snapshot():
    return {
        "conferences": ConferencePage.objects.count(),
        "streams": Stream.objects.count(),
        "speakers": Speaker.objects.count(),
        "sessions": SessionPage.objects.count(),
        "meetups": RegionalEventPage.objects.count(),
        "venues": Venue.objects.count(),
        "agenda items": AgendaItem.objects.count(),
        "links to sessions": AgendaItem.continues.through.objects.count(),
        "revisions": sum(page.revisions.count() for page in SessionPage.objects.all()),
        "delegates": Delegate.objects.count(),
        "bookings": Booking.objects.count(),
        "stars": SessionStar.objects.count(),
        "places": list(EventSeats.objects.order_by("pk").values_list("confirmed", "waitlisted")),
        "contributions": Contribution.objects.count(),
        "connections": Connection.objects.count(),
        "themes": Theme.objects.count(),
    }


def test_demo_is_a_five_day_three_stream_programme_with_five_meetups():
    call_command("load_demo", "--allow-demo-accounts", "--seed", "3")
    conference = ConferencePage.objects.get()
    assert (conference.end_date - conference.start_date).days == 4
    assert conference.streams.count() == 3
    sessions = SessionPage.objects.live().child_of(conference)
    assert sessions.count() >= 90
    assert Speaker.objects.count() >= 30
    assert Counter(s.start.date().isoformat() for s in sessions) == Counter(
        dict.fromkeys(["2027-03-08", "2027-03-09", "2027-03-10", "2027-03-11", "2027-03-12"], 18)
    )
    meetups = RegionalEventPage.objects.live().child_of(conference)
    assert len({meetup.venue.town for meetup in meetups}) == 5
    assert all(meetup.agenda_items.filter(continues__isnull=False).exists() for meetup in meetups)


def test_loading_the_demo_twice_adds_nothing(capsys):
    call_command("load_demo", "--allow-demo-accounts")
    first = snapshot()
    call_command("load_demo", "--allow-demo-accounts")
    assert snapshot() == first
    assert "nothing new to add" in capsys.readouterr().out


def test_demo_delegates_live_in_real_towns_with_a_full_meetup_and_mixed_visibility():
    call_command("load_demo", "--allow-demo-accounts")
    assert Delegate.objects.count() == 1200
    assert Registration.objects.count() == 1200
    assert not Delegate.objects.filter(home_place__isnull=True).exists()
    assert {d.visibility for d in Delegate.objects.all()} == {"hidden", "conference", "everyone"}
    assert Delegate.objects.filter(visibility="hidden").count() > 300  # hidden stays the common choice
    full = [s for s in EventSeats.objects.all() if s.confirmed == s.event.capacity and s.waitlisted > 0]
    assert full, "at least one meetup is full with a waiting list"
    for seats in EventSeats.objects.all():
        assert seats.confirmed == Booking.objects.filter(event=seats.event, status="confirmed").count()
    assert SessionStar.objects.values("delegate").distinct().count() == 1200
    assert not Delegate.objects.filter(user__email__regex=r"\.(gov\.uk|org|com)$").exists()


def test_demo_venues_are_real_places_in_the_uk():
    call_command("load_demo", "--allow-demo-accounts")
    for venue in Venue.objects.all():
        assert 49.9 < venue.latitude < 60.9 and -8.2 < venue.longitude < 1.8, venue
        assert venue.postcode


def test_demo_corpus_reads_like_the_sector_not_placeholder_text():
    corpus = load_corpus()
    text = str(corpus).lower()
    assert "lorem" not in text and "ipsum" not in text
    titles = [session["title"] for stream in corpus["streams"] for session in stream["sessions"]]
    assert len(titles) == len(set(titles))


def test_loading_again_after_a_planner_deleted_a_session_leaves_their_edit_alone():
    call_command("load_demo", "--allow-demo-accounts")
    session = SessionPage.objects.order_by("pk").first()
    session.delete()
    call_command("load_demo", "--allow-demo-accounts")
    assert not SessionPage.objects.filter(slug=session.slug).exists()


def test_demo_discussion_is_busy_threaded_and_connected_like_the_seed_event():
    call_command("load_demo", "--allow-demo-accounts")
    contributions = Contribution.objects.all()
    assert contributions.count() >= 1100
    threads = contributions.filter(parent__isnull=True)
    assert contributions.filter(parent__isnull=False).count() > threads.count()  # more replies than threads
    assert contributions.filter(is_question=True, accepted_answer__isnull=False).exists()
    assert contributions.filter(is_question=True, accepted_answer__isnull=True).exists()  # open questions too
    assert contributions.filter(finding_at__isnull=False).count() >= 20
    assert Contribution.themes.through.objects.exists()
    assert Connection.objects.filter(status="accepted").count() >= 200
    assert Connection.objects.count() >= 300
    per_session = sorted(SessionPage.objects.annotate(n=Count("contributions")).values_list("n", flat=True))
    assert per_session[-1] > 3 * per_session[len(per_session) // 2]  # popular sessions are busier
    days = {c.created_at.date() for c in threads}
    assert {"2027-03-08", "2027-03-12"} <= {day.isoformat() for day in days}
    for thread in threads.filter(reply_count__gt=0)[:50]:
        assert thread.replies.count() == thread.reply_count
        bodies = list(thread.replies.values_list("body", flat=True))
        assert len(bodies) == len(set(bodies)) or len(bodies) > 15  # nobody repeats themselves in a short thread


def test_demo_discussion_corpus_reads_like_the_sector_not_placeholder_text():
    corpus = json.loads(CORPUS.read_text(encoding="utf-8"))
    text = json.dumps(corpus).lower()
    assert "lorem" not in text and "ipsum" not in text
    assert set(corpus["streams"]) == {stream["slug"] for stream in load_corpus()["streams"]}
    for words in corpus["streams"].values():  # answers[i] answers questions[i]
        assert len(words["questions"]) == len(words["answers"])


def test_the_demo_is_refused_with_debug_off_unless_asked_for_by_name(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-demo-accounts"):
        call_command("load_demo")
    assert not Delegate.objects.exists()
