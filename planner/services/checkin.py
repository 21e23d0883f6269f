"""Checking a delegate in at the meetup's door, undoing it, and admitting someone from the
waiting list there. Only a confirmed place is ever checked in: a waiting-list code is
admitted first (explicitly, by a facilitator), never checked in as if it were a place."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from planner.models import Booking, BookingStatus, RegionalEventPage
from planner.services.bookings import BookingRefused, locked_seats, promote_booking


class CheckInRefused(BookingRefused):
    """A check-in that cannot happen; ``str()`` says what the facilitator can do instead."""


@dataclass
class Admission:
    booking: Booking
    admitted: bool  # moved off the waiting list just now (False: it already had a place)
    over_capacity: int  # confirmed places beyond the meetup's capacity, after the admission


def refusal(booking: Booking) -> CheckInRefused:
    """Why ``booking`` (not a confirmed place) cannot simply be checked in."""
    name = booking.delegate.name
    if booking.status == BookingStatus.WAITLISTED:
        return CheckInRefused(f"{name} is on the waiting list, not a confirmed place: admit them to check them in.")
    return CheckInRefused(f"{name}’s booking was cancelled, so they have no place at this meetup.")


def check_in(*, booking: Booking, by, at=None) -> bool:
    """Record that ``booking``'s delegate arrived, checked in by ``by`` (``at`` a moment other
    than now, for the demo's past meetups); False when someone already had (the first
    check-in stands, so a second scan changes nothing). Raises CheckInRefused for a booking
    that is not a confirmed place (waiting or cancelled)."""
    if Booking.objects.filter(pk=booking.pk, status=BookingStatus.CONFIRMED, attended_at__isnull=True).update(
        attended_at=at or timezone.now(), checked_in_by=by
    ):
        return True
    current = Booking.objects.select_related("delegate").get(pk=booking.pk)
    if current.status != BookingStatus.CONFIRMED:
        raise refusal(current)
    return False


def undo_check_in(*, booking: Booking) -> bool:
    """Take back a check-in made by mistake (the place stays); False if there was none."""
    return bool(
        Booking.objects.filter(pk=booking.pk, attended_at__isnull=False).update(attended_at=None, checked_in_by=None)
    )


@transaction.atomic
def admit_and_check_in(*, booking: Booking, by) -> Admission:
    """A facilitator lets a waiting-list delegate in at the door: the booking is confirmed
    (into a free place, or a place beyond capacity if the meetup is full, as
    ``promote_booking`` does) and checked in, in one transaction. A booking that already has a
    place is just checked in, so a double tap admits once; a cancelled one is refused."""
    event = RegionalEventPage.objects.get(pk=booking.event_id)
    seats = locked_seats(event=event)  # the ledger first, then the booking: the order every booking write takes
    current = Booking.objects.select_for_update().select_related("delegate").get(pk=booking.pk)
    if current.status == BookingStatus.CANCELLED:
        raise refusal(current)
    admitted = current.status == BookingStatus.WAITLISTED
    if admitted:
        promote_booking(booking=current, notify=False)  # they are at the desk: no "a place came free" email
    check_in(booking=current, by=by)
    seats.refresh_from_db()
    current.refresh_from_db()
    return Admission(current, admitted, max(seats.confirmed - event.capacity, 0))
