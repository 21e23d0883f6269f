"""Nearby search: a bounding box in SQL narrows the candidates, then geopy's geodesic
distance ranks them exactly."""

import math
from dataclasses import dataclass

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
