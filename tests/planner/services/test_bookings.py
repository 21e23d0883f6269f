"""Meetup places: capacity, first-come-first-served waiting list, cancellation, promotion."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from planner.models import Booking, BookingStatus, EventSeats, OutgoingEmail
from planner.queries.people import waitlist_positions
from planner.services.bookings import (
    BookingRefused,
    apply_capacity,
    book_meetup,
    cancel_booking,
    promote_booking,
)
from planner.tasks import send_email
from tests.factories import DelegateFactory, make_meetup

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetup(conference):
    return make_meetup(conference, capacity=2)


def statuses(event):
    return [b.status for b in Booking.objects.filter(event=event).order_by("id")]


def seats(event):
    return EventSeats.objects.get(event=event)


def test_first_bookings_get_places_then_the_rest_queue_in_order(meetup):
    people = DelegateFactory.create_batch(4)
    bookings = [book_meetup(delegate=person, event=meetup) for person in people]
    assert [b.status for b in bookings] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert waitlist_positions(bookings) == {bookings[2].pk: 1, bookings[3].pk: 2}
    assert (seats(meetup).confirmed, seats(meetup).waitlisted) == (2, 2)


def test_booking_twice_returns_the_same_booking(meetup):
    person = DelegateFactory()
    first, second = book_meetup(delegate=person, event=meetup), book_meetup(delegate=person, event=meetup)
    assert first.pk == second.pk
    assert Booking.objects.filter(delegate=person).count() == 1
    assert seats(meetup).confirmed == 1


def test_database_refuses_a_second_active_booking_even_without_the_service(meetup):
    person = DelegateFactory()
    book_meetup(delegate=person, event=meetup)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(delegate=person, event=meetup, status=BookingStatus.WAITLISTED)


def test_database_refuses_more_confirmed_places_than_the_ceiling(meetup):
    for person in DelegateFactory.create_batch(2):
        book_meetup(delegate=person, event=meetup)
    with pytest.raises(IntegrityError), transaction.atomic():
        EventSeats.objects.filter(event=meetup).update(confirmed=3)


def test_cancelling_a_place_promotes_the_head_of_the_queue_and_emails_them_once(
    meetup, django_capture_on_commit_callbacks
):
    first, _second, third, fourth = [book_meetup(delegate=p, event=meetup) for p in DelegateFactory.create_batch(4)]
    with django_capture_on_commit_callbacks(execute=True):
        cancel_booking(booking=first, reason="Travel ban")
    assert statuses(meetup) == ["cancelled", "confirmed", "confirmed", "waitlisted"]
    third.refresh_from_db()
    assert third.promoted_at is not None
    promoted = [m for m in mail.outbox if m.to == [third.delegate.user.email]]
    assert len(promoted) == 1 and "a place came free" in promoted[0].body
    assert waitlist_positions([Booking.objects.get(pk=fourth.pk)]) == {fourth.pk: 1}
    sent = len(mail.outbox)
    send_email(OutgoingEmail.objects.get(key=f"promoted:{third.pk}").pk)  # the task running again (a retry)
    assert len(mail.outbox) == sent


def test_cancelling_from_the_waiting_list_moves_the_others_up(meetup):
    bookings = [book_meetup(delegate=p, event=meetup) for p in DelegateFactory.create_batch(5)]
    cancel_booking(booking=bookings[2])
    assert waitlist_positions([Booking.objects.get(pk=b.pk) for b in bookings[3:]]) == {
        bookings[3].pk: 1,
        bookings[4].pk: 2,
    }
    assert (seats(meetup).confirmed, seats(meetup).waitlisted) == (2, 2)


def test_cancelling_twice_changes_nothing(meetup):
    booking = book_meetup(delegate=DelegateFactory(), event=meetup)
    cancel_booking(booking=booking)
    cancel_booking(booking=booking)
    assert (seats(meetup).confirmed, seats(meetup).waitlisted) == (0, 0)


def test_raising_capacity_promotes_from_the_waiting_list(meetup):
    [book_meetup(delegate=p, event=meetup) for p in DelegateFactory.create_batch(5)]
    meetup.capacity = 4
    meetup.save_revision().publish()
    assert statuses(meetup) == ["confirmed"] * 4 + ["waitlisted"]


def test_lowering_capacity_never_cancels_confirmed_places(meetup):
    bookings = [book_meetup(delegate=p, event=meetup) for p in DelegateFactory.create_batch(3)]
    meetup.capacity = 1
    meetup.save_revision().publish()
    assert statuses(meetup) == ["confirmed", "confirmed", "waitlisted"]
    cancel_booking(booking=bookings[0])  # still over the new capacity: nobody is promoted
    assert statuses(meetup) == ["cancelled", "confirmed", "waitlisted"]
    cancel_booking(booking=bookings[1])  # now under it: the queue moves
    assert statuses(meetup) == ["cancelled", "cancelled", "confirmed"]


def test_booking_a_past_meetup_is_refused(conference):
    meetup = make_meetup(conference)
    meetup.start, meetup.end = timezone.now() - timedelta(days=2), timezone.now() - timedelta(days=1)
    meetup.save()
    with pytest.raises(BookingRefused, match="already started or taken place"):
        book_meetup(delegate=DelegateFactory(), event=meetup)


def test_booking_a_withdrawn_meetup_is_refused(meetup):
    meetup.unpublish()
    with pytest.raises(BookingRefused, match="not open for booking"):
        book_meetup(delegate=DelegateFactory(), event=meetup)


def test_planner_can_promote_out_of_turn_adding_a_place_beyond_capacity(meetup):
    bookings = [book_meetup(delegate=p, event=meetup) for p in DelegateFactory.create_batch(4)]
    assert promote_booking(booking=bookings[3]).status == "confirmed"
    assert statuses(meetup) == ["confirmed", "confirmed", "waitlisted", "confirmed"]
    assert (seats(meetup).confirmed, seats(meetup).ceiling, seats(meetup).waitlisted) == (3, 3, 1)
    with pytest.raises(BookingRefused, match="Only a booking on the waiting list"):
        promote_booking(booking=bookings[0])
    cancel_booking(booking=bookings[0])  # back towards capacity 2: nobody promoted yet
    assert statuses(meetup) == ["cancelled", "confirmed", "waitlisted", "confirmed"]


def test_apply_capacity_is_safe_to_repeat(meetup):
    [book_meetup(delegate=p, event=meetup) for p in DelegateFactory.create_batch(3)]
    apply_capacity(event=meetup)
    apply_capacity(event=meetup)
    assert (seats(meetup).confirmed, seats(meetup).waitlisted) == (2, 1)


def test_plain_text_emails_keep_ampersands_and_apostrophes_as_typed(conference, django_capture_on_commit_callbacks):
    meetup = make_meetup(conference, title="Health & care: what's next", capacity=1)
    first, second = [book_meetup(delegate=p, event=meetup) for p in DelegateFactory.create_batch(2)]
    with django_capture_on_commit_callbacks(execute=True):
        cancel_booking(booking=first)
    [email] = [m for m in mail.outbox if m.to == [second.delegate.user.email]]
    assert email.subject == "A place came free: you are booked for Health & care: what's next"
    assert "Health & care: what's next" in email.body and "&amp;" not in email.body and "&#x27;" not in email.body
    html = next(body for body, kind in email.alternatives if kind == "text/html")
    assert "Health &amp; care: what&#x27;s next" in html  # escaped in the HTML only


def test_cancelling_a_place_at_a_past_meetup_promotes_and_emails_nobody(conference, django_capture_on_commit_callbacks):
    meetup = make_meetup(conference, capacity=1)
    first = book_meetup(delegate=DelegateFactory(), event=meetup)
    waiting = book_meetup(delegate=DelegateFactory(), event=meetup)
    meetup.start, meetup.end = timezone.now() - timedelta(days=2), timezone.now() - timedelta(days=1)
    meetup.save()
    with django_capture_on_commit_callbacks(execute=True):
        cancel_booking(booking=first)
    waiting.refresh_from_db()
    assert waiting.status == "waitlisted" and mail.outbox == []
