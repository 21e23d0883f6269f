"""CSV exports for planners: a conference's programme (the import template's columns, so an
export imports back unchanged) and a meetup's delegate list. Each export is a query that
gathers rows and a renderer that writes them; every cell is made safe for spreadsheets."""

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from planner import timefmt
from planner.models import Booking, BookingStatus, ConferencePage, RegionalEventPage, SessionPage, Stream
from planner.programme_files.plan import session_status
from planner.programme_files.readers import CSV_COLUMNS, EXPORT_ONLY_COLUMNS
from planner.programme_files.spreadsheet import spreadsheet_safe

CSV_TYPE = "text/csv; charset=utf-8"
DELEGATE_COLUMNS = ["name", "organisation", "email", "booking status", "booked at", "checked in at"]


@dataclass
class ExportFile:
    filename: str
    content_type: str
    content: bytes


def csv_bytes(header: list[str], rows) -> bytes:
    """UTF-8 CSV with a byte order mark (so Excel reads the accents), every cell formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_id(session: SessionPage) -> str:
    """The id a file uses for ``session``: its import id, or ``relay-<page id>`` if it was made in Relay."""
    return session.external_id or f"relay-{session.pk}"


def programme_sessions(conference: ConferencePage) -> list[SessionPage]:
    """Every session of ``conference``, drafts and cancelled ones too, in timetable order."""
    return list(
        SessionPage.objects.child_of(conference)
        .select_related("stream", "cancellation")
        .prefetch_related("speakers")
        .order_by("start", "stream__sort_order", "title", "pk")
    )


def programme_rows(conference: ConferencePage, sessions: list[SessionPage]) -> list[list[str]]:
    """One row per session in the import template's columns, times in the conference's zone."""
    tz = conference.zone
    return [
        [
            export_id(session),
            session.title,
            f"{session.start.astimezone(tz):%Y-%m-%d}",
            timefmt.clock(session.start, tz),
            timefmt.clock(session.end, tz),
            session.stream.name,
            session.format,
            "; ".join(sorted(speaker.name for speaker in session.speakers.all())),
            session.summary,
            session.join_url,
            session_status(session),
        ]
        for session in sessions
    ]


def programme_csv(conference: ConferencePage) -> ExportFile:
    """The programme of ``conference`` as a CSV that imports back unchanged."""
    rows = programme_rows(conference, programme_sessions(conference))
    return ExportFile(
        f"programme-{conference.slug}-{date.today():%Y-%m-%d}.csv",
        CSV_TYPE,
        csv_bytes(CSV_COLUMNS + EXPORT_ONLY_COLUMNS, rows),
    )


def template_rows(conference: ConferencePage, streams: list[Stream]) -> list[list[str]]:
    """Two example rows that would import into ``conference`` (to overwrite, not to keep)."""
    first, second = (streams + streams)[:2] if streams else (None, None)
    day = conference.start_date
    return [
        [
            "S-001",
            "Opening: what good looks like in a digital council",
            f"{day:%Y-%m-%d}",
            "09:30",
            "10:15",
            first.name if first else "",
            "talk",
            "",
            "Where three councils started, what they stopped doing, and what they would do differently.",
            "",
        ],
        [
            "S-002",
            "Shared care records across the county boundary",
            f"{day + timedelta(days=min(1, (conference.end_date - day).days)):%Y-%m-%d}",
            "11:00",
            "12:00",
            second.name if second else "",
            "panel",
            "",
            "Adult social care and NHS leads on consent, data sharing agreements and what residents were told.",
            "",
        ],
    ]


def template_csv(conference: ConferencePage) -> ExportFile:
    """The import template for ``conference``: the columns and two example rows in its streams and dates."""
    rows = template_rows(conference, list(conference.streams.all()))
    return ExportFile(f"programme-template-{conference.slug}.csv", CSV_TYPE, csv_bytes(CSV_COLUMNS, rows))


def meetup_bookings(event: RegionalEventPage) -> list[Booking]:
    """Everyone who booked ``event``: confirmed, then the waiting list in order, then cancelled."""
    order = Case(
        When(status=BookingStatus.CONFIRMED, then=Value(0)),
        When(status=BookingStatus.WAITLISTED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return list(Booking.objects.filter(event=event).select_related("delegate__user").order_by(order, "id"))


def moment(value, tz) -> str:
    return f"{timezone.localtime(value, tz):%Y-%m-%d %H:%M}" if value else ""


def delegate_rows(event: RegionalEventPage, bookings: list[Booking]) -> list[list[str]]:
    tz = event.zone
    return [
        [
            booking.delegate.name,
            booking.delegate.organisation,
            booking.delegate.user.email,
            booking.get_status_display(),
            moment(booking.created_at, tz),
            moment(booking.attended_at, tz),
        ]
        for booking in bookings
    ]


def delegate_list_csv(event: RegionalEventPage) -> ExportFile:
    """``event``'s delegate list, times in the venue's zone (named in the headings)."""
    header = [*DELEGATE_COLUMNS[:4], *(f"{name} ({event.zone.key})" for name in DELEGATE_COLUMNS[4:])]
    return ExportFile(
        f"delegates-{event.slug}-{date.today():%Y-%m-%d}.csv",
        CSV_TYPE,
        csv_bytes(header, delegate_rows(event, meetup_bookings(event))),
    )
