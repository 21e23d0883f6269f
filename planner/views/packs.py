"""Delegate packs (PDF and an accessible web version of the same), and checking in at the
door from the QR code. Badge sheets and pack runs are printed from the workspace."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from planner.downloads import pdf_response
from planner.models import Booking, BookingStatus, ConferencePage, RegionalEventPage
from planner.models.people import ACTIVE_STATUSES
from planner.packs.context import booking_from_token, pack_context
from planner.packs.pack import render_pack
from planner.queries.door import door_counts, door_row
from planner.queries.meetups import checked_in_count
from planner.rules import roles
from planner.services.bookings import BookingRefused
from planner.views import door
from planner.views.accounts import require_delegate


def own_meetup_pack(request, event_id: int):
    """The delegate's pack context for a meetup they have a place (or queue place) at; 404
    for anyone else's, so nobody learns who is booked where."""
    delegate = require_delegate(request)
    event = get_object_or_404(RegionalEventPage.objects.live().select_related("venue"), pk=event_id)
    if not Booking.objects.filter(delegate=delegate, event=event, status__in=ACTIVE_STATUSES).exists():
        raise Http404("You have no booking at this meetup.")
    return delegate, event, pack_context(delegate=delegate, event=event, base_url=request.build_absolute_uri("/")[:-1])


@login_required
def meetup_pack(request, event_id: int):
    """The pack as a web page: the same content as the PDF, readable by screen readers."""
    delegate, event, ctx = own_meetup_pack(request, event_id)
    return render(request, "planner/pack.html", {"ctx": ctx, "pdf_url": f"{request.path}pdf/", "event": event})


@login_required
def meetup_pack_pdf(request, event_id: int):
    """The pack as an A4 PDF to print."""
    delegate, event, ctx = own_meetup_pack(request, event_id)
    return pdf_response(render_pack(ctx), f"relay-pack-{event.slug}.pdf")


@login_required
def online_pack(request, conference_id: int):
    """The online-only pack: the delegate's starred sessions, as a web page."""
    delegate = require_delegate(request)
    conference = get_object_or_404(ConferencePage.objects.live(), pk=conference_id)
    ctx = pack_context(delegate=delegate, conference=conference)
    return render(request, "planner/pack.html", {"ctx": ctx, "pdf_url": f"{request.path}pdf/"})


@login_required
def online_pack_pdf(request, conference_id: int):
    delegate = require_delegate(request)
    conference = get_object_or_404(ConferencePage.objects.live(), pk=conference_id)
    return pdf_response(render_pack(pack_context(delegate=delegate, conference=conference)), "relay-pack-online.pdf")


@require_http_methods(["GET", "POST"])
def check_in(request, token: str):
    """The address in a pack's or badge's QR code. A facilitator checks the person in; anyone
    else is told to show the code at the desk (and learns nothing about the booking)."""
    booking_id = booking_from_token(token)
    if booking_id is None:
        return render(request, "planner/check_in.html", {"problem": "This code is not one of ours."}, status=404)
    if not request.user.has_perm("planner.check_in_delegate"):
        return render(request, "planner/check_in.html", {"show_at_desk": True})
    booking = Booking.objects.filter(pk=booking_id).select_related("delegate", "event").first()
    if booking is not None and not roles.can_check_in(request.user, booking.event):
        return render(
            request,
            "planner/check_in.html",
            {"problem": "This delegate is booked at a meetup you do not facilitate: send them to its desk."},
            status=403,
        )
    if booking is None or booking.status == BookingStatus.CANCELLED:
        return render(request, "planner/check_in.html", {"problem": "This booking was cancelled."}, status=409)
    if request.method == "POST" and (booking.attended_at is None or "admit" in request.POST):
        # A waiting-list code never checks anyone in by itself: only an explicit "Admit".
        if booking.status == BookingStatus.WAITLISTED and "admit" not in request.POST:
            refusal = f"Not checked in: {booking.delegate.name} is on the waiting list. Admit them if they may come in."
            return checked_in_page(request, booking, refusal=refusal, status=409)
        try:
            (door.admit if "admit" in request.POST else door.check_in_and_say)(request, booking.event, booking)
        except BookingRefused as refused:
            return checked_in_page(request, booking, refusal=str(refused), status=409)
        return redirect(request.path)
    return checked_in_page(request, booking)


def checked_in_page(request, booking: Booking, *, refusal: str = "", status: int = 200):
    """The one person a code is for: their place (or waiting-list number) and table, and the
    button that checks them in or, for the waiting list, admits them."""
    booking.refresh_from_db()
    row = door_row(booking.event, booking)
    context = {
        "booking": booking,
        "row": row,
        "counts": door_counts(booking.event) if row.waiting else None,
        "attended": checked_in_count(booking.event),
        "refusal": refusal,
        "zone": booking.event.zone,
    }
    return render(request, "planner/check_in.html", context, status=status)
