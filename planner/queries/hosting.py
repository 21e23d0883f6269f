"""Reads for choosing where meetups go: the towns that could host one, and how long the online
conference runs (for its video calls' footprint)."""

from dataclasses import dataclass

from planner.models import ConferencePage, SessionPage
from venues import geography as geo
from venues.gazetteer import ascii_key
from venues.models import Place, Venue

# A meetup needs a choice of rooms for 60+, hotels and a main-line station. Gazetteer towns of
# 100,000 people or more have them (107 in GeoNames' UK list: every city from Aberdeen to
# Plymouth, Belfast, Cardiff, Swansea and Newport included); the suburbs planners saw suggested
# are far below it (Middleton 45,589, Rutherglen 30,950, Penarth 23,437). A smaller town with
# a venue on file can host too, and is added whatever its size.
HOSTING_MIN_POPULATION = 100_000
# GeoNames entries over the threshold that are districts, not towns (their populations are the
# district's): Mendip (Somerset) and Saint Peters (Thanet's figure). A planner would look for
# Wells or Margate, which are too small to suggest.
NOT_TOWNS = {6947756: "Mendip", 2638703: "Saint Peters"}
# A venue this close to another venue, or to a gazetteer town of its name, adds nothing new.
SAME_TOWN_KM = 20.0
# When the conference has no sessions yet: its days at this many hours each.
HOURS_PER_DAY_WITHOUT_SESSIONS = 6


@dataclass(frozen=True)
class OnlineProgramme:
    """The online conference's live hours: each day from its first session's start to its last
    session's end (or days × ``HOURS_PER_DAY_WITHOUT_SESSIONS`` before there are sessions)."""

    title: str
    days: int
    hours: float
    from_sessions: bool


def hosting_towns(*, min_population: int = HOSTING_MIN_POPULATION) -> list[geo.Town]:
    """Towns that can host a meetup, as geography.Town with no delegates: gazetteer towns of
    ``min_population`` or more (less those within reach of a bigger one), and every town with
    a positioned venue (at the venue, keyed by minus its id so it never meets a Place's key)."""
    rows = (
        Place.objects.filter(population__gte=min_population)
        .exclude(geonameid__in=NOT_TOWNS)
        .values_list("pk", "name", "region", "latitude", "longitude", "population")
    )
    places = [
        geo.Town(pk, name, region, float(lat), float(lon), delegates=0, population=population)
        for pk, name, region, lat, lon, population in rows
    ]
    towns = geo.without_satellites(places)
    # Venues join as candidates, one to an area however many venues it has: the suggestion's
    # cost grows with the candidates, and a second hall in Leeds is not a second place to
    # meet. Kept candidates are bucketed on a grid of about SAME_TOWN_KM to find them fast.
    grid: dict[tuple[int, int], list[tuple[str, geo.Town]]] = {}

    def cell(lat: float, lon: float) -> tuple[int, int]:
        return round(lat * 111 / SAME_TOWN_KM), round(lon * 65 / SAME_TOWN_KM)

    def already_offered(name: str, lat: float, lon: float) -> bool:
        """A venue this close to another venue, or to a gazetteer town of its own name."""
        row, col = cell(lat, lon)
        return any(
            (source == "venue" or ascii_key(known.name) == ascii_key(name))
            and geo.haversine_km(lat, lon, known.latitude, known.longitude) < SAME_TOWN_KM
            for dr in (-1, 0, 1)
            for dc in (-1, 0, 1)
            for source, known in grid.get((row + dr, col + dc), ())
        )

    for town in towns:
        grid.setdefault(cell(town.latitude, town.longitude), []).append(("gazetteer", town))
    venues = Venue.objects.filter(latitude__isnull=False, longitude__isnull=False).order_by("town", "pk")
    for pk, town, lat, lon in venues.values_list("pk", "town", "latitude", "longitude"):
        lat, lon = float(lat), float(lon)
        if already_offered(town, lat, lon):
            continue
        candidate = geo.Town(key=-pk, name=town, region="", latitude=lat, longitude=lon, delegates=0)
        towns.append(candidate)
        grid.setdefault(cell(lat, lon), []).append(("venue", candidate))
    return towns


def online_programme() -> OnlineProgramme | None:
    """The latest live conference's live hours (sessions not cancelled), or None without one."""
    conference = ConferencePage.objects.live().order_by("-start_date", "-pk").first()
    if conference is None:
        return None
    spans: dict = {}
    sessions = SessionPage.objects.live().child_of(conference).filter(cancellation__isnull=True)
    for start, end in sessions.values_list("start", "end"):
        day = start.astimezone(conference.zone).date()
        first, last = spans.get(day, (start, end))
        spans[day] = (min(first, start), max(last, end))
    days = len(conference.days)
    if not spans:
        return OnlineProgramme(conference.title, days, float(days * HOURS_PER_DAY_WITHOUT_SESSIONS), False)
    hours = sum((last - first).total_seconds() for first, last in spans.values()) / 3600
    return OnlineProgramme(conference.title, len(spans), hours, True)
