"""Reads about where things are: upcoming meetups near a point, the gazetteer's towns for the
map background, delegates counted by home town, and the meetups' sites."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from cms.caching import public
from planner.models import Delegate, RegionalEventPage
from venues.geography import Site, Town
from venues.models import Place
from venues.nearby import bounding_box, box_filter, distance_km, miles


@dataclass
class NearbyMeetup:
    meetup: RegionalEventPage
    km: float

    @property
    def miles(self) -> float:
        return miles(self.km)


def nearby_meetups(latitude: float, longitude: float, *, radius_km: float) -> list[NearbyMeetup]:
    """Upcoming published meetups within ``radius_km``, nearest first. Only meetups: online
    sessions are never ‘nearby’."""
    box = bounding_box(latitude, longitude, radius_km)
    candidates = (
        public(RegionalEventPage.objects.live())
        .filter(start__gt=timezone.now(), **box_filter(box, prefix="venue__"))
        .select_related("venue", "seats")
    )
    found = []
    for meetup in candidates:
        km = distance_km((latitude, longitude), (float(meetup.venue.latitude), float(meetup.venue.longitude)))
        if km <= radius_km:
            found.append(NearbyMeetup(meetup=meetup, km=km))
    return sorted(found, key=lambda item: (item.km, item.meetup.start))


def town_points() -> list[tuple[float, float]]:
    """Gazetteer town positions for the map background (cached: they change only on load_places)."""
    points = cache.get("relay:map:towns")
    if points is None:
        points = [(float(lat), float(lon)) for lat, lon in Place.objects.values_list("latitude", "longitude")]
        cache.set("relay:map:towns", points, 60 * 60 * 24)
    return points


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
