"""Reads about where things are: upcoming meetups near a point (and the nearest however far),
the online conferences, delegates counted by home town, and the meetups' sites."""

from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from cms.caching import cached, public
from planner.models import ConferencePage, Delegate, RegionalEventPage
from venues.geography import Site, Town, haversine_km
from venues.models import Place
from venues.nearby import bounding_box, box_filter, distance_km, miles


@dataclass
class NearbyMeetup:
    meetup: RegionalEventPage
    km: float

    @property
    def miles(self) -> float:
        return miles(self.km)


# The most meetups one search lists; the rest are counted ("the 20 nearest of 140").
MAX_SHOWN = 20


def nearby_meetups(
    latitude: float, longitude: float, *, radius_km: float, limit: int = MAX_SHOWN
) -> tuple[list[NearbyMeetup], int]:
    """The ``limit`` nearest upcoming published meetups within ``radius_km``, nearest first,
    leaving out cancelled ones, and how many there are in all. Only meetups: online sessions
    are never ‘nearby’. Ranked on plain rows (great-circle distance), so only the meetups
    shown are built as pages; their distance is then the exact geodesic one."""
    box = bounding_box(latitude, longitude, radius_km)
    candidates = public(RegionalEventPage.objects.live()).filter(
        start__gt=timezone.now(), cancellation__isnull=True, **box_filter(box, prefix="venue__")
    )
    ranked = sorted(
        (km, start, pk)
        for pk, start, lat, lon in candidates.values_list("pk", "start", "venue__latitude", "venue__longitude")
        if (km := haversine_km(latitude, longitude, float(lat), float(lon))) <= radius_km
    )
    shown = [pk for _km, _start, pk in ranked[:limit]]
    pages = RegionalEventPage.objects.filter(pk__in=shown).select_related("venue", "seats", "cancellation")
    by_pk = {page.pk: page for page in pages} if shown else {}
    found = [
        NearbyMeetup(
            meetup=page,
            km=distance_km((latitude, longitude), (float(page.venue.latitude), float(page.venue.longitude))),
        )
        for page in (by_pk[pk] for pk in shown)
    ]
    return found, len(ranked)


# How far to look, in turn, for the nearest meetups when none is within the searcher's radius.
FARTHER_KM = (250, 600, 1500, 20_000)


def nearest_meetups(latitude: float, longitude: float, *, beyond_km: float, count: int = 2) -> list[NearbyMeetup]:
    """The ``count`` upcoming meetups nearest a point, however far: for a searcher with none
    within ``beyond_km``. Looks in widening circles, so a crowded map costs one small query."""
    found: list[NearbyMeetup] = []
    for reach in FARTHER_KM:
        if reach > beyond_km:
            found, total = nearby_meetups(latitude, longitude, radius_km=reach, limit=count)
            if total >= count:
                break
    return found


def online_conferences() -> list[ConferencePage]:
    """The online option, wherever you are: published conferences that have not ended, soonest
    first; else the latest one, whose discussion goes on. Each has ``ended`` set. Kept per
    content version (and day)."""
    today = timezone.localdate()
    conferences = cached(
        f"relay:online-conferences:{today}", lambda: list(public(ConferencePage.objects.live()).order_by("start_date"))
    )
    for conference in conferences:
        conference.ended = conference.end_date < today
    return [c for c in conferences if not c.ended] or conferences[-1:]


def towns_around(latitude: float, longitude: float, *, radius_km: float = 50, count: int = 4) -> list[Place]:
    """The biggest gazetteer towns within ``radius_km`` of a point, but not at it: the places a
    locator map names so its reader can tell where it is."""
    box = bounding_box(latitude, longitude, radius_km)
    towns = Place.objects.filter(**box_filter(box)).order_by("-population")[: count * 4]
    around = [
        t for t in towns if 3 < distance_km((latitude, longitude), (float(t.latitude), float(t.longitude))) <= radius_km
    ]
    return around[:count]


def delegate_towns():
    """Delegates counted by matched home town, as geography.Town (at most one row per town)."""
    rows = (
        Delegate.objects.filter(home_place__isnull=False)
        .values(
            "home_place_id", "home_place__name", "home_place__region", "home_place__latitude", "home_place__longitude"
        )
        .annotate(delegates=Count("id"))
        .order_by("-delegates", "home_place__name")
    )
    return [
        Town(
            key=row["home_place_id"],
            name=row["home_place__name"],
            region=row["home_place__region"],
            latitude=float(row["home_place__latitude"]),
            longitude=float(row["home_place__longitude"]),
            delegates=row["delegates"],
        )
        for row in rows
    ]


def meetup_sites():
    """Upcoming published meetups with a venue position, as geography.Site."""
    meetups = (
        RegionalEventPage.objects.live()
        .filter(start__gt=timezone.now(), venue__latitude__isnull=False)
        .select_related("venue")
        .order_by("start")
    )
    return [
        Site(m.pk, f"{m.venue.town} ({m.title})", float(m.venue.latitude), float(m.venue.longitude)) for m in meetups
    ]
