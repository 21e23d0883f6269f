"""Reads for a meetup's dashboard in the admin: who is booked and waiting, their towns, the
threads they were active in, the tables, and the latest pack run."""

from dataclasses import dataclass

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
from planner.queries.tables import Table, cached_tables

BUSIEST_THREADS = 10
TOWNS_SHOWN = 12
DEFAULT_TABLE_SIZE = 6


@dataclass
class MeetupOverview:
    bookings: list[Booking]  # confirmed and waiting, each with ``thread_count``
    confirmed: list[int]  # delegate ids
    towns: list[tuple[str, int]]
    busiest: list[tuple[Contribution, int]]  # threads and how many of the meetup's people are in each
    digests: list[cf.SessionDigest]
    suggestions: list[cf.SessionInterest]
    tables: list[tuple[Table, list[str]]]  # each table with its members' names
    saved: MeetupTables | None
    size: int
    unseated: list[tuple[int, str]]

    @property
    def attended_count(self) -> int:
        return sum(1 for b in self.bookings if b.attended_at)

    @property
    def waiting_count(self) -> int:
        return len(self.bookings) - len(self.confirmed)


def meetup_overview(event: RegionalEventPage, *, size: int | None) -> MeetupOverview:
    """Everything the meetup dashboard shows about ``event``'s people and their threads, with
    the tables suggested (or saved) for tables of ``size``."""
    bookings = list(
        Booking.objects.filter(event=event, status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITLISTED])
        .select_related("delegate__home_place")
        .order_by("status", "id")
    )
    people = [b.delegate_id for b in bookings]
    confirmed = [b.delegate_id for b in bookings if b.status == BookingStatus.CONFIRMED]
    sessions = cf.continued_sessions(event)
    activity = cf.threads_of(people, session_ids=[s.pk for s in sessions] or None)
    for booking in bookings:
        booking.thread_count = len(activity.get(booking.delegate_id, ()))
    thread_people: dict[int, int] = {}
    for threads in activity.values():
        for thread in threads:
            thread_people[thread] = thread_people.get(thread, 0) + 1
    busiest = sorted(thread_people, key=lambda t: (-thread_people[t], t))[:BUSIEST_THREADS]
    threads = {c.pk: c for c in Contribution.objects.filter(pk__in=busiest).select_related("session", "author")}
    tables, saved = cached_tables(event, size=size, booked=confirmed)  # the same suggestion the page shows
    names = {b.delegate_id: b.delegate.name for b in bookings}
    seated = {pk for t in tables for pk in t.members}
    towns: dict[str, int] = {}
    for booking in bookings:
        towns[booking.delegate.town or "Unknown"] = towns.get(booking.delegate.town or "Unknown", 0) + 1
    return MeetupOverview(
        bookings=bookings,
        confirmed=confirmed,
        towns=sorted(towns.items(), key=lambda pair: (-pair[1], pair[0]))[:TOWNS_SHOWN],
        busiest=[(threads[t], thread_people[t]) for t in busiest if t in threads],
        digests=cf.left_off(event, viewer=None, sessions=sessions),
        suggestions=cf.session_suggestions(event, booked=people),
        tables=[(t, [names.get(pk, "?") for pk in t.members]) for t in tables],
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
