"""A meetup's discussion tables: booked delegates grouped by the threads they share
(``suggest_tables``, pure and deterministic), the plan a planner locked (``meetup_tables``),
cached for the public page, and each table as a given viewer may see it."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.core.cache import cache

from planner.models import (
    Contribution,
    Delegate,
    MeetupTables,
    RegionalEventPage,
    Stream,
)
from planner.queries.carry_forward import attendee_ids, continued_sessions, threads_of

TABLES_CACHE_SECONDS = 600


@dataclass
class Table:
    number: int
    label: str
    reason: str
    members: list[int]
    basis: str = ""  # what the first ``common`` members share, in words
    common: int = 0


def suggest_tables(
    attendees: list[int],
    threads: dict[int, set[int]],
    interests: dict[int, set[int]],
    *,
    size: int,
    thread_names: dict[int, str],
    stream_names: dict[int, str],
    thread_sessions: dict[int, int] | None = None,
    session_names: dict[int, str] | None = None,
) -> list[Table]:
    """Group ``attendees`` into tables of about ``size`` so each table shares a starting point.

    Pure and deterministic. Each person goes to the most shared thread they wrote in (ties to
    the lower id), and each thread's group fills tables in booking order; people left over
    are grouped by the session whose discussion they wrote in most, then by their first
    interest; the rest sit at mixed tables, a last few joining the smallest tables. A
    table's reason says what its people have in common."""
    size = max(2, size)
    thread_sessions, session_names = thread_sessions or {}, session_names or {}
    tables: list[Table] = []

    def seat(groups: dict, label_of, basis_of) -> list[int]:
        """Fill tables from each group, biggest first; return who is left over."""
        left = []
        for key in sorted(groups, key=lambda k: (-len(groups[k]), str(k))):
            group = groups[key]
            tail = len(group) % size
            full = len(group) - tail if tail < max(2, size // 2) else len(group)
            for start in range(0, full, size):
                members = group[start : start + size]
                tables.append(Table(0, label_of(key), "", members, basis_of(key), len(members)))
            left.extend(group[full:])
        return left

    def group_by(people: list[int], pick) -> tuple[dict, list[int]]:
        groups: dict = defaultdict(list)
        none = []
        for person in people:
            key = pick(person)
            (groups[key] if key is not None else none).append(person)
        return groups, none

    popularity = Counter(thread for person in attendees for thread in threads.get(person, ()))

    def primary_thread(person):
        mine = threads.get(person)
        return min(mine, key=lambda t: (-popularity[t], t)) if mine else None

    def main_session(person):
        sessions = Counter(thread_sessions[t] for t in threads.get(person, ()) if t in thread_sessions)
        return min(sessions, key=lambda s: (-sessions[s], s)) if sessions else None

    def first_interest(person):
        streams = sorted(s for s in interests.get(person, ()) if s in stream_names)
        return streams[0] if streams else None

    by_thread, rest = group_by(attendees, primary_thread)
    left = seat(by_thread, lambda t: thread_names.get(t, "A shared thread"), lambda t: "wrote in this thread")
    by_session, no_session = group_by(left, main_session)
    left = seat(
        by_session, lambda s: session_names.get(s, "A shared session"), lambda s: "wrote in this session’s discussion"
    )
    by_interest, no_interest = group_by(left + no_session + rest, first_interest)
    leftovers = seat(by_interest, lambda s: stream_names[s], lambda s: f"are interested in {stream_names[s]}")
    leftovers += no_interest
    for start in range(0, len(leftovers), size):
        members = leftovers[start : start + size]
        if tables and len(members) < max(2, size // 2):
            for person in members:  # too few for a table of their own: one each to the smallest tables
                min(tables, key=lambda t: (len(t.members), tables.index(t))).members.append(person)
        else:
            tables.append(Table(0, "Mixed table", "", members))
    for number, table in enumerate(tables, start=1):
        table.number = number
        if not table.basis:
            table.reason = "A mix of people: introduce yourselves first"
        elif table.common == len(table.members):
            table.reason = f"All {table.common} {table.basis}"
        else:
            table.reason = f"{table.common} of {len(table.members)} {table.basis}"
    return tables


def meetup_tables(
    event: RegionalEventPage, *, size: int | None = None, booked: list[int] | None = None
) -> tuple[list[Table], MeetupTables | None]:
    """The locked plan if a planner locked one, else tables suggested from today's bookings."""
    saved = MeetupTables.objects.filter(event=event).first()
    booked = attendee_ids(event) if booked is None else booked
    if saved is not None and saved.is_locked:
        coming = set(booked)  # people who cancelled since the lock leave their table
        return [
            Table(t["number"], t["label"], t["reason"], [pk for pk in t["members"] if pk in coming]) for t in saved.plan
        ], saved
    size = size or (saved.table_size if saved else 6)
    sessions = [s.pk for s in continued_sessions(event)]
    threads = threads_of(booked, session_ids=sessions or None)
    thread_ids = {t for ts in threads.values() for t in ts}
    thread_names, thread_sessions, session_names = {}, {}, {}
    if thread_ids:
        for pk, session_id, title, body in Contribution.objects.filter(pk__in=thread_ids).values_list(
            "pk", "session_id", "session__title", "body"
        ):
            thread_names[pk] = f"{title}: “{excerpt(body)}”"
            thread_sessions[pk], session_names[session_id] = session_id, title
    interests: dict[int, set[int]] = defaultdict(set)
    for delegate_id, stream_id in Delegate.interests.through.objects.filter(delegate_id__in=booked).values_list(
        "delegate_id", "stream_id"
    ):
        interests[delegate_id].add(stream_id)

    stream_names = dict(Stream.objects.filter(conference_id=event.get_parent().pk).values_list("pk", "name"))
    tables = suggest_tables(
        booked,
        threads,
        interests,
        size=size,
        thread_names=thread_names,
        stream_names=stream_names,
        thread_sessions=thread_sessions,
        session_names=session_names,
    )
    return tables, saved


def excerpt(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def cached_tables(event: RegionalEventPage, *, booked: list[int]) -> tuple[list[Table], MeetupTables | None]:
    """``meetup_tables``, remembered until the bookings change (or ten minutes pass)."""

    saved = MeetupTables.objects.filter(event=event).first()
    if saved is not None and saved.is_locked:
        return meetup_tables(event, booked=booked)
    size = saved.table_size if saved else 6
    key = f"relay:tables:{event.pk}:{size}:{len(booked)}:{booked[-1] if booked else 0}"
    tables = cache.get(key)
    if tables is None:
        tables, _ = meetup_tables(event, size=size, booked=booked)
        cache.set(key, tables, TABLES_CACHE_SECONDS)
    return tables, saved


@dataclass
class ShownTable:
    number: int
    label: str
    reason: str
    names: list[str]
    others: int  # people at the table this viewer may not see by name
    yours: bool


def tables_for_viewer(tables: list[Table], *, names: dict[int, str], shown_ids: set[int], viewer) -> list[ShownTable]:
    """Tables as this viewer may see them: names only of people visible to them."""
    return [
        ShownTable(
            table.number,
            table.label,
            table.reason,
            sorted(names[pk] for pk in table.members if pk in shown_ids),
            sum(1 for pk in table.members if pk not in shown_ids),
            viewer is not None and viewer.pk in table.members,
        )
        for table in tables
    ]
