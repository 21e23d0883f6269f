"""A meetup's discussion tables: booked delegates grouped by the threads they share
(``suggest_tables``, pure and deterministic), the plan a planner locked (``meetup_tables``),
cached for the public page, and each table as a given viewer may see it."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Q

from planner.models import (
    Contribution,
    Delegate,
    MeetupTables,
    RegionalEventPage,
    SessionStar,
    Stream,
)
from planner.queries.carry_forward import (
    attendee_ids,
    bookings_fingerprint,
    continued_sessions,
    excerpt,
    threads_of,
)
from planner.queries.discussion import shown

TABLES_CACHE_SECONDS = 600


@dataclass
class Table:
    number: int
    label: str
    reason: str
    members: list[int]
    basis: str = ""  # what the first ``common`` members share, in words
    common: int = 0
    question: str = ""  # the question the table starts from
    seats: dict[int, str] = field(default_factory=dict)  # why each member sits here
    thread: int | None = None  # the thread the table starts from
    group: tuple[str, int] | None = None  # what it was grouped by: ("thread" | "session" | "star" | "interest", id)


# When a table's sessions have no open question left to start from.
STARTERS = [
    "What would you try first, back at your own council?",
    "What has stopped this working where you are, and who could unblock it?",
    "Who else needs to be in this conversation, and how do you bring them in?",
    "What evidence would convince your members or board to back this?",
    "What would you do differently if you started this again today?",
    "Which part of this could two councils share rather than each building their own?",
]


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
    starred: dict[int, set[int]] | None = None,
    session_threads: dict[int, list[int]] | None = None,
    open_questions: dict[int, list[str]] | None = None,
    session_streams: dict[int, int] | None = None,
) -> list[Table]:
    """Group ``attendees`` into tables of about ``size`` so each table shares a starting point.

    Pure and deterministic. Each person goes to the most shared thread they wrote in (ties to
    the lower id), and each thread's group fills tables in booking order; people left over
    are grouped by the session whose discussion they wrote in most, then by their first
    interest; the rest sit at mixed tables, a last few joining the smallest tables. A
    table's reason says what its people have in common.

    Every table then gets a thread of its own to start from (its label) and a starting
    question (an open question of that session where there is one), and every seat a
    reason: the thread, the session or a starred session, an interest, or a fresh view."""
    size = max(2, size)
    thread_sessions, session_names = thread_sessions or {}, session_names or {}
    starred, session_threads = starred or {}, session_threads or {}
    open_questions, session_streams = open_questions or {}, session_streams or {}
    tables: list[Table] = []

    def seat(groups: dict, label_of, basis_of, kind: str) -> list[int]:
        """Fill tables from each group, biggest first; return who is left over."""
        left = []
        for key in sorted(groups, key=lambda k: (-len(groups[k]), str(k))):
            group = groups[key]
            tail = len(group) % size
            full = len(group) - tail if tail < max(2, size // 2) else len(group)
            for start in range(0, full, size):
                members = group[start : start + size]
                tables.append(Table(0, label_of(key), "", members, basis_of(key), len(members), group=(kind, key)))
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
    left = seat(by_thread, lambda t: thread_names.get(t, "A shared thread"), lambda t: "wrote in this thread", "thread")
    by_session, no_session = group_by(left, main_session)
    left = seat(
        by_session,
        lambda s: session_names.get(s, "A shared session"),
        lambda s: "wrote in this session’s discussion",
        "session",
    )

    def first_star(person):
        stars = sorted(s for s in starred.get(person, ()) if s in session_names)
        return stars[0] if stars else None

    by_star, no_star = group_by(left + no_session + rest, first_star)
    left = seat(by_star, lambda s: session_names[s], lambda s: "starred this session", "star")
    by_interest, no_interest = group_by(left + no_star, first_interest)
    leftovers = seat(
        by_interest, lambda s: stream_names[s], lambda s: f"are interested in {stream_names[s]}", "interest"
    )
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
    give_starting_points(
        tables,
        thread_names=thread_names,
        thread_sessions=thread_sessions,
        session_threads=session_threads,
        open_questions=open_questions,
        session_streams=session_streams,
        stream_names=stream_names,
    )
    for table in tables:
        for person in table.members:
            table.seats[person] = seat_reason(
                person,
                table,
                threads=threads.get(person, set()),
                sessions={thread_sessions[t] for t in threads.get(person, ()) if t in thread_sessions},
                starred=starred.get(person, set()),
                interests=interests.get(person, set()),
                session_names=session_names,
                stream_names=stream_names,
                thread_sessions=thread_sessions,
            )
    return tables


def give_starting_points(
    tables: list[Table],
    *,
    thread_names: dict[int, str],
    thread_sessions: dict[int, int],
    session_threads: dict[int, list[int]],
    open_questions: dict[int, list[str]],
    session_streams: dict[int, int],
    stream_names: dict[int, str],
) -> None:
    """A thread and a starting question for each table, no two tables alike. A table grouped
    by a thread keeps it; the others take the busiest thread not yet taken from their session
    (or their stream's sessions, or any), and each takes the next open question of its
    thread's session not yet asked, else a question from ``STARTERS``."""
    taken: set[int] = set()
    for table in tables:  # tables grouped by a thread keep it (the first of its tables does)
        if table.group and table.group[0] == "thread" and table.group[1] not in taken:
            table.thread = table.group[1]
            taken.add(table.thread)
    sessions_of_stream: dict[int, list[int]] = defaultdict(list)
    for session, stream in sorted(session_streams.items()):
        sessions_of_stream[stream].append(session)
    every = [t for session in sorted(session_threads) for t in session_threads[session]]
    for table in tables:
        if table.thread is not None:
            continue
        kind, key = table.group or ("", None)
        if kind == "thread":  # a second table of one thread: the busiest other thread of its session
            pool = session_threads.get(thread_sessions.get(key), [])
        elif kind in ("session", "star"):
            pool = session_threads.get(key, [])
        elif kind == "interest":
            pool = [t for s in sessions_of_stream.get(key, []) for t in session_threads.get(s, [])]
        else:
            pool = []
        for candidates in (pool, every):
            free = [t for t in candidates if t not in taken]
            if free:
                table.thread = free[0]
                taken.add(free[0])
                break
        if table.thread in thread_names:
            table.label = thread_names[table.thread]
    asked: set[str] = set()
    for table in tables:
        session = thread_sessions.get(table.thread)
        fresh = [q for q in open_questions.get(session, []) + STARTERS if q not in asked]
        question = fresh[0] if fresh else STARTERS[table.number % len(STARTERS)]  # more tables than questions
        asked.add(question)
        table.question = question


def seat_reason(
    person: int,
    table: Table,
    *,
    threads: set[int],
    sessions: set[int],
    starred: set[int],
    interests: set[int],
    session_names: dict[int, str],
    stream_names: dict[int, str],
    thread_sessions: dict[int, int],
) -> str:
    """Why ``person`` sits at ``table``, in words a seat-mate would understand."""
    if table.thread in threads:
        return "Wrote in this thread"
    here = thread_sessions.get(table.thread)
    if here in sessions:
        return "Wrote in this session’s discussion"
    if here in starred:
        return "Starred this session"
    if sessions:
        return f"Wrote in “{session_names[min(sessions)]}”"
    if starred & set(session_names):
        return f"Starred “{session_names[min(starred & set(session_names))]}”"
    named = [stream_names[s] for s in sorted(interests) if s in stream_names]
    if named:
        return "Interested in " + " and ".join(named)
    return "New to these discussions: brings a fresh view"


def meetup_tables(
    event: RegionalEventPage, *, size: int | None = None, booked: list[int] | None = None
) -> tuple[list[Table], MeetupTables | None]:
    """The locked plan if a planner locked one, else tables suggested from today's bookings."""
    saved = MeetupTables.objects.filter(event=event).first()
    booked = attendee_ids(event) if booked is None else booked
    if saved is not None and saved.is_locked:
        coming = set(booked)  # people who cancelled since the lock leave their table
        return [
            Table(
                t["number"],
                t["label"],
                t["reason"],
                [pk for pk in t["members"] if pk in coming],
                question=t.get("question", ""),
                seats={int(pk): why for pk, why in t.get("seats", {}).items()},
            )
            for t in saved.plan
        ], saved
    size = size or (saved.table_size if saved else 6)
    continued = continued_sessions(event)
    sessions = [s.pk for s in continued]
    threads = threads_of(booked, session_ids=sessions or None)
    thread_ids = {t for ts in threads.values() for t in ts}
    thread_names, thread_sessions, session_names = {}, {}, {s.pk: s.title for s in continued}
    session_threads: dict[int, list[int]] = defaultdict(list)
    open_questions: dict[int, list[str]] = defaultdict(list)
    starters = shown(
        Contribution.objects.filter(session_id__in=sessions, parent__isnull=True, from_meetup__isnull=True)
    )
    rows = Contribution.objects.filter(Q(pk__in=thread_ids) | Q(pk__in=starters.values("pk")))
    for pk, session_id, title, body, question, answered, _replies in rows.order_by("-reply_count", "pk").values_list(
        "pk", "session_id", "session__title", "body", "is_question", "accepted_answer_id", "reply_count"
    ):
        thread_names[pk] = f"{title}: “{excerpt(body)}”"
        thread_sessions[pk], session_names[session_id] = session_id, title
        session_threads[session_id].append(pk)
        if question and answered is None:
            open_questions[session_id].append(excerpt(body, 24))
    interests: dict[int, set[int]] = defaultdict(set)
    for delegate_id, stream_id in Delegate.interests.through.objects.filter(delegate_id__in=booked).values_list(
        "delegate_id", "stream_id"
    ):
        interests[delegate_id].add(stream_id)
    starred: dict[int, set[int]] = defaultdict(set)
    for delegate_id, session_id in SessionStar.objects.filter(
        delegate_id__in=booked, session_id__in=sessions
    ).values_list("delegate_id", "session_id"):
        starred[delegate_id].add(session_id)

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
        starred=starred,
        session_threads=session_threads,
        open_questions=open_questions,
        session_streams={s.pk: s.stream_id for s in continued},
    )
    return tables, saved


def cached_tables(
    event: RegionalEventPage, *, booked: list[int], size: int | None = None
) -> tuple[list[Table], MeetupTables | None]:
    """``meetup_tables``, remembered until the bookings change (or ten minutes pass); ``size``
    (the dashboard's choice) else the saved size, else 6."""

    saved = MeetupTables.objects.filter(event=event).first()
    if saved is not None and saved.is_locked:
        return meetup_tables(event, booked=booked)
    size = size or (saved.table_size if saved else 6)
    key = f"relay:tables:{event.pk}:{size}:{bookings_fingerprint(booked)}"
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
    question: str = ""
    seats: list[tuple[str, str]] = field(default_factory=list)  # (name, why they are here), your table only


def tables_for_viewer(tables: list[Table], *, names: dict[int, str], viewer) -> list[ShownTable]:
    """Tables as this viewer may see them, given ``names``: the name of each member the viewer
    may see (``people.visible_names``); the rest are counted, not named. At their own table,
    each visible person comes with the reason they sit there."""
    shown_tables = []
    for table in tables:
        yours = viewer is not None and viewer.pk in table.members
        visible = sorted(
            (pk for pk in table.members if pk in names),
            key=lambda pk: (pk != getattr(viewer, "pk", None), names[pk], pk),
        )
        shown_tables.append(
            ShownTable(
                table.number,
                table.label,
                table.reason,
                sorted(names[pk] for pk in visible),
                sum(1 for pk in table.members if pk not in names),
                yours,
                table.question,
                [("You" if pk == viewer.pk else names[pk], table.seats.get(pk, "")) for pk in visible] if yours else [],
            )
        )
    return shown_tables
