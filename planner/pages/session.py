"""What an online session's page shows: its details in the viewer's zone, where it continues
face to face, and its discussion with what the viewer may do there."""

from django.utils import timezone

from cms.caching import parent_page
from planner.forms.discussion import discussion_forms
from planner.pages.fragments import page_fragment
from planner.queries import discussion, people
from planner.queries import programme as queries
from planner.rules.joining import join_link, may_see_join_links


def context(page, request, context: dict) -> dict:
    """``context`` (Wagtail's) with the session's details, rendered once per content version
    and zone and kept (``pages.fragments``), what the viewer may do (star it, join it), and,
    once saved, its discussion."""
    conference = parent_page(page) if page.pk else page.get_parent().specific
    viewer_zone = queries.viewer_zone(request, default=conference.time_zone)
    viewer = people.viewer_delegate(request.user)

    def details() -> dict:
        return {
            "page": page,
            "conference": conference,
            "viewer_zone": viewer_zone,
            "zone_choices": queries.common_zones(viewer_zone.key),
            "speakers": list(page.speakers.all()),
            "continued_at": list(queries.meetups_continuing(page)) if page.pk else [],
        }

    registered = people.is_registered(conference, viewer) if page.pk else False
    context.update(
        viewer=viewer,
        starred=people.has_starred(page, viewer) if page.pk else False,
        registered=registered,
        viewer_zone=viewer_zone,
        join=join_link(page, may_join=may_see_join_links(request.user, registered=registered)),
        conference=conference,
        session_head=page_fragment(
            page, request, f"head:{viewer_zone.key}", "planner/includes/session_head.html", details
        ),
        session_about=page_fragment(
            page,
            request,
            # Drawn again when the session starts: its recording shows from then on.
            f"about:{viewer_zone.key}:{page.start <= timezone.now()}",
            "planner/includes/session_about.html",
            details,
        ),
    )
    if page.pk and not request.user.is_authenticated:
        context["discussion_html"] = anonymous_discussion(page, request, conference)
    elif page.pk:
        context.update(discussion_context(page, request, viewer))
    return context


def anonymous_discussion(page, request, conference) -> str:
    """The discussion as everyone signed out sees it (names only of those visible to all, no
    forms), rendered once per change to it, to anyone's name or visibility, or to content."""
    number = request.GET.get("discussion_page", "1")
    number = number if number.isdigit() and len(number) < 7 else "1"
    key = f"discussion:{discussion.session_discussion_version(page.pk)}:{people.people_version()}:{number}"
    return page_fragment(
        page,
        request,
        key,
        "discussion/section.html",
        lambda: {"page": page, "conference": conference, "viewer": None, **discussion_context(page, request, None)},
    )


def discussion_context(page, request, viewer) -> dict:
    """The discussion on the session's page: a page of threads and what the viewer may do."""
    found = discussion.session_discussion(page, viewer=viewer, page_number=request.GET.get("discussion_page"))
    on_page = [c for thread in found.threads for c in (thread, *thread.latest_replies)]
    return {
        "discussion": found,
        **discussion_forms(),
        **discussion.page_permissions(request.user, viewer, page, on_page),
    }
