"""Reading a conference programme from a file (CSV, a pretalx schedule.json or a Sessionize
"All data" export) into one row shape, and the dry run: what importing it would create,
update, leave alone or refuse, row by row, and why.

Nothing here writes; ``planner.services.importing.apply_import`` applies a plan in one
transaction. The rules are the session form's (``scheduling.session_problems`` and the
model's own field validation), applied to the programme as it would be after the import:
the sessions the file does not touch, plus every row of the file."""

import csv
import hashlib
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower

from planner import timefmt
from planner.converters import parse_id
from planner.models import ConferencePage, SessionFormat, SessionPage, Speaker, Stream
from planner.programme_files.spreadsheet import unprotect
from planner.rules.scheduling import session_problems

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
CSV_COLUMNS = ["id", "title", "day", "start", "end", "stream", "format", "speakers", "summary", "join_url"]
EXPORT_ONLY_COLUMNS = ["status"]  # written by the export; an import reads past it
# Session fields a file sets, by the column that sets them (for messages a planner can act on).
FILE_FIELDS = {"title": "title", "format": "format", "summary": "summary", "join_url": "join_url", "external_id": "id"}
CREATE, UPDATE, UNCHANGED, REJECTED = "create", "update", "unchanged", "rejected"
PLAUSIBLE_YEARS = (1970, 2999)  # beyond these, date arithmetic overflows long before a conference is planned

TOO_BIG = "The file is larger than 2 MB. Split the programme into smaller files (a day or a stream each)."
TOO_MANY = f"The file has more than {MAX_ROWS:,} sessions. Split it into smaller files (a day or a stream each)."
NOT_UTF8 = (
    "The file is not UTF-8 text. Save the file as UTF-8 CSV: in Excel choose File › Save As › "
    "‘CSV UTF-8 (Comma delimited)’; in LibreOffice tick ‘Edit filter settings’ and choose ‘Unicode (UTF-8)’."
)
WORKBOOK = (
    "This is a spreadsheet workbook, not a CSV file. In Excel choose File › Save As › "
    "‘CSV UTF-8 (Comma delimited)’ and upload that file."
)
EMPTY = "The file is empty. Download the template, fill in one row per session and upload it."
NO_SESSIONS = "The file has no sessions in it. Download the template, fill in one row per session and upload it."
WRONG_JSON = (
    "This JSON file is neither a pretalx schedule nor a Sessionize export. Upload pretalx’s "
    "schedule.json (Schedule › Export, JSON) or Sessionize’s ‘All data’ JSON, as downloaded."
)


class FileRefused(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass
class SpeakerInFile:
    name: str
    role: str = ""
    bio: str = ""


@dataclass
class ImportRow:
    """One session as a file describes it, in the conference's terms. ``None`` for format or
    join_url means the file does not say: a new session gets the default, an existing one keeps its own."""

    number: int  # the spreadsheet's row number (the header is row 1), or the session's place in a JSON file
    external_id: str
    title: str = ""
    start: datetime | None = None
    end: datetime | None = None
    stream: str = ""
    format: str | None = None
    speakers: list[SpeakerInFile] = field(default_factory=list)
    summary: str = ""
    join_url: str | None = None
    other_ids: tuple[str, ...] = ()  # further ids that name the same session (pretalx's guid)
    status: str = ""  # an exported file's status column: read only to say that importing ignores it
    problems: list[str] = field(default_factory=list)  # what could not be read
    notes: list[str] = field(default_factory=list)


@dataclass
class ProgrammeFile:
    kind: str  # "CSV", "pretalx" or "Sessionize"
    rows: list[ImportRow]
    adds_speakers: bool  # the file describes its speakers, so missing ones are created
    notes: list[str] = field(default_factory=list)


# Reading files ----------------------------------------------------------------------------


def read_programme_file(content: bytes, *, conference: ConferencePage) -> ProgrammeFile:
    """The sessions of an uploaded CSV, pretalx schedule.json or Sessionize export, in file
    order, with times in ``conference``'s zone. Raises FileRefused when the file as a whole
    cannot be read."""
    if len(content) > MAX_BYTES:
        raise FileRefused(TOO_BIG)
    if content.startswith(b"PK\x03\x04") or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(WORKBOOK)
    try:
        text = content.decode("utf-8-sig")  # Excel starts its UTF-8 CSV with a byte order mark
    except UnicodeDecodeError:
        raise FileRefused(NOT_UTF8) from None
    if "\x00" in text:
        raise FileRefused(NOT_UTF8)
    if not text.strip():
        raise FileRefused(EMPTY)
    programme = read_json(text, conference) if text.lstrip()[:1] in "{[" else read_csv(text, conference)
    if not programme.rows:
        raise FileRefused(NO_SESSIONS)
    return programme


def read_csv(text: str, conference: ConferencePage) -> ProgrammeFile:
    header_line = text[: text.find("\n")] if "\n" in text else text
    # Excel writes semicolons where the comma is the decimal mark; tabs come from copy and paste.
    delimiter = max(",;\t", key=header_line.count) if any(d in header_line for d in ",;\t") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        names = [cell.strip().lower() for cell in next(reader)]
        check_columns(names)
        for number, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) == MAX_ROWS:
                raise FileRefused(TOO_MANY)
            rows.append(csv_row(number, names, record, conference))
    except csv.Error as error:
        raise FileRefused(
            f"Row {reader.line_num} cannot be read as CSV ({error}). Save the file from your spreadsheet as CSV again."
        ) from None
    return ProgrammeFile(kind="CSV", rows=rows, adds_speakers=False)


def check_columns(names: list[str]) -> None:
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    missing = [column for column in CSV_COLUMNS if column not in names]
    unknown = [quoted(name) for name in names if name and name not in CSV_COLUMNS + EXPORT_ONLY_COLUMNS][:12]
    if not (missing or unknown or repeated):
        return
    found = []
    if missing:
        found.append(f"Missing: {', '.join(missing)}.")
    if unknown:
        found.append(f"Not recognised: {', '.join(unknown)}.")
    if repeated:
        found.append(f"More than once: {', '.join(repeated)}.")
    raise FileRefused(
        "The first row must name the template’s columns. "
        + " ".join(found)
        + f" The columns are: {', '.join(CSV_COLUMNS)} (and optionally status, which is ignored)."
    )


def quoted(value: str) -> str:
    """A value from the file, shortened for a message."""
    return value if len(value) <= 60 else value[:59] + "…"


def csv_row(number: int, names: list[str], record: list[str], conference: ConferencePage) -> ImportRow:
    cells = defaultdict(str, {name: unprotect(cell).strip() for name, cell in zip(names, record, strict=False)})
    row = ImportRow(
        number=number,
        external_id=cells["id"],
        title=cells["title"],
        stream=cells["stream"],
        summary=cells["summary"],
        join_url=cells["join_url"],
        status=cells["status"].casefold(),
        speakers=[SpeakerInFile(name) for name in unique_names(cells["speakers"].split(";"))],
    )
    if any(cell.strip() for cell in record[len(names) :]):
        row.problems.append(
            f"It has {len(record)} cells but the first row names {len(names)} columns: "
            "put any cell that holds a comma in double quotes."
        )
    if not row.external_id:
        row.problems.append(
            "id is empty. Give every session an id that is unique in the file (e.g. S-014), so "
            "importing the file again updates the session instead of adding it twice."
        )
    day = read_day(cells["day"], row.problems, conference)
    start = read_clock(cells["start"], "start", row.problems)
    end = read_clock(cells["end"], "end", row.problems)
    if day and start and end:
        row.start = datetime.combine(day, start, tzinfo=conference.zone)
        row.end = datetime.combine(day, end, tzinfo=conference.zone)
    if cells["format"]:
        row.format = format_named(cells["format"])
        if row.format is None:
            choices = ", ".join(SessionFormat.values)
            row.problems.append(f"format ‘{quoted(cells['format'])}’ is not one of: {choices}.")
    else:
        row.format = SessionFormat.TALK
    return row


def read_day(value: str, problems: list[str], conference: ConferencePage) -> date | None:
    if not value:
        problems.append("day is empty.")
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):  # a UK spreadsheet shows and saves dates as 08/03/2027
        try:
            day = datetime.strptime(value, pattern).date()
        except ValueError:
            continue
        if PLAUSIBLE_YEARS[0] <= day.year <= PLAUSIBLE_YEARS[1]:
            return day
    example = conference.start_date.isoformat()
    problems.append(f"day ‘{quoted(value)}’ is not a date: write it as YYYY-MM-DD, for example {example}.")
    return None


def read_clock(value: str, column: str, problems: list[str]) -> time | None:
    if not value:
        problems.append(f"{column} is empty.")
        return None
    for pattern in ("%H:%M", "%H:%M:%S"):
        try:
            return datetime.strptime(value, pattern).time()
        except ValueError:
            pass
    problems.append(
        f"{column} ‘{quoted(value)}’ is not a time: write it as HH:MM on the 24-hour clock, for example 09:30."
    )
    return None


def format_named(value: str) -> str | None:
    """The SessionFormat a planner meant by its value or its label (‘case study’, ‘Case-study’)."""
    wanted = value.strip().casefold().replace(" ", "-")
    for choice in SessionFormat:
        if wanted in (choice.value, choice.label.casefold().replace(" ", "-")):
            return choice.value
    return None


FORMAT_WORDS = [("workshop", "workshop"), ("panel", "panel"), ("case", "case-study"), ("discussion", "discussion")]


def format_from_type(value) -> tuple[str | None, str]:
    """A SessionFormat for a pretalx session type or Sessionize format, and a note when it is a guess."""
    name = plain(value)
    if not name:
        return None, ""
    if exact := format_named(name):
        return exact, ""
    guess = next((fmt for word, fmt in FORMAT_WORDS if word in name.casefold()), SessionFormat.TALK)
    return guess, f"Its type ‘{name}’ is imported as {SessionFormat(guess).label}."


def unique_names(names) -> list[str]:
    seen, result = set(), []
    for name in names:
        tidy = " ".join(str(name).split())
        if tidy and person_key(tidy) not in seen:
            seen.add(person_key(tidy))
            result.append(tidy)
    return result


def person_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def plain(value) -> str:
    """Text from a JSON value: a string, a number, or pretalx's translated {"en": "..."}."""
    if isinstance(value, dict):
        value = value.get("en") or next((v for v in value.values() if isinstance(v, str)), "")
    return str(value).strip() if isinstance(value, str | int | float) and not isinstance(value, bool) else ""


def read_json(text: str, conference: ConferencePage) -> ProgrammeFile:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FileRefused(
            f"The file is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}). "
            "Upload the export as it was downloaded, without editing it."
        ) from None
    except RecursionError:
        raise FileRefused(WRONG_JSON) from None
    if isinstance(data, dict) and "schedule" in data:
        return read_pretalx(data, conference)
    if isinstance(data, dict) and "sessions" in data:
        return read_sessionize(data, conference)
    raise FileRefused(WRONG_JSON)


def read_pretalx(data: dict, conference: ConferencePage) -> ProgrammeFile:
    schedule = data["schedule"]
    conference_data = schedule.get("conference") if isinstance(schedule, dict) else None
    days = conference_data.get("days") if isinstance(conference_data, dict) else None
    if not isinstance(days, list):
        raise FileRefused("This is not a pretalx schedule: it has no schedule › conference › days list. " + WRONG_JSON)
    talks = []
    for day in days:
        rooms = day.get("rooms") if isinstance(day, dict) else None
        if not isinstance(rooms, dict) or not all(isinstance(entries, list) for entries in rooms.values()):
            raise FileRefused("This is not a pretalx schedule: each day needs its rooms, each with a list of talks.")
        talks.extend((room, talk) for room, entries in rooms.items() for talk in entries)
        if len(talks) > MAX_ROWS:
            raise FileRefused(TOO_MANY)
    return ProgrammeFile(
        kind="pretalx",
        rows=[pretalx_row(number, room, talk, conference) for number, (room, talk) in enumerate(talks, start=1)],
        adds_speakers=True,
    )


def pretalx_row(number: int, room: str, talk, conference: ConferencePage) -> ImportRow:
    if not isinstance(talk, dict):
        return ImportRow(number=number, external_id="", problems=["It is not a talk (expected code, title, date…)."])
    code, guid = plain(talk.get("code")), plain(talk.get("guid"))
    row = ImportRow(
        number=number,
        external_id=code or guid,
        other_ids=(guid,) if code and guid else (),
        title=plain(talk.get("title")),
        stream=plain(talk.get("track")) or plain(talk.get("room")) or plain(room),
        summary=plain(talk.get("abstract")) or plain(talk.get("description")),
    )
    if not row.external_id:
        row.problems.append("It has no code or guid, so a second import could not find it again.")
    row.start = read_moment(talk.get("date"), "date", row.problems, conference)
    length = read_duration(talk.get("duration"), row.problems)
    if row.start and length is not None:
        row.end = row.start + length
    row.format, note = format_from_type(talk.get("type"))
    row.notes += [note] if note else []
    people = listed(talk, "persons")
    names = unique_names(plain(p.get("public_name")) or plain(p.get("name")) for p in people)
    bios = {person_key(plain(p.get("public_name")) or plain(p.get("name"))): plain(p.get("biography")) for p in people}
    row.speakers = [SpeakerInFile(name, bio=bios.get(person_key(name), "")) for name in names]
    return row


def read_moment(value, label: str, problems: list[str], conference: ConferencePage) -> datetime | None:
    """An ISO date and time; one without an offset is wall-clock time in the conference's zone."""
    if not plain(value):
        problems.append(f"It has no {label}: schedule it before exporting.")
        return None
    try:
        moment = datetime.fromisoformat(plain(value))
        if not PLAUSIBLE_YEARS[0] <= moment.year <= PLAUSIBLE_YEARS[1]:
            raise ValueError("out of range")
    except ValueError:
        problems.append(f"{label} ‘{plain(value)[:40]}’ is not a date and time (expected e.g. 2027-03-08T09:30).")
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=conference.zone)


def read_duration(value, problems: list[str]) -> timedelta | None:
    parts = plain(value).split(":")
    if len(parts) in (2, 3) and all(part.isdigit() and len(part) <= 3 for part in parts):
        hours, minutes = int(parts[0]), int(parts[1])
        return timedelta(hours=hours, minutes=minutes, seconds=int(parts[2]) if len(parts) == 3 else 0)
    problems.append(f"duration ‘{plain(value)[:20]}’ is not hours and minutes (expected e.g. 00:45).")
    return None


def as_list(value) -> list:
    return value if isinstance(value, list) else []


def listed(data: dict, key: str) -> list[dict]:
    return [item for item in as_list(data.get(key)) if isinstance(item, dict)]


def read_sessionize(data: dict, conference: ConferencePage) -> ProgrammeFile:
    if not isinstance(data["sessions"], list):
        raise FileRefused("This is not a Sessionize export: “sessions” should be a list. " + WRONG_JSON)
    if len(data["sessions"]) > MAX_ROWS:
        raise FileRefused(TOO_MANY)
    people = {}
    for person in listed(data, "speakers"):
        name = plain(person.get("fullName")) or f"{plain(person.get('firstName'))} {plain(person.get('lastName'))}"
        people[plain(person.get("id"))] = SpeakerInFile(
            " ".join(name.split()), plain(person.get("tagLine")), plain(person.get("bio"))
        )
    rooms = {plain(room.get("id")): plain(room.get("name")) for room in listed(data, "rooms")}
    tracks, formats = {}, {}
    for category in listed(data, "categories"):
        title = plain(category.get("title")).casefold()
        target = tracks if title in ("track", "tracks") else formats if "format" in title else None
        if target is not None:
            target.update({plain(item.get("id")): plain(item.get("name")) for item in listed(category, "items")})
    rows, service = [], 0
    for number, session in enumerate(data["sessions"], start=1):
        if isinstance(session, dict) and session.get("isServiceSession"):
            service += 1
            continue
        rows.append(
            sessionize_row(number, session, conference, people=people, rooms=rooms, tracks=tracks, formats=formats)
        )
    notes = [f"{service} service session{'s' if service != 1 else ''} (breaks, lunch) left out."] if service else []
    return ProgrammeFile(kind="Sessionize", rows=rows, adds_speakers=True, notes=notes)


def sessionize_row(number, session, conference, *, people, rooms, tracks, formats) -> ImportRow:
    if not isinstance(session, dict):
        return ImportRow(number=number, external_id="", problems=["It is not a session (expected id, title…)."])
    items = [plain(item) for item in as_list(session.get("categoryItems")) if plain(item)]
    row = ImportRow(
        number=number,
        external_id=plain(session.get("id")),
        title=plain(session.get("title")),
        stream=next((tracks[i] for i in items if i in tracks), "") or rooms.get(plain(session.get("roomId")), ""),
        summary=plain(session.get("description")),
    )
    if not row.external_id:
        row.problems.append("It has no id, so a second import could not find it again.")
    row.start = read_moment(session.get("startsAt"), "start time (startsAt)", row.problems, conference)
    row.end = read_moment(session.get("endsAt"), "end time (endsAt)", row.problems, conference)
    row.format, note = format_from_type(next((formats[i] for i in items if i in formats), ""))
    row.notes += [note] if note else []
    if plain(session.get("liveUrl")):
        row.join_url = plain(session.get("liveUrl"))
    speaker_ids = [plain(s.get("id")) if isinstance(s, dict) else plain(s) for s in as_list(session.get("speakers"))]
    unknown = [s for s in speaker_ids if s not in people]
    if unknown:
        row.problems.append(f"It names speaker id {', '.join(unknown)}, which is not among the file’s speakers.")
    row.speakers = [people[s] for s in speaker_ids if s in people]
    return row


# The dry run ------------------------------------------------------------------------------


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
