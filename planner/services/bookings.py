"""Meetup bookings: capacity, the first-come-first-served waiting list, cancellation and
promotion. Every change takes the meetup's EventSeats row lock first (SELECT ... FOR UPDATE
on PostgreSQL; SQLite's IMMEDIATE transactions serialise writers), and the row's check
constraint refuses any confirmed count above the ceiling, whatever code path writes."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from planner.models import Booking, BookingStatus, Cancellation, Delegate, EmailKind, EventSeats, RegionalEventPage
from planner.models.people import ACTIVE_STATUSES
from planner.queries.programme import PLACES
from planner.services.outbox import queue_booking_email


class BookingRefused(Exception):
    """A booking action that cannot happen; ``str()`` is a sentence the delegate can act on."""


def ensure_seats(*, event: RegionalEventPage) -> EventSeats:
    """The meetup's seat ledger, created on first use from the page's capacity."""
    seats, _ = EventSeats.objects.get_or_create(event_id=event.pk, defaults={"ceiling": event.capacity})
    return seats


def locked_seats(*, event: RegionalEventPage, lock: bool = True) -> EventSeats:
    """The ledger row, locked for the rest of the transaction.

    ``lock=False`` exists only so the concurrency test can show that it catches overselling.
    """
    ensure_seats(event=event)
    PLACES.bump_now_and_at_commit()  # the cards saying how many places are left
    rows = EventSeats.objects.select_for_update() if lock else EventSeats.objects
    return rows.get(event_id=event.pk)


def bookable_problem(*, event: RegionalEventPage, now=None) -> str | None:
    """Why ``event`` cannot take bookings now, or None if it can."""
    now = now or timezone.now()
    if not event.live:
        return "This meetup is not open for booking: it has been withdrawn or not yet published."
    if called_off := Cancellation.objects.filter(page_id=event.pk).first():  # fresh: never a stale cached answer
        return f"This meetup has been cancelled: {called_off.reason}"
    if event.start <= now:
        return "This meetup has already started or taken place, so it can no longer be booked."
    return None


def book_meetup(
    *, delegate: Delegate, event: RegionalEventPage, lock: bool = True, now=None, notify: bool = True
) -> Booking:
    """Give ``delegate`` a confirmed place if one is free, else a place on the waiting list.

    Idempotent: a delegate with an active booking gets that booking back (a double click
    books once, and emails once). The confirmation or waiting-list email is written in the
    same transaction and sent after it commits. Raises BookingRefused for a withdrawn or past
    meetup. ``now`` books as of another moment, and ``notify=False`` sends no email (the
    demo's story books its past meetups before they happened, and emails nobody).
    """
    if problem := bookable_problem(event=event, now=now):
        raise BookingRefused(problem)
    try:
        with transaction.atomic():
            seats = locked_seats(event=event, lock=lock)
            existing = Booking.objects.filter(delegate=delegate, event_id=event.pk, status__in=ACTIVE_STATUSES).first()
            if existing:
                return existing
            now = now or timezone.now()  # read under the lock, so booking times follow the queue
            if seats.confirmed < min(event.capacity, seats.ceiling):
                booking = Booking.objects.create(
                    delegate=delegate,
                    event_id=event.pk,
                    status=BookingStatus.CONFIRMED,
                    created_at=now,
                    confirmed_at=now,
                )
                EventSeats.objects.filter(pk=seats.pk).update(confirmed=F("confirmed") + 1)
                if notify:
                    queue_booking_email(booking, EmailKind.BOOKED)
            else:
                booking = Booking.objects.create(
                    delegate=delegate, event_id=event.pk, status=BookingStatus.WAITLISTED, created_at=now
                )
                EventSeats.objects.filter(pk=seats.pk).update(waitlisted=F("waitlisted") + 1)
                if notify:
                    queue_booking_email(booking, EmailKind.WAITING)
            return booking
    except IntegrityError:
        # Without the lock, a concurrent double click meets the one-active-booking constraint.
        existing = Booking.objects.filter(delegate=delegate, event_id=event.pk, status__in=ACTIVE_STATUSES).first()
        if existing is None:
            raise
        return existing


def promote_waitlist(*, event: RegionalEventPage, seats: EventSeats) -> list[Booking]:
    """Confirm the head of the waiting list while there is room; call with ``seats`` locked.

    Each promoted delegate is emailed once, after the transaction commits.
    """
    seats.refresh_from_db()
    room = min(event.capacity, seats.ceiling) - seats.confirmed
    if room <= 0:
        return []
    now = timezone.now()
    promoted = list(Booking.objects.filter(event_id=event.pk, status=BookingStatus.WAITLISTED).order_by("id")[:room])
    for booking in promoted:
        booking.status, booking.confirmed_at, booking.promoted_at = BookingStatus.CONFIRMED, now, now
    Booking.objects.bulk_update(promoted, ["status", "confirmed_at", "promoted_at"])
    EventSeats.objects.filter(pk=seats.pk).update(
        confirmed=F("confirmed") + len(promoted), waitlisted=F("waitlisted") - len(promoted)
    )
    for booking in promoted:
        queue_booking_email(booking, EmailKind.PROMOTED)
    return promoted


@transaction.atomic
def cancel_booking(*, booking: Booking, reason: str = "", notify: bool = True) -> Booking:
    """Cancel ``booking``; a freed seat goes to the head of the waiting list at once. The
    delegate is emailed (unless ``notify`` is False: a meetup called off sends its own notice).

    Idempotent: cancelling a cancelled booking changes nothing.
    """
    event = RegionalEventPage.objects.get(pk=booking.event_id)
    seats = locked_seats(event=event)
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status == BookingStatus.CANCELLED:
        return booking
    was_confirmed = booking.status == BookingStatus.CONFIRMED
    booking.status, booking.cancelled_at, booking.cancel_reason = BookingStatus.CANCELLED, timezone.now(), reason
    booking.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    counter = "confirmed" if was_confirmed else "waitlisted"
    EventSeats.objects.filter(pk=seats.pk).update(**{counter: F(counter) - 1})
    if notify and event.end > timezone.now():  # after the meetup, a cancellation is only bookkeeping
        queue_booking_email(booking, EmailKind.CANCELLED)
    if was_confirmed and bookable_problem(event=event) is None:
        # A past or withdrawn meetup's freed place goes to nobody: no one is promoted or emailed.
        seats.refresh_from_db()
        # A ceiling raised above capacity by an earlier reduction comes back down as places free.
        EventSeats.objects.filter(pk=seats.pk).update(ceiling=max(event.capacity, seats.confirmed))
        promote_waitlist(event=event, seats=seats)
    return booking


@transaction.atomic
def promote_booking(*, booking: Booking, notify: bool = True) -> Booking:
    """A planner confirms a waiting-list booking out of turn. If the meetup is full this adds
    a place beyond capacity (the ceiling rises by one), which is the planner's call to make.
    ``notify=False`` sends no email (a person admitted at the door is standing there)."""
    event = RegionalEventPage.objects.get(pk=booking.event_id)
    seats = locked_seats(event=event)
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != BookingStatus.WAITLISTED:
        raise BookingRefused("Only a booking on the waiting list can be promoted.")
    now = timezone.now()
    booking.status, booking.confirmed_at, booking.promoted_at = BookingStatus.CONFIRMED, now, now
    booking.save(update_fields=["status", "confirmed_at", "promoted_at"])
    EventSeats.objects.filter(pk=seats.pk).update(
        ceiling=max(seats.ceiling, seats.confirmed + 1),
        confirmed=F("confirmed") + 1,
        waitlisted=F("waitlisted") - 1,
    )
    if notify:
        queue_booking_email(booking, EmailKind.PROMOTED)
    return booking


@transaction.atomic
def apply_capacity(*, event: RegionalEventPage) -> list[Booking]:
    """Bring the ledger in line with the page's (newly published) capacity.

    Raising it promotes from the waiting list; lowering it never cancels confirmed places.
    """
    seats = locked_seats(event=event)
    EventSeats.objects.filter(pk=seats.pk).update(ceiling=max(event.capacity, seats.confirmed))
    return promote_waitlist(event=event, seats=seats)
