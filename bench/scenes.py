"""Synthetic data the benchmarks add beside the demo: a 900-session conference, 10,000
venues with 500 meetups, and long discussions."""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from planner import services
from planner.demo.programme import load_corpus
from planner.markup import render_markdown
from planner.models import ConferencePage, Contribution, Delegate, RegionalEventPage, SessionPage
from venues.models import Venue


class BigConference:
    def __init__(self, conference, sessions):
        self.conference, self.sessions = conference, sessions


def big_conference(sessions: int = 900) -> BigConference:
    """A second, synthetic conference of ``sessions`` sessions (10 streams, 5 days, 18 slots a
    day), built once through the services, to show feeds cost the same at ten times the size."""

    existing = ConferencePage.objects.filter(slug="bench-900").first()
    if existing:
        return BigConference(existing, SessionPage.objects.child_of(existing).count())
    london = ZoneInfo("Europe/London")
    conference = services.add_conference(
        parent=services.default_home_page(),
        title="Benchmark conference (900 sessions)",
        slug="bench-900",
        start_date=date(2027, 6, 7),
        end_date=date(2027, 6, 11),
        time_zone="Europe/London",
    )
    streams = [
        services.add_stream(conference=conference, name=f"Stream {n}", slug=f"s{n}", sort_order=n) for n in range(10)
    ]
    summaries = [s["summary"] for stream in load_corpus()["streams"] for s in stream["sessions"]]
    for index in range(sessions):
        day, slot, stream = index // 180, (index // 10) % 18, streams[index % 10]
        start = datetime(2027, 6, 7, 8, 0, tzinfo=london) + timedelta(days=day, minutes=30 * slot)
        services.add_session(
            conference=conference,
            title=f"Benchmark session {index + 1}",
            slug=f"bench-{index + 1}",
            stream=stream,
            start=start,
            end=start + timedelta(minutes=25),
            format="talk",
            summary=summaries[index % len(summaries)],
        )
    return BigConference(conference, sessions)


def many_meetups(venues: int = 10_000, events: int = 500) -> int:
    """``venues`` synthetic venues across Great Britain (bulk-inserted) and ``events``
    upcoming meetups at some of them (through the services), for the nearby search."""

    if Venue.objects.count() >= venues:
        return Venue.objects.count()
    rng = random.Random(7)
    Venue.objects.bulk_create(
        [
            Venue(
                name=f"Community hall {n}",
                address=f"{n} High Street",
                town="Benchtown",
                latitude=Decimal(f"{rng.uniform(50.5, 57.5):.6f}"),
                longitude=Decimal(f"{rng.uniform(-5.0, 1.0):.6f}"),
            )
            for n in range(venues - Venue.objects.count())
        ],
        batch_size=2000,
    )
    conference = ConferencePage.objects.get(slug="bench-900")
    hosts = list(Venue.objects.filter(town="Benchtown").order_by("pk")[:events])
    have = RegionalEventPage.objects.child_of(conference).count()
    for n, venue in enumerate(hosts[have:], start=have):
        day = date(2027, 9, 1) + timedelta(days=n % 60)
        services.add_meetup(
            conference=conference,
            title=f"Bench meetup {n}",
            slug=f"bench-meetup-{n}",
            venue=venue,
            start=datetime.combine(day, datetime.min.time().replace(hour=10), tzinfo=conference.zone),
            end=datetime.combine(day, datetime.min.time().replace(hour=16), tzinfo=conference.zone),
            capacity=50,
        )
    return Venue.objects.count()


def fill_discussion(session, size: int) -> None:
    """Give ``session`` ``size`` contributions (a third threads, the rest replies), bulk-inserted."""

    have = session.contributions.count()
    if have >= size:
        return
    rng = random.Random(size)
    people = list(Delegate.objects.order_by("pk").values_list("pk", flat=True)[:500])
    threads = Contribution.objects.bulk_create(
        [
            Contribution(
                session=session,
                author_id=rng.choice(people),
                body=f"Thread {n}",
                body_html=render_markdown(f"Thread **{n}**"),
            )
            for n in range(size // 3)
        ]
    )
    replies = [
        Contribution(
            session=session,
            parent=rng.choice(threads),
            author_id=rng.choice(people),
            body="A reply",
            body_html="<p>A reply</p>",
        )
        for _ in range(size - len(threads))
    ]
    Contribution.objects.bulk_create(replies)
    for thread in threads:
        thread.reply_count = sum(1 for reply in replies if reply.parent_id == thread.pk)
    Contribution.objects.bulk_update(threads, ["reply_count"])


def meetup_like(template, *, slug: str, title: str, capacity: int, days_later: int):
    """A bench meetup (made once, found by ``slug`` after) with ``template``'s venue and
    agenda, so it continues the same online sessions, ``days_later`` days after it."""
    meetup = RegionalEventPage.objects.filter(slug=slug).first()
    if meetup is not None:
        return meetup
    return services.add_meetup(
        conference=template.get_parent().specific,
        title=title,
        slug=slug,
        venue=template.venue,
        start=template.start + timedelta(days=days_later),
        end=template.end + timedelta(days=days_later),
        capacity=capacity,
        agenda=[
            services.AgendaItemPlan(
                title=item.title,
                start_time=item.start_time,
                end_time=item.end_time,
                continues=list(item.continues.all()),
            )
            for item in template.agenda_items.all()
        ],
    )
