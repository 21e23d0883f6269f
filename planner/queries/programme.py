"""Reads for the programme's public pages. Each function owns its joins and prefetches so a
page's query count does not grow with the number of sessions, speakers or meetups."""

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlencode

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from cms.caching import Version, public
from planner import timefmt
from planner.models import (
    AgendaItem,
    ConferencePage,
    RegionalEventPage,
    SessionPage,
    Stream,
)
from planner.queries.discussion import contribution_counts
from venues.timezones import known_time_zones

COMMON_ZONES = [
    "Europe/London",
    "Europe/Dublin",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Toronto",
    "Asia/Kolkata",
    "Australia/Sydney",
    "UTC",
]


def viewer_zone(request, *, default: str) -> zoneinfo.ZoneInfo:
    """The zone the viewer asked for with ``?tz=``, or ``default`` when absent or unknown."""
    asked = request.GET.get("tz", "")
    if asked in known_time_zones():
        return zoneinfo.ZoneInfo(asked)
    return timefmt.zone(default)


def common_zones(current: str) -> list[str]:
    """The zones offered in the ‘show times in’ picker, with ``current`` always among them."""
    return COMMON_ZONES if current in COMMON_ZONES else [current, *COMMON_ZONES]


def conference_sessions(conference: ConferencePage) -> QuerySet[SessionPage]:
    """Published sessions of ``conference`` in time order, with stream and speakers loaded."""
    return (
        public(SessionPage.objects.live())
        .child_of(conference)
        .select_related("stream", "cancellation")
        .prefetch_related("speakers")
        .order_by("start", "stream__sort_order", "title")
    )


@dataclass
class TimetableSlot:
    """Sessions starting at one local time, one cell (a list, usually of one) per stream."""

    starts: datetime
    label: str
    cells: list[list[SessionPage]]


@dataclass
class TimetableDay:
    day: date
    label: str
    slots: list[TimetableSlot] = field(default_factory=list)

    @property
    def session_count(self) -> int:
        return sum(len(cell) for slot in self.slots for cell in slot.cells)


@dataclass
class Timetable:
    streams: list[Stream]
    days: list[TimetableDay]
    tz: zoneinfo.ZoneInfo

    @property
    def session_count(self) -> int:
        return sum(day.session_count for day in self.days)


def build_timetable(sessions: list[SessionPage], streams: list[Stream], *, tz: zoneinfo.ZoneInfo) -> Timetable:
    """Group ``sessions`` into days × start times × streams, in ``tz``. Pure: no queries."""
    column = {stream.pk: index for index, stream in enumerate(streams)}
    grouped: dict[date, dict[datetime, list[list[SessionPage]]]] = defaultdict(dict)
    for session in sorted(sessions, key=lambda s: (s.start, column.get(s.stream_id, 0), s.title)):
        local = session.start.astimezone(tz)
        cells = grouped[local.date()].setdefault(local.replace(second=0, microsecond=0), [[] for _ in streams])
        if session.stream_id in column:
            cells[column[session.stream_id]].append(session)
    days = [
        TimetableDay(
            day=day,
            label=timefmt.long_date(day),
            slots=[
                TimetableSlot(starts=starts, label=f"{starts:%H:%M}", cells=cells)
                for starts, cells in sorted(slots.items())
            ],
        )
        for day, slots in sorted(grouped.items())
    ]
    return Timetable(streams=streams, days=days, tz=tz)


def conference_timetable(
    conference: ConferencePage, *, tz: zoneinfo.ZoneInfo, day: date | None = None, stream: str = ""
) -> Timetable:
    """The conference's published programme as a timetable in ``tz``, each session with
    its ``contribution_count``; narrowed to one ``day`` (in ``tz``) and one ``stream`` (a
    slug) when given, which is how a phone shows it a screenful at a time."""

    streams = list(conference.streams.all())
    shown_streams = [s for s in streams if s.slug == stream] or streams
    wanted = {s.pk for s in shown_streams}
    sessions = [
        session
        for session in conference_sessions(conference)
        if session.stream_id in wanted and (day is None or session.start.astimezone(tz).date() == day)
    ]
    counts = contribution_counts([session.pk for session in sessions])
    for session in sessions:
        session.contribution_count = counts.get(session.pk, 0)
    return build_timetable(sessions, shown_streams, tz=tz)


def chosen_day(request, conference: ConferencePage) -> date | None:
    """The ``?day=`` the viewer picked, if it is a real date within the conference."""
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return None
    return day if conference.start_date <= day <= conference.end_date else None


@dataclass
class FilterLink:
    label: str
    query: str
    current: bool


def timetable_filters(conference: ConferencePage, *, tz_key: str, day: date | None, stream: str) -> dict:
    """Links to show one day or one stream at a time (or all), keeping the other choice and
    the viewer's zone. Pure: the streams come from ``conference.streams`` already loaded."""

    def query(**choice) -> str:
        params = {"tz": tz_key, "day": day.isoformat() if day else "", "stream": stream, **choice}
        return "?" + urlencode({k: v for k, v in params.items() if v}) + "#programme"

    streams = list(conference.streams.all())
    return {
        "days": [FilterLink("All days", query(day=""), day is None)]
        + [FilterLink(f"{d:%a} {d.day} {d:%b}", query(day=d.isoformat()), d == day) for d in conference.days],
        "streams": [FilterLink("All streams", query(stream=""), not stream)]
        + [FilterLink(s.name, query(stream=s.slug), s.slug == stream) for s in streams],
        "narrowed": bool(day or stream),
    }


# Moves whenever a meetup's booked places change: part of the key of cached meetup cards,
# which say how many places are left.
PLACES = Version("relay:places-version")


def regional_events(conference: ConferencePage) -> QuerySet[RegionalEventPage]:
    """Published meetups of ``conference``, soonest first, with their venues, seats and any cancellation."""
    return (
        public(RegionalEventPage.objects.live())
        .child_of(conference)
        .select_related("venue", "seats", "cancellation")
        .order_by("start")
    )


def meetups_continuing(session: SessionPage) -> QuerySet[RegionalEventPage]:
    """Published meetups with an agenda item that carries ``session`` forward."""
    return (
        public(RegionalEventPage.objects.live())
        .filter(agenda_items__continues=session)
        .distinct()
        .select_related("venue")
        .order_by("start")
    )


def meetup_agenda(meetup: RegionalEventPage) -> list[AgendaItem]:
    """The meetup's agenda in order, each item with the published sessions it continues."""
    return list(
        meetup.agenda_items.all().prefetch_related(
            Prefetch("continues", queryset=SessionPage.objects.live().select_related("stream").order_by("start"))
        )
    )


# The home page shows each conference's next few meetups; the conference page lists them all.
HOME_MEETUPS = 6


def conferences_with_meetups(*, shown: int = HOME_MEETUPS) -> list[ConferencePage]:
    """Published conferences, earliest first, each with ``.meetups``: its next ``shown``
    published meetups that have not ended (with venues, seats and any cancellation), and
    ``.meetup_count``, how many there are in all. Three queries, however many meetups."""
    conferences = list(public(ConferencePage.objects.live()).order_by("start_date"))
    upcoming = public(RegionalEventPage.objects.live()).filter(end__gt=timezone.now())
    by_parent: dict[str, list[int]] = defaultdict(list)
    for pk, path in upcoming.order_by("start", "pk").values_list("pk", "path"):
        by_parent[path[: -RegionalEventPage.steplen]].append(pk)
    wanted = [pk for pks in by_parent.values() for pk in pks[:shown]]
    pages = RegionalEventPage.objects.filter(pk__in=wanted).select_related("venue", "seats", "cancellation")
    by_pk = {page.pk: page for page in pages} if wanted else {}
    for conference in conferences:
        pks = by_parent.get(conference.path, [])
        conference.meetups = [by_pk[pk] for pk in pks[:shown] if pk in by_pk]
        conference.meetup_count = len(pks)
    return conferences
