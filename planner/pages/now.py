"""Now and next: what is on in each stream during the conference, in the viewer's zone, with
the join link for those who may join (planner.rules.joining)."""

from django.template.response import TemplateResponse
from django.utils.timezone import now as clock

from planner.queries import people
from planner.queries import programme as queries
from planner.queries.now import is_on
from planner.queries.now import now_and_next as streams_now
from planner.rules.joining import join_link, may_see_join_links


def now_context(page, request, *, moment=None, viewer=None, registered=None) -> dict:
    """What the now-and-next section shows: each stream's sessions on now and the next one,
    each with the viewer's join link; empty outside the conference's days."""
    moment = moment or clock()
    if not is_on(page, moment):
        return {"conference_on": False}
    if registered is None:  # the conference page knows already; /now/ asks
        registered = people.is_registered(page, viewer or people.viewer_delegate(request.user))
    may_join = may_see_join_links(request.user, registered=registered)
    rows = streams_now(page, moment)
    for row in rows:
        for session in [*row.now, *([row.next] if row.next else [])]:
            session.join = join_link(session, may_join=may_join, now=moment)
    return {"conference_on": True, "streams_now": rows, "moment": moment}


def now_and_next(page, request) -> TemplateResponse:
    """/<conference>/now/: what is on now and next in each stream; before and after the
    conference, when it runs and where the programme is."""
    return TemplateResponse(
        request,
        "planner/now.html",
        {
            "page": page,
            "self": page,
            "request": request,
            "viewer_zone": queries.viewer_zone(request, default=page.time_zone),
            **now_context(page, request),
        },
    )
