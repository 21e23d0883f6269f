"""Template tags that show programme data: times in a named zone, upcoming conferences."""

from urllib.parse import quote

from django import template

from planner import timefmt
from planner.queries import programme as queries
from planner.queries.planning import session_status as status

register = template.Library()


@register.simple_tag
def when(start, end, tz) -> str:
    """‘Monday 8 March 2027, 09:30 to 10:20 GMT (Europe/London)’."""
    return timefmt.when(start, end, tz)


@register.simple_tag
def time_range(start, end, tz) -> str:
    """‘09:30 to 10:20 GMT’."""
    return timefmt.time_range(start, end, tz)


@register.simple_tag
def clock(moment, tz) -> str:
    """‘09:15 GMT’: one moment in ``tz``."""
    return f"{timefmt.clock(moment, tz)} {moment.astimezone(tz):%Z}"


@register.simple_tag
def upcoming_conferences() -> list:
    """Published conferences with their meetups, for the home page."""
    return queries.conferences_with_meetups()


@register.inclusion_tag("planner/includes/subscribe.html", takes_context=True)
def subscribe_links(context, path: str, name: str, *, download: bool = False, expanded: bool = False):
    """‘Subscribe’ links for the feed at ``path``: webcal, https, Google Calendar and Outlook."""

    request = context.get("request")
    https_url = request.build_absolute_uri(path) if request else path
    webcal_url = "webcal://" + https_url.split("://", 1)[-1]
    return {
        "name": name,
        "https_url": https_url,
        "webcal_url": webcal_url,
        "google_url": "https://calendar.google.com/calendar/r?cid=" + quote(webcal_url, safe=""),
        "outlook_url": (
            "https://outlook.live.com/calendar/0/addfromweb?url="
            + quote(https_url, safe="")
            + "&name="
            + quote(name, safe="")
        ),
        "download": download,
        "expanded": expanded,
    }


# How the text alternative of a map names each kind of marker (venues.maps.MapPoint.kind).
MAP_KINDS = {
    "searcher": "Where you searched from",
    "meetup": "Meetup venue",
    "venue": "The venue",
    "town": "Delegates’ home town",
    "suggested": "Suggested meetup town",
}


@register.filter
def map_kind(kind: str) -> str:
    """The words for a map marker's kind in the map's table: ‘meetup’ → ‘Meetup venue’."""
    return MAP_KINDS.get(kind, kind.replace("-", " ").capitalize())


@register.filter
def session_status(page) -> str:
    """ "live", "draft" or "cancelled", as the planner's programme view shows it."""

    return status(page)
