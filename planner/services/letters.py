"""The delegate's booking and programme emails (the outbox's, see ``services.outbox``): each
written as a ``Letter`` (what it says and what to do next) from which its plain text and
accessible HTML are both rendered, with an unsubscribe link and List-Unsubscribe header."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from planner import calendars, timefmt
from planner.models import (
    Booking,
    BookingStatus,
    CalendarEntry,
    Cancellation,
    EmailKind,
    OutgoingEmail,
    RegionalEventPage,
    SessionPage,
    SessionStar,
)
from planner.queries.people import waitlist_positions


def absolute(path: str) -> str:
    """The public address of ``path`` on this site."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


EMAILS_OFF_SALT = "relay.emails-off"


def emails_off_token(delegate_id: int) -> str:
    """The signed token in every email's unsubscribe link (no expiry: old emails keep working)."""
    return signing.Signer(salt=EMAILS_OFF_SALT).sign_object(delegate_id, compress=True)


def delegate_from_emails_off_token(token: str) -> int | None:
    """The delegate an unsubscribe token was made for, or None if forged or mangled."""
    try:
        return int(signing.Signer(salt=EMAILS_OFF_SALT).unsign_object(token))
    except (signing.BadSignature, ValueError, TypeError):
        return None


@dataclass
class Letter:
    """An email's content, from which both its plain text and its HTML are written, so the
    two always say the same: a subject, paragraphs, facts (label, value), and what to do
    next as links (label, url), the first the main one."""

    subject: str
    paragraphs: list[str]
    title: str = ""  # what it is about (the meetup or session), the HTML's heading
    facts: list[tuple[str, str]] = field(default_factory=list)
    actions: list[tuple[str, str]] = field(default_factory=list)
    after: list[str] = field(default_factory=list)  # paragraphs after the links
    attachment: tuple[str, bytes, str] | None = None  # (filename, content, mimetype)


def compose(email: OutgoingEmail) -> EmailMultiAlternatives | None:
    """The message for an outbox email, or None when it is no longer true (the booking
    was cancelled since, the meetup called off, reminders turned off): then nothing is sent."""
    delegate = email.delegate
    if not delegate.user.is_active or not delegate.user.email:
        return None
    letter = LETTERS[email.kind](email)
    if letter is None:
        return None
    preferences = absolute(reverse("account:profile")) + "#id_email_reminders"
    off = absolute(reverse("account:emails_off", args=[emails_off_token(delegate.pk)]))
    context = {"name": delegate.name, "letter": letter, "preferences": preferences, "off": off}
    message = EmailMultiAlternatives(
        subject=letter.subject,
        body=render_to_string("account/email/letter.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delegate.user.email],
        headers={"List-Unsubscribe": f"<{off}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    message.attach_alternative(render_to_string("account/email/letter.html", context), "text/html")
    if letter.attachment:
        message.attach(*letter.attachment)
    return message


def meetup_facts(event: RegionalEventPage) -> list[tuple[str, str]]:
    venue = event.venue
    return [
        ("When", timefmt.when(event.start, event.end, event.zone)),
        ("Where", ", ".join([venue.name, *venue.address_lines])),
    ]


def meetup_links(event: RegionalEventPage) -> list[tuple[str, str]]:
    return [
        ("Your ticket", absolute(reverse("account:ticket", args=[event.pk]))),
        ("Your delegate pack", absolute(reverse("account:pack", args=[event.pk]))),
        ("The meetup page: the agenda, your table and people to meet", absolute(event.url or "/")),
    ]


def cancel_link(booking: Booking) -> str:
    return absolute(reverse("account:cancel_booking", args=[booking.pk]))


def meetup_calendar(event: RegionalEventPage) -> tuple[str, bytes, str] | None:
    """The meetup as an .ics file to attach, from its feed entry (the same UID as the feeds,
    so a calendar that also subscribes sees one event)."""
    entry = CalendarEntry.objects.filter(page_id=event.pk).first()
    if entry is None:
        return None
    domain = settings.WAGTAILADMIN_BASE_URL.split("//")[-1].split("/")[0].split(":")[0] or "relay.invalid"
    info = calendars.FeedInfo(name=event.title, description="A Relay regional meetup.", domain=domain)
    return "meetup.ics", calendars.serialize_calendar(calendars.build_calendar([entry], info=info)), "text/calendar"


def live_booking(email: OutgoingEmail, status: str) -> Booking | None:
    booking = email.booking
    if booking is None or booking.status != status:
        return None
    return Booking.objects.select_related("event__venue").get(pk=booking.pk)


def booked_letter(email: OutgoingEmail) -> Letter | None:
    booking = live_booking(email, BookingStatus.CONFIRMED)
    if booking is None:
        return None
    event = booking.event
    promoted = email.kind == EmailKind.PROMOTED
    return Letter(
        subject=f"A place came free: you are booked for {event.title}"
        if promoted
        else f"Your place at {event.title} is confirmed",
        paragraphs=[
            "Good news: a place came free and you have moved off the waiting list. You have a place at:"
            if promoted
            else "Thank you for booking. You have a place at:",
        ],
        title=event.title,
        facts=meetup_facts(event),
        actions=meetup_links(event),
        after=[
            "Add it to your calendar with the attached file (meetup.ics).",
            "Show your ticket at the welcome desk: on your phone or printed in your pack.",
            f"If you can no longer come, please cancel so the next person on the waiting list gets your place: "
            f"{cancel_link(booking)}",
        ],
        attachment=meetup_calendar(event),
    )


def waiting_letter(email: OutgoingEmail) -> Letter | None:
    booking = live_booking(email, BookingStatus.WAITLISTED)
    if booking is None:
        return None
    event, position = booking.event, waitlist_positions([booking]).get(booking.pk)
    return Letter(
        subject=f"You are on the waiting list for {event.title} (no. {position})",
        title=event.title,
        paragraphs=[
            f"{event.title} is full, so you are number {position} on its waiting list. This is not a place yet.",
            "If a place comes free it goes to the next person in the queue, and we email you at once. "
            "You do not need to do anything until then.",
        ],
        facts=meetup_facts(event),
        actions=[("The meetup page", absolute(event.url or "/"))],
        after=[f"If you no longer want a place, leave the waiting list: {cancel_link(booking)}"],
    )


def cancelled_letter(email: OutgoingEmail) -> Letter | None:
    booking = email.booking
    if booking is None or booking.status != BookingStatus.CANCELLED:
        return None
    event = RegionalEventPage.objects.select_related("venue").get(pk=booking.event_id)
    return Letter(
        subject=f"Your booking for {event.title} is cancelled",
        title=event.title,
        paragraphs=[
            f"Your booking for {event.title} is cancelled, and nobody will expect you.",
            "If that was a mistake, book again from the meetup page while places are left.",
        ],
        facts=meetup_facts(event),
        actions=[
            ("The meetup page", absolute(event.url or "/")),
            ("Your programme", absolute(reverse("account:my_programme"))),
        ],
    )


def changed_letter(email: OutgoingEmail) -> Letter | None:
    page = (
        RegionalEventPage.objects.filter(pk=email.page_id).first()
        or SessionPage.objects.filter(pk=email.page_id).first()
    )
    if page is None or not page.live:
        return None
    meetup = isinstance(page, RegionalEventPage)
    still = (
        Booking.objects.filter(
            event_id=page.pk,
            delegate_id=email.delegate_id,
            status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITLISTED],
        )
        if meetup
        else SessionStar.objects.filter(session_id=page.pk, delegate_id=email.delegate_id)
    )
    if not still.exists():
        return None
    old, new = email.details.get("old", {}), email.details.get("new", {})
    moved = [what for what, key in (("time", "when"), ("place", "where")) if old.get(key) != new.get(key)]
    facts = [
        ("Was", " · ".join(filter(None, [old.get("when"), old.get("where") if "place" in moved else ""]))),
        ("Now", " · ".join(filter(None, [new.get("when"), new.get("where") if "place" in moved else ""]))),
    ]
    after = ["Calendars subscribed to your Relay feed update by themselves."]
    if meetup:
        after.append(
            f"If the change does not suit you, cancel so someone else gets your place: {cancel_link(still.first())}"
        )
    what = " and ".join(moved) or "time"
    return Letter(
        subject=f"Changed: {page.title} has a new {what}",
        paragraphs=[
            f"The {'meetup you booked' if meetup else 'session you starred'} has a new {what}:",
        ],
        title=page.title,
        facts=facts,
        actions=[("Details", absolute(page.url or "/")), ("Your programme", absolute(reverse("account:my_programme")))],
        after=after,
    )


def meetup_reminder_letter(email: OutgoingEmail) -> Letter | None:
    booking = live_booking(email, BookingStatus.CONFIRMED)
    if booking is None or not email.delegate.email_reminders:
        return None
    event = booking.event
    now = timezone.now()
    if event.start <= now or not event.live or Cancellation.objects.filter(page_id=event.pk).exists():
        return None
    soon = {"7d": "in a week", "1d": "tomorrow"}.get(email.details.get("ahead"), "soon")
    return Letter(
        subject=f"{event.title} is {soon}",
        paragraphs=[f"A reminder: your meetup is {soon}."],
        title=event.title,
        facts=meetup_facts(event),
        actions=meetup_links(event),
        after=[
            "Your pack holds the agenda, where the online discussion got to and the people to meet.",
            f"If you can no longer come, please cancel so the next person on the waiting list gets your place: "
            f"{cancel_link(booking)}",
        ],
    )


def session_reminder_letter(email: OutgoingEmail) -> Letter | None:
    session = SessionPage.objects.live().filter(pk=email.page_id).select_related("stream").first()
    delegate = email.delegate
    if (
        session is None
        or not delegate.email_reminders
        or session.start <= timezone.now()
        or Cancellation.objects.filter(page_id=session.pk).exists()
        or not SessionStar.objects.filter(session=session, delegate=delegate).exists()
    ):
        return None
    return Letter(
        subject=f"Starting in an hour: {session.title}",
        paragraphs=["A session you starred starts in an hour."],
        title=session.title,
        facts=[
            ("When", timefmt.when(session.start, session.end, timefmt.zone(delegate.time_zone))),
            ("Stream", session.stream.name),
        ],
        actions=[
            ("Join from the session page", absolute(session.url or "/")),
            ("Your programme", absolute(reverse("account:my_programme"))),
        ],
    )


LETTERS = {
    EmailKind.BOOKED: booked_letter,
    EmailKind.PROMOTED: booked_letter,
    EmailKind.WAITING: waiting_letter,
    EmailKind.CANCELLED: cancelled_letter,
    EmailKind.CHANGED: changed_letter,
    EmailKind.MEETUP_REMINDER: meetup_reminder_letter,
    EmailKind.SESSION_REMINDER: session_reminder_letter,
}
