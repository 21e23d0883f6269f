"""People to meet at a regional meetup: booked delegates the viewer may see, ranked by what
they share with the viewer (continued threads, replies, a connection, interests, living
near), each with concrete reasons and links. Split from ``carry_forward``, whose bookings,
sessions and threads it reads."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse

from planner.models import Booking, Connection, ConnectionStatus, Contribution, Delegate, RegionalEventPage, SessionPage
from planner.queries.carry_forward import (
    Person,
    attendee_ids,
    bookings_fingerprint,
    continued_sessions,
    excerpt,
    threads_of,
)
from planner.queries.discussion import shown
from planner.queries.people import visible_delegates
from venues.geography import haversine_km


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


def people_to_meet(
    event: RegionalEventPage,
    *,
    viewer: Delegate,
    booked: list[int] | None = None,
    limit: int = 8,
    sessions: list[SessionPage] | None = None,
    visible: dict | None = None,
    states: dict[int, str] | None = None,
) -> list[Match]:
    """Visible delegates coming to ``event`` the viewer should meet, each with concrete reasons.

    Ranked first by the threads of the sessions this meetup continues (those you both wrote
    in, then whether they wrote in them at all), then replies between the two of you, an
    existing connection, the interests you share, and living near each other; ties go to
    the lower id. The ranking (``rank_candidates``) is remembered for two minutes per viewer
    and set of bookings; names, the visibility rule and connections are read fresh on every
    call (``visible``, the booked people the viewer may see by id, as ``whos_coming`` read
    them for the same request, saves reading them again; so does ``states``, the viewer's
    ``connection_states``). Three queries when remembered (one with both), a fixed number
    when not."""
    booked = attendee_ids(event) if booked is None else booked
    key = f"relay:meet:{event.pk}:{viewer.pk}:{bookings_fingerprint(booked)}"
    found = cache.get(key)
    if found is None:
        found = rank_candidates(event, viewer=viewer, booked=booked, sessions=sessions)
        cache.set(key, found, MEET_CACHE_SECONDS)
    candidates, threads = found
    connections = connection_states(viewer) if states is None else states
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
    people = (
        visible
        if visible is not None
        else {
            row[0]: Person(*row)
            for row in visible_delegates(viewer, among=[c.pk for c in candidates]).values_list(
                "pk", "name", "role", "organisation"
            )
        }
    )
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
