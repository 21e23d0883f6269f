"""A delegate's booking and programme emails: each written in the commit that caused it, sent
once, retried when sending fails, in plain text and HTML, with what to do next; reminders
decided by the scheduler, once per person however often it runs."""

from datetime import timedelta

import ics
import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.db import transaction
from django.test import override_settings

from planner.models import BookingStatus, EmailKind, OutgoingEmail
from planner.services.agenda import set_star
from planner.services.bookings import book_meetup, cancel_booking
from planner.services.cancellations import cancel_page
from planner.services.outbox import plan_reminders, send_email, send_pending_emails
from tests.factories import DelegateFactory, make_meetup, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetup(conference):
    return make_meetup(conference, capacity=2)


def mails_to(delegate):
    return [message for message in mail.outbox if message.to == [delegate.user.email]]


def html_of(message) -> BeautifulSoup:
    return BeautifulSoup(next(body for body, kind in message.alternatives if kind == "text/html"), "html.parser")


def book(delegate, meetup, capture):
    with capture(execute=True):
        return book_meetup(delegate=delegate, event=meetup)


def test_booking_a_place_emails_a_confirmation_with_the_meetup_for_the_calendar_and_what_to_do_next(
    meetup, django_capture_on_commit_callbacks
):
    delegate = DelegateFactory(name="Amira Khan")
    booking = book(delegate, meetup, django_capture_on_commit_callbacks)
    [message] = mails_to(delegate)
    assert message.subject == f"Your place at {meetup.title} is confirmed"
    text = message.body
    assert "Hello Amira Khan," in text and "When: Wednesday 14 April 2027" in text
    assert f"Where: {meetup.venue.name}" in text
    for path in (f"/my/ticket/{meetup.pk}/", f"/my/pack/{meetup.pk}/", f"/bookings/{booking.pk}/cancel/"):
        assert path in text
    html = html_of(message)
    assert html.html["lang"] == "en-GB" and html.h1.get_text() == meetup.title
    assert [a.get_text() for a in html.select("ul a")][:2] == ["Your ticket", "Your delegate pack"]
    name, content, kind = message.attachments[0]
    assert (name, kind) == ("meetup.ics", "text/calendar")
    [event] = ics.Calendar(content).events  # read back by another parser than the one that wrote it
    assert event.name == meetup.title and event.begin == meetup.start
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_double_click_books_once_and_emails_once(meetup, django_capture_on_commit_callbacks):
    delegate = DelegateFactory()
    first = book(delegate, meetup, django_capture_on_commit_callbacks)
    again = book(delegate, meetup, django_capture_on_commit_callbacks)
    assert first.pk == again.pk and len(mails_to(delegate)) == 1


def test_the_confirmation_is_written_in_the_bookings_own_commit(meetup):
    delegate = DelegateFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        book_meetup(delegate=delegate, event=meetup)
        assert OutgoingEmail.objects.filter(delegate=delegate, kind=EmailKind.BOOKED).exists()
        raise RuntimeError("the request failed after booking")
    assert not OutgoingEmail.objects.filter(delegate=delegate).exists()  # rolled back with the booking


def test_the_waiting_list_email_gives_the_position_and_says_it_is_not_a_place(
    meetup, django_capture_on_commit_callbacks
):
    for person in DelegateFactory.create_batch(2):
        book(person, meetup, django_capture_on_commit_callbacks)
    waiting = DelegateFactory()
    book(waiting, meetup, django_capture_on_commit_callbacks)
    [message] = mails_to(waiting)
    assert message.subject == f"You are on the waiting list for {meetup.title} (no. 1)"
    assert "number 1 on its waiting list. This is not a place yet." in message.body
    assert "/my/ticket/" not in message.body and not message.attachments


def test_cancelling_emails_the_delegate_and_the_promoted_person(meetup, django_capture_on_commit_callbacks):
    first, _second, third = DelegateFactory.create_batch(3)
    booking = book(first, meetup, django_capture_on_commit_callbacks)
    book(_second, meetup, django_capture_on_commit_callbacks)
    book(third, meetup, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_booking(booking=booking, reason="Cancelled by the delegate")
    assert mails_to(first)[-1].subject == f"Your booking for {meetup.title} is cancelled"
    assert mails_to(third)[-1].subject == f"A place came free: you are booked for {meetup.title}"


class FailingOnce:
    """An email backend whose first send fails, as a mail server that is down would."""

    calls = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        FailingOnce.calls += 1
        if FailingOnce.calls == 1:
            raise ConnectionRefusedError("mail server down")
        mail.outbox.extend(messages)
        return len(messages)


def test_a_failed_send_is_recorded_retried_and_never_sent_twice(meetup):
    delegate = DelegateFactory()
    book_meetup(delegate=delegate, event=meetup)  # no commit callbacks: the email waits in the outbox
    email = OutgoingEmail.objects.get(delegate=delegate)
    FailingOnce.calls = 0
    with override_settings(EMAIL_BACKEND="tests.planner.services.test_outbox.FailingOnce"):
        with pytest.raises(ConnectionRefusedError):
            send_email(email_id=email.pk)
        email.refresh_from_db()
        assert (email.sent_at, email.attempts, email.last_error) == (
            None,
            1,
            "ConnectionRefusedError: mail server down",
        )
        assert send_pending_emails(older_than=timedelta(0)) == 1  # the schedule's retry
        assert send_pending_emails(older_than=timedelta(0)) == 0
        assert send_email(email_id=email.pk) is False  # a late retry of the first task
    assert len(mails_to(delegate)) == 1


def test_an_email_being_sent_by_one_worker_is_not_taken_by_another(meetup):
    delegate = DelegateFactory()
    book_meetup(delegate=delegate, event=meetup)
    email = OutgoingEmail.objects.get(delegate=delegate)
    OutgoingEmail.objects.filter(pk=email.pk).update(claimed_until=email.created_at + timedelta(days=9999))
    assert send_email(email_id=email.pk) is False and not mail.outbox


def test_an_email_no_longer_true_is_not_sent(meetup):
    delegate = DelegateFactory()
    booking = book_meetup(delegate=delegate, event=meetup)
    cancel_booking(booking=booking, notify=False)  # cancelled before the worker got to the confirmation
    assert send_pending_emails(older_than=timedelta(0)) == 0 and not mail.outbox
    assert OutgoingEmail.objects.get(kind=EmailKind.BOOKED).sent_at is not None  # settled: never tried again


def test_reminders_go_a_week_and_a_day_before_once_each_however_often_the_scheduler_runs(meetup):
    people = DelegateFactory.create_batch(3)
    for person in people:
        book_meetup(delegate=person, event=meetup)  # two places: the third waits, and is not reminded
    OutgoingEmail.objects.all().delete()
    week_before = meetup.start - timedelta(days=6, hours=20)
    assert plan_reminders(now=week_before) == 2
    assert plan_reminders(now=week_before) == 0  # a second run, or a restarted worker, writes nothing
    assert plan_reminders(now=week_before + timedelta(days=2)) == 0
    assert plan_reminders(now=meetup.start - timedelta(hours=20)) == 2
    assert plan_reminders(now=meetup.start + timedelta(minutes=1)) == 0  # started: nothing more
    send_pending_emails(older_than=timedelta(0))
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [f"{meetup.title} is in a week"] * 2 + [f"{meetup.title} is tomorrow"] * 2
    assert not mails_to(people[2])


def test_a_cancelled_meetup_and_a_delegate_who_turned_reminders_off_get_no_reminders(conference, meetup):
    keen, quiet = DelegateFactory(), DelegateFactory(email_reminders=False)
    for person in (keen, quiet):
        book_meetup(delegate=person, event=meetup)
    day_before = meetup.start - timedelta(hours=20)
    assert plan_reminders(now=day_before) == 1
    other = make_meetup(conference, title="Leeds meetup")
    book_meetup(delegate=keen, event=other)
    cancel_page(page=other, reason="The venue flooded", by=None)
    assert plan_reminders(now=other.start - timedelta(hours=20)) == 0


def test_a_reminder_already_written_is_not_sent_once_the_meetup_is_called_off(meetup):
    delegate = DelegateFactory()
    book_meetup(delegate=delegate, event=meetup)
    OutgoingEmail.objects.all().delete()
    plan_reminders(now=meetup.start - timedelta(hours=20))
    cancel_page(page=meetup, reason="Storm warning", by=None)
    mail.outbox.clear()
    send_pending_emails(older_than=timedelta(0))
    assert not [m for m in mail.outbox if "tomorrow" in m.subject]


def test_a_starred_session_reminds_an_hour_before_and_again_if_it_moves(conference):
    session = make_session(conference, title="Data sharing that works")
    delegate = DelegateFactory()
    set_star(delegate=delegate, session=session, starred=True)
    assert plan_reminders(now=session.start - timedelta(minutes=50)) == 1
    assert plan_reminders(now=session.start - timedelta(minutes=20)) == 0
    session.start += timedelta(days=1)
    session.end += timedelta(days=1)
    session.save_revision().publish()
    assert plan_reminders(now=session.start - timedelta(minutes=30)) == 1
    email = OutgoingEmail.objects.filter(kind=EmailKind.SESSION_REMINDER).last()
    send_email(email_id=email.pk)
    assert mails_to(delegate)[-1].subject == "Starting in an hour: Data sharing that works"


def test_moving_a_meetup_tells_everyone_booked_or_waiting_what_changed(meetup, django_capture_on_commit_callbacks):
    people = DelegateFactory.create_batch(3)
    for person in people:
        book_meetup(delegate=person, event=meetup)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meetup.start += timedelta(hours=1)
        meetup.end += timedelta(hours=1)
        meetup.save_revision().publish()
    changed = [m for m in mail.outbox if m.subject.startswith("Changed:")]
    assert sorted(m.to[0] for m in changed) == sorted(p.user.email for p in people)
    message = changed[0]
    assert message.subject == f"Changed: {meetup.title} has a new time"
    assert (
        "Was: Wednesday 14 April 2027, 10:00" in message.body and "Now: Wednesday 14 April 2027, 11:00" in message.body
    )
    with django_capture_on_commit_callbacks(execute=True):
        meetup.save_revision().publish()  # published again unchanged: nobody hears twice
    assert len([m for m in mail.outbox if m.subject.startswith("Changed:")]) == 3


def test_every_email_offers_its_settings_and_a_one_click_way_out_that_a_mail_scanner_cannot_click(
    client, meetup, django_capture_on_commit_callbacks
):
    delegate = DelegateFactory()
    book(delegate, meetup, django_capture_on_commit_callbacks)
    [message] = mails_to(delegate)
    off = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert off in message.body and "/account/profile/#id_email_reminders" in message.body
    path = off.split("testserver")[-1]
    asked = BeautifulSoup(client.get(path).content, "html.parser")
    assert "Stop reminders and digests" in asked.get_text()
    delegate.refresh_from_db()
    assert delegate.email_reminders and delegate.email_digest  # following the link changed nothing
    client.post(path, {"List-Unsubscribe": "One-Click"})  # a mail client's one-click POST, without a session
    delegate.refresh_from_db()
    assert not delegate.email_reminders and not delegate.email_digest
    forged = client.get(path[:-3] + "xyz/")
    assert forged.status_code == 404 and "not one of ours" in forged.content.decode()


def test_a_waiting_delegate_is_not_reminded_until_they_have_a_place(meetup):
    people = DelegateFactory.create_batch(3)
    bookings = [book_meetup(delegate=person, event=meetup) for person in people]
    assert bookings[2].status == BookingStatus.WAITLISTED
    cancel_booking(booking=bookings[0])
    OutgoingEmail.objects.all().delete()
    plan_reminders(now=meetup.start - timedelta(hours=20))
    assert set(OutgoingEmail.objects.values_list("delegate_id", flat=True)) == {people[1].pk, people[2].pk}
