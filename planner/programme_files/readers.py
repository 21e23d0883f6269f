"""Reading a conference programme from a file (CSV, a pretalx schedule.json or a Sessionize
"All data" export) into one row shape, ``ImportRow``, each with the problems found reading it.
Nothing here queries: ``programme_files.plan`` makes the dry run from what is read."""

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from planner.models import ConferencePage, SessionFormat
from planner.programme_files.spreadsheet import unprotect

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
CSV_COLUMNS = ["id", "title", "day", "start", "end", "stream", "format", "speakers", "summary", "join_url"]
EXPORT_ONLY_COLUMNS = ["status"]  # written by the export; an import reads past it
# Session fields a file sets, by the column that sets them (for messages a planner can act on).
FILE_FIELDS = {"title": "title", "format": "format", "summary": "summary", "join_url": "join_url", "external_id": "id"}
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
