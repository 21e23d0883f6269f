"""Turning what a person types into a position. The offline gazetteer answers by default;
Nominatim (through geopy) only when configured, rate-limited, cached and never called inside
a web request. This is the only module that imports geopy.geocoders."""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

from venues.gazetteer import find_outward_code, find_places, suggest_places
from venues.models import Venue
from venues.postcodes import looks_like_postcode, parse_postcode

MAX_QUERY_LENGTH = 100


@dataclass(frozen=True)
class Location:
    label: str
    latitude: float
    longitude: float
    source: str


@dataclass
class Lookup:
    """What a place search found: one or more matches, or a message and suggestions."""

    query: str
    matches: list[Location] = field(default_factory=list)
    message: str = ""
    suggestions: list[str] = field(default_factory=list)

    @property
    def ambiguous(self) -> bool:
        return len(self.matches) > 1


def clean_query(text: str) -> str:
    """Trimmed, single-spaced, bounded: what is worth looking up."""
    return " ".join((text or "").split())[:MAX_QUERY_LENGTH]


def look_up_postcode(query: str) -> Lookup:
    """Locate a UK postcode, full or outward code only, by its district's centre; or say
    clearly why not (not shaped like a postcode, or no such district)."""
    postcode = parse_postcode(query)
    if postcode is None:
        return Lookup(
            query=query,
            message=(
                f"“{query}” is not a UK postcode. Give a whole postcode such as LS1 4AP, "
                "its first half such as LS1, or a town."
            ),
        )
    district = find_outward_code(postcode)
    if district is None:
        return Lookup(
            query=query,
            message=f"We do not know the postcode area {postcode.outward}. Check the postcode, or give your town.",
        )
    location = Location(
        label=district.label, latitude=float(district.latitude), longitude=float(district.longitude), source="postcode"
    )
    return Lookup(query=query, matches=[location])


def look_up_place(text: str) -> Lookup:
    """Find a town or a UK postcode (full or its first half) in the offline gazetteer."""
    query = clean_query(text)
    if not query:
        return Lookup(query=query, message="Enter a town, city or postcode, such as Leeds or LS1 4AP.")
    if looks_like_postcode(query):
        return look_up_postcode(query)
    places = find_places(query)
    if places:
        matches = [
            Location(label=p.label, latitude=float(p.latitude), longitude=float(p.longitude), source="gazetteer")
            for p in places
        ]
        return Lookup(query=query, matches=matches)
    return Lookup(
        query=query,
        message=f"We could not find a town called “{query}”.",
        suggestions=suggest_places(query),
    )


class NominatimGeocoder:
    """OpenStreetMap's Nominatim through geopy: one request a second at most, answers cached
    for a month, and the gazetteer when Nominatim fails. For background tasks only."""

    cache_seconds = 60 * 60 * 24 * 30

    def __init__(self, *, user_agent: str, domain: str = "nominatim.openstreetmap.org", scheme: str = "https"):
        self.client = Nominatim(user_agent=user_agent, domain=domain, scheme=scheme, timeout=10)
        self.geocode = RateLimiter(self.client.geocode, min_delay_seconds=1, max_retries=1, swallow_exceptions=False)

    def locate(self, text: str) -> Location | None:
        """The best match for ``text``, or the gazetteer's, or None."""
        query = clean_query(text)
        # Hashed, so any cache backend accepts the key whatever the address holds.
        key = f"relay:nominatim:{hashlib.sha256(query.lower().encode()).hexdigest()[:32]}"
        cached = cache.get(key)
        if cached is not None:
            return cached or None
        try:
            found = self.geocode(query, country_codes="gb", exactly_one=True)
        except GeopyError:
            found = None
        location = (
            Location(label=found.address, latitude=found.latitude, longitude=found.longitude, source="nominatim")
            if found
            else None
        )
        if location is None:
            fallback = look_up_place(query)
            location = fallback.matches[0] if fallback.matches else None
        cache.set(key, location or False, self.cache_seconds)
        return location


def configured_geocoder() -> NominatimGeocoder | None:
    """Nominatim if GEOCODER=nominatim with a NOMINATIM_USER_AGENT naming a contact; else None."""
    if getattr(settings, "GEOCODER", "gazetteer") != "nominatim":
        return None
    agent = getattr(settings, "NOMINATIM_USER_AGENT", "")
    if not agent:
        return None
    return NominatimGeocoder(
        user_agent=agent, domain=getattr(settings, "NOMINATIM_DOMAIN", "nominatim.openstreetmap.org")
    )


def geocode_venue(*, venue_id: int) -> bool:
    """Fill in a venue's missing position: Nominatim from the full address when configured,
    else the centre of its postcode's district, else the gazetteer from its town. Never
    overwrites coordinates a planner entered. Returns whether a position was found. Runs in
    the task queue, never in a request."""

    venue = Venue.objects.filter(pk=venue_id, latitude__isnull=True).first()
    if venue is None:
        return False
    geocoder = configured_geocoder()
    location = geocoder.locate(", ".join([venue.name, *venue.address_lines])) if geocoder else None
    for fallback in (venue.postcode, venue.town):  # the postcode's district is closer than the town
        lookup = look_up_place(fallback) if location is None and fallback else None
        if lookup and lookup.matches:
            location = lookup.matches[0]
    if location is None:
        return False
    updated = Venue.objects.filter(pk=venue_id, latitude__isnull=True).update(
        latitude=round(Decimal(str(location.latitude)), 6), longitude=round(Decimal(str(location.longitude)), 6)
    )
    return bool(updated)
