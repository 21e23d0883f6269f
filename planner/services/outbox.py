"""The outbox: a delegate's booking and programme emails, written in the transaction that
caused them (so an email exists exactly when its cause committed) and sent after commit by
the queue. Each email has a unique key, so it is written once; each is claimed before it is
sent and marked sent after, so a retry or a second worker never sends it twice; one that
failed is retried by the queue and, after a restart, by the "Emails not yet sent" schedule.

``plan_reminders`` (every 15 minutes) writes the reminders that are due: 7 days and 1 day
before a meetup to everyone with a confirmed place, and 1 hour before each starred online
session, to delegates who have not turned reminders off."""

import hashlib
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from planner.models import (
    Booking,
    BookingStatus,
    Cancellation,
    EmailKind,
    OutgoingEmail,
    RegionalEventPage,
    SessionPage,
    SessionStar,
)
from planner.services import letters
from planner.services.queue import enqueue_after_commit

CLAIM = timedelta(minutes=5)  # how long a worker may take to send one before another may try
MEETUP_REMINDERS = {"7d": timedelta(days=7), "1d": timedelta(days=1)}
SESSION_REMINDER = timedelta(hours=1)
BATCH = 1000


def queue_email(*, key: str, kind: str, delegate_id: int, booking_id=None, page_id=None, details=None) -> bool:
    """Write the email called ``key`` unless it was written before, and send it once the
    current transaction commits. True if it is new."""
    email, created = OutgoingEmail.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "delegate_id": delegate_id,
            "booking_id": booking_id,
            "page_id": page_id,
            "details": details or {},
        },
    )
    if created:
        enqueue_after_commit("planner.tasks.send_email", email.pk)
    return created


def queue_booking_email(booking: Booking, kind: str) -> bool:
    """The email for what just happened to ``booking``: confirmed, waiting, promoted or cancelled."""
    return queue_email(
        key=f"{kind}:{booking.pk}",
        kind=kind,
        delegate_id=booking.delegate_id,
        booking_id=booking.pk,
        page_id=booking.event_id,
    )


def send_email(*, email_id: int) -> bool:
    """Send one outbox email if it is still unsent and still true; True if it went.

    The row is claimed first (a conditional update, so two workers cannot both take it),
    then sent, then marked sent. A failure records the error, frees the claim and raises,
    so the queue retries it."""
    now = timezone.now()
    claimed = (
        OutgoingEmail.objects.filter(pk=email_id, sent_at=None)
        .filter(Q(claimed_until=None) | Q(claimed_until__lt=now))
        .update(claimed_until=now + CLAIM)
    )
    if not claimed:
        return False  # sent, gone, or another worker is sending it now
    email = OutgoingEmail.objects.select_related("delegate__user", "booking").get(pk=email_id)
    try:
        message = letters.compose(email)
        if message is not None:  # None: no longer true (cancelled since, reminders turned off...)
            message.send()
    except Exception as error:
        OutgoingEmail.objects.filter(pk=email_id).update(
            claimed_until=None, attempts=email.attempts + 1, last_error=f"{error.__class__.__name__}: {error}"[:300]
        )
        raise
    OutgoingEmail.objects.filter(pk=email_id).update(
        sent_at=timezone.now(), claimed_until=None, attempts=email.attempts + 1, last_error="" if message else "skipped"
    )
    return message is not None


def send_pending_emails(*, older_than: timedelta = timedelta(minutes=2), limit: int = 5000) -> int:
    """Send what the queue has not: emails written over ``older_than`` ago and still unsent
    (a worker died, the broker lost the task, a send failed five times). Returns how many went."""
    due = OutgoingEmail.objects.filter(sent_at=None, created_at__lt=timezone.now() - older_than)
    sent, failures = 0, 0
    for email_id in list(due.order_by("id").values_list("pk", flat=True)[:limit]):
        try:
            sent += send_email(email_id=email_id)
        except Exception:  # recorded on the row; one bad address must not hold up the rest
            failures += 1
    if failures:
        raise RuntimeError(f"{failures} email(s) not sent, to be retried on the next run")
    return sent


def plan_reminders(*, now=None) -> int:
    """Write every reminder that is due and not yet written, and queue their sending.
    Safe to run any number of times: each reminder's key is unique. Returns how many were
    written. Cancelled, withdrawn and past meetups and sessions get none."""
    now = now or timezone.now()
    written = 0
    called_off = Cancellation.objects.values("page_id")
    horizon = max(MEETUP_REMINDERS.values())
    meetups = (
        RegionalEventPage.objects.live()
        .filter(start__gt=now, start__lte=now + horizon)
        .exclude(pk__in=called_off)
        .values_list("pk", "start")
    )
    for meetup_id, start in meetups:
        ahead = next(  # the nearest reminder that is due: none of the 7-day kind once inside a day
            (
                name
                for name, before in sorted(MEETUP_REMINDERS.items(), key=lambda item: item[1])
                if now >= start - before
            ),
            None,
        )
        if ahead is None:
            continue
        bookings = Booking.objects.filter(
            event_id=meetup_id, status=BookingStatus.CONFIRMED, delegate__email_reminders=True
        ).values_list("pk", "delegate_id")
        if ahead == "7d":  # booked inside the week: the confirmation was their reminder
            bookings = bookings.filter(confirmed_at__lt=start - MEETUP_REMINDERS["7d"])
        written += write_all(
            OutgoingEmail(
                key=f"reminder-{ahead}:{booking_id}",
                kind=EmailKind.MEETUP_REMINDER,
                delegate_id=delegate_id,
                booking_id=booking_id,
                page_id=meetup_id,
                details={"ahead": ahead},
            )
            for booking_id, delegate_id in bookings.iterator(chunk_size=BATCH)
        )
    sessions = (
        SessionPage.objects.live()
        .filter(start__gt=now, start__lte=now + SESSION_REMINDER)
        .exclude(pk__in=called_off)
        .values_list("pk", "start")
    )
    for session_id, start in sessions:
        stars = SessionStar.objects.filter(session_id=session_id, delegate__email_reminders=True)
        written += write_all(
            OutgoingEmail(
                key=f"session-{session_id}-{start:%Y%m%d%H%M}:{delegate_id}",  # a moved session reminds again
                kind=EmailKind.SESSION_REMINDER,
                delegate_id=delegate_id,
                page_id=session_id,
            )
            for delegate_id in stars.values_list("delegate_id", flat=True).iterator(chunk_size=BATCH)
        )
    if written:
        enqueue_after_commit("planner.tasks.send_pending_emails_now")
    return written


def write_all(emails_to_write) -> int:
    """Write outbox rows in batches, skipping any whose key exists; how many were new."""
    written, batch = 0, []
    for email in emails_to_write:
        batch.append(email)
        if len(batch) == BATCH:
            written += write_batch(batch)
            batch = []
    return written + (write_batch(batch) if batch else 0)


def write_batch(batch: list[OutgoingEmail]) -> int:
    keys = [email.key for email in batch]
    with transaction.atomic():
        before = OutgoingEmail.objects.filter(key__in=keys).count()
        OutgoingEmail.objects.bulk_create(batch, ignore_conflicts=True)
        return OutgoingEmail.objects.filter(key__in=keys).count() - before


def queue_change_notices(*, page, old: dict, new: dict) -> int:
    """Tell everyone who booked (or queues for) a meetup, or starred a session, that its time
    or place moved: ``old`` and ``new`` are what the email shows ({"when": ..., "where": ...})."""
    if isinstance(page, RegionalEventPage):
        people = Booking.objects.filter(
            event_id=page.pk, status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITLISTED]
        ).values_list("delegate_id", flat=True)
    else:
        people = SessionStar.objects.filter(session_id=page.pk).values_list("delegate_id", flat=True)
    change = hashlib.sha256(f"{new['when']}|{new.get('where', '')}".encode()).hexdigest()[:16]
    written = write_all(
        OutgoingEmail(
            key=f"changed-{page.pk}-{change}:{delegate_id}",
            kind=EmailKind.CHANGED,
            delegate_id=delegate_id,
            page_id=page.pk,
            details={"old": old, "new": new},
        )
        for delegate_id in people.iterator(chunk_size=BATCH)
    )
    if written:
        enqueue_after_commit("planner.tasks.send_pending_emails_now")
    return written
