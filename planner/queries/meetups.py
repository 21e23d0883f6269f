"""Reads for a meetup's dashboard in the admin: who is booked and waiting, their towns, the
threads they were active in, the tables, and the latest pack run."""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q

from planner.models import (
    Booking,
    BookingStatus,
    Contribution,
    Facilitation,
    MeetupTables,
    PackRun,
    PackStatus,
    RegionalEventPage,
)
from planner.queries import carry_forward as cf
from planner.queries.discussion import discussion_version
from planner.queries.tables import Table, cached_tables

BUSIEST_THREADS = 10
TOWNS_SHOWN = 12
DEFAULT_TABLE_SIZE = 6


PEOPLE_PER_PAGE = 100  # the dashboard's list of who is booked; the bookings report lists everyone
ACTIVITY_CACHE_SECONDS = 60  # stars have no version of their own: a minute late at most


@dataclass
class BookedPerson:
    """One confirmed or waiting booking as the dashboard lists it (values, not models: a
    meetup of 2,000 would build 6,000 objects for one table)."""

    delegate_id: int
    status: str
    attended_at: datetime | None
    name: str
    organisation: str
    town: str
    thread_count: int = 0

    @property
    def status_label(self) -> str:
        return BookingStatus(self.status).label


@dataclass
class MeetupOverview:
    people: list[BookedPerson]  # confirmed and waiting, in booking order
    people_page: Page  # the page of them listed, each with ``thread_count``
    confirmed: list[int]  # delegate ids
    sessions: list  # the online sessions the meetup continues
    activity_key: str  # what ``meetup_activity`` depends on, for keeping it
    towns: list[tuple[str, int]]
    tables: list[tuple[Table, str]]  # each table with its members' names, joined
    saved: MeetupTables | None
    size: int
    unseated: list[tuple[int, str]]

    @property
    def attended_count(self) -> int:
        return sum(1 for p in self.people if p.attended_at)

    @property
    def waiting_count(self) -> int:
        return len(self.people) - len(self.confirmed)


def booked_people(event: RegionalEventPage) -> list[BookedPerson]:
    """Everyone confirmed or waiting for ``event``, confirmed first, in booking order."""
    rows = (
        Booking.objects.filter(event=event, status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITLISTED])
        .order_by("status", "id")
        .values_list(
            "delegate_id",
            "status",
            "attended_at",
            "delegate__name",
            "delegate__organisation",
            "delegate__home_place__name",
            "delegate__home_town",
        )
    )
    return [
        BookedPerson(pk, status, attended_at, name, organisation, place or typed)
        for pk, status, attended_at, name, organisation, place, typed in rows
    ]


def activity_key(event: RegionalEventPage, people: list[int], sessions) -> str:
    """What the people's activity depends on: who is booked, the discussions, what continues."""
    return (
        f"{event.pk}:{cf.bookings_fingerprint(people)}:{discussion_version()}:{'-'.join(str(s.pk) for s in sessions)}"
    )


def people_activity(event: RegionalEventPage, people: list[int], sessions) -> tuple[dict[int, int], list, list]:
    """(threads each person wrote in, the busiest threads' ids with how many of them are in
    each, the sessions they care about most), for the sessions ``event`` continues. Kept for
    a minute under the bookings and the discussions' version: 2,000 people's contributions
    and stars take 60 ms to read."""
    key = f"relay:meetup-activity:{activity_key(event, people, sessions)}"
    found = cache.get(key)
    if found is None:
        activity = cf.threads_of(people, session_ids=[s.pk for s in sessions] or None)
        thread_people: dict[int, int] = {}
        for threads in activity.values():
            for thread in threads:
                thread_people[thread] = thread_people.get(thread, 0) + 1
        busiest = sorted(thread_people, key=lambda t: (-thread_people[t], t))[:BUSIEST_THREADS]
        found = (
            {pk: len(threads) for pk, threads in activity.items()},
            [(thread, thread_people[thread]) for thread in busiest],
            cf.session_suggestions(event, booked=people),
        )
        cache.set(key, found, ACTIVITY_CACHE_SECONDS)
    return found


@dataclass
class MeetupActivity:
    """What the dashboard shows of the discussions its people were in: the sessions they
    care about most, the threads most of them wrote in, and where each continued session
    left off. The same for everyone who may see the dashboard."""

    suggestions: list[cf.SessionInterest]
    busiest: list[tuple[Contribution, int]]  # threads and how many of the meetup's people are in each
    digests: list[cf.SessionDigest]


def meetup_activity(event: RegionalEventPage, overview: "MeetupOverview") -> MeetupActivity:
    """The discussion sections of ``event``'s dashboard, read from ``overview``'s people."""
    _counts, busiest, suggestions = people_activity(event, [p.delegate_id for p in overview.people], overview.sessions)
    found = Contribution.objects.filter(pk__in=[t for t, _n in busiest]).select_related("session", "author")
    threads = {c.pk: c for c in found}
    return MeetupActivity(
        suggestions=suggestions,
        busiest=[(threads[t], n) for t, n in busiest if t in threads],
        digests=cf.left_off(event, viewer=None, sessions=overview.sessions),
    )


def meetup_overview(event: RegionalEventPage, *, size: int | None, people_page=1) -> MeetupOverview:
    """Who ``event`` has booked and waiting (a page at a time, each with the threads they
    wrote in), their towns, and the tables suggested (or saved) for tables of ``size``."""
    people = booked_people(event)
    ids = [p.delegate_id for p in people]
    confirmed = [p.delegate_id for p in people if p.status == BookingStatus.CONFIRMED]
    sessions = cf.continued_sessions(event)
    thread_counts, _busiest, _suggestions = people_activity(event, ids, sessions)
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(people_page)
    for person in page.object_list:
        person.thread_count = thread_counts.get(person.delegate_id, 0)
    tables, saved = cached_tables(event, size=size, booked=confirmed)  # the same suggestion the page shows
    names = {p.delegate_id: p.name for p in people}
    seated = {pk for t in tables for pk in t.members}
    towns: dict[str, int] = {}
    for person in people:
        towns[person.town or "Unknown"] = towns.get(person.town or "Unknown", 0) + 1
    return MeetupOverview(
        people=people,
        people_page=page,
        confirmed=confirmed,
        sessions=sessions,
        activity_key=activity_key(event, ids, sessions),
        towns=sorted(towns.items(), key=lambda pair: (-pair[1], pair[0]))[:TOWNS_SHOWN],
        tables=[(t, ", ".join(names.get(pk, "?") for pk in t.members)) for t in tables],
        saved=saved,
        size=size or (saved.table_size if saved else DEFAULT_TABLE_SIZE),
        unseated=[(pk, names[pk]) for pk in confirmed if pk not in seated],
    )


def pack_run_progress(event: RegionalEventPage) -> PackRun | None:
    """The meetup's latest pack run with its counts (done, failed, of all), or None."""
    return (
        PackRun.objects.filter(event=event)
        .annotate(
            total=Count("files"),
            done=Count("files", filter=Q(files__status=PackStatus.DONE)),
            failed=Count("files", filter=Q(files__status=PackStatus.FAILED)),
        )
        .first()
    )


def facilitators(event: RegionalEventPage) -> list[Facilitation]:
    """Who facilitates ``event``, by email."""
    return list(event.facilitations.select_related("user").order_by("user__email"))


def meetups_for(user, *, every: bool):
    """The meetups ``user`` facilitates (all of them when ``every``), soonest first."""
    meetups = RegionalEventPage.objects.select_related("venue").order_by("start")
    if not every:
        meetups = meetups.filter(pk__in=Facilitation.objects.filter(user_id=user.pk).values("event_id"))
    return list(meetups)


def checked_in_count(event: RegionalEventPage) -> int:
    """How many of ``event``'s delegates with a place have been checked in so far."""
    return Booking.objects.filter(event=event, status=BookingStatus.CONFIRMED, attended_at__isnull=False).count()
