"""The demo tells a true story: an online conference that ended about three weeks before the
day it was loaded, written in its sessions' own words, carried into two meetups that have
happened and three to come; and loading it twice changes nothing.

Most tests read one demo loaded per module as of a pinned day (``DAY``), rolled back at the end."""

from collections import Counter
from datetime import date, datetime, time, timedelta
from io import BytesIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from pypdf import PdfReader

from planner.demo import corpus
from planner.demo.discussion import sessions_by_key
from planner.demo.people import load_people_corpus, persona
from planner.demo.programme import DemoCalendar, load_corpus
from planner.models import (
    AgendaItem,
    Booking,
    ConferencePage,
    Connection,
    Contribution,
    Delegate,
    EventSeats,
    FindingsReportPage,
    RegionalEventPage,
    Registration,
    SessionPage,
    SessionStar,
    Speaker,
    Stream,
    Theme,
)
from planner.queries.carry_forward import continued_sessions
from planner.queries.people import waitlist_positions
from planner.queries.people_to_meet import people_to_meet
from planner.queries.report import citation_problems, read_report
from planner.queries.tables import meetup_tables
from planner.services.bookings import bookable_problem
from venues.geography import haversine_km
from venues.models import Venue

DAY = date(2026, 12, 3)  # a Thursday
NOW = datetime.combine(DAY, time(12), tzinfo=timezone.get_fixed_timezone(0))

pytestmark = [pytest.mark.django_db]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module as of ``DAY``; rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", "--allow-demo-accounts", "--today", DAY.isoformat())
        yield ConferencePage.objects.get()
        transaction.set_rollback(True)


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
        "check-ins": Booking.objects.filter(attended_at__isnull=False).count(),
        "stars": SessionStar.objects.count(),
        "places": list(EventSeats.objects.order_by("pk").values_list("confirmed", "waitlisted")),
        "contributions": Contribution.objects.count(),
        "connections": Connection.objects.count(),
        "themes": Theme.objects.count(),
    }


# The corpus, read as written (no database).


def test_no_sentence_is_written_twice_across_the_conference():
    assert corpus.problems(corpus.load()) == []


def test_every_session_has_its_own_material_and_the_whole_is_the_seed_events_size():
    material = corpus.load()
    programme = load_corpus()
    for stream in programme["streams"]:
        for index, session in enumerate(stream["sessions"]):
            assert material[f"{stream['slug']}:{index}"]["title"] == session["title"]
    assert len(material) == 90
    assert 1100 <= sum(corpus.counts(material).values()) <= 1200
    themes = {theme for session in material.values() for thread in session["threads"] if (theme := thread.get("theme"))}
    assert len(themes) >= 6  # themes follow from what was written, across the streams


def test_every_past_meetup_has_an_outcome_for_each_session_it_continued():
    material = corpus.load()
    programme = load_corpus()
    for meetup in programme["regional_meetups"][:2]:  # the two the story has already held
        for item in meetup["agenda"]:
            for key in item["continues"]:
                assert material[key]["meetup_outcomes"][meetup["slug"]]


def test_the_demo_calendar_puts_the_conference_three_weeks_back_and_meetups_either_side_of_today():
    for day in (DAY + timedelta(days=n) for n in range(7)):  # whatever weekday it is loaded on
        calendar = DemoCalendar.on(day)
        assert calendar.conference_start.weekday() == 0
        assert 18 <= (day - calendar.conference_end).days <= 24
        past, ahead = calendar.meetup_days()[:2], calendar.meetup_days()[2:]
        assert all(calendar.conference_end < meetup < day for meetup in past)
        assert all(day + timedelta(weeks=1) < meetup <= day + timedelta(weeks=9) for meetup in ahead)
        assert all(meetup.weekday() == 2 for meetup in past + ahead)
        holidays = [m for m in ahead if (m.month, m.day) >= (12, 20) or (m.month, m.day) <= (1, 5)]
        assert holidays == []


# The demo as loaded.


def test_demo_is_a_five_day_three_stream_programme_with_five_meetups(demo):
    assert demo.start_date == date(2026, 11, 9) and demo.end_date == date(2026, 11, 13)
    assert demo.title == "Connected Councils 2026"
    assert demo.streams.count() == 3
    sessions = SessionPage.objects.live().child_of(demo)
    assert Speaker.objects.count() >= 30
    assert Counter(s.start.date() for s in sessions) == Counter(
        {demo.start_date + timedelta(days=n): 18 for n in range(5)}
    )
    meetups = RegionalEventPage.objects.live().child_of(demo)
    assert len({meetup.venue.town for meetup in meetups}) == 5
    assert all(meetup.agenda_items.filter(continues__isnull=False).exists() for meetup in meetups)


def test_every_contribution_is_its_own_sessions_material_and_no_sentence_is_said_twice(demo):
    material = corpus.load()
    key_of = {page.pk: key for key, page in sessions_by_key(demo, material).items()}
    own = {
        key: {piece.text for piece in corpus.pieces({key: session})} | set(session.get("meetup_outcomes", {}).values())
        for key, session in material.items()
    }
    said = Counter()
    contributions = Contribution.objects.all()
    assert 1100 <= contributions.filter(from_meetup=None).count() <= 1200
    for session_id, body in contributions.values_list("session_id", "body"):
        assert body in own[key_of[session_id]]
        said.update(corpus.sentences(body))
    assert [sentence for sentence, n in said.items() if n > 1] == []


def test_the_discussion_happens_in_the_online_week_with_a_tail_after(demo):
    end = datetime.combine(demo.end_date + timedelta(days=1), time(0), tzinfo=demo.zone)
    online = Contribution.objects.filter(from_meetup=None)
    assert online.filter(created_at__gte=end).count() < 0.25 * online.count()
    assert online.filter(created_at__gte=end).count() > 0.05 * online.count()


def test_replies_follow_their_thread_and_accepted_answers_answer_their_question(demo):
    threads = Contribution.objects.filter(parent=None, from_meetup=None)
    assert threads.filter(is_question=True, accepted_answer__isnull=False).count() >= 30
    assert threads.filter(is_question=True, accepted_answer__isnull=True).exists()  # open questions too
    for question in threads.filter(accepted_answer__isnull=False).select_related("accepted_answer"):
        assert question.is_question and question.accepted_answer.parent_id == question.pk
    for thread in threads.annotate(n=Count("replies")):
        assert thread.n == thread.reply_count
    authors = dict(Contribution.objects.values_list("pk", "author_id"))
    for reply in Contribution.objects.filter(parent__isnull=False).order_by("parent_id", "created_at"):
        assert reply.created_at > Contribution.objects.get(pk=reply.parent_id).created_at
        assert reply.author_id is not None
    assert len(set(authors.values())) > 500  # many people took part, not a handful


def test_dates_are_in_order_and_nothing_happens_after_today(demo):
    """Contributions during or after the conference, replies after their thread, outcomes and
    threads that talk of a meetup after it; upcoming meetups after today."""
    start = datetime.combine(demo.start_date, time(0), tzinfo=demo.zone)
    for contribution in Contribution.objects.select_related("session", "from_meetup"):
        assert contribution.session.start <= contribution.created_at < NOW
        assert contribution.finding_at is None or contribution.created_at < contribution.finding_at < NOW
        if contribution.from_meetup:
            assert contribution.from_meetup.end < contribution.created_at
    meetups = list(RegionalEventPage.objects.live().child_of(demo).order_by("start"))
    past, ahead = meetups[:2], meetups[2:]
    assert all(start + timedelta(days=5) < meetup.start and meetup.end < NOW for meetup in past)
    ends = {meetup.slug: meetup.end for meetup in meetups}
    looking_back = {
        thread["text"]: ends[thread["after_meetup"]]
        for session in corpus.load().values()
        for thread in session["threads"]
        if thread.get("after_meetup")
    }
    threads = Contribution.objects.filter(body__in=looking_back, parent=None)
    assert threads.count() == len(looking_back) >= 4
    for thread in threads:  # a thread that talks of a meetup as past was written after it
        assert looking_back[thread.body] < thread.created_at
    assert all(meetup.start > NOW + timedelta(weeks=1) for meetup in ahead)
    for booking in Booking.objects.select_related("event"):
        assert start <= booking.created_at < min(booking.event.start, NOW)
        assert booking.attended_at is None or booking.event in past


def test_past_meetups_have_check_ins_and_outcomes_and_upcoming_ones_are_bookable(demo):
    meetups = list(RegionalEventPage.objects.live().child_of(demo).order_by("start"))
    for meetup in meetups[:2]:
        confirmed = meetup.bookings.filter(status="confirmed")
        assert 0.7 * confirmed.count() < confirmed.filter(attended_at__isnull=False).count() < confirmed.count()
        assert Contribution.objects.filter(from_meetup=meetup).count() >= 5
    for meetup in meetups[2:]:
        assert bookable_problem(event=meetup, now=NOW) is None
        assert not meetup.bookings.filter(attended_at__isnull=False).exists()
    full = [m for m in meetups[2:] if m.seats.confirmed == m.capacity and m.seats.waitlisted > 0]
    assert [m.venue.town for m in full] == ["Leeds"]


def test_findings_and_themes_follow_what_the_threads_concluded(demo):
    material = corpus.load()
    marked = {piece.text for piece in flagged(material, "finding")}
    findings = Contribution.objects.filter(finding_at__isnull=False)
    assert findings.count() == len(marked) >= 40
    assert set(findings.values_list("body", flat=True)) == marked
    themed = {
        thread["text"]: thread["theme"]
        for session in material.values()
        for thread in session["threads"]
        if thread.get("theme")
    }
    tagged = Contribution.objects.filter(parent=None, themes__isnull=False)
    for body, theme in tagged.values_list("body", "themes__name"):
        assert themed[body] == theme


def test_the_printed_delegate_has_a_table_people_to_meet_connections_and_a_pack(demo, client):
    amira = persona("booked")
    booking = amira.bookings.get(status="confirmed")
    meetup = booking.event.specific
    assert meetup.venue.town == "Leeds" and meetup.start > NOW
    wrote_in = Contribution.objects.filter(author=amira).values_list("session_id", flat=True)
    assert set(wrote_in) & {page.pk for page in continued_sessions(meetup)}
    suggestions = people_to_meet(meetup, viewer=amira)
    assert len(suggestions) >= 3
    assert any("You both wrote in" in " ".join(s.reason_texts) for s in suggestions)
    tables, _locked = meetup_tables(meetup)
    mine = [table for table in tables if amira.pk in table.members]
    assert len(mine) == 1 and len(mine[0].members) > 2 and mine[0].label
    assert connections_of(amira, "accepted") == 2
    assert Connection.objects.filter(recipient=amira, status="pending").count() == 1
    assert connections_of(amira, "pending") == 1
    client.force_login(amira.user)
    response = client.get(f"/my/pack/{meetup.pk}/pdf/")
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert amira.name in text and "Leeds" in text


def test_the_facilitator_and_the_waiting_delegate_are_at_the_same_meetup(demo):
    amira, tom, jo = persona("booked"), persona("facilitator"), persona("waiting")
    meetup = amira.bookings.get().event
    assert tom.user.facilitations.get().event == meetup
    waiting = jo.bookings.get()
    assert waiting.event == meetup and waiting.status == "waitlisted"
    assert waitlist_positions([waiting])[waiting.pk] > 1


def test_make_run_prints_the_three_logins_that_show_everything(demo, capsys, settings):
    settings.DEBUG = True
    call_command("ensure_demo_admin")
    out = capsys.readouterr().out
    assert "user admin  password relay-demo" in out
    for email, says in (
        ("amira@relay.invalid", "booked at the Leeds meetup on 16 December"),
        ("tom@relay.invalid", "facilitator of the Leeds meetup"),
        ("jo@relay.invalid", "on the waiting list for the Leeds meetup on 16 December (no. "),
    ):
        line = next(line for line in out.splitlines() if email in line)
        assert says in line


def test_demo_delegates_live_in_real_towns_with_mixed_visibility(demo):
    assert Delegate.objects.count() == 1200
    assert Registration.objects.count() == 1200
    assert not Delegate.objects.filter(home_place__isnull=True).exists()
    assert {d.visibility for d in Delegate.objects.all()} == {"hidden", "conference", "everyone"}
    assert Delegate.objects.filter(visibility="hidden").count() > 300  # hidden stays the common choice
    for seats in EventSeats.objects.all():
        assert seats.confirmed == Booking.objects.filter(event=seats.event, status="confirmed").count()
    assert SessionStar.objects.values("delegate").distinct().count() == 1200
    assert not Delegate.objects.filter(user__email__regex=r"\.(gov\.uk|org|com)$").exists()
    for venue in Venue.objects.all():
        assert 49.9 < venue.latitude < 60.9 and -8.2 < venue.longitude < 1.8, venue


def test_people_booked_at_a_meetup_mostly_work_for_councils_near_it(demo):
    where = {o["name"]: o for o in load_people_corpus()["organisations"]}
    for meetup in RegionalEventPage.objects.live().child_of(demo).select_related("venue"):
        employers = meetup.bookings.values_list("delegate__organisation", flat=True)
        local = [name for name in employers if not where[name].get("national")]
        near = [
            name
            for name in local
            if haversine_km(
                where[name]["latitude"],
                where[name]["longitude"],
                float(meetup.venue.latitude),
                float(meetup.venue.longitude),
            )
            < 160
        ]
        assert len(near) >= 0.75 * len(employers), meetup.venue.town


def test_loading_twice_adds_nothing_and_a_planners_deletion_stays_deleted(demo, capsys):
    session = SessionPage.objects.child_of(demo).order_by("pk").first()
    session.delete()
    first = snapshot()
    call_command("load_demo", "--allow-demo-accounts", "--today", (DAY + timedelta(days=9)).isoformat())
    assert snapshot() == first
    assert "nothing new to add" in capsys.readouterr().out
    assert not SessionPage.objects.filter(slug=session.slug).exists()


def flagged(material: dict, mark: str) -> list[corpus.Written]:
    """The corpus pieces carrying ``mark`` (e.g. "finding")."""
    found = []
    for key, session in material.items():
        for t, thread in enumerate(session["threads"]):
            if thread.get(mark):
                found.append(corpus.Written(key, t, None, thread["text"]))
            found += [
                corpus.Written(key, t, r, reply["text"]) for r, reply in enumerate(thread["replies"]) if reply.get(mark)
            ]
    return found


def connections_of(delegate, status: str) -> int:
    return (
        Connection.objects.filter(status=status).filter(requester=delegate).count()
        + Connection.objects.filter(status=status).filter(recipient=delegate).count()
    )


def test_the_conference_that_has_ended_says_its_discussions_stay_open(demo, client):
    page = " ".join(client.get(demo.url).content.decode().split())
    assert "The online week has ended, but its discussions stay open." in page
    assert "to register" not in page


def test_the_demo_report_cites_live_evidence_for_every_key_finding(demo, client):
    report = FindingsReportPage.objects.child_of(demo).live().get()
    assert citation_problems(report, demo) == []
    view = read_report(report, demo)
    assert [section.heading for section in view.sections] == [
        "Care, health and wellbeing",
        "Communities, place and climate",
        "Digital, data and technology",
    ]
    assert all(finding.evidence for section in view.sections for finding in section.findings)
    assert [region.town for region in view.regions if region.added_html] == ["Manchester", "Birmingham"]
    assert view.numbers.contributions == Contribution.objects.filter(deleted_at=None, hidden_at=None).count()
    assert "What councils found" in client.get(demo.url).content.decode()


def test_a_deleted_demo_report_stays_deleted(demo):
    FindingsReportPage.objects.child_of(demo).get().delete()
    call_command("load_demo", "--allow-demo-accounts", "--today", DAY.isoformat())
    assert not FindingsReportPage.objects.exists()
