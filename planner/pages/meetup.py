"""What a regional meetup's page shows: places and the agenda in the venue's zone, and what it
carries from the online conference (where the discussion left off, who is coming, people to
meet, the tables), each following the one visibility rule."""

import hashlib
from dataclasses import dataclass

from django.utils import timezone

from cms.caching import cached, parent_page
from planner.queries import carry_forward, people, people_to_meet
from planner.queries import programme as queries
from planner.queries import tables as tables_query
from planner.queries.geography import towns_around
from planner.rules import roles
from venues.geography import haversine_km
from venues.maps import MapPoint, render_map_svg
from venues.nearby import directions_url, miles

TABLES_SHOWN = 40  # on the page; a 2,000-place meetup's 334 tables are the organisers' to read


def context(page, request, context: dict) -> dict:
    """``context`` (Wagtail's) with availability, the agenda and, once saved, the carry-forward."""
    viewer = people.viewer_delegate(request.user)
    context.update(
        viewer=viewer,
        availability=people.meetup_availability(page, viewer if page.pk else None),
        conference=parent_page(page) if page.pk else page.get_parent().specific,
        venue_zone=page.zone,
        agenda=queries.meetup_agenda(page),
        getting_there=getting_there(page, viewer),
    )
    if page.pk:
        context.update(carry_forward_context(page, request, viewer))
    return context


@dataclass(frozen=True)
class GettingThere:
    """The venue on a map with a locator, the way there, and how far it is from the viewer's
    home town in a straight line (said to be one: roads are longer)."""

    map_svg: str
    points: list[MapPoint]
    directions_url: str
    km_from_home: float | None = None
    home: str = ""

    @property
    def miles_from_home(self) -> float | None:
        return miles(self.km_from_home) if self.km_from_home is not None else None


def getting_there(page, viewer) -> GettingThere | None:
    """How to reach the meetup's venue, from the viewer's home town when we know it; None
    until the venue has a position."""
    venue = page.venue
    if not venue.has_position:
        return None
    spot = (float(venue.latitude), float(venue.longitude))
    map_svg, points = venue_map(venue)
    home = viewer.home_place if viewer else None
    start = (float(home.latitude), float(home.longitude)) if home else None
    return GettingThere(
        map_svg=map_svg,
        points=points,
        directions_url=directions_url(spot, start=start),
        km_from_home=haversine_km(*start, *spot) if start else None,
        home=home.name if home else "",
    )


def venue_map(venue) -> tuple[str, list[MapPoint]]:
    """The venue on a map with a locator inset and the biggest towns around it named, and
    what it draws (for its table); drawn once per venue and content version."""
    spot = (float(venue.latitude), float(venue.longitude))

    def build():
        points = [MapPoint(*spot, venue.name, kind="venue")] + [
            MapPoint(float(town.latitude), float(town.longitude), town.name, colour="#505a5f", radius=3.5, kind="town")
            for town in towns_around(*spot)
        ]
        return render_map_svg(points, title=f"Map of where {venue.name} is", locator=True), points

    return cached("relay:venue-locator:" + hashlib.sha256(f"{spot}:{venue.name}".encode()).hexdigest()[:32], build)


def carry_forward_context(page, request, viewer) -> dict:
    """What the meetup carries from the online conference, for this viewer: for a booked (or
    waiting) delegate, their day first (their table, the people to meet); then the digest,
    who's coming by organisation (filtered by ``?who=``) and every table."""
    sessions = carry_forward.continued_sessions(page)
    booked = carry_forward.attendee_ids(page)
    tables, saved = tables_query.cached_tables(page, booked=booked)
    who = (request.GET.get("who") or "").strip()[:100]
    states = people_to_meet.connection_states(viewer) if viewer else {}  # read once, used twice
    coming = carry_forward.whos_coming(
        page,
        viewer=viewer,
        booked=booked,
        who=who,
        connected={pk for pk, state in states.items() if state == "connected"},
    )
    listed_tables = tables[:TABLES_SHOWN] + [t for t in tables[TABLES_SHOWN:] if viewer and viewer.pk in t.members]
    shown_tables = tables_query.tables_for_viewer(listed_tables, names=coming.names, viewer=viewer)
    coming_by_organisation = by_organisation(coming.shown)
    return {
        "left_off": carry_forward.left_off(page, viewer=viewer, sessions=sessions),
        "coming": coming,
        "who": who,
        "coming_by_organisation": coming_by_organisation,
        "coming_listed": coming.listed,
        "coming_more": max(coming.listed - len(coming.shown), 0),
        "people_to_meet": people_to_meet.people_to_meet(
            page, viewer=viewer, booked=booked, sessions=sessions, visible=coming.people, states=states
        )
        if viewer
        else [],
        "tables": shown_tables,  # the first TABLES_SHOWN, and the viewer's own
        "tables_count": len(tables),
        "tables_more": max(len(tables) - len(shown_tables), 0),
        "every_table": tables,  # numbers and labels, for the outcome form
        "fragment_keys": {  # the long folded lists are cached by what they show, so no viewer gets another's
            "coming": fragment_key(
                coming_by_organisation, coming.listed, who, request.path, getattr(viewer, "pk", None)
            ),
            "tables": fragment_key(shown_tables, len(tables)),
        },
        "your_table": next((table for table in shown_tables if table.yours), None),
        "tables_locked": bool(saved and saved.is_locked),
        "can_post_outcome": bool(sessions) and roles.can_post_outcome(request.user, page),
        "meetup_started": page.start <= timezone.now(),
        "runs_it": request.user.is_authenticated and roles.can_see_meetup_people(request.user, page),
        "continued": sessions,
    }


def fragment_key(*shown) -> str:
    """A digest of everything a cached fragment shows: two viewers share the fragment only
    when it would read the same for both."""
    return hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()


def by_organisation(attendees: list) -> list[tuple[str, list]]:
    """Attendees grouped by organisation (alphabetical; people with none last), names sorted."""
    groups: dict[str, list] = {}
    for attendee in sorted(attendees, key=lambda a: ((a.delegate.organisation or "~").casefold(), a.delegate.name)):
        groups.setdefault(attendee.delegate.organisation or "Organisation not given", []).append(attendee)
    return list(groups.items())
