"""The dry run of an import: what importing a programme file would create, update, leave
alone or refuse, row by row, and why.

Nothing here writes; ``planner.services.importing.apply_import`` applies a plan in one
transaction. The rules are the session form's (``scheduling.session_problems`` and the
model's own field validation), applied to the programme as it would be after the import:
the sessions the file does not touch, plus every row of the file."""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower

from planner import timefmt
from planner.converters import parse_id
from planner.models import ConferencePage, SessionFormat, SessionPage, Speaker, Stream
from planner.programme_files.readers import (
    FILE_FIELDS,
    ImportRow,
    ProgrammeFile,
    SpeakerInFile,
    person_key,
    quoted,
)
from planner.rules.scheduling import session_problems

CREATE, UPDATE, UNCHANGED, REJECTED = "create", "update", "unchanged", "rejected"


@dataclass
class RowPlan:
    """What importing one row does: its action, and why (reasons to refuse, fields to change)."""

    row: ImportRow
    action: str = CREATE
    reasons: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    was: str = ""  # the changing fields' values now, in words
    notes: list[str] = field(default_factory=list)
    session: SessionPage | None = None
    stream: Stream | None = None
    speakers: list = field(default_factory=list)  # Speaker, or a SpeakerInFile to create

    @property
    def format(self) -> str:
        return self.row.format or (self.session.format if self.session else SessionFormat.TALK)


@dataclass
class ImportPlan:
    conference: ConferencePage
    kind: str
    rows: list[RowPlan]
    new_speakers: list[SpeakerInFile]
    notes: list[str]

    @property
    def ok(self) -> bool:
        """Every row can be imported (an import is all rows or nothing)."""
        return not self.rejected

    @property
    def rejected(self) -> list[RowPlan]:
        return [plan for plan in self.rows if plan.action == REJECTED]

    def count(self, action: str) -> int:
        return sum(1 for plan in self.rows if plan.action == action)

    @property
    def fingerprint(self) -> str:
        """Changes when what the import would do changes (someone edited the programme meanwhile)."""
        outline = [(p.row.number, p.action, p.changes, p.reasons, p.session and p.session.pk) for p in self.rows]
        outline.append(sorted(s.name for s in self.new_speakers))
        return hashlib.sha256(json.dumps(outline, default=str).encode()).hexdigest()


def plan_import(*, conference: ConferencePage, programme: ProgrammeFile) -> ImportPlan:
    """The dry run: for each row, whether importing it creates, updates or leaves alone a
    session of ``conference``, or why it cannot be imported. A constant number of queries."""
    streams = stream_lookup(conference)
    known = speakers_named({person_key(s.name) for row in programme.rows for s in row.speakers})
    matches = sessions_matching(conference, programme.rows)
    new_speakers: dict[str, SpeakerInFile] = {}
    seen_ids, seen_sessions, seen_content = {}, {}, {}
    plans = []
    for row in programme.rows:
        plan = RowPlan(row=row, reasons=list(row.problems), notes=list(row.notes))
        for other_id in (row.external_id, *row.other_ids):
            if other_id and other_id in seen_ids:
                plan.reasons.append(
                    f"It repeats the id ‘{quoted(other_id)}’ of row {seen_ids[other_id]}: each session needs its own."
                )
            if other_id:
                seen_ids.setdefault(other_id, row.number)
        plan.stream = find_stream(row.stream, streams, plan.reasons)
        plan.session = find_session(row, matches, plan.reasons)
        if plan.session is not None:
            if plan.session.pk in seen_sessions:
                plan.reasons.append(f"It is the same session as row {seen_sessions[plan.session.pk]}.")
            seen_sessions.setdefault(plan.session.pk, row.number)
        content = (row.title.casefold(), row.start, row.stream.casefold())
        if row.title and row.start and content in seen_content and not plan.reasons:
            plan.reasons.append(
                f"It repeats row {seen_content[content]} (same title, stream and start) under another id."
            )
        seen_content.setdefault(content, row.number)
        plan.speakers = find_speakers(row, known, new_speakers, plan, adds=programme.adds_speakers)
        plan.reasons += field_problems(row, plan.format)
        problems = session_problems(
            conference=conference,
            stream=plan.stream,
            start=row.start,
            end=row.end,
            speakers=(),  # clashes are checked for all rows at once below, against the programme as it would be
            session_id=plan.session.pk if plan.session else None,
        )
        plan.reasons += [message for messages in problems.values() for message in messages]
        plans.append(plan)
    add_clashes(plans, conference)
    for plan in plans:
        decide(plan, conference.zone)
        plan.notes += [note] if (note := status_note(plan)) and plan.action != REJECTED else []
    return ImportPlan(conference, programme.kind, plans, list(new_speakers.values()), programme.notes)


def stream_lookup(conference: ConferencePage) -> dict[str, Stream]:
    streams = list(conference.streams.all())
    lookup = {stream.slug.casefold(): stream for stream in streams}
    lookup.update({stream.name.casefold(): stream for stream in streams})
    lookup[""] = None
    return lookup


def find_stream(name: str, streams: dict, reasons: list[str]) -> Stream | None:
    stream = streams.get(name.casefold())
    if stream is None:
        names = ", ".join(sorted({s.name for s in streams.values() if s})) or "none yet"
        said = f"Stream ‘{quoted(name)}’ does not exist" if name else "It has no stream (or track, or room)"
        reasons.append(
            f"{said} in this conference (its streams: {names}). Add it under Programme › Streams or correct the file."
        )
    return stream


def speakers_named(keys: set[str]) -> dict[str, list[Speaker]]:
    if not keys:
        return {}
    found = defaultdict(list)
    # SQL lower() folds ASCII only; the keys are compared again in Python below.
    for speaker in Speaker.objects.annotate(key=Lower("name")).filter(key__in={k.lower() for k in keys}):
        found[person_key(speaker.name)].append(speaker)
    return found


def sessions_matching(conference: ConferencePage, rows: list[ImportRow]) -> dict[str, list[SessionPage]]:
    """This conference's sessions by the ids the file uses: their external_id, or ``relay-<page id>``
    for sessions made in Relay (that is how the export names them)."""
    ids = {i for row in rows for i in (row.external_id, *row.other_ids) if i}
    pks = {parse_id(i[6:]) for i in ids if i.startswith("relay-") and parse_id(i[6:])}
    if not ids:
        return {}
    found = defaultdict(list)
    sessions = (
        SessionPage.objects.child_of(conference)
        .filter(Q(external_id__in=ids) | Q(pk__in=pks))
        .select_related("stream", "cancellation")
        .prefetch_related("speakers")
    )
    for session in sessions:
        if session.external_id:
            found[session.external_id].append(session)
        found[f"relay-{session.pk}"].append(session)
    return found


def find_session(row: ImportRow, matches: dict, reasons: list[str]) -> SessionPage | None:
    candidates = {s.pk: s for i in (row.external_id, *row.other_ids) for s in matches.get(i, [])}
    if len(candidates) > 1:
        titles = "; ".join(f"“{s.title}”" for s in candidates.values())
        reasons.append(
            f"Its id matches {len(candidates)} sessions of this conference ({titles}). Delete the duplicate first."
        )
        return None
    return next(iter(candidates.values()), None)


def find_speakers(row: ImportRow, known: dict, new_speakers: dict, plan: RowPlan, *, adds: bool) -> list:
    speakers = []
    for person in row.speakers:
        key, name = person_key(person.name), person.name
        found = known.get(key, [])
        if len(found) > 1:
            plan.reasons.append(
                f"There are {len(found)} speakers called ‘{name}’ in Relay: rename one under Programme › Speakers."
            )
        elif found:
            speakers.append(found[0])
        elif not adds:
            plan.reasons.append(
                f"Speaker ‘{quoted(name)}’ is not in Relay: add them under Programme › Speakers first, "
                "or check the spelling."
            )
        elif len(name) > Speaker._meta.get_field("name").max_length:
            plan.reasons.append(f"The speaker name ‘{quoted(name)}’ is longer than 200 characters.")
        else:
            if key not in new_speakers:
                plan.notes.append(f"Will add speaker {name}.")
            speakers.append(new_speakers.setdefault(key, person))
    return speakers


def field_problems(row: ImportRow, format: str) -> list[str]:
    """The model's own validation of the fields the file sets, worded by column."""
    candidate = SessionPage(
        title=row.title, format=format, summary=row.summary, join_url=row.join_url or "", external_id=row.external_id
    )
    try:
        candidate.clean_fields(exclude=[f.name for f in SessionPage._meta.fields if f.name not in FILE_FIELDS])
    except ValidationError as error:
        return [
            f"{FILE_FIELDS[name]} is empty." if problem.code == "blank" else f"{FILE_FIELDS[name]}: {' '.join(problem)}"
            for name, problems in error.error_dict.items()
            if name != "external_id" or row.external_id  # an empty id is reported when the row is read
            for problem in problems
        ]
    return []


def engagements(plans: list[RowPlan]) -> dict[int, list[SessionPage]]:
    """Sessions the file's existing speakers already speak in around the file's times,
    except the sessions the file itself moves (their new times are its rows)."""
    timed = [p for p in plans if p.row.start and p.row.end]
    speaker_ids = {s.pk for p in timed for s in p.speakers if isinstance(s, Speaker)}
    if not speaker_ids:
        return {}
    booked = (
        SessionPage.speakers.through.objects.filter(
            speaker_id__in=speaker_ids,
            sessionpage__start__lt=max(p.row.end for p in timed),
            sessionpage__end__gt=min(p.row.start for p in timed),
        )
        .exclude(sessionpage_id__in=[p.session.pk for p in plans if p.session])
        .select_related("sessionpage")
        .order_by("sessionpage__start")
    )
    found = defaultdict(list)
    for link in booked:
        found[link.speaker_id].append(link.sessionpage)
    return found


def add_clashes(plans: list[RowPlan], conference: ConferencePage) -> None:
    """A reason for each speaker in two places at once: in a session the file leaves alone,
    or in an earlier row of the file. Worded as the session form words it."""
    tz = conference.zone
    elsewhere = engagements(plans)
    earlier: dict[str, list[RowPlan]] = defaultdict(list)
    for plan in plans:
        start, end = plan.row.start, plan.row.end
        if not (start and end and start < end):
            continue
        for speaker in plan.speakers:
            for session in elsewhere.get(speaker.pk, []) if isinstance(speaker, Speaker) else []:
                if session.start < end and session.end > start:
                    plan.reasons.append(
                        f"{speaker.name} is already speaking in “{session.title}” at that time "
                        f"({timefmt.when(session.start, session.end, tz)})."
                    )
            key = person_key(speaker.name)
            for other in earlier[key]:
                if other.row.start < end and other.row.end > start:
                    when = timefmt.time_range(other.row.start, other.row.end, tz)
                    plan.reasons.append(
                        f"{speaker.name} is already speaking in “{other.row.title}” at that time "
                        f"(row {other.row.number} of this file, {when})."
                    )
            earlier[key].append(plan)


def decide(plan: RowPlan, tz) -> None:
    if plan.reasons:
        plan.action = REJECTED
        return
    session = plan.session
    if session is None:
        plan.action = CREATE
        return
    plan.changes = changed_fields(plan)
    plan.action = UPDATE if plan.changes else UNCHANGED
    if plan.action == UPDATE:
        plan.was = was(session, plan.changes, tz)
        if not session.live:
            plan.notes.append("It is a draft: importing publishes it.")
        elif session.has_unpublished_changes:
            plan.notes.append("It has unpublished changes in the editor: importing replaces them with this row.")
        if session.called_off:
            plan.notes.append("It is cancelled and stays cancelled.")


def was(session: SessionPage, changes: list[str], tz) -> str:
    """What a changed session says now, for the fields that change (summary and link left out)."""
    parts = []
    if "title" in changes:
        parts.append(f"“{session.title}”")
    if "start" in changes or "end" in changes:
        start, end = session.start.astimezone(tz), session.end.astimezone(tz)
        parts.append(f"{start:%a} {start.day} {start:%b}, {start:%H:%M}–{end:%H:%M}")
    if "stream" in changes:
        parts.append(session.stream.name)
    if "format" in changes:
        parts.append(SessionFormat(session.format).label)
    if "speakers" in changes:
        parts.append(", ".join(sorted(s.name for s in session.speakers.all())) or "no speakers")
    return "; ".join(parts)


def session_status(session: SessionPage) -> str:
    """draft, live or cancelled (a Cancellation, whatever the page's state)."""
    if session.called_off:
        return "cancelled"
    return "live" if session.live else "draft"


def status_note(plan: RowPlan) -> str:
    said, session = plan.row.status, plan.session
    if not said or said == (session_status(session) if session else "live"):
        return ""
    now = f"it stays {session_status(session)}" if session else "new sessions are published"
    return f"The status column says ‘{quoted(said)}’, but importing does not change status: {now}."


def same_text(a: str, b: str) -> bool:
    """Equal but for line endings and outer spaces (spreadsheets rewrite both)."""
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


def changed_fields(plan: RowPlan) -> list[str]:
    session, row = plan.session, plan.row
    now = {
        "title": same_text(session.title, row.title),
        "stream": session.stream_id == plan.stream.pk,
        "start": session.start == row.start,
        "end": session.end == row.end,
        "format": session.format == plan.format,
        "speakers": {s.pk for s in session.speakers.all()}
        == {s.pk if isinstance(s, Speaker) else None for s in plan.speakers},
        "summary": same_text(session.summary, row.summary),
        "join_url": row.join_url is None or same_text(session.join_url, row.join_url),
    }
    return [name for name, same in now.items() if not same]
