"""Delegate packs (PDF and an accessible web version of the same), badge sheets for
planners, and checking in at the door from the QR code."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from planner.models import Booking, BookingStatus, ConferencePage, RegionalEventPage
from planner.models.people import ACTIVE_STATUSES
from planner.packs.badges import LAYOUTS, Badge, render_badges
from planner.packs.context import booking_from_token, check_in_token, pack_context
from planner.packs.pack import render_pack
from planner.rules import roles
from planner.views.accounts import require_delegate


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


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


@login_required(login_url="wagtailadmin_login")
def badges(request, event_id: int):
    """Badge sheets for everyone with a confirmed place, by name (``?layout=8up`` or ``4up``),
    for planners and the meetup's facilitators."""
    event = get_object_or_404(RegionalEventPage.objects.select_related("venue"), pk=event_id)
    if not roles.can_see_meetup_people(request.user, event):
        raise Http404("No such meetup among yours.")
    layout = request.GET.get("layout", "8up")
    if layout not in LAYOUTS:
        layout = "8up"
    base = request.build_absolute_uri("/")[:-1]
    from django.urls import reverse

    places = (
        Booking.objects.filter(event=event, status=BookingStatus.CONFIRMED)
        .select_related("delegate")
        .order_by("delegate__name", "pk")
    )
    sheet = render_badges(
        [
            Badge(
                b.delegate.name,
                b.delegate.organisation,
                f"{event.title}, {event.start:%d %B %Y}",
                base + reverse("check_in", args=[check_in_token(b.pk)]),
            )
            for b in places
        ],
        layout=layout,
        title=f"Badges: {event.title}",
    )
    return pdf_response(sheet, f"relay-badges-{event.slug}-{layout}.pdf")


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
    if request.method == "POST" and booking.attended_at is None:
        Booking.objects.filter(pk=booking.pk, attended_at__isnull=True).update(
            attended_at=timezone.now(), checked_in_by=request.user
        )
        messages.success(request, f"{booking.delegate.name} is checked in.")
        return redirect(request.path)
    booking.refresh_from_db()
    attended = Booking.objects.filter(event=booking.event, attended_at__isnull=False).count()
    return render(request, "planner/check_in.html", {"booking": booking, "attended": attended})


@login_required(login_url="wagtailadmin_login")
def pack_run_download(request, event_id: int, run_id: int, kind: str):
    """A finished run's packs as one print-ready PDF (``combined``) or a zip of PDFs (``zip``),
    for planners and the meetup's facilitators."""
    import io
    import zipfile

    from pypdf import PdfWriter

    from planner.models import PackRun
    from planner.services.packs import run_files

    run = get_object_or_404(PackRun.objects.select_related("event"), pk=run_id, event_id=event_id)
    if not roles.can_see_meetup_people(request.user, run.event):
        raise Http404("No such pack run among your meetups.")
    files = [path for path in run_files(run) if path.exists()]
    if not files:
        raise Http404("No packs are ready in this run yet.")
    buffer = io.BytesIO()
    if kind == "combined":
        writer = PdfWriter()
        for path in files:
            writer.append(str(path))
        writer.add_metadata({"/Title": f"Delegate packs: {run.event.title}", "/Author": "Relay"})
        writer.write(buffer)
        return pdf_response(buffer.getvalue(), f"relay-packs-{run.event.slug}.pdf")
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, arcname=path.name)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="relay-packs-{run.event.slug}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response
