"""Delegate geography: where delegates are, the meetup nearest each, where k meetups would
best go (among towns that can host one), the travel and carbon of each way of meeting, and a
map of it all."""

import hashlib
import math

from django import forms
from django.contrib.auth.decorators import user_passes_test
from django.core.cache import cache
from django.template.response import TemplateResponse

from cms.caching import cached
from planner.models import Delegate
from planner.queries.geography import delegate_towns, meetup_sites
from planner.queries.hosting import (
    HOSTING_MIN_POPULATION,
    HOURS_PER_DAY_WITHOUT_SESSIONS,
    hosting_towns,
    online_programme,
)
from venues import geography as geo
from venues.maps import MapPoint, render_map_svg
from venues.models import REGION_NAMES

SUGGESTION_CACHE_SECONDS = 600
TOP_TOWNS = 15
MAP_WIDTH = 480
# Delegate dots: area proportional to delegates (radius ∝ √delegates), capped so London does
# not cover the Home Counties.
DOT_PX_PER_SQRT_DELEGATE = 2.2
DOT_MAX_PX = 18.0
# A suggested town this close to a current meetup is drawn as one marker.
SAME_PLACE_KM = 5.0
COLOURS = {"delegates": "#8b969e", "meetup": "#1d70b8", "suggested": "#d4351c", "both": "#5b2c92"}


class GeographyForm(forms.Form):
    k = forms.IntegerField(
        min_value=1, max_value=12, initial=5, label="How many meetups?", help_text="Between 1 and 12."
    )


def dot_radius(delegates: int) -> float:
    """A delegate dot's radius in px: its area shows the town's delegates, up to the cap."""
    return round(min(DOT_MAX_PX, DOT_PX_PER_SQRT_DELEGATE * math.sqrt(delegates)), 1)


def capped_from() -> int:
    """The fewest delegates drawn at the capped size."""
    return math.ceil((DOT_MAX_PX / DOT_PX_PER_SQRT_DELEGATE) ** 2)


def town_label(site: geo.Site) -> str:
    """‘Leeds’ from ‘Leeds (Yorkshire meetup)’: meetup sites are named town first."""
    return site.name.split(" (", 1)[0]


def coinciding(sites: list[geo.Site], suggested: list[geo.Site]) -> tuple[list[geo.Site], set[int]]:
    """The suggested sites that are a current meetup's town, and those meetups' keys."""

    def close(a: geo.Site, b: geo.Site) -> bool:
        return geo.haversine_km(a.latitude, a.longitude, b.latitude, b.longitude) < SAME_PLACE_KM

    shared = [s for s in suggested if any(close(s, m) for m in sites)]
    return shared, {m.key for m in sites if any(close(m, s) for s in shared)}


def geography_map(towns: list[geo.Town], sites: list[geo.Site], suggested: list[geo.Site], k: int) -> str:
    """The SVG: a grey dot per delegate town, current meetups in blue, suggested towns in red
    (one purple marker where a suggestion is a current meetup's town)."""
    shared, shared_meetups = coinciding(sites, suggested)
    markers = [
        MapPoint(
            t.latitude,
            t.longitude,
            t.name,
            colour=COLOURS["delegates"],
            radius=dot_radius(t.delegates),
            labelled=False,
            kind="delegates",
        )
        for t in towns
    ]
    # Labels go to the first markers: the suggested towns (at most 12), then the meetups.
    markers += [
        MapPoint(s.latitude, s.longitude, s.name, colour=COLOURS["suggested"], kind="suggested")
        for s in suggested
        if s not in shared
    ]
    for site in sites:
        kind = "both" if site.key in shared_meetups else "meetup"
        markers.append(MapPoint(site.latitude, site.longitude, town_label(site), colour=COLOURS[kind], kind=kind))
    title = (
        f"Map of delegates by home town ({len(towns)} towns), the {len(sites)} current meetups "
        f"and {len(suggested)} suggested meetup towns"
    )
    return render_map_svg(markers, title=title, width=MAP_WIDTH, min_span_km=300)


def suggestion_for(towns: list[geo.Town], candidates: list[geo.Town], sites: list[geo.Site], k: int):
    """(the k suggested towns, the one central town), from the cache while the inputs hold."""
    # Keys must be safe for every cache backend: the inputs are hashed, not spelled out.
    inputs = repr(
        (
            [(t.key, t.delegates) for t in towns],
            sorted(c.key for c in candidates),
            [s.key for s in sites],
            k,
        )
    )
    key = f"relay:geography:v2:{hashlib.sha256(inputs.encode()).hexdigest()[:32]}"
    found = cache.get(key)
    if found is None:
        found = (
            geo.suggest_sites(towns, k, candidates=candidates),
            geo.suggest_sites(towns, 1, candidates=candidates),
        )
        cache.set(key, found, SUGGESTION_CACHE_SECONDS)
    return found


@user_passes_test(
    lambda user: user.is_active and user.has_perm("planner.view_registration"), login_url="wagtailadmin_login"
)
def geography(request):
    """Where delegates are, which meetup is nearest each, where k meetups would best go, the
    travel and carbon of one central venue vs regional meetups vs online only, and the map."""
    form = GeographyForm(request.GET or {"k": 5})
    k = form.cleaned_data["k"] if form.is_valid() else 5
    towns = delegate_towns()
    sites = meetup_sites()
    # Venues and towns change rarely (a venue save moves the content version): kept meanwhile.
    candidates = cached("relay:hosting-towns", hosting_towns)
    programme = online_programme()
    suggestion, central = suggestion_for(towns, candidates, sites, k)
    suggested_sites = [geo.site_of(t) for t in suggestion]
    shared, shared_meetups = coinciding(sites, suggested_sites)
    placed = sum(t.delegates for t in towns)
    regions: dict[str, int] = {}
    for town in towns:
        regions[town.region] = regions.get(town.region, 0) + town.delegates
    context = {
        "form": form,
        "k": k,
        "placed": placed,
        "unplaced": Delegate.objects.filter(home_place__isnull=True).count(),
        "regions": sorted(((REGION_NAMES.get(r, r), n) for r, n in regions.items()), key=lambda pair: -pair[1]),
        "top_towns": towns[:TOP_TOWNS],
        "other_towns": towns[TOP_TOWNS:],
        "current": geo.catchments(towns, sites),
        "suggested": geo.catchments(towns, suggested_sites),
        "scenarios": geo.travel_scenarios(
            towns,
            central=geo.site_of(central[0]) if central else None,
            regional=sites,
            online_hours=programme.hours if programme else 0.0,
        ),
        "programme": programme,
        "car": geo.CAR,
        "rail": geo.RAIL,
        "video": geo.VIDEO_CALL,
        "min_population": HOSTING_MIN_POPULATION,
        "hours_per_day": HOURS_PER_DAY_WITHOUT_SESSIONS,
        "map_svg": geography_map(towns, sites, suggested_sites, k),
        "colours": COLOURS,
        "shared": shared,
        "shared_meetups": shared_meetups,
        "dot_cap": capped_from(),
        "page_title": "Delegate geography",
    }
    return TemplateResponse(request, "planner/workspace/geography.html", context)
