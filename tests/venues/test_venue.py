"""Venues hold a real position and zone; bad ones are refused with a reason."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import VenueFactory

pytestmark = pytest.mark.django_db


def test_address_lines_end_with_town_and_postcode():
    venue = VenueFactory.build(address="Centenary Square\nBroad Street", town="Birmingham", postcode="B1 2ND")
    assert venue.address_lines == ["Centenary Square", "Broad Street", "Birmingham", "B1 2ND"]


@pytest.mark.parametrize(("field", "value"), [("latitude", Decimal("91")), ("longitude", Decimal("-181"))])
def test_coordinates_off_the_earth_are_refused_by_form_and_database(field, value):
    venue = VenueFactory.build(**{field: value})
    with pytest.raises(ValidationError) as error:
        venue.full_clean()
    assert field in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        venue.save()


def test_unknown_time_zone_is_refused_with_an_example():
    venue = VenueFactory.build(time_zone="Europe/Manchester")
    with pytest.raises(ValidationError) as error:
        venue.full_clean()
    assert "Use a name such as Europe/London" in error.value.message_dict["time_zone"][0]


def test_planner_adds_a_venue_in_the_admin_and_sees_errors_for_bad_coordinates(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("p", "p@example.org", "pw"))
    data = {
        "name": "Mitchell Library",
        "address": "North Street",
        "town": "Glasgow",
        "postcode": "G3 7DN",
        "latitude": "155.865",
        "longitude": "-4.272",
        "time_zone": "Europe/London",
        "accessibility_notes": "",
    }
    response = client.post("/admin/snippets/venues/venue/add/", data)
    assert response.status_code == 200
    assert "Latitude must be between -90 and 90 degrees" in response.content.decode()
    response = client.post("/admin/snippets/venues/venue/add/", {**data, "latitude": "55.865108"})
    assert response.status_code == 302
