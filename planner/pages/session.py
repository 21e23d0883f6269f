"""What an online session's page shows: its details in the viewer's zone, where it continues
face to face, and its discussion with what the viewer may do there."""

from planner.forms.discussion import discussion_forms
from planner.queries import discussion, people
from planner.queries import programme as queries


def context(page, request, context: dict) -> dict:
    """``context`` (Wagtail's) with the session's details and, once saved, its discussion."""
    conference = page.get_parent().specific
    viewer_zone = queries.viewer_zone(request, default=conference.time_zone)
    viewer = people.viewer_delegate(request.user)
    context.update(
        viewer=viewer,
        starred=people.has_starred(page, viewer) if page.pk else False,
        conference=conference,
        viewer_zone=viewer_zone,
        zone_choices=queries.common_zones(viewer_zone.key),
        speakers=page.speakers.all(),
        continued_at=queries.meetups_continuing(page) if page.pk else [],
    )
    if page.pk:
        context.update(discussion_context(page, request, viewer))
    return context


def discussion_context(page, request, viewer) -> dict:
    """The discussion on the session's page: a page of threads and what the viewer may do."""
    found = discussion.session_discussion(page, viewer=viewer, page_number=request.GET.get("discussion_page"))
    on_page = [c for thread in found.threads for c in (thread, *thread.latest_replies)]
    return {
        "discussion": found,
        **discussion_forms(),
        **discussion.page_permissions(request.user, viewer, page, on_page),
    }
