"""What a logged-in delegate does with the programme: register, book, star, see their own
programme; and the directory of delegates who chose to be visible."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from planner import timefmt
from planner.converters import parse_id
from planner.models import Booking, BookingStatus, CalendarToken, ConferencePage, RegionalEventPage, SessionPage, Stream
from planner.queries.discussion import connection_states
from planner.queries.people import directory as directory_query
from planner.queries.people import is_registered, viewer_delegate, waitlist_positions, what_cancelling_does
from planner.queries.people import my_programme as my_programme_query
from planner.rules.joining import join_link, may_see_join_links
from planner.services.agenda import cancel_registration, register_online, set_star
from planner.services.bookings import BookingRefused, book_meetup, cancel_booking
from planner.services.calendar import issue_calendar_token, revoke_calendar_token
from planner.views.accounts import require_delegate
from planner.views.navigation import back_to

DIRECTORY_PAGE_SIZE = 25


@login_required
@require_POST
def register(request, conference_id: int):
    """Register for (or, with ``action=cancel``, withdraw from) the online conference."""
    delegate = require_delegate(request)
    conference = get_object_or_404(ConferencePage.objects.live(), pk=conference_id)
    if request.POST.get("action") == "cancel":  # an old form: withdrawing goes through its confirmation
        return redirect("account:withdraw", conference_id=conference.pk)
    else:
        register_online(delegate=delegate, conference=conference)
        messages.success(request, f"You are registered to attend {conference.title} online.")
    return back_to(request, conference.url)


@login_required
@require_POST
def book(request, event_id: int):
    """Book a place at a meetup, or join its waiting list when it is full."""
    delegate = require_delegate(request)
    event = get_object_or_404(RegionalEventPage.objects.all(), pk=event_id)
    try:
        booking = book_meetup(delegate=delegate, event=event)
    except BookingRefused as refusal:
        return render(request, "account/refused.html", {"reason": str(refusal), "event": event}, status=409)
    if booking.status == "confirmed":
        messages.success(request, f"You have a place at {event.title}.")
    else:
        position = waitlist_positions([booking])[booking.pk]
        messages.success(request, f"{event.title} is full, so you are number {position} on the waiting list.")
    return back_to(request, event.url or "/")


@login_required
def withdraw(request, conference_id: int):
    """Withdrawing from the online conference: GET says what it means, a POST with
    ``confirm`` does it."""
    delegate = require_delegate(request)
    conference = get_object_or_404(ConferencePage.objects.live(), pk=conference_id)
    if not is_registered(conference, delegate):
        messages.info(request, f"You are not registered for {conference.title}.")
        return redirect(conference.url or "/")
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        cancel_registration(delegate=delegate, conference=conference)
        messages.success(request, f"You are no longer registered for {conference.title}.")
        return redirect(conference.url or "/")
    return render(request, "account/withdraw.html", {"conference": conference})


@login_required
def cancel(request, booking_id: int):
    """Cancelling one's own booking: GET (or a POST without ``confirm``) says what will
    happen to the place; a POST with ``confirm`` cancels. Someone else's booking is a 404,
    not a hint that it exists."""
    delegate = require_delegate(request)
    booking = get_object_or_404(Booking.objects.select_related("event"), pk=booking_id, delegate=delegate)
    if booking.status == BookingStatus.CANCELLED:
        messages.info(request, f"Your booking for {booking.event.title} was already cancelled.")
        return back_to(request, "/my/programme/")
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        cancel_booking(booking=booking, reason="Cancelled by the delegate")
        messages.success(
            request, f"Your booking for {booking.event.title} is cancelled. We have emailed you to confirm."
        )
        return back_to(request, "/my/programme/")
    return render(
        request,
        "account/cancel_booking.html",
        {"booking": booking, "event": booking.event, "what_happens": what_cancelling_does(booking)},
    )


@login_required
@require_POST
def star(request, session_id: int):
    """Add a session to (or with ``action=unstar`` remove it from) one's programme."""
    delegate = require_delegate(request)
    session = get_object_or_404(SessionPage.objects.live(), pk=session_id)
    starred = set_star(delegate=delegate, session=session, starred=request.POST.get("action") != "unstar")
    messages.success(request, f"“{session.title}” {'added to' if starred else 'removed from'} your programme.")
    return back_to(request, session.url)


@login_required
def my_programme(request):
    """The delegate's own programme in their zone, a day at a time, with clashes flagged and
    each session's join link when it is open (planner.rules.joining)."""
    delegate = require_delegate(request)
    items = my_programme_query(delegate)
    tz = timefmt.zone(delegate.time_zone)
    conferences = list(ConferencePage.objects.live().filter(registrations__delegate=delegate).order_by("start_date"))
    registered = tuple(conference.path for conference in conferences)
    may_join = may_see_join_links(request.user, registered=False)
    days: dict = {}
    for item in items:
        zone = item.page.zone if item.kind == "meetup" else tz
        days.setdefault(timezone.localtime(item.start, zone).date(), []).append(item)
        if item.kind == "session":
            item.join = join_link(item.page, may_join=may_join or item.page.path.startswith(registered))
    return render(
        request,
        "account/my_programme.html",
        {
            "items": items,
            "days": [(timefmt.long_date(day), day_items) for day, day_items in sorted(days.items())],
            "tz": tz,
            "delegate": delegate,
            "has_calendar": CalendarToken.objects.filter(delegate=delegate).exists(),
            "conferences": conferences,
        },
    )


def directory(request):
    """Delegates who chose to be visible to this viewer, searchable and paginated."""
    viewer = viewer_delegate(request.user)
    query = request.GET.get("q", "").strip()[:100]
    interest_id = parse_id(request.GET.get("interest"))
    people = directory_query(viewer, query=query, interest=interest_id)
    page = Paginator(people, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    states = connection_states(viewer, [person.pk for person in page.object_list])
    for person in page.object_list:
        person.connection = states.get(person.pk)
    return render(
        request,
        "account/directory.html",
        {
            "page_obj": page,
            "query": query,
            "interest": interest_id,
            "streams": Stream.objects.order_by("sort_order", "name"),
            "viewer": viewer,
        },
    )


@login_required
@require_POST
def personal_calendar(request):
    """Make a new personal feed address (the old one stops working at once) or switch it off.
    The address is shown once, on the page this returns: only its hash is stored."""

    delegate = require_delegate(request)
    if request.POST.get("action") == "off":
        revoke_calendar_token(delegate=delegate)
        messages.success(request, "Your personal calendar address is switched off; subscriptions to it stop updating.")
        return redirect("account:my_programme")
    token = issue_calendar_token(delegate=delegate)
    response = render(
        request,
        "account/calendar_created.html",
        {"feed_path": reverse("feed_personal", args=[token])},
    )
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
