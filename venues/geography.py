"""Where delegates are and where meetups should go. Pure: plain town counts and meetup
positions in, numbers out; no queries. Distances are great-circle (haversine) in km: at
the scale of the UK it is within 0.5% of the ellipsoidal distance and fast enough to compare
every town with every other.

Carbon: about 0.17 kg CO2e per passenger-km, an average car with one occupant (UK
Government greenhouse gas conversion factors for company reporting, ‘average car, unknown
fuel’, 2024 ≈ 0.166 kg CO2e/km). Straight-line return journeys understate road distance, so
the figures are a floor, for comparing options, not an audit."""

import math
from dataclasses import dataclass, field

EARTH_RADIUS_KM = 6371.0088
KG_CO2E_PER_KM = 0.17
EMISSION_SOURCE = "UK Government GHG conversion factors 2024, average car (unknown fuel), one occupant"


@dataclass(frozen=True)
class Town:
    key: int
    name: str
    region: str
    latitude: float
    longitude: float
    delegates: int


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
    name: str
    return_km: float

    @property
    def kg_co2e(self) -> float:
        return self.return_km * KG_CO2E_PER_KM


def haversine_km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    dp, dl = p2 - p1, math.radians(b_lon - a_lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def catchments(towns: list[Town], sites: list[Site]) -> list[Catchment]:
    """Each town's delegates go to their nearest site; totals per site."""
    result = {site.key: Catchment(site=site) for site in sites}
    if not sites:
        return []
    for town in towns:
        site, km = min(
            ((s, haversine_km(town.latitude, town.longitude, s.latitude, s.longitude)) for s in sites),
            key=lambda pair: pair[1],
        )
        catchment = result[site.key]
        catchment.delegates += town.delegates
        catchment.total_km += km * town.delegates
        catchment.towns.append(town.name)
    return sorted(result.values(), key=lambda c: -c.delegates)


def distance_matrix(towns: list[Town]) -> list[list[float]]:
    return [[haversine_km(a.latitude, a.longitude, b.latitude, b.longitude) for b in towns] for a in towns]


def suggest_sites(towns: list[Town], k: int, *, iterations: int = 10) -> list[Town]:
    """k towns that (approximately) minimise delegates' total travel to their nearest one:
    k-medoids, built greedily (PAM's BUILD step) then refined by reassigning each cluster
    to its own best medoid until nothing changes. Weights are delegates per town."""
    if not towns or k <= 0:
        return []
    k = min(k, len(towns))
    matrix = distance_matrix(towns)
    weights = [t.delegates for t in towns]
    n = len(towns)
    nearest = [math.inf] * n
    medoids: list[int] = []
    for _ in range(k):
        best, best_cost = None, math.inf
        for candidate in range(n):
            if candidate in medoids:
                continue
            row = matrix[candidate]
            cost = sum(w * min(d, row[i]) for i, (w, d) in enumerate(zip(weights, nearest, strict=True)))
            if cost < best_cost:
                best, best_cost = candidate, cost
        medoids.append(best)
        nearest = [min(d, matrix[best][i]) for i, d in enumerate(nearest)]
    for _ in range(iterations):
        clusters: dict[int, list[int]] = {m: [] for m in medoids}
        for i in range(n):
            clusters[min(medoids, key=lambda m: matrix[m][i])].append(i)
        improved = []
        for members in clusters.values():
            improved.append(min(members, key=lambda c: sum(weights[i] * matrix[c][i] for i in members)))
        if sorted(improved) == sorted(medoids):
            break
        medoids = improved
    return [towns[m] for m in medoids]


def travel_scenarios(towns: list[Town], *, central: Site | None, regional: list[Site]) -> list[TravelScenario]:
    """Total return travel (km) if everyone went to one central venue, to their nearest
    regional meetup, or stayed online."""

    def total(sites):
        return sum(2 * c.total_km for c in catchments(towns, sites))

    scenarios = []
    if central:
        scenarios.append(TravelScenario(f"One central venue ({central.name})", total([central])))
    if regional:
        scenarios.append(TravelScenario(f"The {len(regional)} regional meetups", total(regional)))
    scenarios.append(TravelScenario("Online only", 0.0))
    return scenarios
