"""The conference's speakers: the index (a grid with photos and an A–Z) and each speaker's page."""

from django.http import Http404
from django.template.response import TemplateResponse

from planner.pages.fragments import page_fragment, render_route
from planner.queries import programme as queries


def speakers(page, request) -> TemplateResponse:
    """Everyone speaking at the conference, with the sessions they speak in."""
    viewer_zone = queries.viewer_zone(request, default=page.time_zone)
    speaker_list = page_fragment(
        page,
        request,
        f"speakers:{viewer_zone.key}",
        "planner/includes/speaker_list.html",
        lambda: {"speakers": queries.conference_speakers(page), "viewer_zone": viewer_zone},
    )
    return render_route(page, request, "planner/conference_speakers.html", speaker_list=speaker_list)


def speaker(page, request, slug: str) -> TemplateResponse:
    """One speaker's page at this conference."""
    raise Http404("Speaker pages are being built.")
