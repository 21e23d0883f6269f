"""Reads for the calendar feeds: which entries a feed lists, live ones and recently cancelled
ones, never anything behind a view restriction, and a delegate's own events for their
private feed."""

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from wagtail.models import Page

from cms.caching import restrictions
from planner.models import Booking, BookingStatus, CalendarEntry, Registration, SessionStar
from planner.models.people import ACTIVE_STATUSES

CANCELLED_KEPT_FOR = timedelta(days=30)


def feed_entries(**filters) -> QuerySet[CalendarEntry]:
    """Calendar entries matching ``filters``: live ones, and cancelled ones for 30 days so
    subscribers' calendars see the cancellation before the event disappears."""
    cutoff = timezone.now() - CANCELLED_KEPT_FOR
    return (
        CalendarEntry.objects.filter(**filters)
        .filter(Q(cancelled_at__isnull=True) | Q(cancelled_at__gte=cutoff))
        .exclude(page_id__in=restricted_page_ids())
        .order_by("start", "page_id")
    )


def restricted_page_ids():
    """Ids of pages behind a view restriction (password, login, groups), or under one: they
    never appear in a feed, not even as cancelled. The restrictions come from the cache."""
    paths = [path for _pk, path, _depth in restrictions().restricted]
    if not paths:
        return Page.objects.none().values("pk")
    under = Q()
    for path in paths:
        under |= Q(path__startswith=path)
    return Page.objects.filter(under).values("pk")


def personal_feed_entries(delegate) -> QuerySet[CalendarEntry]:
    """The delegate's own events only: starred sessions and meetups they hold a place or
    queue for. Nobody else's name or booking is in them."""
    starred = SessionStar.objects.filter(delegate=delegate).values("session_id")
    booked = Booking.objects.filter(delegate=delegate, status__in=ACTIVE_STATUSES).values("event_id")
    return feed_entries().filter(Q(page_id__in=starred) | Q(page_id__in=booked))


def private_join_urls(delegate) -> tuple[tuple[int, str], ...]:
    """(session id, join link) of the sessions ``delegate`` starred at conferences they are
    registered for: their own feed may carry these links (planner.rules.joining)."""
    registered = tuple(Registration.objects.filter(delegate=delegate).values_list("conference__path", flat=True))
    if not registered:
        return ()
    starred = (
        SessionStar.objects.filter(delegate=delegate, session__cancellation__isnull=True)
        .exclude(session__join_url="")
        .values_list("session_id", "session__path", "session__join_url")
        .order_by("session_id")
    )
    return tuple((pk, url) for pk, path, url in starred if path.startswith(registered))


def waiting_meetup_ids(delegate) -> frozenset[int]:
    """Meetups the delegate only queues for: their feed marks them TENTATIVE, never CONFIRMED."""
    return frozenset(
        Booking.objects.filter(delegate=delegate, status=BookingStatus.WAITLISTED).values_list("event_id", flat=True)
    )
