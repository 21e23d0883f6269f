"""Carry-forward: what a regional meetup takes from the online conference. Everything here is
derived from the meetup's agenda links (``AgendaItem.continues``), its bookings, the
contributions on the continued sessions and the connections between delegates.

- ``left_off``: per continued session, its numbers, findings, most-replied threads and open
  questions;
- ``whos_coming`` and ``people_to_meet``: booked delegates the viewer may see, marked and
  ranked for them;
- ``suggest_tables``: booked delegates grouped into tables by the threads they share
  (pure and deterministic), and ``meetup_tables`` for the plan a planner locked;
- ``session_suggestions``: which sessions matter most to the people booked, for the planner.

Every function costs a fixed number of queries, whatever the bookings or contributions."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, F, Q, Window
from django.db.models.functions import Coalesce, RowNumber

from planner.models import (
    Booking,
    BookingStatus,
    Connection,
    ConnectionStatus,
    Contribution,
    Delegate,
    MeetupTables,
    RegionalEventPage,
    SessionPage,
    SessionStar,
    Stream,
)
from planner.queries.discussion import Suggestion, label_authors, shown
from planner.queries.people import visible_delegates

PER_SESSION = 3  # findings, most-replied threads and open questions shown per continued session
COMING_SHOWN = 120  # names listed on the page; the count covers the rest
TABLES_CACHE_SECONDS = 600


def continued_sessions(event: RegionalEventPage) -> list[SessionPage]:
    """Published sessions of the meetup's own conference that its agenda continues, in time order."""
    return list(
        SessionPage.objects.live()
        .filter(continued_by__page=event, stream__conference_id=event.get_parent().pk)
        .select_related("stream")
        .distinct()
        .order_by("start", "pk")
    )


def attendee_ids(event: RegionalEventPage, *, statuses=(BookingStatus.CONFIRMED,)) -> list[int]:
    """Delegates with a booking of ``statuses`` at ``event``, in booking order."""
    return list(
        Booking.objects.filter(event=event, status__in=statuses).order_by("id").values_list("delegate_id", flat=True)
    )


@dataclass
class SessionDigest:
    session: SessionPage
    contributions: int = 0
    contributors: int = 0
    open_question_count: int = 0
    findings: list = field(default_factory=list)
    most_replied: list = field(default_factory=list)
    open_questions: list = field(default_factory=list)
    outcomes: list = field(default_factory=list)


def _top(queryset, *, order, limit: int = PER_SESSION) -> list[Contribution]:
    """The first ``limit`` rows per session of ``queryset`` by ``order``, in one query (the
    ranking and the cut both happen in the database)."""
    ranked = queryset.annotate(rank=Window(RowNumber(), partition_by=[F("session_id")], order_by=order))
    return list(
        ranked.filter(rank__lte=limit).select_related("author", "from_meetup__venue").order_by("session_id", "rank")
    )


LEFT_OFF_CACHE_SECONDS = 120


def left_off(event: RegionalEventPage, *, viewer: Delegate | None, sessions=None) -> list[SessionDigest]:
    """Where the online conference left off: one digest per continued session, each author
    named as ``viewer`` may see them. The digests are kept two minutes in the cache (ranking
    thousands of threads on every page view would not scale); names are never cached."""

    sessions = continued_sessions(event) if sessions is None else sessions
    if not sessions:
        return []
    key = f"relay:left-off:{event.pk}:{'-'.join(str(s.pk) for s in sessions)}"
    digests = cache.get(key)
    if digests is None:
        digests = collect_digests(sessions)
        cache.set(key, digests, LEFT_OFF_CACHE_SECONDS)
    label_authors([c for d in digests for c in (*d.findings, *d.most_replied, *d.open_questions, *d.outcomes)], viewer)
    return digests


def collect_digests(sessions: list[SessionPage]) -> list[SessionDigest]:
    """Each session's numbers, findings, most-replied threads, open questions and outcomes."""
    ids = [session.pk for session in sessions]
    contributions = shown(Contribution.objects.filter(session_id__in=ids))
    digests = {session.pk: SessionDigest(session) for session in sessions}
    for row in contributions.values("session_id").annotate(
        n=Count("id"),
        people=Count("author", distinct=True),
        open=Count("id", filter=Q(is_question=True, accepted_answer__isnull=True, parent__isnull=True)),
    ):
        digest = digests[row["session_id"]]
        digest.contributions, digest.contributors, digest.open_question_count = row["n"], row["people"], row["open"]
    threads = contributions.filter(parent__isnull=True)
    for attribute, rows in (
        ("findings", _top(contributions.filter(finding_at__isnull=False), order=[F("reply_count").desc(), F("id")])),
        (
            "most_replied",
            _top(threads.filter(reply_count__gt=0, from_meetup__isnull=True), order=[F("reply_count").desc(), F("id")]),
        ),
        (
            "open_questions",
            _top(
                threads.filter(is_question=True, accepted_answer__isnull=True),
                order=[F("last_activity_at").desc(), F("id")],
            ),
        ),
        (
            "outcomes",
            _top(threads.filter(from_meetup__isnull=False), order=[F("created_at").desc(), F("id")], limit=10),
        ),
    ):
        for row in rows:
            getattr(digests[row.session_id], attribute).append(row)
    return list(digests.values())


@dataclass
class Attendee:
    delegate: Delegate
    connected: bool = False
    discussed: bool = False


@dataclass
class Coming:
    shown: list[Attendee]
    hidden_count: int  # booked, but not visible to this viewer
    total: int


def whos_coming(event: RegionalEventPage, *, viewer: Delegate | None, booked: list[int] | None = None) -> Coming:
    """Confirmed delegates the viewer may see, by name; for a delegate, each marked if they
    are connected or discussed together. Only the viewer sees their own marks."""
    booked = attendee_ids(event) if booked is None else booked
    people = list(visible_delegates(viewer, among=booked).select_related("home_place").order_by("name", "pk"))
    attendees = [Attendee(person) for person in people]
    if viewer is not None and attendees:
        ids = {a.delegate.pk for a in attendees} - {viewer.pk}
        connected = connected_ids(viewer, ids)
        talked = discussed_with(viewer, ids)
        for attendee in attendees:
            attendee.connected = attendee.delegate.pk in connected
            attendee.discussed = attendee.delegate.pk in talked
    return Coming(shown=attendees, hidden_count=len(set(booked)) - len(attendees), total=len(set(booked)))


def connected_ids(viewer: Delegate, ids=None) -> set[int]:
    """Which of ``ids`` (or of everyone) have an accepted connection with ``viewer``."""
    rows = Connection.objects.filter(Q(requester=viewer) | Q(recipient=viewer), status=ConnectionStatus.ACCEPTED)
    if ids is not None:
        rows = rows.filter(Q(recipient_id__in=ids) | Q(requester_id__in=ids))
    rows = rows.values_list("requester_id", "recipient_id")
    return {a if b == viewer.pk else b for a, b in rows}


def threads_of(delegate_ids, *, session_ids=None) -> dict[int, set[int]]:
    """Thread ids each delegate wrote in (opened or replied), optionally within some sessions."""
    rows = shown(Contribution.objects.filter(author_id__in=delegate_ids))
    if session_ids is not None:
        rows = rows.filter(session_id__in=session_ids)
    threads: dict[int, set[int]] = defaultdict(set)
    for author, thread in rows.annotate(thread=Coalesce("parent_id", "id")).values_list("author_id", "thread"):
        threads[author].add(thread)
    return threads


def discussed_with(viewer: Delegate, ids) -> set[int]:
    """Which of ``ids`` wrote in a thread the viewer wrote in."""
    mine = threads_of([viewer.pk]).get(viewer.pk, set())
    if not mine:
        return set()
    rows = shown(Contribution.objects.filter(Q(pk__in=mine) | Q(parent_id__in=mine), author_id__in=ids))
    return set(rows.values_list("author_id", flat=True))


def people_to_meet(
    event: RegionalEventPage, *, viewer: Delegate, booked: list[int] | None = None, limit: int = 8
) -> list[Suggestion]:
    """Visible delegates coming to ``event`` the viewer should meet, ranked by the threads
    they share, then being connected, then interests in common; each with its reasons.

    Everyone booked is scored first, with the bookings as a subquery rather than a list of
    ids (a 1,200-place meetup would otherwise put 1,200 parameters in each query); only the
    best-scored are then checked against the visibility rule, a few at a time."""
    booked = attendee_ids(event) if booked is None else booked
    others = set(booked) - {viewer.pk}
    if not others:
        return []
    at_event = Booking.objects.filter(event=event).values("delegate_id")  # a superset of ``booked``
    mine = threads_of([viewer.pk]).get(viewer.pk, set())
    shared: Counter = Counter()
    if mine:
        rows = shown(Contribution.objects.filter(Q(pk__in=mine) | Q(parent_id__in=mine), author_id__in=at_event))
        for author, _thread in (
            rows.annotate(thread=Coalesce("parent_id", "id")).values_list("author_id", "thread").distinct()
        ):
            shared[author] += author in others
    connected = connected_ids(viewer) & others
    my_streams = Delegate.interests.through.objects.filter(delegate=viewer).values("stream_id")
    common: Counter = Counter(
        dict(
            Delegate.interests.through.objects.filter(delegate_id__in=at_event, stream_id__in=my_streams)
            .values("delegate_id")
            .annotate(n=Count("id"))
            .values_list("delegate_id", "n")
        )
    )
    scores = {pk: 3 * shared[pk] + 2 * (pk in connected) + common[pk] for pk in others}
    ranked = sorted((pk for pk, score in scores.items() if score > 0), key=lambda pk: (-scores[pk], pk))
    chosen: list[int] = []
    step = 4 * limit
    for start in range(0, len(ranked), step):
        batch = ranked[start : start + step]
        visible = set(visible_delegates(viewer, among=batch).values_list("pk", flat=True))
        chosen += [pk for pk in batch if pk in visible][: limit - len(chosen)]
        if len(chosen) == limit:
            break
    people = {d.pk: d for d in Delegate.objects.filter(pk__in=chosen).select_related("home_place")}
    suggestions = []
    for pk in chosen:
        reasons = []
        if shared[pk]:
            reasons.append(f"You both wrote in {shared[pk]} thread{'s' if shared[pk] != 1 else ''}")
        if pk in connected:
            reasons.append("You are connected")
        if common[pk]:
            reasons.append(f"{common[pk]} interest{'s' if common[pk] != 1 else ''} in common")
        suggestions.append(Suggestion(people[pk], scores[pk], reasons))
    return suggestions


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


@dataclass
class SessionInterest:
    session: SessionPage
    contributors: int
    starred: int
    asked: int
    continued: bool

    @property
    def score(self) -> int:
        return 3 * self.contributors + 2 * self.asked + self.starred


def session_suggestions(
    event: RegionalEventPage, *, booked: list[int] | None = None, limit: int = 12
) -> list[SessionInterest]:
    """Sessions of the meetup's conference ranked by how much its booked delegates engaged
    with them: how many wrote there, asked a question there, or starred the session.

    Read from the booked people's own rows (their contributions and stars, through the
    author and delegate indexes), then counted here, so the cost follows the bookings,
    not the size of the conference."""
    booked = (
        attendee_ids(event, statuses=(BookingStatus.CONFIRMED, BookingStatus.WAITLISTED)) if booked is None else booked
    )
    conference_sessions = {
        s.pk: s
        for s in SessionPage.objects.filter(stream__conference_id=event.get_parent().pk).select_related("stream")
    }
    writers: dict[int, set[int]] = defaultdict(set)
    asked: Counter = Counter()
    for session_id, author_id, is_question in shown(Contribution.objects.filter(author_id__in=booked)).values_list(
        "session_id", "author_id", "is_question"
    ):
        if session_id in conference_sessions:
            writers[session_id].add(author_id)
            asked[session_id] += is_question
    starred = Counter(
        session_id
        for session_id in SessionStar.objects.filter(delegate_id__in=booked).values_list("session_id", flat=True)
        if session_id in conference_sessions
    )
    continued = {s.pk for s in continued_sessions(event)}
    ranked = [
        SessionInterest(conference_sessions[pk], len(writers[pk]), starred[pk], asked[pk], pk in continued)
        for pk in set(writers) | set(starred)
    ]
    ranked.sort(key=lambda s: (-s.score, s.session.start, s.session.pk))
    return ranked[:limit]


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
