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
from django.urls import reverse

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
    people = list(
        visible_delegates(viewer, among=booked).only("pk", "name", "role", "organisation").order_by("name", "pk")
    )
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

    delegate: Delegate
    reasons: list[Reason]
    wrote: tuple[str, str] | None = None
    connection: str = ""

    @property
    def reason_texts(self) -> list[str]:
        return [str(reason) for reason in self.reasons]


NEAR_KM = 40  # "lives near you": the same travel-to-work area, roughly
MOST_REASONS = 3  # the most telling; a card with six reasons reads as none


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
    the lower id. Everyone booked is scored with the bookings as a subquery (a 2,000-place
    meetup would otherwise put 2,000 parameters in each query); only the best-scored are then
    checked against the visibility rule, a few at a time. A fixed number of queries."""
    booked = attendee_ids(event) if booked is None else booked
    others = set(booked) - {viewer.pk}
    if not others:
        return []
    at_event = Booking.objects.filter(event=event).values("delegate_id")  # a superset of ``booked``
    sessions = [session.pk for session in (continued_sessions(event) if sessions is None else sessions)]
    in_sessions = shown(Contribution.objects.filter(session_id__in=sessions, author_id__in=at_event))
    mine = threads_of([viewer.pk], session_ids=sessions).get(viewer.pk, set())
    shared: dict[int, set[int]] = defaultdict(set)
    if mine:
        both = in_sessions.filter(Q(pk__in=mine) | Q(parent_id__in=mine))
        for author, thread in both.annotate(thread=Coalesce("parent_id", "id")).values_list("author_id", "thread"):
            shared[author].add(thread)
    wrote = dict(
        in_sessions.values("author_id").annotate(n=Count("id")).values_list("author_id", "n")
    )  # how much each wrote in the continued sessions
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
            -bool(wrote.get(pk)),
            -len(replied[pk]),
            -(connections.get(pk) == "connected"),
            -len(common[pk]),
            -(pk in near),
            pk,
        )

    ranked = sorted(
        (pk for pk in others if shared[pk] or wrote.get(pk) or replied[pk] or common[pk] or pk in near), key=rank
    )
    chosen: list[int] = []
    step = 4 * limit
    for start in range(0, len(ranked), step):
        batch = ranked[start : start + step]
        visible = set(visible_delegates(viewer, among=batch).values_list("pk", flat=True))
        chosen += [pk for pk in batch if pk in visible][: limit - len(chosen)]
        if len(chosen) == limit:
            break
    people = {d.pk: d for d in Delegate.objects.filter(pk__in=[*chosen, viewer.pk]).select_related("home_place")}
    named = set().union(*(shared[pk] for pk in chosen), *(replied[pk].values() for pk in chosen))
    their_best = {}  # each chosen person's most-replied contribution in the continued sessions
    for pk, author, parent, body, title in (
        in_sessions.filter(author_id__in=chosen)
        .order_by("-reply_count", "id")
        .values_list("pk", "author_id", "parent_id", "body", "session__title")
    ):
        their_best.setdefault(author, (pk, parent or pk, body, title))
    named |= {thread for _pk, thread, _body, _title in their_best.values()}
    threads = {
        pk: (f"“{excerpt(body, 7)}”", reverse("discussion:thread", args=[pk]))
        for pk, body, title in Contribution.objects.filter(pk__in=named).values_list("pk", "body", "session__title")
    }
    matches = []
    for pk in chosen:
        person = people[pk]
        reasons = []
        if shared[pk]:
            reasons.append(Reason("You both wrote in", [threads[t] for t in sorted(shared[pk])[:1] if t in threads]))
        elif pk in their_best:
            reasons.append(Reason("Wrote in a thread this meetup continues", [threads[their_best[pk][1]]]))
        for words, thread in replied[pk].items():
            if thread in threads and thread not in shared[pk]:  # not the thread just named
                reasons.append(Reason(words.capitalize() + " in", [threads[thread]]))
        if connections.get(pk) == "connected":
            reasons.append(Reason("You are connected"))
        if common[pk]:
            reasons.append(Reason("Both interested in " + and_list(common[pk])))
        if pk in near:
            reasons.append(Reason("Lives near you"))
        reasons = reasons[:MOST_REASONS]
        best = their_best.get(pk)
        wrote_link = (
            (threads[best[1]][0], reverse("discussion:thread", args=[best[1]]) + f"#c-{best[0]}") if best else None
        )
        matches.append(Match(person, reasons, wrote_link, connections.get(pk, "")))
    return matches


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
