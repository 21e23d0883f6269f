"""What goes in a delegate's pack, gathered into plain data (``pack_context``) so the PDF
(``planner.packs.pack``) and the HTML version draw the same thing and never query.

Everything about other people follows the one visibility rule: the pack shows only people
the delegate may see, and their table's other members only by name when visible."""

from dataclasses import dataclass, field
from datetime import datetime

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from planner import timefmt
from planner.markup import plain_text
from planner.models import Booking, BookingStatus, SessionPage
from planner.models.people import ACTIVE_STATUSES
from planner.packs.badges import Badge
from planner.queries import carry_forward as cf
from planner.queries import people_to_meet as meeting
from planner.queries import tables as tables_query
from planner.queries.briefing import role_line
from planner.queries.people import visible_names, waitlist_positions
from planner.queries.programme import meetup_agenda
from venues.geography import haversine_km

CHECK_IN_SALT = "relay.check-in"


@dataclass
class AgendaLine:
    when: str
    title: str
    detail: str = ""
    continues: list[str] = field(default_factory=list)


@dataclass
class CarriedSession:
    title: str
    numbers: str
    findings: list[str]
    open_questions: list[str]
    most_replied: list[str]


@dataclass
class PersonToMeet:
    name: str
    organisation: str  # "Role, Organisation" as far as given
    reasons: str


@dataclass
class PackContext:
    name: str
    organisation: str
    title: str  # the meetup, or the conference for the online-only pack
    when: str
    zone_note: str
    venue_lines: list[str]
    access: str
    check_in_url: str
    meetup_agenda: list[AgendaLine]
    online_agenda: list[AgendaLine]
    getting_there: str
    map_points: list[tuple[float, float, str]]  # (latitude, longitude, label): venue first
    left_off: list[CarriedSession]
    people: list[PersonToMeet]
    table: str
    table_people: str
    made_at: datetime
    status: str = ""  # "You have a place." or "Waiting list – no. N, not a place yet."
    table_question: str = ""
    table_seats: list[tuple[str, str]] = field(default_factory=list)  # (name, why), the delegate first
    table_others: int = 0  # at the table but private
    conference: str = ""
    online_only: bool = False


def replies(count: int) -> str:
    return f"{count} repl{'y' if count == 1 else 'ies'}"


def short_when(start, end, tz) -> str:
    """ "Wed 10 Mar, 13:30 to 14:20 GMT": fits an agenda's first column."""
    local = start.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b}, {timefmt.time_range(start, end, tz)}"


def check_in_token(booking_id: int) -> str:
    """A signed, unforgeable token for a booking's check-in address. No timestamp: the same
    booking always gets the same code, so a reprinted pack or badge still works."""
    return signing.Signer(salt=CHECK_IN_SALT).sign_object(booking_id, compress=True)


def check_in_address(booking_id: int, *, base_url: str) -> str:
    """The address a booking's QR code holds (``base_url`` is the site's, without a slash)."""
    return base_url + reverse("check_in", args=[check_in_token(booking_id)])


def booking_from_token(token: str) -> int | None:
    """The booking id a check-in token was made for, or None if it was forged or mangled."""
    try:
        return int(signing.Signer(salt=CHECK_IN_SALT).unsign_object(token))
    except (signing.BadSignature, ValueError, TypeError):
        return None


def pack_context(*, delegate, event=None, conference=None, base_url: str = "") -> PackContext:
    """The pack of ``delegate`` for the meetup ``event`` (their booking there), or, with
    ``conference`` instead, the online-only pack: their starred sessions and programme."""

    viewer_zone = timefmt.zone(delegate.time_zone)
    conference = conference or event.get_parent().specific
    starred = (
        SessionPage.objects.live()
        .filter(stars__delegate=delegate, stream__conference=conference)
        .select_related("stream")
        .order_by("start")
    )
    online = [
        AgendaLine(short_when(s.start, s.end, viewer_zone), s.title, f"Online · {s.stream.name}") for s in starred
    ]
    base = {
        "name": delegate.name,
        "organisation": delegate.organisation,
        "online_agenda": online,
        "made_at": timezone.now().astimezone(viewer_zone),
        "conference": conference.title,
    }
    if event is None:
        return PackContext(
            **base,
            title=conference.title,
            when=timefmt.date_range(conference.start_date, conference.end_date),
            zone_note=f"Times are in {viewer_zone.key}, your chosen zone.",
            venue_lines=["Online"],
            access="",
            check_in_url="",
            meetup_agenda=[],
            getting_there="",
            map_points=[],
            left_off=[],
            people=[],
            table="",
            table_people="",
            online_only=True,
        )
    venue, zone = event.venue, event.zone
    booking = Booking.objects.filter(delegate=delegate, event=event, status__in=ACTIVE_STATUSES).first()
    confirmed = booking is not None and booking.status == BookingStatus.CONFIRMED  # a waiting place has no door code
    agenda = [
        AgendaLine(
            f"{item.start_time:%H:%M}–{item.end_time:%H:%M}",
            item.title,
            item.description,
            [s.title for s in item.continues.all()],
        )
        for item in meetup_agenda(event)
    ]
    sessions = cf.continued_sessions(event)
    carried = [
        CarriedSession(
            d.session.title,
            f"{d.contributions} contributions from {d.contributors} delegates, {d.open_question_count} open questions",
            [plain_text(c.body_html) for c in d.findings],
            [plain_text(c.body_html) for c in d.open_questions],
            [f"{plain_text(c.body_html)} ({c.author_label}, {replies(c.reply_count)})" for c in d.most_replied],
        )
        for d in cf.left_off(event, viewer=delegate, sessions=sessions)
    ]
    booked = cf.attendee_ids(event)
    people = [
        PersonToMeet(s.delegate.name, role_line(s.delegate), " · ".join(s.reason_texts))
        for s in meeting.people_to_meet(event, viewer=delegate, booked=booked)
    ]
    tables, _saved = tables_query.cached_tables(event, booked=booked)
    own_table = [t for t in tables if delegate.pk in t.members][:1]  # only its people need naming
    names = visible_names(delegate, own_table[0].members) if own_table else {}
    shown = tables_query.tables_for_viewer(own_table, names=names, viewer=delegate)
    mine = shown[0] if shown else None
    getting_there = ""
    points = [(float(venue.latitude), float(venue.longitude), venue.name)] if venue.latitude is not None else []
    home = delegate.home_place
    if home is not None and points:
        distance = haversine_km(float(home.latitude), float(home.longitude), points[0][0], points[0][1])
        getting_there = f"About {distance:.0f} km ({distance / 1.609:.0f} miles) from {home.name} in a straight line."
        points.append((float(home.latitude), float(home.longitude), home.name))
    return PackContext(
        **base,
        title=event.title,
        when=timefmt.when(event.start, event.end, zone),
        zone_note=f"Meetup times are local to the venue ({zone.key}); online sessions are in {viewer_zone.key}.",
        venue_lines=[venue.name, *venue.address_lines],
        access=venue.accessibility_notes,
        check_in_url=check_in_address(booking.pk, base_url=base_url) if confirmed else "",
        status=place_status(booking),
        meetup_agenda=agenda,
        getting_there=getting_there,
        map_points=points,
        left_off=carried,
        people=people,
        table=f"Table {mine.number}: {mine.label}" if mine else "",
        table_people=table_people(mine, delegate.name),
        table_question=mine.question if mine else "",
        table_seats=mine.seats if mine else [],
        table_others=mine.others if mine else 0,
    )


def place_status(booking) -> str:
    """What the pack says about the delegate's place, never more than it is."""
    if booking is None:
        return ""
    if booking.status == BookingStatus.WAITLISTED:
        position = waitlist_positions([booking]).get(booking.pk)
        return f"Waiting list – no. {position}, not a place yet." if position else "Waiting list: not a place yet."
    return "You have a place."


def table_people(table, own_name: str) -> str:
    """ "Asha Patel, Tom Okafor and 2 others": the table's other people, named if visible."""
    if table is None:
        return ""
    names = [name for name in table.names if name != own_name]
    others = table.others
    if not names:
        return f"{others} other delegate{'s' if others != 1 else ''}" if others else ""
    return ", ".join(names) + (f" and {others} other{'s' if others != 1 else ''}" if others else "")


def confirmed_badges(event, *, base_url: str) -> list[Badge]:
    """A badge for everyone with a confirmed place at ``event``, by name, each with the QR
    code that checks its wearer in."""
    places = (
        Booking.objects.filter(event=event, status=BookingStatus.CONFIRMED)
        .select_related("delegate")
        .order_by("delegate__name", "pk")
    )
    return [
        Badge(
            b.delegate.name,
            b.delegate.organisation,
            f"{event.title}, {event.start:%d %B %Y}",
            check_in_address(b.pk, base_url=base_url),
        )
        for b in places
    ]


@dataclass
class Ticket:
    """A delegate's ticket for a meetup: what the door needs, and nothing a waiting place
    has not earned (no check-in address, no table)."""

    name: str
    title: str
    day: str  # "Thursday 10 December 2026"
    time: str  # "10:00 to 16:00 GMT"
    zone: str  # the venue's zone, "Europe/London"
    venue_lines: list[str]
    meetup_url: str
    status: str  # "You have a place." or "Waiting list – no. N, not a place yet."
    confirmed: bool
    check_in_url: str = ""  # a confirmed place at a meetup that is still on
    table: int | None = None
    tables_settled: bool = False  # a planner locked the tables; else the number may change
    called_off: str = ""  # why the meetup is cancelled, when it is


def ticket_context(*, delegate, event, base_url: str) -> Ticket | None:
    """``delegate``'s ticket for the meetup ``event``, or None when they have no place or
    queue place there (never booked, cancelled)."""
    booking = Booking.objects.filter(delegate=delegate, event=event, status__in=ACTIVE_STATUSES).first()
    if booking is None:
        return None
    confirmed = booking.status == BookingStatus.CONFIRMED
    called_off = event.called_off
    table, settled = None, False
    if confirmed:
        tables, saved = tables_query.cached_tables(event, booked=cf.attendee_ids(event))
        table = next((t for t in tables if delegate.pk in t.members), None)
        settled = saved is not None and saved.is_locked
    zone = event.zone
    return Ticket(
        name=delegate.name,
        title=event.title,
        day=timefmt.long_date(event.start.astimezone(zone).date()),
        time=timefmt.time_range(event.start, event.end, zone),
        zone=zone.key,
        venue_lines=[event.venue.name, *event.venue.address_lines],
        meetup_url=event.url or "/",
        status=place_status(booking),
        confirmed=confirmed,
        check_in_url=check_in_address(booking.pk, base_url=base_url) if confirmed and not called_off else "",
        table=table.number if table else None,
        tables_settled=settled,
        called_off=(called_off.reason or "The organisers have cancelled it.") if called_off else "",
    )
