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
from django.urls import reverse

from planner.markup import plain_text
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
from planner.queries.discussion import label_authors, shown
from planner.queries.people import visible_delegates
from venues.geography import haversine_km

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


def whos_coming(
    event: RegionalEventPage,
    *,
    viewer: Delegate | None,
    booked: list[int] | None = None,
    who: str = "",
    limit: int = COMING_SHOWN,
) -> Coming:
    """Confirmed delegates the viewer may see, by name: the first ``limit`` (of those whose
    name, organisation or role holds ``who``, when given), with the counts of the rest; for
    a delegate, each marked if they are connected or discussed together. Only the viewer
    sees their own marks.

    The database counts and cuts the list, so a 2,000-place meetup reads no more rows than
    a small one; the bookings go into each query as a subquery, not as 2,000 parameters."""
    booked = attendee_ids(event) if booked is None else booked
    visible = visible_delegates(viewer, among=confirmed_at(event))
    seen = None
    if who:
        seen = visible.count()
        visible = visible.filter(Q(name__icontains=who) | Q(organisation__icontains=who) | Q(role__icontains=who))
    rows = list(
        visible.annotate(listed=Window(Count("pk")))  # counted in the same query as the first page of names
        .order_by("name", "pk")
        .values_list("pk", "name", "role", "organisation", "listed")[:limit]
    )
    listed = rows[0][-1] if rows else 0
    seen = listed if seen is None else seen
    attendees = [Attendee(Person(*row[:-1])) for row in rows]
    if viewer is not None and attendees:
        ids = [attendee.delegate.pk for attendee in attendees if attendee.delegate.pk != viewer.pk]
        connected = connected_ids(viewer)
        talked = discussed_with(viewer, ids)
        for attendee in attendees:
            attendee.connected = attendee.delegate.pk in connected
            attendee.discussed = attendee.delegate.pk in talked
    total = len(set(booked))
    return Coming(shown=attendees, hidden_count=total - seen, total=total, listed=listed)


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


@dataclass
class Reason:
    """Why to meet someone, in words, with the threads it names as (label, url) links."""

    text: str
    links: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return self.text + (": " + "; ".join(label for label, _url in self.links) if self.links else "")


@dataclass
class Match:
    """A person to meet at a meetup: who, why (most telling first), where to read what they
    wrote and the state of the viewer's connection with them ("connected", "pending" or "")."""

    delegate: Person
    reasons: list[Reason]
    wrote: tuple[str, str] | None = None
    connection: str = ""

    @property
    def reason_texts(self) -> list[str]:
        return [str(reason) for reason in self.reasons]


NEAR_KM = 40  # "lives near you": the same travel-to-work area, roughly
MOST_REASONS = 3  # the most telling; a card with six reasons reads as none


MEET_CACHE_SECONDS = 120
CANDIDATES = 64  # ranked and remembered per viewer; the visibility rule then picks from them


@dataclass
class Candidate:
    """What one booked person has in common with the viewer, as ``rank_candidates`` found it."""

    pk: int
    shared: list[int]  # threads of the continued sessions you both wrote in
    wrote: bool  # wrote in the continued sessions at all
    replied: dict[str, int]  # "you replied" / "replied to you": the first such thread
    common: list[str]  # interests you share, by name
    near: bool  # lives within NEAR_KM
    best: tuple[int, int] | None  # their most-replied contribution there and its thread


def bookings_fingerprint(booked: list[int]) -> str:
    """A short digest of a meetup's bookings (ids in booking order): it changes with any
    booking, cancellation or promotion, so caches keyed by it follow the bookings exactly."""
    return hashlib.blake2b(array("q", booked).tobytes(), digest_size=8).hexdigest()


def people_to_meet(
    event: RegionalEventPage,
    *,
    viewer: Delegate,
    booked: list[int] | None = None,
    limit: int = 8,
    sessions: list[SessionPage] | None = None,
) -> list[Match]:
    """Visible delegates coming to ``event`` the viewer should meet, each with concrete reasons.

    Ranked first by the threads of the sessions this meetup continues (those you both wrote
    in, then whether they wrote in them at all), then replies between the two of you, an
    existing connection, the interests you share, and living near each other; ties go to
    the lower id. The ranking (``rank_candidates``) is remembered for two minutes per viewer
    and set of bookings; names, the visibility rule and connections are read fresh on every
    call. Three queries when remembered, a fixed number when not."""
    booked = attendee_ids(event) if booked is None else booked
    key = f"relay:meet:{event.pk}:{viewer.pk}:{bookings_fingerprint(booked)}"
    found = cache.get(key)
    if found is None:
        found = rank_candidates(event, viewer=viewer, booked=booked, sessions=sessions)
        cache.set(key, found, MEET_CACHE_SECONDS)
    candidates, threads = found
    connections = connection_states(viewer)
    candidates = sorted(
        candidates,
        key=lambda c: (
            -len(c.shared),
            -c.wrote,
            -len(c.replied),
            -(connections.get(c.pk) == "connected"),
            -len(c.common),
            -c.near,
            c.pk,
        ),
    )
    people = {
        row[0]: Person(*row)
        for row in visible_delegates(viewer, among=[c.pk for c in candidates]).values_list(
            "pk", "name", "role", "organisation"
        )
    }
    matches = []
    for candidate in [c for c in candidates if c.pk in people][:limit]:
        reasons = []
        if candidate.shared:
            reasons.append(Reason("You both wrote in", [threads[t] for t in candidate.shared[:1] if t in threads]))
        elif candidate.best:
            reasons.append(Reason("Wrote in a thread this meetup continues", [threads[candidate.best[1]]]))
        for words, thread in candidate.replied.items():
            if thread in threads and thread not in candidate.shared:  # not the thread just named
                reasons.append(Reason(words.capitalize() + " in", [threads[thread]]))
        if connections.get(candidate.pk) == "connected":
            reasons.append(Reason("You are connected"))
        if candidate.common:
            reasons.append(Reason("Both interested in " + and_list(candidate.common)))
        if candidate.near:
            reasons.append(Reason("Lives near you"))
        best = candidate.best
        wrote_link = (threads[best[1]][0], threads[best[1]][1] + f"#c-{best[0]}") if best else None
        matches.append(
            Match(people[candidate.pk], reasons[:MOST_REASONS], wrote_link, connections.get(candidate.pk, ""))
        )
    return matches


def rank_candidates(
    event: RegionalEventPage, *, viewer: Delegate, booked: list[int], sessions: list[SessionPage] | None = None
) -> tuple[list[Candidate], dict[int, tuple[str, str]]]:
    """The ``CANDIDATES`` booked people with most in common with ``viewer`` (see
    ``people_to_meet``), and the threads their reasons name, as (excerpt, url) by id.

    Everyone booked is scored with the bookings as a subquery (a 2,000-place meetup would
    otherwise put 2,000 parameters in each query). A fixed number of queries."""
    others = set(booked) - {viewer.pk}
    if not others:
        return [], {}
    at_event = Booking.objects.filter(event=event).values("delegate_id")  # a superset of ``booked``
    sessions = [session.pk for session in (continued_sessions(event) if sessions is None else sessions)]
    in_sessions = shown(Contribution.objects.filter(session_id__in=sessions, author_id__in=at_event))
    mine = threads_of([viewer.pk], session_ids=sessions).get(viewer.pk, set())
    shared: dict[int, set[int]] = defaultdict(set)
    if mine:
        both = in_sessions.filter(Q(pk__in=mine) | Q(parent_id__in=mine))
        for author, thread in both.annotate(thread=Coalesce("parent_id", "id")).values_list("author_id", "thread"):
            shared[author].add(thread)
    wrote = set(in_sessions.values_list("author_id", flat=True).distinct())  # wrote in the continued sessions
    replied: dict[int, dict[str, int]] = defaultdict(dict)
    for author, parent_author, thread in (
        shown(Contribution.objects.filter(parent__isnull=False))
        .filter(Q(author=viewer, parent__author_id__in=at_event) | Q(parent__author=viewer, author_id__in=at_event))
        .values_list("author_id", "parent__author_id", "parent_id")
        .order_by("id")
    ):
        if author == viewer.pk:
            replied[parent_author].setdefault("you replied", thread)
        else:
            replied[author].setdefault("replied to you", thread)
    connections = connection_states(viewer)
    my_streams = Delegate.interests.through.objects.filter(delegate=viewer).values("stream_id")
    common: dict[int, list[str]] = defaultdict(list)
    for delegate_id, name in (
        Delegate.interests.through.objects.filter(delegate_id__in=at_event, stream_id__in=my_streams)
        .order_by("stream__sort_order", "stream__name")
        .values_list("delegate_id", "stream__name")
    ):
        common[delegate_id].append(name)
    near = neighbours(viewer, at_event)

    def rank(pk: int) -> tuple:
        return (
            -len(shared[pk]),
            -(pk in wrote),
            -len(replied[pk]),
            -(connections.get(pk) == "connected"),
            -len(common[pk]),
            -(pk in near),
            pk,
        )

    chosen = sorted(
        (pk for pk in others if shared[pk] or pk in wrote or replied[pk] or common[pk] or pk in near), key=rank
    )[:CANDIDATES]
    named = set().union(*(shared[pk] for pk in chosen), *(replied[pk].values() for pk in chosen))
    their_best = {}  # each chosen person's most-replied contribution in the continued sessions
    for pk, author, parent in (
        in_sessions.filter(author_id__in=chosen)
        .order_by("-reply_count", "id")
        .values_list("pk", "author_id", "parent_id")
    ):
        their_best.setdefault(author, (pk, parent or pk))
    named |= {thread for _pk, thread in their_best.values()}
    threads = {
        pk: (f"“{excerpt(body, 7)}”", reverse("discussion:thread", args=[pk]))
        for pk, body in Contribution.objects.filter(pk__in=named).values_list("pk", "body")
    }
    candidates = [
        Candidate(
            pk,
            sorted(shared[pk]),
            pk in wrote,
            replied[pk],
            common[pk],
            pk in near,
            their_best.get(pk),
        )
        for pk in chosen
    ]
    return candidates, threads


def connection_states(viewer: Delegate) -> dict[int, str]:
    """Everyone ``viewer`` is connected to ("connected") or has a request open with ("pending")."""
    states = {}
    for requester, recipient, status in Connection.objects.filter(
        Q(requester=viewer) | Q(recipient=viewer),
        status__in=[ConnectionStatus.ACCEPTED, ConnectionStatus.PENDING],
    ).values_list("requester_id", "recipient_id", "status"):
        other = recipient if requester == viewer.pk else requester
        states[other] = "connected" if status == ConnectionStatus.ACCEPTED else states.get(other, "pending")
    return states


def and_list(words: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def excerpt(text: str, words: int = 8) -> str:
    """The first ``words`` words of ``text``, with an ellipsis when cut."""
    parts = text.split()
    if len(parts) <= words:
        return text.strip()
    return " ".join(parts[:words]).rstrip(".,;:!?") + "…"


def neighbours(viewer: Delegate, among) -> set[int]:
    """Which of ``among`` (ids or a subquery) live within ``NEAR_KM`` of the viewer's home town."""
    home = Delegate.objects.filter(pk=viewer.pk).values_list("home_place__latitude", "home_place__longitude").first()
    if not home or home[0] is None:
        return set()
    lat, lon = float(home[0]), float(home[1])
    box = NEAR_KM / 111  # degrees of latitude; longitude's are shorter, so its box is wider
    rows = Delegate.objects.filter(
        pk__in=among,
        home_place__latitude__range=(lat - box, lat + box),
        home_place__longitude__range=(lon - 2 * box, lon + 2 * box),
    ).values_list("pk", "home_place__latitude", "home_place__longitude")
    return {
        pk
        for pk, their_lat, their_lon in rows
        if pk != viewer.pk and haversine_km(lat, lon, float(their_lat), float(their_lon)) <= NEAR_KM
    }


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
