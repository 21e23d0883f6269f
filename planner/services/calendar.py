"""Keeps CalendarEntry in step with publishing, and issues personal feed tokens.

SEQUENCE rises only when what a subscriber's calendar shows changes (time, place, title,
status), which is tracked by a fingerprint rather than guessed from every save."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from planner import timefmt
from planner.models import CalendarEntry, CalendarToken, Cancellation, Delegate, RegionalEventPage, SessionPage
from planner.rules.joining import public_join_url
from planner.services.outbox import queue_change_notices

TOKEN_BYTES = 32  # secrets.token_urlsafe(32) gives 43 characters


def entry_fields(page) -> dict:
    """What the feed shows for a live session or meetup page."""
    page = page.specific
    if isinstance(page, SessionPage):
        conference = page.get_parent().specific
        return {
            "kind": CalendarEntry.Kind.SESSION,
            "conference_id": conference.pk,
            "stream_id": page.stream_id,
            "title": page.title,
            "summary": page.summary,
            "start": page.start,
            "end": page.end,
            "time_zone": conference.time_zone,
            "location": "Online",
            "latitude": None,
            "longitude": None,
            "join_url": public_join_url(page),  # the others reach registered delegates' own feeds only
            "page_url": page.full_url or "",
            "organiser_note": f"{page.stream.name} · {conference.title}",
        }
    venue = page.venue
    return {
        "kind": CalendarEntry.Kind.MEETUP,
        "conference_id": page.get_parent().pk,
        "stream_id": None,
        "title": page.title,
        "summary": "",
        "start": page.start,
        "end": page.end,
        "time_zone": venue.time_zone,
        "location": ", ".join([venue.name, *venue.address_lines]),
        "latitude": venue.latitude,
        "longitude": venue.longitude,
        "join_url": "",
        "page_url": page.full_url or "",
        "organiser_note": f"Regional meetup · {venue.name}",
    }


def fingerprint(fields: dict, *, cancelled: bool) -> str:
    """Hash of what a calendar shows for the event; a change means SEQUENCE goes up."""
    shown = [fields["title"], fields["start"].isoformat(), fields["end"].isoformat(), fields["time_zone"]]
    shown += [fields["location"], fields["join_url"], "cancelled" if cancelled else "confirmed"]
    return hashlib.sha256("\x1f".join(shown).encode()).hexdigest()


def where_and_when_of(fields: dict) -> dict:
    """When and where an entry's fields say the event is, as a change email words them."""
    tz = timefmt.zone(fields["time_zone"])
    return {"when": timefmt.when(fields["start"], fields["end"], tz), "where": fields["location"]}


def where_and_when(entry: CalendarEntry) -> dict:
    return where_and_when_of({name: getattr(entry, name) for name in ("start", "end", "time_zone", "location")})


@transaction.atomic
def sync_calendar_entry(*, page) -> CalendarEntry:
    """Bring the page's entry up to date after publishing: cancelled while the page has a
    ``Cancellation``, otherwise confirmed (which un-cancels a republished page). A move of
    time or place emails everyone who booked or starred it."""
    fields = entry_fields(page)
    called_off = Cancellation.objects.filter(page_id=page.pk).first()  # stays cancelled when edited
    new_print = fingerprint(fields, cancelled=called_off is not None)
    entry = CalendarEntry.objects.select_for_update().filter(page_id=page.pk).first()
    now = timezone.now()
    cancelled_at = called_off.cancelled_at if called_off else None
    if entry is None:
        entry = new_entry(page, fields, now=now, cancelled_at=cancelled_at)
        entry.save(force_insert=True)
        return entry
    moved = called_off is None and fields["end"] > now and where_and_when(entry) != where_and_when_of(fields)
    if moved:  # everyone who booked or starred it hears old -> new
        queue_change_notices(page=page.specific, old=where_and_when(entry), new=where_and_when_of(fields))
    rescheduled = entry.fingerprint != new_print  # what a calendar shows: SEQUENCE goes up
    edited = rescheduled or any(getattr(entry, name) != value for name, value in fields.items())
    for name, value in fields.items():
        setattr(entry, name, value)
    edited = edited or entry.cancelled_at != cancelled_at
    entry.cancelled_at = cancelled_at
    if rescheduled:
        entry.fingerprint, entry.sequence = new_print, entry.sequence + 1
    if edited:  # any change at all: LAST-MODIFIED moves, so caches and clients refresh
        entry.last_modified = now
    entry.save()
    return entry


def new_entry(page, fields: dict, *, now, cancelled_at=None) -> CalendarEntry:
    """The unsaved first entry of a page the feeds have not carried before."""
    new_print = fingerprint(fields, cancelled=cancelled_at is not None)
    return CalendarEntry(page_id=page.pk, fingerprint=new_print, last_modified=now, cancelled_at=cancelled_at, **fields)


def add_calendar_entries(*, pages) -> list[CalendarEntry]:
    """The entries of pages just published for the first time, in one insert: what
    ``sync_calendar_entry`` writes for each (a new page has no entry yet, no cancellation,
    and nobody who booked or starred it to tell)."""
    now = timezone.now()
    return CalendarEntry.objects.bulk_create([new_entry(page, entry_fields(page), now=now) for page in pages])


@transaction.atomic
def cancel_calendar_entry(*, page_id: int) -> None:
    """Mark the entry of an unpublished or deleted page cancelled (kept in feeds for 30 days)."""
    entry = CalendarEntry.objects.select_for_update().filter(page_id=page_id, cancelled_at__isnull=True).first()
    if entry is None:
        return
    now = timezone.now()
    fields = {"title": entry.title, "start": entry.start, "end": entry.end, "time_zone": entry.time_zone}
    fields |= {"location": entry.location, "join_url": entry.join_url}
    entry.cancelled_at, entry.last_modified, entry.sequence = now, now, entry.sequence + 1
    entry.fingerprint = fingerprint(fields, cancelled=True)
    entry.save(update_fields=["cancelled_at", "last_modified", "sequence", "fingerprint"])


def sync_all_calendar_entries() -> int:
    """Entries for every live session and meetup (for databases that predate the feeds)."""
    pages = [
        *SessionPage.objects.live().select_related("stream"),
        *RegionalEventPage.objects.live().select_related("venue"),
    ]
    for page in pages:
        sync_calendar_entry(page=page)
    return len(pages)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_calendar_token(*, delegate: Delegate) -> str:
    """A new personal feed token for ``delegate``; the old one stops working at once.
    Returns the token, which is stored only as a hash and so can be shown only now."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    CalendarToken.objects.update_or_create(
        delegate=delegate, defaults={"token_hash": hash_token(token), "created_at": timezone.now()}
    )
    return token


def revoke_calendar_token(*, delegate: Delegate) -> None:
    """Switch the personal feed off."""
    CalendarToken.objects.filter(delegate=delegate).delete()
