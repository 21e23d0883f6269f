"""Where delegates are, where meetups should go, and what each way of meeting emits (pure)."""

import itertools
import random
import time

import pytest

from venues.geography import (
    CAR,
    RAIL,
    VIDEO_CALL,
    Site,
    Town,
    catchments,
    haversine_km,
    suggest_sites,
    travel_scenarios,
    without_satellites,
)

LEEDS = Town(1, "Leeds", "ENG", 53.7965, -1.5478, 100)
BRADFORD = Town(2, "Bradford", "ENG", 53.7939, -1.7521, 60)
GLASGOW = Town(3, "Glasgow", "SCT", 55.8652, -4.2576, 80)
EDINBURGH = Town(4, "Edinburgh", "SCT", 55.9521, -3.1965, 50)
CARDIFF = Town(5, "Cardiff", "WLS", 51.4800, -3.1800, 40)

# Suburbs with delegates, and the cities that can host them.
MIDDLETON = Town(11, "Middleton", "ENG", 53.5546, -2.1872, 30)
PENARTH = Town(12, "Penarth", "WLS", 51.4386, -3.1737, 30)
RUTHERGLEN = Town(13, "Rutherglen", "SCT", 55.8286, -4.2140, 30)
MANCHESTER_HOST = Town(21, "Manchester", "ENG", 53.4809, -2.2374, 0, 395_515)
CARDIFF_HOST = Town(22, "Cardiff", "WLS", 51.4800, -3.1800, 0, 372_089)
GLASGOW_HOST = Town(23, "Glasgow", "SCT", 55.8652, -4.2576, 0, 626_410)


def total_travel(towns, chosen):
    return sum(
        t.delegates * min(haversine_km(t.latitude, t.longitude, c.latitude, c.longitude) for c in chosen) for t in towns
    )


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


def test_suggested_towns_come_only_from_the_candidates_not_the_delegates_suburbs():
    suburbs = [MIDDLETON, PENARTH, RUTHERGLEN]
    hosts = [MANCHESTER_HOST, CARDIFF_HOST, GLASGOW_HOST]
    chosen = suggest_sites(suburbs, 3, candidates=hosts)
    assert sorted(t.name for t in chosen) == ["Cardiff", "Glasgow", "Manchester"]
    assert len(suggest_sites(suburbs, 5, candidates=hosts)) == 3  # never more than there are candidates


def test_suggestion_is_as_good_as_the_best_choice_on_a_small_map():
    rng = random.Random(7)
    towns = [
        Town(i, f"T{i}", "ENG", rng.uniform(50.5, 56.5), rng.uniform(-4.5, 0.5), rng.randint(1, 40)) for i in range(60)
    ]
    candidates = [Town(100 + i, f"C{i}", "ENG", rng.uniform(50.5, 56.5), rng.uniform(-4.5, 0.5), 0) for i in range(14)]
    for k in (1, 2, 3):
        best = min(total_travel(towns, combo) for combo in itertools.combinations(candidates, k))
        assert total_travel(towns, suggest_sites(towns, k, candidates=candidates)) <= best * 1.02


def test_suggestion_stays_fast_over_hundreds_of_towns_and_candidates():
    rng = random.Random(3)
    towns = [
        Town(i, f"T{i}", "ENG", rng.uniform(50, 58.5), rng.uniform(-6, 1.7), rng.randint(1, 60)) for i in range(800)
    ]
    candidates = [Town(-i, f"C{i}", "ENG", rng.uniform(50, 58.5), rng.uniform(-6, 1.7), 0) for i in range(1, 121)]
    started = time.perf_counter()
    chosen = suggest_sites(towns, 12, candidates=candidates)
    # About 0.1 s on the project's machine: a generous bound that still catches a towns × towns matrix.
    assert time.perf_counter() - started < 2.0
    assert len({t.key for t in chosen}) == 12


def test_a_smaller_town_within_a_bigger_ones_reach_folds_into_it():
    london = Town(1, "London", "ENG", 51.5085, -0.1257, 0, 8_961_989)
    croydon = Town(2, "Croydon", "ENG", 51.3833, -0.1000, 0, 173_314)  # 14 km: inside London's reach
    manchester = Town(3, "Manchester", "ENG", 53.4809, -2.2374, 0, 395_515)
    salford = Town(4, "Salford", "ENG", 53.4875, -2.2901, 0, 129_794)  # 4 km
    leeds = Town(5, "Leeds", "ENG", 53.7965, -1.5478, 0, 455_123)
    bradford = Town(6, "Bradford", "ENG", 53.7939, -1.7521, 0, 366_187)  # 13 km: a city of its own
    kept = without_satellites([salford, croydon, bradford, london, manchester, leeds])
    assert sorted(t.name for t in kept) == ["Bradford", "Leeds", "London", "Manchester"]


def test_car_and_rail_use_the_cited_factors_on_return_journeys():
    towns = [LEEDS, GLASGOW]
    meetup = Site(1, "York", 53.9590, -1.0815)
    _central, regional, _online = travel_scenarios(towns, central=Site(0, "Leeds", 53.7965, -1.5478), regional=[meetup])
    expected_km = 2 * sum(
        t.delegates * haversine_km(t.latitude, t.longitude, meetup.latitude, meetup.longitude) for t in towns
    )
    assert regional.return_km == pytest.approx(expected_km)
    assert regional.car_kg == pytest.approx(expected_km * 0.166)
    assert regional.rail_kg == pytest.approx(expected_km * 0.0355)
    assert (CAR.year, RAIL.year) == (2024, 2024)
    assert (
        CAR.url
        == RAIL.url
        == "https://www.gov.uk/government/publications/greenhouse-gas-reporting-conversion-factors-2024"
    )


def test_online_only_emits_video_calls_for_every_delegate_hour():
    towns = [LEEDS, GLASGOW, CARDIFF]
    central, regional, online = travel_scenarios(
        towns, central=Site(0, "Birmingham", 52.48, -1.90), regional=[Site(1, "Leeds", 53.80, -1.55)], online_hours=30
    )
    delegates = LEEDS.delegates + GLASGOW.delegates + CARDIFF.delegates
    assert online.video_kg == pytest.approx(delegates * 30 * 0.055) and online.video_kg > 0
    assert online.return_km == online.car_kg == online.rail_kg == 0
    assert regional.video_kg == online.video_kg  # the meetups follow the online conference
    assert central.video_kg == 0
    assert VIDEO_CALL.year == 2021 and "carbontrust.com" in VIDEO_CALL.url


def test_regional_meetups_cut_travel_against_one_central_venue():
    towns = [LEEDS, BRADFORD, GLASGOW, EDINBURGH, CARDIFF]
    central = Site(0, "Birmingham", 52.48, -1.90)
    regional = [Site(1, "Leeds", 53.80, -1.55), Site(2, "Glasgow", 55.86, -4.27), Site(3, "Cardiff", 51.48, -3.18)]
    one, several, online = travel_scenarios(towns, central=central, regional=regional)
    assert one.return_km > several.return_km > online.return_km == 0
