"""Geocoding venues: the gazetteer by default; Nominatim (tested against a local fake, never
the internet) only when configured, rate-limited, cached and falling back to the gazetteer."""

import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from tests.factories import VenueFactory
from venues.gazetteer import load_gazetteer
from venues.geocoding import NominatimGeocoder, geocode_venue
from venues.models import Venue

pytestmark = pytest.mark.django_db


class FakeNominatim(BaseHTTPRequestHandler):
    """Answers /search like Nominatim: a fixed place, or a 500 when told to fail."""

    requests: list[str] = []
    fail = False

    def do_GET(self):  # noqa: N802 - the http.server API
        FakeNominatim.requests.append(self.path)
        if FakeNominatim.fail:
            self.send_response(500)
            self.end_headers()
            return
        body = json.dumps(
            [{"lat": "53.4781", "lon": "-2.2445", "display_name": "Central Library, St Peter's Square, Manchester"}]
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_nominatim():
    server = HTTPServer(("127.0.0.1", 0), FakeNominatim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeNominatim.requests, FakeNominatim.fail = [], False
    cache.clear()
    yield f"127.0.0.1:{server.server_port}"
    server.shutdown()


def test_nominatim_answer_is_used_and_cached(fake_nominatim):
    geocoder = NominatimGeocoder(user_agent="relay-tests (tests@example.org)", domain=fake_nominatim, scheme="http")
    first = geocoder.locate("Manchester Central Library, St Peter's Square")
    second = geocoder.locate("Manchester Central Library, St Peter's Square")
    assert (first.latitude, first.longitude, first.source) == (53.4781, -2.2445, "nominatim")
    assert second == first
    assert len(FakeNominatim.requests) == 1
    assert "countrycodes=gb" in FakeNominatim.requests[0]


def test_nominatim_failure_falls_back_to_the_gazetteer(fake_nominatim):
    load_gazetteer()
    FakeNominatim.fail = True
    geocoder = NominatimGeocoder(user_agent="relay-tests (tests@example.org)", domain=fake_nominatim, scheme="http")
    location = geocoder.locate("Cardiff")
    assert location.source == "gazetteer" and location.label == "Cardiff, Wales"


def test_a_venue_saved_without_a_position_is_looked_up_in_the_background(django_capture_on_commit_callbacks):
    load_gazetteer()
    with django_capture_on_commit_callbacks(execute=True):
        venue = VenueFactory(town="Swansea", latitude=None, longitude=None)
    venue.refresh_from_db()
    assert venue.has_position
    assert abs(venue.latitude - Decimal("51.62")) < Decimal("0.1")


def test_coordinates_a_planner_entered_are_never_overwritten(db):
    venue = VenueFactory(town="Swansea", latitude=Decimal("51.000000"), longitude=Decimal("-4.000000"))
    assert geocode_venue(venue_id=venue.pk) is False
    assert Venue.objects.get(pk=venue.pk).latitude == Decimal("51.000000")


def test_a_venue_in_an_unknown_town_stays_without_a_position(db):
    venue = VenueFactory(town="Atlantis", latitude=None, longitude=None)
    assert geocode_venue(venue_id=venue.pk) is False


def test_half_a_position_is_refused_with_a_reason():
    venue = VenueFactory.build(latitude=Decimal("53.1"), longitude=None)
    with pytest.raises(ValidationError, match="Give both latitude and longitude"):
        venue.full_clean()
