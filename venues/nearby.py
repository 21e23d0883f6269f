"""Nearby search: a bounding box in SQL narrows the candidates, then geopy's geodesic
distance ranks them exactly. And the way there: OpenStreetMap's route planner."""

import math
from dataclasses import dataclass
from urllib.parse import urlencode

from geopy.distance import geodesic

KM_PER_DEGREE_LATITUDE = 111.32
KM_PER_MILE = 1.609344


@dataclass(frozen=True)
class Box:
    south: float
    north: float
    west: float
    east: float


def bounding_box(latitude: float, longitude: float, radius_km: float) -> Box:
    """A lat/lon box that contains every point within ``radius_km`` (a little more near the poles)."""
    dlat = radius_km / KM_PER_DEGREE_LATITUDE
    cos_lat = max(math.cos(math.radians(latitude)), 0.01)
    dlon = min(radius_km / (KM_PER_DEGREE_LATITUDE * cos_lat), 180)
    return Box(south=latitude - dlat, north=latitude + dlat, west=longitude - dlon, east=longitude + dlon)


def box_filter(box: Box, *, prefix: str = "") -> dict:
    """ORM filter kwargs for rows whose ``latitude``/``longitude`` (under ``prefix``) lie in ``box``."""
    return {
        f"{prefix}latitude__gte": box.south,
        f"{prefix}latitude__lte": box.north,
        f"{prefix}longitude__gte": box.west,
        f"{prefix}longitude__lte": box.east,
    }


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic distance on the WGS-84 ellipsoid."""
    return geodesic(a, b).km


def miles(km: float) -> float:
    return km / KM_PER_MILE


OSM_DIRECTIONS = "https://www.openstreetmap.org/directions"


def directions_url(to: tuple[float, float], *, start: tuple[float, float] | None = None) -> str:
    """OpenStreetMap's route planner to ``to`` (latitude, longitude), from ``start`` when known;
    the person picks car, bicycle or foot there."""
    query = {"to": f"{to[0]:.5f},{to[1]:.5f}"}
    if start is not None:
        query = {"from": f"{start[0]:.5f},{start[1]:.5f}", **query}
    return f"{OSM_DIRECTIONS}?{urlencode(query)}"
