"""iCalendar feeds (RFC 5545 / 7986). Pure: plain data in, icalendar.Calendar out; no
request, no response, no queries. The same entries always give the same bytes."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import icalendar

from planner import timefmt

PRODID = "-//Relay//Relay hybrid event planner//EN"
REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class FeedInfo:
    """What a feed is called and where its events' UIDs live."""

    name: str
    description: str
    domain: str
    tentative: frozenset[int] = frozenset()  # pages (a personal feed's waiting-list meetups) marked TENTATIVE
    # (page id, join link) of sessions whose link only this feed's owner may see (planner.rules.joining)
    join_urls: tuple[tuple[int, str], ...] = ()


def event_uid(entry, domain: str) -> str:
    """Stable for the life of the page: survives renames, moves and cancellation."""
    return f"relay-{entry.kind}-{entry.page_id}@{domain}"


def build_vevent(entry, *, domain: str, tentative: bool = False, private_join_url: str = "") -> icalendar.Event:
    """One VEVENT for a CalendarEntry, with times in its own zone (never floating).
    ``tentative``: the delegate only queues for it, so it says so and is not CONFIRMED."""
    tz = timefmt.zone(entry.time_zone)
    event = icalendar.Event()
    event.add("uid", event_uid(entry, domain))
    event.add("dtstamp", entry.last_modified)
    event.add("last-modified", entry.last_modified)
    event.add("sequence", entry.sequence)
    event.add("dtstart", entry.start.astimezone(tz))
    event.add("dtend", entry.end.astimezone(tz))
    waiting = tentative and not entry.is_cancelled
    title = f"Waiting list: {entry.title}" if waiting else entry.title
    event.add("summary", f"Cancelled: {entry.title}" if entry.is_cancelled else title)
    event.add("status", "CANCELLED" if entry.is_cancelled else "TENTATIVE" if waiting else "CONFIRMED")
    event.add("location", entry.location)
    if entry.latitude is not None and entry.longitude is not None:
        event.add("geo", (float(entry.latitude), float(entry.longitude)))
    if entry.page_url:
        event.add("url", entry.page_url)
    lines = [entry.organiser_note]
    if entry.is_cancelled:
        lines.insert(0, "This has been cancelled.")
    elif waiting:
        lines.insert(0, "You are on the waiting list: this is not a place yet. We email you if one comes free.")
    if entry.summary:
        lines.append(entry.summary)
    join_url = entry.join_url or private_join_url
    if join_url and not entry.is_cancelled:
        lines.append(f"Join online: {join_url}")
    if entry.page_url:
        lines.append(f"Details and discussion: {entry.page_url}")
    event.add("description", "\n\n".join(line for line in lines if line))
    event.add("transp", "OPAQUE")
    return event


def build_calendar(entries, *, info: FeedInfo) -> icalendar.Calendar:
    """A VCALENDAR of ``entries`` with a VTIMEZONE for each zone used, covering only the
    years the events span (a narrow range keeps the feed small)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # As text values, so commas and semicolons in a name are escaped, not read as separators.
    calendar.add("name", icalendar.vText(info.name))
    calendar.add("x-wr-calname", icalendar.vText(info.name))
    calendar.add("description", icalendar.vText(info.description))
    calendar.add("x-wr-caldesc", icalendar.vText(info.description))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    entries = list(entries)
    join_urls = dict(info.join_urls)
    for entry in entries:
        calendar.add_component(
            build_vevent(
                entry,
                domain=info.domain,
                tentative=entry.page_id in info.tentative,
                private_join_url=join_urls.get(entry.page_id, ""),
            )
        )
    if entries:
        first = min(e.start for e in entries) - timedelta(days=1)
        last = max(e.end for e in entries) + timedelta(days=1)
        calendar.add_missing_timezones(first_date=first.date(), last_date=last.date())
    return calendar


def serialize_calendar(calendar: icalendar.Calendar) -> bytes:
    """The feed's bytes (CRLF line endings, folded lines, UTF-8)."""
    return calendar.to_ical()


def last_modified(entries) -> datetime | None:
    """When any event in the feed last changed, for HTTP Last-Modified."""
    stamps = [entry.last_modified for entry in entries]
    return max(stamps) if stamps else None
