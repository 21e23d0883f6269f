"""Where delegates are and where meetups should go. Pure: plain town counts and meetup
positions in, numbers out; no queries. Distances are great-circle (haversine) in km: at
the scale of the UK it is within 0.5% of the ellipsoidal distance and fast enough to compare
every delegate town with every town that could host.

Carbon: published factors (``CAR``, ``RAIL``, ``VIDEO_CALL``) times straight-line return
journeys or hours online. Roads and railways are longer than straight lines, so the travel
figures are a floor, for comparing options, not an audit."""

import math
from dataclasses import dataclass, field

EARTH_RADIUS_KM = 6371.0088

# A hosting town stands for the smaller hosting towns within its reach: Salford is Manchester
# and Islington is London when choosing where a meetup goes. Reach grows with the square root
# of population (a city's built-up radius roughly does): 12 km for most cities, about 24 km
# for London, so Croydon and Brent fold into London while Bradford (13 km from Leeds) stays.
MIN_REACH_KM = 12.0
REACH_KM_PER_SQRT_MILLION = 8.0


@dataclass(frozen=True)
class EmissionFactor:
    """A published emission factor, with what it is per and where it comes from."""

    kg_co2e: float
    per: str
    name: str
    source: str
    year: int
    url: str


DESNZ_2024 = "UK Government greenhouse gas reporting: conversion factors 2024 (DESNZ)"
DESNZ_2024_URL = "https://www.gov.uk/government/publications/greenhouse-gas-reporting-conversion-factors-2024"
# Business travel, land: 'Average car, unknown fuel' per vehicle-km (0.166, rounded to 3
# significant figures). One delegate per car, so per vehicle-km is per delegate-km.
CAR = EmissionFactor(0.166, "km", "average car, unknown fuel, one occupant", DESNZ_2024, 2024, DESNZ_2024_URL)
# Business travel, land: 'National rail' per passenger-km (0.0355, rounded to 3 significant figures).
RAIL = EmissionFactor(0.0355, "passenger-km", "national rail", DESNZ_2024, 2024, DESNZ_2024_URL)
# Carbon Trust white paper (2021): about 55 g CO2e per hour of video streaming in Europe,
# device, home network and data transmission included. A video call also sends, so this is
# a modest figure for one participant's hour.
VIDEO_CALL = EmissionFactor(
    0.055,
    "participant-hour",
    "an hour of video streaming in Europe, per viewer",
    "Carbon Trust, ‘Carbon impact of video streaming’",
    2021,
    "https://www.carbontrust.com/our-work-and-impact/guides-reports-and-tools/carbon-impact-of-video-streaming",
)


@dataclass(frozen=True)
class Town:
    key: int
    name: str
    region: str
    latitude: float
    longitude: float
    delegates: int
    population: int = 0


@dataclass(frozen=True)
class Site:
    key: int
    name: str
    latitude: float
    longitude: float


@dataclass
class Catchment:
    site: Site
    delegates: int = 0
    total_km: float = 0.0
    towns: list[str] = field(default_factory=list)

    @property
    def average_km(self) -> float:
        return self.total_km / self.delegates if self.delegates else 0.0


@dataclass
class TravelScenario:
    """One way of meeting: everyone's straight-line return travel, and hours on video calls."""

    name: str
    return_km: float
    video_hours: float = 0.0

    @property
    def car_kg(self) -> float:
        return self.return_km * CAR.kg_co2e

    @property
    def rail_kg(self) -> float:
        return self.return_km * RAIL.kg_co2e

    @property
    def video_kg(self) -> float:
        return self.video_hours * VIDEO_CALL.kg_co2e


def haversine_km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    dp, dl = p2 - p1, math.radians(b_lon - a_lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def site_of(town: Town) -> Site:
    """A suggested town as a meetup site."""
    return Site(town.key, town.name, town.latitude, town.longitude)


def catchments(towns: list[Town], sites: list[Site]) -> list[Catchment]:
    """Each town's delegates go to their nearest site; totals per site."""
    result = {site.key: Catchment(site=site) for site in sites}
    if not sites:
        return []
    for town in towns:
        # The nearest by a flat-earth measure (enough to choose between sites at the scale of
        # the isles, and cheap over hundreds of sites), then its great-circle distance.
        kx = math.cos(math.radians(town.latitude))
        site = min(sites, key=lambda s: (s.latitude - town.latitude) ** 2 + ((s.longitude - town.longitude) * kx) ** 2)
        km = haversine_km(town.latitude, town.longitude, site.latitude, site.longitude)
        catchment = result[site.key]
        catchment.delegates += town.delegates
        catchment.total_km += km * town.delegates
        catchment.towns.append(town.name)
    return sorted(result.values(), key=lambda c: -c.delegates)


def reach_km(population: int) -> float:
    """How far a hosting town's pull extends over its smaller neighbours."""
    return max(MIN_REACH_KM, REACH_KM_PER_SQRT_MILLION * math.sqrt(population / 1_000_000))


def without_satellites(towns: list[Town]) -> list[Town]:
    """The towns, less each one within reach of a more populous one (biggest first)."""
    kept: list[Town] = []
    for town in sorted(towns, key=lambda t: (-t.population, t.name)):
        if not any(
            haversine_km(town.latitude, town.longitude, big.latitude, big.longitude) < reach_km(big.population)
            for big in kept
        ):
            kept.append(town)
    return kept


def _cost(rows: list[list[float]], weights: list[int], medoids: list[int]) -> float:
    return sum(w * min(rows[m][i] for m in medoids) for i, w in enumerate(weights))


def suggest_sites(
    towns: list[Town], k: int, *, candidates: list[Town] | None = None, iterations: int = 10
) -> list[Town]:
    """k of ``candidates`` (default: the delegates' towns themselves) that (approximately)
    minimise delegates' total travel to the nearest one: k-medoids over the delegates' towns,
    weighted by delegates, with medoids drawn only from the candidates. Built greedily (PAM's
    BUILD step), then refined by moving each cluster's medoid to the candidate that serves
    that cluster best, while the total falls."""
    pool = list(towns) if candidates is None else list(candidates)
    weights = [t.delegates for t in towns]
    if not towns or not pool or k <= 0:
        return []
    k = min(k, len(pool))
    # rows[c][i]: candidate c to delegate town i. Candidates × towns, never towns × towns.
    rows = [[haversine_km(c.latitude, c.longitude, t.latitude, t.longitude) for t in towns] for c in pool]
    nearest = [math.inf] * len(towns)
    medoids: list[int] = []
    for _ in range(k):
        best, best_cost = None, math.inf
        for c, row in enumerate(rows):
            if c in medoids:
                continue
            cost = sum(w * (r if r < d else d) for w, r, d in zip(weights, row, nearest, strict=True))
            if cost < best_cost:
                best, best_cost = c, cost
        medoids.append(best)
        nearest = [r if r < d else d for r, d in zip(rows[best], nearest, strict=True)]
    cost = _cost(rows, weights, medoids)
    for _ in range(iterations):
        clusters: dict[int, list[int]] = {m: [] for m in medoids}
        for i in range(len(towns)):
            clusters[min(medoids, key=lambda m: rows[m][i])].append(i)
        improved: list[int] = []
        for medoid, members in clusters.items():
            choice = min(
                (c for c in range(len(pool)) if c not in improved),
                key=lambda c: sum(weights[i] * rows[c][i] for i in members),
                default=medoid,
            )
            improved.append(choice)
        improved_cost = _cost(rows, weights, improved)
        if improved_cost >= cost - 1e-9:
            break
        medoids, cost = improved, improved_cost
    return [pool[m] for m in medoids]


def travel_scenarios(
    towns: list[Town], *, central: Site | None, regional: list[Site], online_hours: float = 0.0
) -> list[TravelScenario]:
    """Total return travel (km) if everyone went to one central venue, or to their nearest
    regional meetup after the online conference, or stayed online; ``online_hours`` is each
    delegate's time on the online conference, so the online ways carry its video calls."""

    def total(sites):
        return sum(2 * c.total_km for c in catchments(towns, sites))

    video_hours = online_hours * sum(t.delegates for t in towns)
    scenarios = []
    if central:
        scenarios.append(TravelScenario(f"One central venue ({central.name})", total([central])))
    if regional:
        scenarios.append(
            TravelScenario(f"Online, then the {len(regional)} regional meetups", total(regional), video_hours)
        )
    scenarios.append(TravelScenario("Online only", 0.0, video_hours))
    return scenarios
