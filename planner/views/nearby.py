"""/near/: the regional meetups nearest a town, a postcode or a position (DESIGN.md public contract).

``?q=Leeds`` (or ``?q=LS1 4AP``) or ``?lat=53.8&lon=-1.55``, optional ``radius_km`` (default
80, at most 500), ``format=json`` for the same results as JSON. With no meetup in the radius,
the nearest ones however far, and the online conference. Bad input gets a 400 with a message."""

import hashlib

from django import forms
from django.http import JsonResponse
from django.shortcuts import render

from cms.caching import cached
from planner import timefmt
from planner.queries.geography import nearby_meetups, nearest_meetups, online_conferences
from planner.queries.people import viewer_delegate
from venues.geocoding import Location, look_up_place
from venues.maps import MapPoint, render_map_svg

DEFAULT_RADIUS_KM = 80
MAX_RADIUS_KM = 500


class NearForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Town, city or postcode")
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, label="Latitude")
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, label="Longitude")
    place = forms.CharField(required=False, max_length=120)
    radius_km = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_RADIUS_KM,
        label="Within (km)",
        error_messages={
            "min_value": "The distance must be at least 1 km.",
            "max_value": f"The distance can be at most {MAX_RADIUS_KM} km.",
        },
    )

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise forms.ValidationError("Give both latitude and longitude, or a town instead.")
        return data


def result_json(item) -> dict:
    meetup = item.meetup
    return {
        "id": meetup.pk,
        "title": meetup.title,
        "url": meetup.full_url,
        "start": meetup.start.isoformat(),
        "end": meetup.end.isoformat(),
        "when": timefmt.when(meetup.start, meetup.end, meetup.zone),
        "venue": {
            "name": meetup.venue.name,
            "town": meetup.venue.town,
            "latitude": float(meetup.venue.latitude),
            "longitude": float(meetup.venue.longitude),
        },
        "distance_km": round(item.km, 1),
        "distance_miles": round(item.miles, 1),
        "places_left": meetup.places_left,
    }


def near(request):
    """Meetups nearest a town or position, as a page or (``format=json``) as JSON."""
    wants_json = request.GET.get("format") == "json"
    viewer = viewer_delegate(request.user)
    params = request.GET.copy()
    if not params.get("q") and params.get("lat") is None and viewer and viewer.home_town:
        params["q"] = viewer.home_town  # the delegate's own town pre-fills the search
    form = NearForm(params)
    context = {"form": form, "searched": False, "radius_km": DEFAULT_RADIUS_KM}
    status = 200
    if not form.is_valid():
        status = 400
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        if wants_json:
            return JsonResponse({"error": " ".join(errors), "errors": form.errors.get_json_data()}, status=400)
        return render(request, "planner/near.html", context, status=400)
    data = form.cleaned_data
    radius = data.get("radius_km") or DEFAULT_RADIUS_KM
    context["radius_km"] = radius
    origin: Location | None = None
    if data.get("lat") is not None:
        origin = Location(
            label=data.get("place") or "your location", latitude=data["lat"], longitude=data["lon"], source="given"
        )
    elif data.get("q"):
        # The gazetteer changes only when load_places runs: an answer is kept for the day.
        key = "relay:place-lookup:" + hashlib.sha256(" ".join(data["q"].lower().split()).encode()).hexdigest()[:32]
        lookup = cached(key, lambda: look_up_place(data["q"]))
        context["lookup"] = lookup
        if lookup.ambiguous:
            if wants_json:
                choices = [{"label": m.label, "lat": m.latitude, "lon": m.longitude} for m in lookup.matches]
                return JsonResponse({"error": "More than one place has that name.", "choices": choices}, status=400)
            return render(request, "planner/near.html", context)
        if not lookup.matches:
            if wants_json:
                return JsonResponse({"error": lookup.message, "suggestions": lookup.suggestions}, status=400)
            return render(request, "planner/near.html", context, status=200)
        origin = lookup.matches[0]
    if origin is None:
        if wants_json:
            return JsonResponse({"error": "Give a town (q) or a position (lat and lon)."}, status=400)
        return render(request, "planner/near.html", context, status=status)
    results, total = nearby_meetups(origin.latitude, origin.longitude, radius_km=radius)
    nearest = [] if results else nearest_meetups(origin.latitude, origin.longitude, beyond_km=radius)
    online = online_conferences()
    if wants_json:
        return JsonResponse(
            {
                "origin": {"label": origin.label, "lat": origin.latitude, "lon": origin.longitude},
                "radius_km": radius,
                "total_within_radius": total,
                "results": [result_json(item) for item in results],
                "nearest_beyond_radius": [result_json(item) for item in nearest],
                "online": [{"title": c.title, "url": c.full_url, "ended": c.ended} for c in online],
            }
        )
    shown = results or nearest
    markers = [MapPoint(origin.latitude, origin.longitude, "You", colour="#0b0c0c", kind="searcher")] + [
        MapPoint(float(i.meetup.venue.latitude), float(i.meetup.venue.longitude), i.meetup.venue.town, kind="meetup")
        for i in shown
    ]
    title = f"Map of the meetups nearest {origin.label}: " + ", ".join(i.meetup.venue.town for i in shown)
    context.update(
        searched=True,
        origin=origin,
        results=results,
        total=total,
        nearest=nearest,
        online=online,
        markers=markers,
        map_svg=render_map_svg(markers, title=title),
    )
    return render(request, "planner/near.html", context)
