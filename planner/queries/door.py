"""Reads for the door of a meetup: how many have arrived of how many expected, people found
by name or organisation with their table and waiting-list number, and the latest arrivals.
Each read is a fixed number of queries, however many people booked."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from planner.models import Booking, BookingStatus, EventSeats, RegionalEventPage
from planner.models.people import ACTIVE_STATUSES
from planner.queries.carry_forward import attendee_ids
from planner.queries.people import waitlist_positions
from planner.queries.tables import cached_tables

DOOR_RESULTS = 30  # people listed for one search: more means "type more of the name"
LATEST_ARRIVALS = 5
SEARCH_WORDS = 6


@dataclass
class DoorCounts:
    arrived: int  # confirmed and checked in
    expected: int  # confirmed places
    waiting: int
    capacity: int
    places_free: int  # confirmed places still free before the meetup is full

    @property
    def over_capacity(self) -> int:
        return max(self.expected - self.capacity, 0)


@dataclass
class DoorRow:
    """One person at the door: their booking (with its delegate), table and queue number."""

    booking: Booking
    table: int | None = None  # None: not seated (waiting, or booked since the tables were locked)
    position: int | None = None  # waiting-list number, 1 = next

    @property
    def waiting(self) -> bool:
        return self.booking.status == BookingStatus.WAITLISTED


@dataclass
class DoorSearch:
    rows: list[DoorRow]
    more: bool  # more people matched than are listed
    tables_locked: bool

    @property
    def waiting(self) -> bool:
        """Someone listed is on the waiting list (the page says what admitting does)."""
        return any(row.waiting for row in self.rows)


def door_counts(event: RegionalEventPage) -> DoorCounts:
    """Arrived, expected (confirmed) and waiting at ``event``, and the places still free."""
    counts = Booking.objects.filter(event=event, status__in=ACTIVE_STATUSES).aggregate(
        expected=Count("pk", filter=Q(status=BookingStatus.CONFIRMED)),
        arrived=Count("pk", filter=Q(status=BookingStatus.CONFIRMED, attended_at__isnull=False)),
        waiting=Count("pk", filter=Q(status=BookingStatus.WAITLISTED)),
    )
    ceiling = EventSeats.objects.filter(event_id=event.pk).values_list("ceiling", flat=True).first()
    limit = event.capacity if ceiling is None else min(event.capacity, ceiling)
    return DoorCounts(
        arrived=counts["arrived"],
        expected=counts["expected"],
        waiting=counts["waiting"],
        capacity=event.capacity,
        places_free=max(limit - counts["expected"], 0),
    )


def door_people(event: RegionalEventPage) -> QuerySet[Booking]:
    """``event``'s confirmed and waiting bookings, with what the door shows of each person."""
    return Booking.objects.filter(event=event, status__in=ACTIVE_STATUSES).select_related("delegate")


def door_booking(event: RegionalEventPage, booking_id: int | None) -> Booking | None:
    """The booking ``booking_id`` if it is one of ``event``'s (any status), else None."""
    if booking_id is None:
        return None
    return Booking.objects.filter(pk=booking_id, event=event).select_related("delegate").first()


def door_rows(event: RegionalEventPage, bookings: list[Booking]) -> tuple[list[DoorRow], bool]:
    """``bookings`` with each person's table number and waiting-list number; and whether the
    tables are locked (else the numbers are today's suggestion and may still change)."""
    if not bookings:
        return [], False
    tables, saved = cached_tables(event, booked=attendee_ids(event))
    seat = {pk: table.number for table in tables for pk in table.members}
    positions = waitlist_positions(bookings)
    rows = [
        DoorRow(
            booking,
            seat.get(booking.delegate_id) if booking.status == BookingStatus.CONFIRMED else None,
            positions.get(booking.pk),
        )
        for booking in bookings
    ]
    return rows, saved is not None and saved.is_locked


def door_search(event: RegionalEventPage, query: str, *, limit: int = DOOR_RESULTS) -> DoorSearch:
    """People booked or waiting at ``event`` whose name or organisation holds every word of
    ``query`` (any case), by name, at most ``limit`` of them."""
    people = door_people(event)
    for word in query.split()[:SEARCH_WORDS]:
        people = people.filter(Q(delegate__name__icontains=word) | Q(delegate__organisation__icontains=word))
    found = list(people.order_by("delegate__name", "pk")[: limit + 1])
    rows, locked = door_rows(event, found[:limit])
    return DoorSearch(rows, len(found) > limit, locked)


def latest_arrivals(event: RegionalEventPage, *, limit: int = LATEST_ARRIVALS) -> DoorSearch:
    """The people checked in most recently, latest first: where a wrong tap is undone."""
    found = list(door_people(event).filter(attended_at__isnull=False).order_by("-attended_at", "-pk")[:limit])
    rows, locked = door_rows(event, found)
    return DoorSearch(rows, False, locked)


def door_row(event: RegionalEventPage, booking: Booking) -> DoorRow:
    """One of ``event``'s bookings as the door shows it (the check-in page's one person)."""
    rows, _ = door_rows(event, [booking])
    return rows[0]
