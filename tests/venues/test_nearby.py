"""Distance and the bounding-box prefilter."""

import pytest
from geopy.distance import geodesic

from venues.nearby import bounding_box, distance_km, miles

LEEDS, MANCHESTER, LERWICK = (53.7965, -1.5478), (53.4809, -2.2374), (60.1545, -1.1494)


def test_geodesic_distance_between_leeds_and_manchester():
    assert distance_km(LEEDS, MANCHESTER) == pytest.approx(58.0, abs=1.0)
    assert miles(distance_km(LEEDS, MANCHESTER)) == pytest.approx(36.0, abs=1.0)


@pytest.mark.parametrize("radius", [10, 80, 500])
@pytest.mark.parametrize("origin", [LEEDS, LERWICK])
def test_box_contains_every_point_on_the_circle(origin, radius):
    box = bounding_box(*origin, radius)
    for bearing in range(0, 360, 15):
        point = geodesic(kilometers=radius * 0.999).destination(origin, bearing)
        assert box.south <= point.latitude <= box.north and box.west <= point.longitude <= box.east
