"""The planner's view of a whole programme: every session (draft, live or cancelled) as a
days × streams grid, and the list of problems to fix before the event.

Reads only, in a fixed number of queries whatever the size of the programme: sessions with
their streams, cancellations and speakers; meetups with their venues and agendas. The
problem finding works on those rows in memory (sorted sweeps, no query per session)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Prefetch
from django.utils import timezone

from planner import timefmt
from planner.models import (
    AgendaItem,
    Cancellation,
    ConferencePage,
    RegionalEventPage,
    SessionFormat,
    SessionPage,
    Speaker,
    Stream,
)
from planner.queries.programme import Timetable, build_timetable


@dataclass
class Problem:
    """One thing to fix, in words, with the pages it concerns (to link to their editors)."""

    kind: str
    message: str
    pages: list = field(default_factory=list)


@dataclass
class ProgrammeView:
    conference: ConferencePage
    timetable: Timetable
    sessions: list["PlannedSession"]
    meetups: list[RegionalEventPage]
    speakers: list[Speaker]
    problems: list[Problem]
    day: date | None = None
    stream: str = ""
    speaker: int | None = None
    one_day_at_a_time: bool = False  # too many sessions to show every day at once by default

    @property
    def problems_shown(self) -> list["Problem"]:
        """The first ``PROBLEMS_SHOWN`` problems: a page of 900 would bury the first ones."""
        return self.problems[:PROBLEMS_SHOWN]

    @property
    def problems_not_shown(self) -> list[tuple[str, int]]:
        """(kind, how many) of the problems past the first ``PROBLEMS_SHOWN``."""
        kinds: dict[str, int] = {}
        for problem in self.problems[PROBLEMS_SHOWN:]:
            kinds[problem.kind] = kinds.get(problem.kind, 0) + 1
        return list(kinds.items())

    @property
    def counts(self) -> dict[str, int]:
        """How many sessions are draft, live and cancelled."""
        totals = {"draft": 0, "live": 0, "cancelled": 0}
        for session in self.sessions:
            totals[session_status(session)] += 1
        return totals


def session_status(page) -> str:
    """ "cancelled", "live" or "draft": what the grid and the CSV export call a page's state."""
    if page.called_off:
        return "cancelled"
    return "live" if page.live else "draft"


def programme_sessions(conference: ConferencePage) -> list[SessionPage]:
    """Every session of ``conference``, published or not, in time order, with its stream,
    cancellation and speakers loaded."""
    return list(
        SessionPage.objects.child_of(conference)
        .select_related("stream", "cancellation")
        .prefetch_related(Prefetch("speakers", queryset=Speaker.objects.order_by("name")))
        .order_by("start", "stream__sort_order", "title")
    )


@dataclass(frozen=True)
class Called:
    """Why a session was called off (what ``Cancellation`` gives the grid)."""

    reason: str


@dataclass
class PlannedSession:
    """A session as the planner's grid and problem list read it: plain values from three
    queries, not a page (900 Wagtail pages take half a second to build, and the grid needs
    none of what a page carries). ``edit_url`` and the others are set by the view."""

    pk: int
    title: str
    start: datetime
    end: datetime
    stream: Stream
    format: str
    summary: str
    live: bool
    has_unpublished_changes: bool
    called_off: Called | None
    speaker_list: list[Speaker] = field(default_factory=list)

    @property
    def stream_id(self) -> int:
        return self.stream.pk

    def get_format_display(self) -> str:
        return SessionFormat(self.format).label if self.format in SessionFormat.values else self.format


def planned_sessions(conference: ConferencePage, streams: list[Stream]) -> list[PlannedSession]:
    """Every session of ``conference`` (draft, live or cancelled) in time order, as
    ``PlannedSession`` rows with their speakers by name: three queries, whatever the size."""
    by_pk = {stream.pk: stream for stream in streams}
    rows = (
        SessionPage.objects.child_of(conference)
        .filter(stream_id__in=by_pk)
        .order_by("start", "stream__sort_order", "title")
        .values_list("pk", "title", "start", "end", "stream_id", "format", "summary", "live", "has_unpublished_changes")
    )
    reasons = dict(
        Cancellation.objects.filter(page__in=SessionPage.objects.child_of(conference)).values_list("page_id", "reason")
    )
    sessions = [
        PlannedSession(
            pk=pk,
            title=title,
            start=start,
            end=end,
            stream=by_pk[stream_id],
            format=format_,
            summary=summary,
            live=live,
            has_unpublished_changes=unpublished,
            called_off=Called(reasons[pk]) if pk in reasons else None,
        )
        for pk, title, start, end, stream_id, format_, summary, live, unpublished in rows
    ]
    by_session = {session.pk: session for session in sessions}
    speakers: dict[int, Speaker] = {}
    links = (
        SessionPage.speakers.through.objects.filter(sessionpage__in=SessionPage.objects.child_of(conference))
        .order_by("speaker__name", "speaker_id")
        .values_list("sessionpage_id", "speaker_id", "speaker__name")
    )
    for session_id, speaker_id, name in links:
        speaker = speakers.setdefault(speaker_id, Speaker(pk=speaker_id, name=name))
        if session_id in by_session:
            by_session[session_id].speaker_list.append(speaker)
    return sessions


def programme_meetups(conference: ConferencePage) -> list[RegionalEventPage]:
    """Every regional meetup of ``conference`` with venue, cancellation and agenda loaded."""
    return list(
        RegionalEventPage.objects.child_of(conference)
        .select_related("venue", "cancellation")
        .prefetch_related(Prefetch("agenda_items", queryset=AgendaItem.objects.prefetch_related("continues")))
        .order_by("start", "title")
    )


PROBLEMS_SHOWN = 25
ONE_DAY_FROM = 200  # sessions: from here the grid opens on one day, not all of them


def programme_view(
    conference: ConferencePage,
    *,
    day: date | None = None,
    stream: str = "",
    speaker: int | None = None,
    all_days: bool = False,
) -> ProgrammeView:
    """The grid (narrowed to one day, stream or speaker when asked) and the problems of the
    whole programme, which are always listed in full. A programme of more than
    ``ONE_DAY_FROM`` sessions opens on one day (today during the conference, else the first)
    unless ``all_days`` is asked for: 900 sessions are too many to read, or to draw, at once."""
    streams = list(conference.streams.all())
    sessions = planned_sessions(conference, streams)
    one_day = day is None and not all_days and not speaker and len(sessions) > ONE_DAY_FROM
    if one_day:
        today = timezone.localdate(timezone=conference.zone)
        day = today if today in conference.days else conference.start_date
    meetups = programme_meetups(conference)
    tz = conference.zone
    shown_streams = [s for s in streams if s.slug == stream] or streams
    wanted = {s.pk for s in shown_streams}
    shown = [
        s
        for s in sessions
        if s.stream_id in wanted
        and (day is None or s.start.astimezone(tz).date() == day)
        and (speaker is None or any(p.pk == speaker for p in s.speaker_list))
    ]
    speakers = sorted({p.pk: p for s in sessions for p in s.speaker_list}.values(), key=lambda p: p.name)
    return ProgrammeView(
        conference=conference,
        timetable=build_timetable(shown, shown_streams, tz=tz),
        sessions=sessions,
        meetups=meetups,
        speakers=speakers,
        problems=programme_problems(conference, sessions, meetups),
        day=day,
        stream=stream if stream in {s.slug for s in streams} else "",
        speaker=speaker,
        one_day_at_a_time=one_day,
    )


def overlapping_pairs(sessions: list[SessionPage]):
    """Each pair of ``sessions`` whose times overlap (a sweep over start times)."""
    ordered = sorted(sessions, key=lambda s: (s.start, s.pk))
    for index, first in enumerate(ordered):
        for second in ordered[index + 1 :]:
            if second.start >= first.end:
                break
            yield first, second


def programme_problems(
    conference: ConferencePage, sessions: list["PlannedSession"], meetups: list[RegionalEventPage]
) -> list[Problem]:
    """What a planner should fix: speaker clashes, overlaps within a stream, sessions outside
    the conference's dates or without speakers or summary, and meetups whose venue cannot
    be placed on a map or that continue no session. Cancelled sessions clash with nothing."""
    tz = conference.zone
    running = [s for s in sessions if not s.called_off]
    problems: list[Problem] = []

    by_speaker: dict[int, list[SessionPage]] = defaultdict(list)
    names = {}
    for session in running:
        for speaker in session.speaker_list:
            by_speaker[speaker.pk].append(session)
            names[speaker.pk] = speaker.name
    for speaker_id, theirs in sorted(by_speaker.items(), key=lambda item: names[item[0]]):
        for first, second in overlapping_pairs(theirs):
            problems.append(
                Problem(
                    "speaker clash",
                    f"{names[speaker_id]} is in “{first.title}” and “{second.title}” at the same time "
                    f"({at(first, tz)}).",
                    [first, second],
                )
            )

    by_stream: dict[int, list[SessionPage]] = defaultdict(list)
    for session in running:
        by_stream[session.stream_id].append(session)
    for theirs in by_stream.values():
        for first, second in overlapping_pairs(theirs):
            problems.append(
                Problem(
                    "overlap in a stream",
                    f"“{first.title}” and “{second.title}” overlap in {first.stream.name} ({at(first, tz)}).",
                    [first, second],
                )
            )

    for session in running:
        first, last = session.start.astimezone(tz).date(), session.end.astimezone(tz).date()
        if first < conference.start_date or last > conference.end_date:
            problems.append(
                Problem(
                    "outside the dates",
                    f"“{session.title}” is on {timefmt.long_date(first)}, outside the conference "
                    f"({timefmt.long_date(conference.start_date)} to {timefmt.long_date(conference.end_date)}).",
                    [session],
                )
            )
        missing = [
            what
            for what, empty in (("speakers", not session.speaker_list), ("summary", not session.summary.strip()))
            if empty
        ]
        if missing:
            problems.append(Problem("incomplete", f"“{session.title}” has no {' and no '.join(missing)}.", [session]))

    for meetup in meetups:
        if meetup.called_off:
            continue
        if meetup.venue.latitude is None or meetup.venue.longitude is None:
            problems.append(
                Problem(
                    "venue not on the map",
                    f"“{meetup.title}”: the venue {meetup.venue.name} has no coordinates, so nearby search "
                    f"cannot find it. Check its postcode or town.",
                    [meetup],
                )
            )
        if not any(item.continues.all() for item in meetup.agenda_items.all()):
            problems.append(
                Problem(
                    "continues nothing",
                    f"“{meetup.title}” continues no online session: add an agenda item that continues one, "
                    f"so it starts from the online discussion.",
                    [meetup],
                )
            )
    return problems


def at(session: SessionPage, tz) -> str:
    start: datetime = session.start.astimezone(tz)
    return f"{timefmt.long_date(start.date())}, {timefmt.time_range(session.start, session.end, tz)}"
