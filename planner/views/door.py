"""The door of a meetup, for its facilitators and the planners, on a phone: arrived against
expected, people found by name or organisation with their table, one tap to check someone
in, undo a wrong tap, or admit someone from the waiting list. A light page: no script, no
admin chrome, one small stylesheet."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from planner import timefmt
from planner.converters import parse_id
from planner.models import Booking, BookingStatus, RegionalEventPage
from planner.queries.door import door_booking, door_counts, door_row, door_search, latest_arrivals
from planner.rules import roles
from planner.services.bookings import BookingRefused
from planner.services.checkin import admit_and_check_in, check_in, undo_check_in

MAX_QUERY_LENGTH = 100
DOOR_ACTIONS = ("check_in", "undo", "admit")
NOT_YOURS = (
    "Only this meetup’s facilitators and the planners can use its door list. If you are helping "
    "at the welcome desk, ask a planner to name you as a facilitator of this meetup."
)


def door_query(text: str) -> str:
    """The search as typed, without control characters or runs of spaces."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def door_url(event: RegionalEventPage, query: str = "") -> str:
    return reverse("door", args=[event.pk]) + (f"?{urlencode({'q': query})}" if query else "")


def seat_words(row) -> str:
    """ "Table 3", or why there is none yet, for the message after a check-in."""
    return f"table {row.table}" if row.table else "no table yet: seat them where there is room"


def meetup_day(event: RegionalEventPage) -> str:
    """ "Wednesday 16 December 2026, 09:45 to 16:00 GMT": which day's door this is."""
    day = timefmt.long_date(event.start.astimezone(event.zone).date())
    return f"{day}, {timefmt.time_range(event.start, event.end, event.zone)}"


@require_http_methods(["GET", "POST"])
def door(request, event_id: int):
    """The door list of one meetup: ``?q=`` finds people; a POST of ``booking`` and ``action``
    (check_in, undo, admit) acts on one of them and comes back to the same search."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    event = get_object_or_404(RegionalEventPage.objects.select_related("venue"), pk=event_id)
    if not roles.can_check_in(request.user, event):
        return render(request, "planner/door.html", {"event": event, "refused": NOT_YOURS}, status=403)
    source = request.POST if request.method == "POST" else request.GET
    query = door_query(source.get("q", ""))
    if len(query) > MAX_QUERY_LENGTH:
        return door_page(
            request,
            event,
            "",
            problem=f"Search for part of a name or an organisation, in at most {MAX_QUERY_LENGTH} characters.",
            status=400,
        )
    if request.method == "POST":
        return door_action(request, event, query)
    return door_page(request, event, query)


def door_page(request, event: RegionalEventPage, query: str, *, problem: str = "", status: int = 200, row=None):
    """The page: counts, the search box and what it found (or the latest arrivals)."""
    found = door_search(event, query) if query else latest_arrivals(event)
    context = {
        "event": event,
        "zone": event.zone,
        "when": meetup_day(event),
        "counts": door_counts(event),
        "query": query,
        "found": found,
        "problem": problem,
        "problem_row": row,
    }
    return render(request, "planner/door.html", context, status=status)


def door_action(request, event: RegionalEventPage, query: str):
    """Check in, undo or admit the posted booking, then back to the same search."""
    action = request.POST.get("action", "")
    booking_id = parse_id(request.POST.get("booking"))
    if action not in DOOR_ACTIONS or booking_id is None:
        return door_page(
            request, event, query, problem="Choose a person from the list, then one of their buttons.", status=400
        )
    booking = door_booking(event, booking_id)
    if booking is None:
        return door_page(
            request,
            event,
            query,
            problem="That booking is not one of this meetup’s: search for the person again.",
            status=404,
        )
    if booking.status == BookingStatus.CANCELLED:
        return door_page(
            request,
            event,
            query,
            problem=f"{booking.delegate.name}’s booking was cancelled, so they have no place at this meetup.",
            status=409,
        )
    if action == "undo":
        if undo_check_in(booking=booking):
            messages.success(request, f"Check-in undone: {booking.delegate.name} is not checked in.")
        return redirect(door_url(event, query))
    if action == "check_in" and booking.status == BookingStatus.WAITLISTED:
        row = door_row(event, booking)
        return door_page(
            request,
            event,
            query,
            problem=(
                f"Not checked in: {booking.delegate.name} is on the waiting list (no. {row.position}), "
                "not a confirmed place. Admit them if they may come in."
            ),
            status=409,
            row=row,
        )
    try:
        (admit if action == "admit" else check_in_and_say)(request, event, booking)
    except BookingRefused as refused:
        return door_page(request, event, query, problem=str(refused), status=409)
    return redirect(door_url(event, query))


def check_in_and_say(request, event: RegionalEventPage, booking: Booking) -> None:
    """Check ``booking`` in and tell the facilitator which table to send them to."""
    if check_in(booking=booking, by=request.user):
        messages.success(request, f"{booking.delegate.name} is checked in: {seat_words(door_row(event, booking))}.")
    else:
        messages.info(request, f"{booking.delegate.name} was already checked in.")


def admit(request, event: RegionalEventPage, booking: Booking) -> None:
    """Admit ``booking`` from the waiting list and check them in, saying so, with a warning
    when that took the meetup over its capacity. Raises BookingRefused for a cancelled one."""
    admission = admit_and_check_in(booking=booking, by=request.user)
    name = booking.delegate.name
    seat = seat_words(door_row(event, admission.booking))
    if admission.admitted:
        messages.success(request, f"{name} is admitted from the waiting list and checked in: {seat}.")
    else:
        messages.success(request, f"{name} already had a place and is checked in: {seat}.")
    if admission.admitted and admission.over_capacity:
        messages.warning(request, f"The meetup is now {admission.over_capacity} over capacity.")
