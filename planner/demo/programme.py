"""The demo programme, built from the hand-written corpus in fixtures/ through the same
services planners' actions go through, on a calendar relative to the day it is loaded: the
online conference ended three to four weeks ago, two meetups have happened since and three
are two to seven weeks ahead. Idempotent: running it again adds only what is missing."""

import json
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from planner import services, timefmt
from planner.demo.discussion import load_demo_discussion
from planner.demo.people import book_demo_meetups, load_demo_delegates
from planner.demo.report import load_demo_report
from planner.models import ConferencePage, RegionalEventPage, SessionPage, Speaker
from venues.models import Venue

CORPUS = Path(settings.BASE_DIR) / "fixtures" / "demo_programme.json"
CONFERENCE_DAYS = 5
SLOTS = [time(9, 30), time(10, 30), time(11, 30), time(13, 30), time(14, 30), time(15, 30)]
SESSION_LENGTH = timedelta(minutes=50)
# Meetups fall on Wednesdays: the first two 5 and 12 days after the online week ended (so
# both are past), the others 12 to 18 days from today and then two and five weeks after that.
PAST_MEETUPS_AFTER_END = [timedelta(days=5), timedelta(days=12)]
UPCOMING_MEETUPS_AFTER_FIRST = [timedelta(0), timedelta(weeks=2), timedelta(weeks=5)]
WEDNESDAY = 2


@dataclass(frozen=True)
class DemoCalendar:
    """When things happen in the demo's story, all counted from ``now`` (the load)."""

    now: datetime

    @classmethod
    def on(cls, today: date | None = None) -> "DemoCalendar":
        """The calendar for a load today (``now``), or pinned to midday on ``today``."""
        if today is None:
            return cls(now=timezone.now())
        return cls(now=datetime.combine(today, time(12), tzinfo=timefmt.zone("Europe/London")))

    @property
    def today(self) -> date:
        return timezone.localdate(self.now, timefmt.zone("Europe/London"))

    @property
    def conference_start(self) -> date:
        """The Monday on or before 22 days ago: the five days end 18 to 24 days ago."""
        day = self.today - timedelta(days=22)
        return day - timedelta(days=day.weekday())

    @property
    def conference_end(self) -> date:
        return self.conference_start + timedelta(days=CONFERENCE_DAYS - 1)

    def meetup_days(self) -> list[date]:
        """The five meetup days, in the corpus's order: two past, three ahead."""
        past = [self.conference_end + gap for gap in PAST_MEETUPS_AFTER_END]
        soon = self.today + timedelta(days=12)
        first_ahead = soon + timedelta(days=(WEDNESDAY - soon.weekday()) % 7)
        return past + [after_the_holidays(first_ahead + gap) for gap in UPCOMING_MEETUPS_AFTER_FIRST]


def after_the_holidays(day: date) -> date:
    """``day``, or the same weekday after New Year if it falls between 20 December and 5 January:
    nobody holds a council meetup between Christmas and New Year."""
    while (day.month, day.day) >= (12, 20) or (day.month, day.day) <= (1, 5):
        day += timedelta(weeks=1)
    return day


@dataclass
class DemoSummary:
    conference: ConferencePage
    created: dict[str, int]


def load_demo(*, seed: int = 1, scale: int = 1, corpus: dict | None = None, today: date | None = None) -> DemoSummary:
    """Build (or complete) the demo: the programme, then 1,200 × ``scale`` delegates with
    registrations, stars and meetup bookings (check-ins at the past meetups), then their
    discussions, connections and the past meetups' outcomes, and the findings report. ``today`` pins the calendar
    (for tests); by default the story is told as of now. Returns what it made, by kind."""

    calendar = DemoCalendar.on(today)
    summary = load_demo_programme(seed=seed, corpus=corpus, calendar=calendar)
    conference = summary.conference
    summary.created["delegate"] = load_demo_delegates(conference=conference, seed=seed, scale=scale, now=calendar.now)
    summary.created["booking"] = book_demo_meetups(conference=conference, seed=seed, now=calendar.now)
    summary.created.update(load_demo_discussion(conference=conference, seed=seed, scale=scale, now=calendar.now))
    summary.created["findings report"] = load_demo_report(conference)
    return summary


def load_corpus(path: Path = CORPUS) -> dict:
    """The hand-written demo programme (streams, sessions, speakers, meetups) as a dict."""
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def session_slot(index: int, tz, first_day: date) -> tuple[datetime, datetime]:
    """Start and end of the ``index``-th session of a stream: six a day, day after day."""
    day = first_day + timedelta(days=index // len(SLOTS))
    start = datetime.combine(day, SLOTS[index % len(SLOTS)], tzinfo=tz)
    return start, start + SESSION_LENGTH


@transaction.atomic
def load_demo_programme(
    *, seed: int = 1, corpus: dict | None = None, calendar: DemoCalendar | None = None
) -> DemoSummary:
    """Build the demo programme unless it exists; returns what it made, by kind."""
    corpus = corpus or load_corpus()
    calendar = calendar or DemoCalendar.on()
    rng = random.Random(seed)
    created = dict.fromkeys(["conference", "stream", "speaker", "session", "venue", "meetup"], 0)
    home = services.default_home_page()

    spec = corpus["conference"]
    conference = ConferencePage.objects.child_of(home).filter(slug=spec["slug"]).first()
    if conference is not None:
        # Built before: planners may have edited, moved or deleted parts of it since, and
        # re-adding what they removed would undo their work (or clash with what replaced it).
        return DemoSummary(conference=conference, created=created)
    if conference is None:
        conference = services.add_conference(
            parent=home,
            title=f"{spec['title']} {calendar.conference_start.year}",
            slug=spec["slug"],
            start_date=calendar.conference_start,
            end_date=calendar.conference_end,
            time_zone="Europe/London",
            intro=f"<p>{spec['intro']}</p>",
        )
        created["conference"] += 1
    tz = conference.zone

    speakers = {}
    existing_speakers = {speaker.name: speaker for speaker in Speaker.objects.all()}
    for person in corpus["speakers"]:
        speaker = existing_speakers.get(person["name"])
        if speaker is None:
            speaker = Speaker.objects.create(
                name=person["name"], role=person["role"], organisation=person["organisation"], bio=person["bio"]
            )
            created["speaker"] += 1
        speakers[person["key"]] = speaker

    existing_sessions = {page.slug: page for page in SessionPage.objects.child_of(conference)}
    sessions: dict[str, SessionPage] = {}
    for order, stream_spec in enumerate(corpus["streams"]):
        stream = conference.streams.filter(slug=stream_spec["slug"]).first()
        if stream is None:
            stream = services.add_stream(
                conference=conference,
                name=stream_spec["name"],
                slug=stream_spec["slug"],
                description=stream_spec["description"],
                sort_order=order,
            )
            created["stream"] += 1
        for index, item in enumerate(stream_spec["sessions"]):
            slug = slugify(item["title"])[:80].strip("-")
            session = existing_sessions.get(slug)
            if session is None:
                start, end = session_slot(index, tz, calendar.conference_start)
                session = services.add_session(
                    conference=conference,
                    title=item["title"],
                    slug=slug,
                    stream=stream,
                    start=start,
                    end=end,
                    format=item["format"],
                    summary=item["summary"],
                    speakers=[speakers[key] for key in item["speakers"]],
                    join_url=f"https://meet.example.org/relay/{stream.slug}-{rng.randrange(10**6):06d}",
                )
                created["session"] += 1
            sessions[f"{stream_spec['slug']}:{index}"] = session

    existing_meetups = set(RegionalEventPage.objects.child_of(conference).values_list("slug", flat=True))
    for meetup_spec, day in zip(corpus["regional_meetups"], calendar.meetup_days(), strict=True):
        if meetup_spec["slug"] in existing_meetups:
            continue
        venue_spec = meetup_spec["venue"]
        venue, venue_created = Venue.objects.get_or_create(
            name=venue_spec["name"],
            town=venue_spec["town"],
            defaults={
                "address": venue_spec["address"],
                "postcode": venue_spec["postcode"],
                "latitude": Decimal(str(venue_spec["latitude"])).quantize(Decimal("0.000001")),
                "longitude": Decimal(str(venue_spec["longitude"])).quantize(Decimal("0.000001")),
                "accessibility_notes": venue_spec["accessibility_notes"],
            },
        )
        created["venue"] += venue_created
        venue_tz = timefmt.zone(venue.time_zone)
        agenda = [
            services.AgendaItemPlan(
                title=item["title"],
                start_time=time.fromisoformat(item["start"]),
                end_time=time.fromisoformat(item["end"]),
                description=item["description"],
                continues=[sessions[ref] for ref in item["continues"]],
            )
            for item in meetup_spec["agenda"]
        ]
        services.add_meetup(
            conference=conference,
            title=meetup_spec["title"],
            slug=meetup_spec["slug"],
            venue=venue,
            start=datetime.combine(day, agenda[0].start_time, tzinfo=venue_tz),
            end=datetime.combine(day, agenda[-1].end_time, tzinfo=venue_tz),
            capacity=meetup_spec["capacity"],
            intro=f"<p>{meetup_spec['intro']}</p>",
            agenda=agenda,
        )
        created["meetup"] += 1
    return DemoSummary(conference=conference, created=created)
