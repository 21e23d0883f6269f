"""The planner's delegate geography page: where delegates are, where meetups could go (only
towns that can host), travel and carbon by car, rail and video call, and the map."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from planner.queries.hosting import HOSTING_MIN_POPULATION, hosting_towns
from tests.factories import DelegateFactory, VenueFactory, london, make_meetup, make_session
from tests.querycount import queries_for
from venues.gazetteer import load_gazetteer
from venues.geography import haversine_km
from venues.models import Place

pytestmark = pytest.mark.django_db

URL = "/admin/geography/"


def place(name: str) -> Place:
    return Place.objects.filter(name=name).order_by("-population").first()


def suggested_names(response) -> set[str]:
    return {c.site.name for c in response.context["suggested"]}


def test_suburbs_are_never_suggested_but_a_suburb_with_a_venue_can_be(planner_client):
    load_gazetteer()
    suburbs = [place("Middleton"), place("Penarth"), place("Rutherglen")]
    assert all(p.population < HOSTING_MIN_POPULATION for p in suburbs)
    for suburb in suburbs:
        DelegateFactory.create_batch(4, home_place=suburb)

    names = suggested_names(planner_client.get(URL, {"k": "3"}))
    assert names == {"Manchester", "Cardiff", "Glasgow"}

    penarth = suburbs[1]
    VenueFactory(town="Penarth", latitude=penarth.latitude, longitude=penarth.longitude)
    names = suggested_names(planner_client.get(URL, {"k": "3"}))
    assert "Penarth" in names and not names & {"Middleton", "Rutherglen"}


def test_distances_print_with_thousands_separators(planner_client, conference):
    load_gazetteer()
    glasgow, cardiff = place("Glasgow"), place("Cardiff")
    DelegateFactory.create_batch(3, home_place=glasgow)
    DelegateFactory.create_batch(2, home_place=cardiff)
    venue = VenueFactory()  # Leeds
    make_meetup(conference, venue=venue)
    page = planner_client.get(URL, {"k": "2"}).content.decode()
    km = 2 * sum(
        n * haversine_km(float(p.latitude), float(p.longitude), float(venue.latitude), float(venue.longitude))
        for p, n in ((glasgow, 3), (cardiff, 2))
    )
    assert km > 1000
    assert f"{round(km):,} km" in page
    assert not re.search(r"(?<![\d.,])\d{4,} (km|kg)", page)  # no "379455 km"


def test_car_and_rail_carbon_use_the_cited_factors(planner_client, conference):
    load_gazetteer()
    york = place("York")
    DelegateFactory.create_batch(4, home_place=york)
    venue = VenueFactory()  # Leeds
    make_meetup(conference, venue=venue)
    response = planner_client.get(URL, {"k": "1"})
    page = response.content.decode()
    km = (
        2 * 4 * haversine_km(float(york.latitude), float(york.longitude), float(venue.latitude), float(venue.longitude))
    )
    meetups = next(s for s in response.context["scenarios"] if "regional meetups" in s.name)
    assert meetups.return_km == pytest.approx(km)
    assert f"{km * 0.166:,.0f} kg" in page and f"{km * 0.0355:,.0f} kg" in page
    assert "https://www.gov.uk/government/publications/greenhouse-gas-reporting-conversion-factors-2024" in page
    assert "straight lines for car and rail alike" in page


def test_online_footprint_counts_every_delegate_for_every_live_hour(planner_client, conference):
    load_gazetteer()
    DelegateFactory.create_batch(6, home_place=place("Leeds"))
    day_one, day_two = conference.start_date, conference.start_date + timedelta(days=1)
    make_session(conference, title="Opening", start=london(day_one, 9, 30), minutes=60)
    make_session(conference, title="Closing", start=london(day_one, 15, 0), minutes=90)  # day one: 09:30-16:30
    make_session(conference, title="Day two", start=london(day_two, 10, 0), minutes=120)  # day two: 2 h
    response = planner_client.get(URL)
    hours = 7 + 2
    online = next(s for s in response.context["scenarios"] if s.name == "Online only")
    assert online.video_kg == pytest.approx(6 * hours * 0.055) and online.video_kg > 0
    page = response.content.decode()
    assert f"{6 * hours * 0.055:,.0f} kg" in page
    assert f"each delegate’s {hours} hours" in page and "Carbon Trust" in page


def test_map_draws_the_coastline_a_dot_per_delegate_town_and_the_meetups(planner_client, conference):
    load_gazetteer()
    towns = {"Leeds": 5, "York": 2, "Inverness": 1, "Truro": 3}
    for name, count in towns.items():
        DelegateFactory.create_batch(count, home_place=place(name))
    make_meetup(conference, venue=VenueFactory(town="Leeds", latitude=Decimal("53.80"), longitude=Decimal("-1.55")))
    page = planner_client.get(URL, {"k": "2"}).content.decode()
    start = page.index('class="uk-map"')
    svg = page[start : page.index("</svg>", start)]
    assert re.search(r'<path class="map-land" d="M-?[\d.]+ -?[\d.]+L', svg)
    assert svg.count('<g class="map-delegates">') == len(towns)
    assert svg.count('class="map-meetup"') + svg.count('class="map-both"') == 1
    caption = page[page.index("<figcaption>") : page.index("</figcaption>")]
    assert "Coastline: Natural Earth" in caption and "tables on this page list everything the map draws" in caption
    tables = page[page.index("</figure>") :]
    assert all(f"<td>{name}</td>" in tables for name in towns)  # every dot is listed as text


def test_queries_stay_the_same_as_delegates_and_towns_grow(planner_client, conference):
    load_gazetteer()
    DelegateFactory.create_batch(2, home_place=place("Leeds"))
    make_meetup(conference, venue=VenueFactory())
    few = queries_for(planner_client, URL, k=3)
    for town in Place.objects.order_by("-population")[:30]:
        DelegateFactory.create_batch(2, home_place=town)
    make_meetup(
        conference,
        title="Second",
        day=date(2027, 4, 21),
        venue=VenueFactory(town="Glasgow", latitude=Decimal("55.86"), longitude=Decimal("-4.26")),
    )
    assert queries_for(planner_client, URL, k=3) == few


def test_an_out_of_range_k_says_so_and_suggests_five(planner_client):
    load_gazetteer()
    DelegateFactory.create_batch(2, home_place=place("Leeds"))
    page = planner_client.get(URL, {"k": "999"}).content.decode()
    assert "Ensure this value is less than or equal to 12." in page
    assert "The 5 towns that keep delegates’ total travel lowest" in page


def test_plain_editors_cannot_see_delegate_geography(client, django_user_model):
    editor = django_user_model.objects.create_user("ed", "ed@example.org", "pw")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_many_venues_in_one_area_make_one_candidate_so_suggesting_stays_quick():
    load_gazetteer()
    before = len(hosting_towns())
    # Thirty halls around Penarth (a suburb the gazetteer does not offer), under thirty names.
    for n in range(30):
        VenueFactory(town=f"Village {n}", latitude=Decimal("51.43") + Decimal(n) / 500, longitude=Decimal("-3.17"))
    VenueFactory(town="Leeds", latitude=Decimal("53.80"), longitude=Decimal("-1.55"))  # Leeds is offered already
    assert len(hosting_towns()) == before + 1
