"""Carry-forward: what a regional meetup takes from the online conference. Everything here is
derived from the meetup's agenda links (``AgendaItem.continues``), its bookings, the
contributions on the continued sessions and the connections between delegates.

- ``left_off``: per continued session, its numbers, findings, most-replied threads and open
  questions;
- ``whos_coming`` and ``people_to_meet``: booked delegates the viewer may see, marked and
  ranked for them;
- the discussion tables are in ``queries.tables``;
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
    RegionalEventPage,
    SessionPage,
    SessionStar,
)
from planner.queries.discussion import Suggestion, label_authors, shown
from planner.queries.people import visible_delegates

PER_SESSION = 3  # findings, most-replied threads and open questions shown per continued session
COMING_SHOWN = 120  # names listed on the page; the count covers the rest


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
