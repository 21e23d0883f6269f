"""Printing for a meetup in the admin: its badge sheet, and a pack run's packs as one PDF or a
zip, for planners and the meetup's facilitators."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404

from planner.downloads import file_response, pdf_response
from planner.models import PackRun, RegionalEventPage
from planner.packs.badges import LAYOUTS, render_badges
from planner.packs.bundle import combined_pdf, zip_of
from planner.packs.context import confirmed_badges
from planner.rules import roles
from planner.services.packs import run_files

DEFAULT_LAYOUT = "8up"


@login_required(login_url="wagtailadmin_login")
def badges(request, event_id: int):
    """Badge sheets for everyone with a confirmed place, by name (``?layout=8up`` or ``4up``),
    for planners and the meetup's facilitators."""
    event = get_object_or_404(RegionalEventPage.objects.select_related("venue"), pk=event_id)
    if not roles.can_see_meetup_people(request.user, event):
        raise Http404("No such meetup among yours.")
    layout = request.GET.get("layout", DEFAULT_LAYOUT)
    if layout not in LAYOUTS:
        layout = DEFAULT_LAYOUT
    sheet = render_badges(
        confirmed_badges(event, base_url=request.build_absolute_uri("/")[:-1]),
        layout=layout,
        title=f"Badges: {event.title}",
    )
    return pdf_response(sheet, f"relay-badges-{event.slug}-{layout}.pdf")


@login_required(login_url="wagtailadmin_login")
def pack_run_download(request, event_id: int, run_id: int, kind: str):
    """A finished run's packs as one print-ready PDF (``combined``) or a zip of PDFs (``zip``),
    for planners and the meetup's facilitators."""
    run = get_object_or_404(PackRun.objects.select_related("event"), pk=run_id, event_id=event_id)
    if not roles.can_see_meetup_people(request.user, run.event):
        raise Http404("No such pack run among your meetups.")
    files = [path for path in run_files(run) if path.exists()]
    if not files:
        raise Http404("No packs are ready in this run yet.")
    if kind == "combined":
        pdf = combined_pdf(files, title=f"Delegate packs: {run.event.title}")
        return pdf_response(pdf, f"relay-packs-{run.event.slug}.pdf")
    return file_response(zip_of(files), f"relay-packs-{run.event.slug}.zip", content_type="application/zip")
