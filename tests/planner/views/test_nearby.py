"""/near/: the meetups nearest a town or a position, as a page and as JSON."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from planner.models import RegionalEventPage
from planner.services.bookings import book_meetup
from planner.services.cancellations import cancel_page
from tests.factories import DelegateFactory, VenueFactory, make_meetup, make_session
from tests.querycount import queries_for
from venues.gazetteer import load_gazetteer, load_outward_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetups(conference):
    load_gazetteer()
    load_outward_codes()
    leeds = make_meetup(
        conference,
        title="Yorkshire meetup",
        venue=VenueFactory(town="Leeds", latitude=Decimal("53.8002"), longitude=Decimal("-1.5486")),
    )
    manchester = make_meetup(
        conference,
        title="North West meetup",
        day=date(2027, 4, 21),
        venue=VenueFactory(town="Manchester", latitude=Decimal("53.4781"), longitude=Decimal("-2.2447")),
    )
    cardiff = make_meetup(
        conference,
        title="Wales meetup",
        day=date(2027, 4, 28),
        venue=VenueFactory(town="Cardiff", latitude=Decimal("51.4779"), longitude=Decimal("-3.1755")),
    )
    make_session(conference, title="Online only")
    return leeds, manchester, cardiff


def get_json(client, **params):
    return client.get("/near/", {**params, "format": "json"})


def test_results_are_nearest_first_with_km_miles_and_places_left(client, meetups):
    data = get_json(client, q="Bradford").json()
    titles = [r["title"] for r in data["results"]]
    assert titles == ["Yorkshire meetup", "North West meetup"]  # Cardiff is beyond 80 km; sessions never appear
    first = data["results"][0]
    assert 10 < first["distance_km"] < 20 and first["distance_miles"] == pytest.approx(
        first["distance_km"] / 1.609, abs=0.2
    )
    assert first["places_left"] == 60
    assert data["origin"]["label"] == "Bradford, England"


def test_position_search_and_radius(client, meetups):
    data = get_json(client, lat="51.48", lon="-3.18", radius_km="500").json()
    assert [r["title"] for r in data["results"]] == ["Wales meetup", "North West meetup", "Yorkshire meetup"]


def test_past_and_withdrawn_meetups_are_not_offered(client, meetups):
    leeds, manchester, _ = meetups
    RegionalEventPage.objects.filter(pk=leeds.pk).update(
        start=timezone.now() - timedelta(days=2), end=timezone.now() - timedelta(days=1)
    )
    manchester.unpublish()
    assert get_json(client, q="Leeds").json()["results"] == []


def test_page_lists_meetups_with_a_map_and_text(client, meetups):
    body = client.get("/near/", {"q": "Leeds"}).content.decode()
    assert "2 meetups within 80 km of Leeds, England" in body
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in body and 'role="img"' in body
    assert "Map of the meetups nearest Leeds, England: Leeds, Manchester" in body
    table = body[body.index('<details class="map-table">') :]
    assert table.index("Where you searched from") < table.index("Leeds") < table.index("Manchester")


def test_ambiguous_place_offers_a_choice(client, meetups):
    page = client.get("/near/", {"q": "Newport"}).content.decode()
    assert "Which Newport?" in page and "Newport, Wales" in page and "Newport, England" in page
    response = get_json(client, q="Newport")
    assert response.status_code == 400 and len(response.json()["choices"]) >= 2


def test_unknown_place_gets_suggestions(client, meetups):
    page = client.get("/near/", {"q": "Manchster"}).content.decode()
    assert "We could not find a town called “Manchster”" in page and "Did you mean" in page
    assert "Manchester" in get_json(client, q="Manchster").json()["suggestions"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"lat": "95", "lon": "0"}, "less than or equal to 90"),
        ({"lat": "53"}, "Give both latitude and longitude"),
        ({"q": "Leeds", "radius_km": "9999"}, "at most 500 km"),
        ({"q": "Leeds", "radius_km": "0"}, "at least 1 km"),
        ({"q": "Leeds", "radius_km": "far"}, "Enter a whole number"),
        ({"lat": "north", "lon": "west"}, "Enter a number"),
        ({"q": "x" * 500}, "at most 100 characters"),
    ],
)
def test_bad_input_is_a_400_with_a_message(client, meetups, params, message):
    response = get_json(client, **params)
    assert response.status_code == 400
    assert message in json.dumps(response.json())
    assert client.get("/near/", params).status_code == 400


def test_empty_search_asks_for_a_town(client, meetups):
    assert get_json(client).status_code == 400
    assert "Find a regional meetup near you" in client.get("/near/").content.decode()


def test_a_delegates_home_town_prefills_the_search(client, meetups):
    delegate = DelegateFactory(home_town="Wakefield")
    client.force_login(delegate.user)
    assert "Yorkshire meetup" in client.get("/near/").content.decode()


def test_near_costs_the_same_with_three_and_twelve_meetups(client, meetups, conference):
    few = queries_for(client, "/near/", q="Leeds", radius_km=500)
    for n in range(9):
        make_meetup(conference, title=f"Extra {n}", day=date(2027, 5, 1 + n), venue=VenueFactory())
    assert queries_for(client, "/near/", q="Leeds", radius_km=500) == few


@pytest.mark.parametrize("postcode", ["LS1 4AP", "ls14ap", "LS1"])
def test_a_postcode_finds_the_meetups_near_it(client, meetups, postcode):
    data = get_json(client, q=postcode).json()
    assert data["origin"]["label"] == "LS1 (Leeds)"
    assert [r["title"] for r in data["results"]] == ["Yorkshire meetup", "North West meetup"]
    assert data["results"][0]["distance_km"] < 2


@pytest.mark.parametrize(
    ("postcode", "message"),
    [("LS1 4A", "is not a UK postcode"), ("ZZ9 9ZZ", "We do not know the postcode area ZZ9")],
)
def test_a_bad_or_unknown_postcode_says_what_to_fix(client, meetups, postcode, message):
    response = get_json(client, q=postcode)
    assert response.status_code == 400 and message in response.json()["error"]
    assert message in client.get("/near/", {"q": postcode}).content.decode()


def test_beyond_the_radius_the_nearest_meetups_are_named_with_their_distance(client, meetups):
    data = get_json(client, q="TR1 2HE").json()  # Truro: Cardiff is about 190 km, Manchester about 380
    assert data["results"] == []
    nearest = data["nearest_beyond_radius"]
    assert [r["title"] for r in nearest] == ["Wales meetup", "North West meetup"]
    assert 150 < nearest[0]["distance_km"] < 230 < nearest[1]["distance_km"]
    assert [c["title"] for c in data["online"]] == [meetups[0].get_parent().title]
    page = client.get("/near/", {"q": "Truro"}).content.decode()
    assert "No meetup within 80 km of Truro, England" in page
    assert f"The nearest is Cardiff, {nearest[0]['distance_km']:.0f} km" in page
    assert "Or take part online, wherever you are" in page


def test_a_cancelled_meetup_is_never_the_nearest(client, meetups):
    leeds, _, _ = meetups
    cancel_page(page=leeds, reason="Venue flooded")
    assert [r["title"] for r in get_json(client, q="Leeds").json()["results"]] == ["North West meetup"]


def test_a_full_meetup_says_so_and_points_to_the_waiting_list(client, conference):
    load_gazetteer()
    leeds = make_meetup(
        conference,
        title="Yorkshire meetup",
        capacity=1,
        venue=VenueFactory(town="Leeds", latitude=Decimal("53.8"), longitude=Decimal("-1.55")),
    )
    make_meetup(
        conference,
        title="York meetup",
        venue=VenueFactory(town="York", latitude=Decimal("53.96"), longitude=Decimal("-1.08")),
    )
    book_meetup(event=leeds, delegate=DelegateFactory())
    page = client.get("/near/", {"q": "Leeds"}).content.decode()
    assert "Full – waiting list" in page and "60 places left" in page


def test_with_no_meetup_anywhere_the_page_still_offers_the_online_conference(client, conference):
    load_gazetteer()
    page = client.get("/near/", {"q": "Leeds"}).content.decode()
    assert "No regional meetup is planned yet" in page and conference.title in page


def test_a_crowded_map_lists_the_twenty_nearest_and_counts_the_rest(client, meetups, conference):
    for n in range(22):
        make_meetup(
            conference,
            title=f"Leeds pop-up {n}",
            day=date(2027, 5, 1 + n),
            venue=VenueFactory(town="Leeds", latitude=Decimal("53.80") + Decimal(n) / 100, longitude=Decimal("-1.55")),
        )
    data = get_json(client, q="Leeds").json()
    assert data["total_within_radius"] == 24 and len(data["results"]) == 20  # and Manchester, 58 km
    distances = [r["distance_km"] for r in data["results"]]
    assert distances == sorted(distances) and "North West meetup" not in [r["title"] for r in data["results"]]
    assert (
        "The 20 nearest of 24 meetups within 80 km of Leeds, England" in client.get("/near/?q=Leeds").content.decode()
    )
