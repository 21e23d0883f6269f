"""Calling off a session or a meetup, and reinstating it.

A cancellation is recorded beside the page (``Cancellation``), never by deleting or editing
it: pages, feeds and the API keep showing it, marked cancelled with the reason, so calendars
that subscribed update the entry instead of losing it. Everyone affected (booked or waiting
for a meetup, starred a session) is told by one queued email each."""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from planner.models import Booking, Cancellation, CancellationNotice, RegionalEventPage, SessionPage, SessionStar
from planner.models.people import ACTIVE_STATUSES
from planner.services.calendar import sync_calendar_entry
from planner.services.changes import record_call_off
from planner.services.emails import cancellation_email
from planner.services.queue import enqueue_after_commit

logger = logging.getLogger(__name__)


def affected_delegate_ids(page) -> list[int]:
    """Delegates a cancellation of ``page`` concerns: booked or waiting (a meetup), or who
    starred it (a session)."""
    if isinstance(page, RegionalEventPage):
        rows = Booking.objects.filter(event=page, status__in=ACTIVE_STATUSES)
    elif isinstance(page, SessionPage):
        rows = SessionStar.objects.filter(session=page)
    else:
        raise ValidationError("Only sessions and regional meetups can be cancelled.")
    return list(rows.order_by("delegate_id").values_list("delegate_id", flat=True).distinct())


@transaction.atomic
def cancel_page(*, page, reason: str, by=None) -> Cancellation:
    """Mark a session or meetup cancelled, saying why, and queue a notice to each delegate
    affected. Cancelling twice keeps the first cancellation (and sends nothing again)."""
    page = page.specific
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why it is cancelled: delegates will read this."})
    cancellation, created = Cancellation.objects.get_or_create(
        page_id=page.pk, defaults={"reason": reason, "cancelled_by": by}
    )
    if created:
        sync_calendar_entry(page=page)  # STATUS:CANCELLED in every feed that lists it
        record_call_off(page=page, cancelled=True)  # in the programme's changelog
        # One task that writes to everyone, not one per person queued from the request: a
        # meetup of 1,200 would keep the planner waiting on 1,200 queue writes.
        enqueue_after_commit("planner.tasks.send_cancellation_notices", cancellation.pk)
    return cancellation


@transaction.atomic
def reinstate_page(*, page) -> bool:
    """Undo a cancellation (a mistake, or the event is back on). True if there was one."""
    deleted, _ = Cancellation.objects.filter(page_id=page.pk).delete()
    if deleted and page.live:
        sync_calendar_entry(page=page.specific)
        record_call_off(page=page.specific, cancelled=False)
    return bool(deleted)


def send_cancellation_notices(*, cancellation_id: int) -> int:
    """Tell everyone a cancellation affects who has not been told yet; returns how many were
    told now. One failed email does not stop the others; the task then fails, naming how
    many are left, and running it again tells only those."""
    cancellation = Cancellation.objects.select_related("page").filter(pk=cancellation_id).first()
    if cancellation is None:
        return 0
    told = set(cancellation.notices.values_list("delegate_id", flat=True))
    waiting = [pk for pk in affected_delegate_ids(cancellation.page.specific) if pk not in told]
    failed = 0
    for delegate_id in waiting:
        try:
            send_cancellation_notice(cancellation_id=cancellation_id, delegate_id=delegate_id)
        except Exception:
            logger.exception("Could not email a cancellation notice (delegate %s)", delegate_id)
            failed += 1
    if failed:
        raise RuntimeError(f"{failed} of {len(waiting)} cancellation emails failed; run the task again to retry them")
    return len(waiting)


def send_cancellation_notice(*, cancellation_id: int, delegate_id: int) -> None:
    """Email one delegate about one cancellation, at most once: the notice row and the email
    succeed together, so a retried task neither skips nor repeats it."""

    try:
        with transaction.atomic():
            cancellation = Cancellation.objects.select_related("page").filter(pk=cancellation_id).first()
            if cancellation is None:  # reinstated before the email went
                return
            CancellationNotice.objects.create(cancellation=cancellation, delegate_id=delegate_id)
            cancellation_email(cancellation=cancellation, delegate_id=delegate_id)
    except IntegrityError:  # already told
        return
