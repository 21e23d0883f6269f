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

import hashlib
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import Coalesce, RowNumber

from planner.markup import plain_text
from planner.models import (
    Booking,
    BookingStatus,
    Connection,
    ConnectionStatus,
    Contribution,
    Delegate,
    RegionalEventPage,
    Registration,
    SessionPage,
    SessionStar,
    Visibility,
)
from planner.queries.discussion import label_authors, shown
from planner.queries.people import fellows_rule, people_version, revealed_rule

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


def confirmed_at(event: RegionalEventPage) -> QuerySet:
    """The delegates confirmed at ``event``, as a subquery to narrow other queries with."""
    return Booking.objects.filter(event=event, status=BookingStatus.CONFIRMED).values("delegate_id")


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
            words = plain_text(row.body_html).split()
            row.summary = " ".join(words[:40]) + ("…" if len(words) > 40 else "")  # shown
            row.short = " ".join(words[:6]) + ("…" if len(words) > 6 else "")  # names its links for screen readers
            getattr(digests[row.session_id], attribute).append(row)
    return list(digests.values())


class Person(NamedTuple):
    """The little of a delegate a list of names shows."""

    pk: int
    name: str
    role: str
    organisation: str


@dataclass
class Attendee:
    delegate: Person
    connected: bool = False
    discussed: bool = False


@dataclass
class Coming:
    shown: list[Attendee]  # the first ``COMING_SHOWN`` the viewer may see (matching ``who``), by name
    hidden_count: int  # booked, but not visible to this viewer
    total: int
    listed: int = 0  # how many the viewer may see match ``who`` (everyone they may see, without one)
    people: dict[int, Person] = field(default_factory=dict)  # everyone booked the viewer may see, by id

    @property
    def names(self) -> dict[int, str]:
        return {pk: person.name for pk, person in self.people.items()}


def whos_coming(
    event: RegionalEventPage,
    *,
    viewer: Delegate | None,
    booked: list[int] | None = None,
    who: str = "",
    limit: int = COMING_SHOWN,
    connected: set[int] | None = None,
) -> Coming:
    """Confirmed delegates the viewer may see, by name: the first ``limit`` (of those whose
    name, organisation or role holds ``who``, when given), with the counts of the rest; for
    a delegate, each marked if they are connected or discussed together. Only the viewer
    sees their own marks.

    The database counts and cuts the list, so a 2,000-place meetup reads no more rows than
    a small one; the bookings go into each query as a subquery, not as 2,000 parameters."""
    booked = attendee_ids(event) if booked is None else booked
    everyone = visible_booked(event, viewer=viewer, booked=booked)
    words = who.casefold()
    matching = (
        [
            p
            for p in everyone
            if words in p.name.casefold() or words in p.organisation.casefold() or words in p.role.casefold()
        ]
        if words
        else everyone
    )
    seen, listed = len(everyone), len(matching)
    attendees = [Attendee(person) for person in matching[:limit]]
    if viewer is not None and attendees:
        ids = [attendee.delegate.pk for attendee in attendees if attendee.delegate.pk != viewer.pk]
        connected = connected_ids(viewer) if connected is None else connected
        talked = discussed_with(viewer, ids)
        for attendee in attendees:
            attendee.connected = attendee.delegate.pk in connected
            attendee.discussed = attendee.delegate.pk in talked
    total = len(set(booked))
    people = {person.pk: person for person in everyone}
    return Coming(shown=attendees, hidden_count=total - seen, total=total, listed=listed, people=people)


VISIBLE_BOOKED_SECONDS = 120


def visible_booked(event: RegionalEventPage, *, viewer: Delegate | None, booked: list[int]) -> list[Person]:
    """Every confirmed delegate at ``event`` the viewer may see (the one rule), by name.

    Most of the list is the same for every delegate registered at the same conferences (those
    visible to everyone, and to those conferences): that part is cached, keyed by the bookings
    (``bookings_fingerprint``), the conferences and ``people_version`` (which any change to a
    delegate or a registration moves on), so 2,000 people opening the page on the day share
    one read. The viewer's own part (themself, whoever revealed themselves to them) is read
    fresh on every request."""
    among = confirmed_at(event)
    conferences = (
        sorted(Registration.objects.filter(delegate=viewer).values_list("conference_id", flat=True)) if viewer else []
    )
    key = (
        f"relay:visible-booked:{event.pk}:{bookings_fingerprint(booked)}:{people_version()}:"
        f"{'-'.join(map(str, conferences)) or 'public'}"
    )
    shared = _recent.get(key) or cache.get(key)
    if shared is None:
        rule = Q(visibility=Visibility.EVERYONE)
        if conferences:
            rule |= fellows_rule(conferences, among=among)
        rows = Delegate.objects.filter(pk__in=among).filter(rule).values_list("pk", "name", "role", "organisation")
        shared = sorted((Person(*row) for row in rows), key=by_name)
        cache.set(key, shared, VISIBLE_BOOKED_SECONDS)
    _remember(key, shared)
    if viewer is None:
        return shared
    # The viewer's own few (themself, their connections and requests), kept if they are booked.
    confirmed, listed = set(booked), {person.pk for person in shared}
    own = [
        Person(*row)
        for row in Delegate.objects.filter(revealed_rule(viewer)).values_list("pk", "name", "role", "organisation")
        if row[0] in confirmed and row[0] not in listed
    ]
    return sorted([*shared, *own], key=by_name) if own else shared


# This process's last few lists, so a busy page does not unpickle 2,000 names from the cache
# on every request. Safe to share between requests: the key names the bookings and the
# people_version it was read at, and the version itself is read from the shared cache.
_recent: dict[str, list] = {}
RECENT_LISTS = 16


def _remember(key: str, shared: list) -> None:
    if key not in _recent:
        while len(_recent) >= RECENT_LISTS:
            _recent.pop(next(iter(_recent)))
        _recent[key] = shared


def by_name(person: Person) -> tuple[str, int]:
    return (person.name, person.pk)


def connected_ids(viewer: Delegate) -> set[int]:
    """Everyone with an accepted connection with ``viewer`` (a person's own few)."""
    rows = Connection.objects.filter(Q(requester=viewer) | Q(recipient=viewer), status=ConnectionStatus.ACCEPTED)
    return {a if b == viewer.pk else b for a, b in rows.values_list("requester_id", "recipient_id")}


def threads_of(delegate_ids, *, session_ids=None) -> dict[int, set[int]]:
    """Thread ids each delegate wrote in (opened or replied), optionally within some sessions."""
    rows = shown(Contribution.objects.filter(author_id__in=delegate_ids))
    if session_ids is not None:
        rows = rows.filter(session_id__in=session_ids)
    threads: dict[int, set[int]] = defaultdict(set)
    for author, thread in rows.annotate(thread=Coalesce("parent_id", "id")).values_list("author_id", "thread"):
        threads[author].add(thread)
    return threads


def discussed_with(viewer: Delegate, among) -> set[int]:
    """Which of ``among`` (ids or a subquery of them) wrote in a thread the viewer wrote in."""
    mine = shown(Contribution.objects.filter(author=viewer)).annotate(thread=Coalesce("parent_id", "id"))
    mine = mine.values("thread")
    rows = shown(Contribution.objects.filter(Q(pk__in=mine) | Q(parent_id__in=mine), author_id__in=among))
    return set(rows.values_list("author_id", flat=True).distinct())


def bookings_fingerprint(booked: list[int]) -> str:
    """A short digest of a meetup's bookings (ids in booking order): it changes with any
    booking, cancellation or promotion, so caches keyed by it follow the bookings exactly."""
    return hashlib.blake2b(array("q", booked).tobytes(), digest_size=8).hexdigest()


def excerpt(text: str, words: int = 8) -> str:
    """The first ``words`` words of ``text``, with an ellipsis when cut."""
    parts = text.split()
    if len(parts) <= words:
        return text.strip()
    return " ".join(parts[:words]).rstrip(".,;:!?") + "…"


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
