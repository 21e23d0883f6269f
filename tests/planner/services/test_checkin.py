"""Checking in at the door: only a confirmed place is ever checked in; a waiting-list booking
is admitted first (into a free place, or beyond capacity), in one transaction."""

import pytest

from planner.models import Booking, EventSeats
from planner.services.bookings import book_meetup, cancel_booking
from planner.services.checkin import CheckInRefused, admit_and_check_in, check_in, undo_check_in
from tests.factories import DelegateFactory, UserFactory, make_meetup
from tests.planner.helpers import started

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_meetup(conference):
    """One place: Ann has it, Ben waits."""
    meetup = make_meetup(conference, capacity=1)
    ann = book_meetup(delegate=DelegateFactory(name="Ann Arrow"), event=meetup)
    ben = book_meetup(delegate=DelegateFactory(name="Ben Bishop"), event=meetup)
    return meetup, ann, ben


def test_check_in_refuses_a_waiting_list_booking_and_leaves_it_waiting(full_meetup):
    _, _, ben = full_meetup
    with pytest.raises(CheckInRefused, match="Ben Bishop is on the waiting list, not a confirmed place"):
        check_in(booking=ben, by=UserFactory())
    ben.refresh_from_db()
    assert (ben.status, ben.attended_at) == ("waitlisted", None)


def test_check_in_refuses_a_cancelled_booking(full_meetup):
    _, ann, _ = full_meetup
    cancel_booking(booking=ann)
    with pytest.raises(CheckInRefused, match="Ann Arrow’s booking was cancelled"):
        check_in(booking=ann, by=UserFactory())


def test_admitting_at_a_full_meetup_adds_one_place_beyond_capacity_and_checks_in(full_meetup):
    meetup, _, ben = full_meetup
    door = UserFactory()
    admission = admit_and_check_in(booking=ben, by=door)
    assert (admission.admitted, admission.over_capacity) == (True, 1)
    assert (admission.booking.status, admission.booking.checked_in_by) == ("confirmed", door)
    seats = EventSeats.objects.get(event_id=meetup.pk)
    assert (seats.confirmed, seats.waitlisted, seats.ceiling) == (2, 0, 2)


def test_admitting_into_a_free_place_keeps_the_ceiling(full_meetup):
    meetup, ann, ben = full_meetup
    started(meetup)  # on the day, a cancelled place goes to nobody by itself
    cancel_booking(booking=ann)
    admission = admit_and_check_in(booking=ben, by=UserFactory())
    assert (admission.admitted, admission.over_capacity) == (True, 0)
    assert EventSeats.objects.get(event_id=meetup.pk).ceiling == 1


def test_admitting_someone_with_a_place_only_checks_them_in(full_meetup):
    meetup, ann, _ = full_meetup
    admission = admit_and_check_in(booking=ann, by=UserFactory())
    assert admission.admitted is False and admission.booking.attended_at is not None
    assert EventSeats.objects.get(event_id=meetup.pk).confirmed == 1


def test_undo_clears_the_check_in_and_keeps_the_place(full_meetup):
    _, ann, _ = full_meetup
    check_in(booking=ann, by=UserFactory())
    assert undo_check_in(booking=ann) is True
    assert undo_check_in(booking=ann) is False  # nothing left to undo
    ann = Booking.objects.get(pk=ann.pk)
    assert (ann.status, ann.attended_at, ann.checked_in_by) == ("confirmed", None, None)
