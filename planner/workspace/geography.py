"""Delegate geography: where delegates are, the meetup nearest each, where k meetups would
best go, and the travel and carbon of each way of meeting."""

import hashlib

from django import forms
from django.contrib.auth.decorators import user_passes_test
from django.core.cache import cache
from django.template.response import TemplateResponse

from planner.models import Delegate
from planner.queries.geography import delegate_towns, meetup_sites
from venues import geography as geo
from venues.models import REGION_NAMES


class GeographyForm(forms.Form):
    k = forms.IntegerField(
        min_value=1, max_value=12, initial=5, label="How many meetups?", help_text="Between 1 and 12."
    )


@user_passes_test(
    lambda user: user.is_active and user.has_perm("planner.view_registration"), login_url="wagtailadmin_login"
)
def geography(request):
    """Where delegates are, which meetup is nearest each, where k meetups would best go, and
    the travel and carbon of one central venue vs regional meetups vs online only."""
    form = GeographyForm(request.GET or {"k": 5})
    k = form.cleaned_data["k"] if form.is_valid() else 5
    towns = delegate_towns()
    sites = meetup_sites()
    placed = sum(t.delegates for t in towns)
    # Keys must be safe for every cache backend: the inputs are hashed, not spelled out.
    inputs = f"{placed}:{len(towns)}:{[s.key for s in sites]}:{k}"
    key = f"relay:geography:{hashlib.sha256(inputs.encode()).hexdigest()[:32]}"
    suggestion = cache.get(key)
    if suggestion is None:
        suggestion = geo.suggest_sites(towns, k)
        cache.set(key, suggestion, 600)
    suggested_sites = [geo.Site(t.key, t.name, t.latitude, t.longitude) for t in suggestion]
    central = geo.suggest_sites(towns, 1)
    regions: dict[str, int] = {}
    for town in towns:
        regions[town.region] = regions.get(town.region, 0) + town.delegates
    context = {
        "form": form,
        "k": k,
        "placed": placed,
        "unplaced": Delegate.objects.filter(home_place__isnull=True).count(),
        "regions": sorted(((REGION_NAMES.get(r, r), n) for r, n in regions.items()), key=lambda pair: -pair[1]),
        "top_towns": towns[:15],
        "current": geo.catchments(towns, sites),
        "suggested": geo.catchments(towns, suggested_sites),
        "scenarios": geo.travel_scenarios(
            towns,
            central=geo.Site(central[0].key, central[0].name, central[0].latitude, central[0].longitude)
            if central
            else None,
            regional=sites,
        ),
        "factor": geo.KG_CO2E_PER_KM,
        "source": geo.EMISSION_SOURCE,
        "page_title": "Delegate geography",
    }
    return TemplateResponse(request, "planner/workspace/geography.html", context)
