"""Where delegates are and where meetups should go (pure functions)."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from tests.factories import DelegateFactory, VenueFactory, make_meetup
from venues.gazetteer import load_gazetteer
from venues.geography import (
    KG_CO2E_PER_KM,
    Site,
    Town,
    catchments,
    haversine_km,
    suggest_sites,
    travel_scenarios,
)
from venues.models import Place

LEEDS = Town(1, "Leeds", "ENG", 53.7965, -1.5478, 100)
BRADFORD = Town(2, "Bradford", "ENG", 53.7939, -1.7521, 60)
GLASGOW = Town(3, "Glasgow", "SCT", 55.8652, -4.2576, 80)
EDINBURGH = Town(4, "Edinburgh", "SCT", 55.9521, -3.1965, 50)
CARDIFF = Town(5, "Cardiff", "WLS", 51.4800, -3.1800, 40)


def test_haversine_agrees_with_the_known_distance():
    assert haversine_km(LEEDS.latitude, LEEDS.longitude, GLASGOW.latitude, GLASGOW.longitude) == pytest.approx(
        290, abs=5
    )


def test_each_town_goes_to_its_nearest_site():
    sites = [Site(10, "Leeds venue", 53.80, -1.55), Site(11, "Glasgow venue", 55.86, -4.27)]
    result = {
        c.site.name: (c.delegates, sorted(c.towns)) for c in catchments([LEEDS, BRADFORD, GLASGOW, EDINBURGH], sites)
    }
    assert result == {"Leeds venue": (160, ["Bradford", "Leeds"]), "Glasgow venue": (130, ["Edinburgh", "Glasgow"])}


def test_two_sites_split_scotland_from_england_and_wales():
    towns = [LEEDS, BRADFORD, GLASGOW, EDINBURGH, CARDIFF]
    names = {t.name for t in suggest_sites(towns, 2)}
    assert "Leeds" in names and names & {"Glasgow", "Edinburgh"}


def test_one_site_per_town_when_k_is_large():
    assert len(suggest_sites([LEEDS, GLASGOW], 5)) == 2
    assert suggest_sites([], 3) == []


def test_regional_meetups_cut_travel_against_one_central_venue_and_online_cuts_it_to_nothing():
    towns = [LEEDS, BRADFORD, GLASGOW, EDINBURGH, CARDIFF]
    central = Site(0, "Birmingham", 52.48, -1.90)
    regional = [Site(1, "Leeds", 53.80, -1.55), Site(2, "Glasgow", 55.86, -4.27), Site(3, "Cardiff", 51.48, -3.18)]
    one, several, online = travel_scenarios(towns, central=central, regional=regional)
    assert one.return_km > several.return_km > online.return_km == 0
    assert several.kg_co2e == pytest.approx(several.return_km * KG_CO2E_PER_KM)


@pytest.mark.django_db
def test_planner_geography_page_shows_nations_catchments_suggestions_and_carbon(planner_client, conference):
    load_gazetteer()
    leeds, glasgow = Place.objects.get(name="Leeds"), Place.objects.filter(name="Glasgow").first()
    DelegateFactory.create_batch(3, home_place=leeds)
    DelegateFactory.create_batch(2, home_place=glasgow)
    make_meetup(conference, venue=VenueFactory(town="Leeds", latitude=Decimal("53.80"), longitude=Decimal("-1.55")))
    make_meetup(
        conference,
        title="Second",
        day=date(2027, 4, 21),
        venue=VenueFactory(town="Glasgow", latitude=Decimal("55.86"), longitude=Decimal("-4.26")),
    )
    page = planner_client.get("/admin/geography/", {"k": "2"}).content.decode()
    assert "England" in page and "Scotland" in page
    assert "The 2 towns that keep delegates’ total travel lowest" in page
    assert "Online only" in page and "kg CO2e per km" in page
    assert planner_client.get("/admin/geography/", {"k": "999"}).status_code == 200  # falls back to 5, shows the error


@pytest.mark.django_db
def test_plain_editors_cannot_see_delegate_geography(client, django_user_model):
    editor = django_user_model.objects.create_user("ed", "ed@example.org", "pw")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get("/admin/geography/").status_code == 302
