"""What the conference page and its sub-pages show: the timetable in the viewer's zone with
its filters, the meetups on a map, the speakers, and the findings (as a page and a PDF)."""

import functools
import re

from django.middleware.csrf import get_token
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from planner.downloads import pdf_response
from planner.packs.findings import render_findings
from planner.pages.fragments import page_fragment, render_route
from planner.pages.now import now_and_next, now_context
from planner.queries import discussion, people
from planner.queries import programme as queries
from planner.queries.findings import findings_report
from planner.queries.programme import PLACES
from planner.queries.report import published_report
from venues.maps import MapPoint, render_map_svg


def context(page, request, context: dict) -> dict:
    """``context`` (Wagtail's) with the conference's facts, timetable (with its filters and
    zones) and meetups added, each rendered once per content version and kept
    (``pages.fragments``); the contribution counts and the viewer's own part are added on
    each request. An unsaved page (the preview while creating it) has no sessions or meetups."""
    viewer_zone = queries.viewer_zone(request, default=page.time_zone)
    viewer = people.viewer_delegate(request.user)
    day, stream = queries.chosen_day(request, page), request.GET.get("stream", "")[:100]
    parts = functools.cache(lambda: facts_and_meetups(page))  # both fragments' context, read once
    programme = page_fragment(
        page,
        request,
        f"programme:{viewer_zone.key}:{day}:{stream}",
        "planner/includes/programme.html",
        lambda: programme_context(page, request, viewer_zone=viewer_zone, day=day, stream=stream),
    )
    counts = discussion.conference_contribution_counts(page) if page.pk else {}
    registered = people.is_registered(page, viewer)
    if page.pk:  # during the conference's days: what is on now and next, with join links
        context.update(now_context(page, request, registered=registered), viewer_zone=viewer_zone)
    context.update(
        viewer=viewer,
        registered=registered,
        ended=bool(page.end_date) and page.end_date < timezone.localdate(timezone=page.zone),
        conference_facts=page_fragment(page, request, "facts", "planner/includes/conference_facts.html", parts),
        programme=with_stars(
            with_contribution_counts(programme, counts),
            request,
            viewer=viewer,
            starred=people.starred_session_ids(viewer, page) if page.pk else set(),
        ),
        meetups=page_fragment(
            page,
            request,
            # Redrawn when places are booked, and each hour, as meetups start and end.
            f"meetups:{PLACES.current()}:{timezone.now():%Y%m%d%H}",
            "planner/includes/conference_meetups.html",
            parts,
        ),
    )
    return context


def facts_and_meetups(page) -> dict:
    """What the conference's facts and its meetups section (list and map) show."""
    regional_events = list(queries.regional_events(page)) if page.pk else []
    return {
        "page": page,
        "regional_events": regional_events,
        "all_streams": list(page.streams.all()) if page.pk else [],
        "findings_report": published_report(page) if page.pk else None,
        "meetup_points": (points := meetup_points(regional_events)),
        "meetup_map": render_map_svg(points, title="Map of the regional meetups: " + ", ".join(p.label for p in points))
        if points
        else "",
    }


def programme_context(page, request, *, viewer_zone, day, stream) -> dict:
    """What the programme section shows: the timetable in ``viewer_zone``, one ``day`` and
    one ``stream`` when asked, with the filters and the zone picker."""
    return {
        "page": page,
        "request": request,
        "viewer_zone": viewer_zone,
        "zone_choices": queries.common_zones(viewer_zone.key),
        "timetable": queries.conference_timetable(page, tz=viewer_zone, day=day, stream=stream) if page.pk else None,
        "filters": queries.timetable_filters(page, tz_key=viewer_zone.key, day=day, stream=stream) if page.pk else None,
        "all_streams": list(page.streams.all()) if page.pk else [],
    }


COUNT_MARK = re.compile(r"<!--relay:contributions:(\d+):([^>]*?)-->")


def with_contribution_counts(html: str, counts: dict[int, int]) -> str:
    """``html`` with each session's contribution-count mark replaced by a link to its
    discussion, or by nothing when it has none."""

    def link(match) -> str:
        count = counts.get(int(match.group(1)), 0)
        if not count:
            return ""
        return format_html(
            '<p class="small"><a href="{}#discussion-title">{} contribution{}</a></p>',
            match.group(2),
            count,
            pluralize(count),
        )

    return mark_safe(COUNT_MARK.sub(link, html))  # noqa: S308  # nosec B308 B703 - our own rendered, escaped HTML


STAR_MARK = re.compile(r"<!--relay:star:(\d+):(on|cancelled)-->")


def with_stars(html: str, request, *, viewer, starred: set[int]) -> str:
    """``html`` with each session's star mark replaced, for a signed-in delegate, by a plain
    form (it works without JavaScript) that stars it, or says it is in their programme and
    unstars it; for anyone else, by nothing. A cancelled session can only be unstarred."""
    if viewer is None:
        return mark_safe(STAR_MARK.sub("", html))  # noqa: S308  # nosec B308 B703 - our own rendered, escaped HTML
    token, path = get_token(request), request.get_full_path()

    def form(match) -> str:
        pk, state = int(match.group(1)), match.group(2)
        if pk not in starred and state == "cancelled":
            return ""
        action, label, note = (
            ("unstar", "Remove from my programme", mark_safe('<p class="starred">★ In your programme</p>'))  # noqa: S308  # nosec B308 B703
            if pk in starred
            else ("star", "☆ Add to my programme", "")
        )
        return format_html(
            '{}<form method="post" action="{}" class="star-form">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="hidden" name="action" value="{}"><input type="hidden" name="next" value="{}#session-{}">'
            '<button type="submit" class="link-button">{}</button></form>',
            note,
            reverse("account:star", args=[pk]),
            token,
            action,
            path,
            pk,
            label,
        )

    return mark_safe(STAR_MARK.sub(form, html))  # noqa: S308  # nosec B308 B703 - our own rendered, escaped HTML


def meetup_points(meetups) -> list[MapPoint]:
    """A map marker for each of ``meetups`` that has a position."""
    return [
        MapPoint(float(m.venue.latitude), float(m.venue.longitude), m.venue.town, kind="meetup")
        for m in meetups
        if m.venue.has_position
    ]


def findings(page, request) -> TemplateResponse:
    """The findings pulled together by stream and theme, with the numbers behind them."""
    report = findings_report(page, base_url=request.build_absolute_uri())
    return render_route(page, request, "planner/findings.html", report=report, findings_report=published_report(page))


def findings_pdf(page, request):
    """The findings report as an A4 PDF to share or print."""
    page_url = request.build_absolute_uri(page.url + page.reverse_subpage("findings"))
    pdf = render_findings(findings_report(page, base_url=page_url))
    return pdf_response(pdf, f"findings-{page.slug}.pdf", private=False)  # published findings, for sharing


# The conference's other sub-pages, each in its own module (ConferencePage's routes call them here).
from planner.pages.changes import changelog, changelog_feed  # noqa: E402
from planner.pages.speakers import speaker, speakers  # noqa: E402

__all__ = ["changelog", "changelog_feed", "context", "findings", "findings_pdf", "now_and_next", "speaker", "speakers"]
