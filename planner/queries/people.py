"""Reads about delegates. ``visible_delegates`` is the one rule for who may see whom; every
place a person can appear (directory, search, API, feeds, packs, "who's coming") uses it."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from cms.caching import Version
from planner.models import (
    Booking,
    BookingStatus,
    Connection,
    ConnectionStatus,
    Delegate,
    Registration,
    SessionPage,
    SessionStar,
    Visibility,
)
from planner.models.people import ACTIVE_STATUSES


def viewer_delegate(user) -> Delegate | None:
    """The Delegate behind ``user``, or None for anonymous users and staff without one."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Delegate.objects.filter(user=user).select_related("home_place").first()


def visible_delegates(viewer: Delegate | None, *, among=None) -> QuerySet[Delegate]:
    """Delegates ``viewer`` may see: those visible to everyone; plus, for a delegate, those
    visible to their conference who share a conference with the viewer; themself; and
    whoever chose to reveal themselves to the viewer by connecting or asking to.

    ``among`` (delegate ids) narrows the answer to those people, inside the subqueries too,
    so checking the authors on one page never reads every registration."""
    people = Delegate.objects.all() if among is None else Delegate.objects.filter(pk__in=among)
    rule = Q(visibility=Visibility.EVERYONE)
    if viewer is not None:
        viewer_conferences = Registration.objects.filter(delegate=viewer).values("conference_id")
        rule |= fellows_rule(viewer_conferences, among=among) | revealed_rule(viewer, among=among)
    return people.filter(rule)


def fellows_rule(conferences, *, among=None) -> Q:
    """Part of the one rule: delegates visible to their conference who are registered at one
    of ``conferences`` (ids, or a subquery of them: the viewer's)."""
    fellows = Registration.objects.filter(conference_id__in=conferences)
    if among is not None:
        fellows = fellows.filter(delegate_id__in=among)
    return Q(visibility=Visibility.CONFERENCE, pk__in=fellows.values("delegate_id"))


def revealed_rule(viewer: Delegate, *, among=None) -> Q:
    """Part of the one rule: the viewer themself, and whoever chose to reveal themselves to
    the viewer by asking to connect or connecting (whatever their visibility)."""
    revealed = Connection.objects.filter(
        Q(recipient=viewer) | Q(requester=viewer, status=ConnectionStatus.ACCEPTED)
    ).exclude(status=ConnectionStatus.DECLINED)
    asked_me, accepted_me = revealed.filter(recipient=viewer), revealed.filter(requester=viewer)
    if among is not None:
        asked_me, accepted_me = asked_me.filter(requester_id__in=among), accepted_me.filter(recipient_id__in=among)
    return Q(pk=viewer.pk) | Q(pk__in=asked_me.values("requester_id")) | Q(pk__in=accepted_me.values("recipient_id"))


PEOPLE = Version("relay:people-version")


def people_version() -> int:
    """Changes whenever a delegate or a registration is saved or deleted (the signals call
    ``bump_people_version``): part of the key of every cache that holds names or visibility,
    so a rename or a new privacy choice shows on the next request."""
    return PEOPLE.current()


def bump_people_version() -> None:
    """Retire every cache keyed by ``people_version``."""
    PEOPLE.bump()


HIDDEN_NAME = "a delegate"


def visible_names(viewer: Delegate | None, ids, *, within=None) -> dict[int, str]:
    """The names of those of ``ids`` the viewer may see, by id (the hidden are left out).
    ``within``, a subquery of delegate ids holding all of ``ids`` (a meetup's bookings),
    narrows the rule's subqueries instead of repeating hundreds of ids in each."""
    ids = set(ids)
    if not ids:
        return {}
    people = visible_delegates(viewer, among=ids if within is None else within)
    return dict(
        people.filter(pk__in=ids).values_list("pk", "name") if within is not None else people.values_list("pk", "name")
    )


def names_as_seen_by(viewer: Delegate | None, people) -> dict[int, str]:
    """Each of ``people``'s names (delegates or their ids) as ``viewer`` may read it, by id,
    in one query: their current name when the one visibility rule lets the viewer see them,
    else "a delegate". Names come from the database, never from the objects passed in, which
    may come from a cache and predate a rename."""
    ids = {getattr(person, "pk", person) for person in people}
    names = visible_names(viewer, ids)
    return {pk: names.get(pk, HIDDEN_NAME) for pk in ids}


def directory(viewer: Delegate | None, *, query: str = "", interest: int | None = None) -> QuerySet[Delegate]:
    """The delegate directory: visible delegates matching ``query`` (name, organisation,
    town) and ``interest`` (a stream id), by name, with what a listing shows loaded."""
    people = visible_delegates(viewer).select_related("home_place").prefetch_related("interests")
    for word in query.split()[:6]:
        people = people.filter(
            Q(name__icontains=word)
            | Q(organisation__icontains=word)
            | Q(role__icontains=word)
            | Q(home_place__name__icontains=word)  # the matched town only: what the page shows
        )
    if interest:
        people = people.filter(
            pk__in=Delegate.interests.through.objects.filter(stream_id=interest).values("delegate_id")
        )
    return people.order_by("name", "pk")


@dataclass
class ProgrammeItem:
    """One line of a delegate's own programme: a starred session or a booked meetup."""

    kind: str  # "session" or "meetup"
    title: str
    url: str
    start: datetime
    end: datetime
    detail: str
    page: object
    booking: Booking | None = None
    waitlist_position: int | None = None
    clashes_with: list[str] | None = None


def my_programme(delegate: Delegate) -> list[ProgrammeItem]:
    """Starred sessions and active meetup bookings in time order, each flagged with what it clashes with."""
    sessions = (
        SessionPage.objects.live()
        .filter(stars__delegate=delegate)
        .select_related("stream", "cancellation")
        .order_by("start")
    )
    bookings = (
        Booking.objects.filter(delegate=delegate, status__in=ACTIVE_STATUSES)
        .select_related("event", "event__venue", "event__cancellation")
        .order_by("event__start")
    )
    waiting = [b for b in bookings if b.status == BookingStatus.WAITLISTED]
    positions = waitlist_positions(waiting)
    items = [
        ProgrammeItem("session", s.title, s.url, s.start, s.end, f"Online · {s.stream.name}", s) for s in sessions
    ] + [
        ProgrammeItem(
            "meetup",
            b.event.title,
            b.event.url,
            b.event.start,
            b.event.end,
            f"{b.event.venue.name}, {b.event.venue.town}",
            b.event,
            booking=b,
            waitlist_position=positions.get(b.pk),
        )
        for b in bookings
    ]
    items.sort(key=lambda item: (item.start, item.end, item.title))
    going = [item for item in items if not item.page.called_off]  # a cancelled item clashes with nothing
    for item in going:
        item.clashes_with = [
            other.title for other in going if other is not item and other.start < item.end and item.start < other.end
        ]
    return items


def waitlist_positions(bookings: list[Booking]) -> dict[int, int]:
    """Waiting-list position (1 = next) for each waiting booking in ``bookings``: one query,
    numbering each meetup's queue in booking order."""
    waiting = [b for b in bookings if b.status == BookingStatus.WAITLISTED]
    if not waiting:
        return {}
    wanted = {b.pk for b in waiting}
    queue = (
        Booking.objects.filter(event_id__in={b.event_id for b in waiting}, status=BookingStatus.WAITLISTED)
        .annotate(position=Window(RowNumber(), partition_by=[F("event_id")], order_by=F("id").asc()))
        .values_list("pk", "position")
    )
    return {pk: position for pk, position in queue if pk in wanted}


@dataclass
class MeetupAvailability:
    capacity: int
    places_left: int
    waitlist_count: int
    booking: Booking | None = None
    waitlist_position: int | None = None


def meetup_availability(event, viewer: Delegate | None) -> MeetupAvailability:
    """Places left and queue length at ``event``, and ``viewer``'s own booking if any."""
    availability = MeetupAvailability(
        capacity=event.capacity, places_left=event.places_left, waitlist_count=event.waitlist_count
    )
    if viewer is not None:
        booking = Booking.objects.filter(delegate=viewer, event_id=event.pk, status__in=ACTIVE_STATUSES).first()
        if booking:
            availability.booking = booking
            availability.waitlist_position = waitlist_positions([booking]).get(booking.pk)
    return availability


def is_registered(conference, viewer: Delegate | None) -> bool:
    return viewer is not None and Registration.objects.filter(delegate=viewer, conference=conference).exists()


def starred_session_ids(viewer: Delegate | None, conference) -> set[int]:
    """The sessions of ``conference`` that ``viewer`` starred (none for anyone signed out)."""
    if viewer is None:
        return set()
    return set(
        SessionStar.objects.filter(delegate=viewer, session__path__startswith=conference.path).values_list(
            "session_id", flat=True
        )
    )


def has_starred(session, viewer: Delegate | None) -> bool:

    return viewer is not None and SessionStar.objects.filter(delegate=viewer, session=session).exists()


def what_cancelling_does(booking: Booking) -> str:
    """What cancelling ``booking`` would do to its place, in words, for the confirm step."""
    event = booking.event
    waiting = Booking.objects.filter(event_id=event.pk, status=BookingStatus.WAITLISTED).count()
    if booking.status == BookingStatus.WAITLISTED:
        behind = waitlist_positions([booking]).get(booking.pk, 0)
        after = waiting - behind
        moved = (
            f" and the {after} people behind you move up"
            if after > 1
            else " and the person behind you moves up"
            if after == 1
            else ""
        )
        return f"You leave the waiting list (you are number {behind}){moved}. You can join it again later, at the back."
    if event.start <= timezone.now():
        return "The meetup has started, so your place is not passed on. Nobody will be expected in your place."
    if waiting:
        return (
            "Your place goes at once to number 1 on the waiting list, and we email them. "
            "If you change your mind, you would join the back of the waiting list."
        )
    return "Your place becomes free for someone else to book. You can book again while places are left."
