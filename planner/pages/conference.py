"""What the conference page and its sub-pages show: the timetable in the viewer's zone with
its filters, the meetups on a map, the speakers, and the findings (as a page and a PDF)."""

from django.template.response import TemplateResponse
from django.utils import timezone

from planner.downloads import pdf_response
from planner.packs.findings import render_findings
from planner.queries import people
from planner.queries import programme as queries
from planner.queries.findings import findings_report
from planner.queries.geography import town_points
from planner.queries.report import published_report
from venues.maps import MapPoint, render_map_svg


def context(page, request, context: dict) -> dict:
    """``context`` (Wagtail's) with the timetable, filters, zones and meetups added. An
    unsaved page (the preview while creating it) has no sessions or meetups yet."""
    viewer_zone = queries.viewer_zone(request, default=page.time_zone)
    viewer = people.viewer_delegate(request.user)
    regional_events = list(queries.regional_events(page)) if page.pk else []
    day, stream = queries.chosen_day(request, page), request.GET.get("stream", "")[:100]
    context.update(
        viewer=viewer,
        registered=people.is_registered(page, viewer),
        ended=bool(page.end_date) and page.end_date < timezone.localdate(timezone=page.zone),
        viewer_zone=viewer_zone,
        zone_choices=queries.common_zones(viewer_zone.key),
        timetable=queries.conference_timetable(page, tz=viewer_zone, day=day, stream=stream) if page.pk else None,
        filters=queries.timetable_filters(page, tz_key=viewer_zone.key, day=day, stream=stream) if page.pk else None,
        all_streams=list(page.streams.all()) if page.pk else [],
        regional_events=regional_events,
        meetup_map=meetup_map(regional_events) if regional_events else "",
        findings_report=published_report(page) if page.pk else None,
    )
    return context


def meetup_map(meetups) -> str:
    """The SVG map of ``meetups`` (venue markers over the gazetteer's towns)."""
    markers = [
        MapPoint(float(m.venue.latitude), float(m.venue.longitude), m.venue.town, m.url or "")
        for m in meetups
        if m.venue.has_position
    ]
    return render_map_svg(
        markers, town_points(), title="Map of the regional meetups: " + ", ".join(p.label for p in markers)
    )


def render_route(page, request, template: str, **context) -> TemplateResponse:
    """A sub-page of the conference with only the context it needs: ``get_context`` builds
    the whole timetable, which these pages do not show."""
    return TemplateResponse(request, template, {"page": page, "self": page, "request": request, **context})


def speakers(page, request) -> TemplateResponse:
    """Everyone speaking at the conference, with the sessions they speak in."""
    return render_route(
        page,
        request,
        "planner/conference_speakers.html",
        speakers=queries.conference_speakers(page),
        viewer_zone=queries.viewer_zone(request, default=page.time_zone),
    )


def findings(page, request) -> TemplateResponse:
    """The findings pulled together by stream and theme, with the numbers behind them."""
    report = findings_report(page, base_url=request.build_absolute_uri())
    return render_route(page, request, "planner/findings.html", report=report, findings_report=published_report(page))


def findings_pdf(page, request):
    """The findings report as an A4 PDF to share or print."""
    page_url = request.build_absolute_uri(page.url + page.reverse_subpage("findings"))
    pdf = render_findings(findings_report(page, base_url=page_url))
    return pdf_response(pdf, f"findings-{page.slug}.pdf", private=False)  # published findings, for sharing
