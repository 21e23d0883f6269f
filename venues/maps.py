"""Maps that need no tile server, no network and no JavaScript: an SVG drawn here, with the
coastline of the British Isles as land on a pale sea, zoomed to the markers it shows.

The coastline is Natural Earth's 1:10m land ("Made with Natural Earth", public domain), cut
to the British Isles: ``venues/data/british-isles-land-10m.geojson``, see ``SOURCE.md`` there.
Each view is projected equirectangularly (longitude scaled by the cosine of the view's
central latitude), clipped to the view and thinned to about one point per pixel, so a map
stays small enough to inline in a page. Pure: points in, markup out."""

import hashlib
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.html import escape

LAND_FILE = Path(__file__).resolve().parent / "data" / "british-isles-land-10m.geojson"
# The data's extent (west, south, east, north): no view is wider, since beyond it the land is cut.
EXTENT = (-11.0, 49.7, 2.1, 61.0)
# What a map with no markers shows: Great Britain and Ireland.
WHOLE_ISLES = (-10.5, 49.86, 1.78, 60.86)
KM_PER_DEGREE = 111.2

SEA, LAND, COAST, INK, HALO = "#dbe9f4", "#f3f2f1", "#8f979c", "#0b0c0c", "#ffffff"
FONT_SIZE = 19
# At most this many labels on one map: the first markers (the callers' most important) get
# them; a map of hundreds of labelled places would be unreadable and slow to lay out.
MAX_LABELS = 30
# Past this many unlabelled dots, they are drawn as one path per kind, colour and size (see
# _dense_dots), so a map of every delegate's town stays inside its size budget.
DENSE_DOTS = 100
EDGE = 12  # px of sea kept between the outermost marker and the edge (plus its radius)
MIN_ASPECT, MAX_ASPECT = 0.6, 1.8  # height / width
SIMPLIFY_PX = 1.0  # drop coastline points closer than this to the last one kept
CLIP_PAD = 6  # px: land is clipped this far outside the view, so its cut edges stay unseen
LOCATOR_SHARE = 0.2  # the locator inset's width, as a share of the map's


@dataclass(frozen=True)
class MapPoint:
    latitude: float
    longitude: float
    label: str
    url: str = ""  # kept for callers; never rendered (an image holds no links): the page lists them
    colour: str = "#1d70b8"
    radius: float = 8  # px
    labelled: bool = True
    kind: str = "marker"  # becomes class="map-<kind>" on the marker's group


@dataclass(frozen=True)
class View:
    """What a map shows (degrees) and at what size (px)."""

    west: float
    south: float
    east: float
    north: float
    width: int

    @property
    def x_scale(self) -> float:
        """cos(central latitude): how much shorter a degree of longitude is than one of latitude."""
        return math.cos(math.radians((self.south + self.north) / 2))

    @property
    def px_per_degree(self) -> float:
        """Pixels per degree of latitude."""
        return self.width / ((self.east - self.west) * self.x_scale)

    @property
    def height(self) -> int:
        """The height in px that the view's shape gives at its width."""
        return round((self.north - self.south) * self.px_per_degree)

    def project(self, latitude: float, longitude: float) -> tuple[float, float]:
        """(lat, lon) → (x, y) in px from the top left."""
        scale = self.px_per_degree
        return (longitude - self.west) * self.x_scale * scale, (self.north - latitude) * scale

    @property
    def span_km(self) -> tuple[float, float]:
        """The view's width and height on the ground, at its centre."""
        return (
            (self.east - self.west) * self.x_scale * KM_PER_DEGREE,
            (self.north - self.south) * KM_PER_DEGREE,
        )


# --- The coastline ----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def land_rings() -> tuple[tuple[tuple[float, float, float, float], tuple[tuple[float, float], ...]], ...]:
    """Every ring of the land as ((west, south, east, north), ((lon, lat), ...)), read once."""
    with LAND_FILE.open(encoding="utf-8") as handle:
        collection = json.load(handle)
    rings = []
    for feature in collection["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        for polygon in polygons:
            for ring in polygon:
                points = tuple((float(lon), float(lat)) for lon, lat in ring)
                lons, lats = [p[0] for p in points], [p[1] for p in points]
                rings.append(((min(lons), min(lats), max(lons), max(lats)), points))
    return tuple(rings)


def _clip(points: list[tuple[float, float]], x0: float, y0: float, x1: float, y1: float):
    """Sutherland–Hodgman: the ring cut to a rectangle. A concave ring may come back with
    zero-width spurs along the rectangle's edge; they lie outside the view, so unseen."""
    edges = (
        (lambda p: p[0] >= x0, lambda p, q: (x0, p[1] + (q[1] - p[1]) * (x0 - p[0]) / (q[0] - p[0]))),
        (lambda p: p[0] <= x1, lambda p, q: (x1, p[1] + (q[1] - p[1]) * (x1 - p[0]) / (q[0] - p[0]))),
        (lambda p: p[1] >= y0, lambda p, q: (p[0] + (q[0] - p[0]) * (y0 - p[1]) / (q[1] - p[1]), y0)),
        (lambda p: p[1] <= y1, lambda p, q: (p[0] + (q[0] - p[0]) * (y1 - p[1]) / (q[1] - p[1]), y1)),
    )
    for inside, cross in edges:
        if not points:
            break
        kept = []
        previous = points[-1]
        for point in points:
            if inside(point):
                if not inside(previous):
                    kept.append(cross(previous, point))
                kept.append(point)
            elif inside(previous):
                kept.append(cross(previous, point))
            previous = point
        points = kept
    return points


def _chaikin(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """One round of Chaikin's corner cutting on a closed ring: each edge becomes its middle half."""
    smoothed = []
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
        smoothed += [(0.75 * x0 + 0.25 * x1, 0.75 * y0 + 0.25 * y1), (0.25 * x0 + 0.75 * x1, 0.25 * y0 + 0.75 * y1)]
    return smoothed


def _thin(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """The ring simplified for the zoom: points closer than ``tolerance`` to the last one kept
    dropped, then Douglas–Peucker with a third of that tolerance (straight runs become one line)."""
    if len(points) < 3:
        return points
    kept = [points[0]]
    limit = tolerance * tolerance
    for x, y in points[1:]:
        last_x, last_y = kept[-1]
        if (x - last_x) ** 2 + (y - last_y) ** 2 >= limit:
            kept.append((x, y))
    return _douglas_peucker(kept, tolerance * 0.3)


def _douglas_peucker(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas–Peucker on a closed ring, split at its first point and the point farthest from it."""
    if len(points) < 4:
        return points
    first = points[0]
    far = max(range(len(points)), key=lambda i: (points[i][0] - first[0]) ** 2 + (points[i][1] - first[1]) ** 2)
    ring = [*points, first]
    keep = [False] * len(ring)
    keep[0] = keep[far] = keep[-1] = True
    stack = [(0, far), (far, len(ring) - 1)]
    while stack:
        start, end = stack.pop()
        if end - start < 2:
            continue
        (ax, ay), (bx, by) = ring[start], ring[end]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        worst, worst_at = -1.0, start
        for i in range(start + 1, end):
            px, py = ring[i]
            distance = abs(dx * (ay - py) - dy * (ax - px)) / length if length else math.hypot(px - ax, py - ay)
            if distance > worst:
                worst, worst_at = distance, i
        if worst > tolerance:
            keep[worst_at] = True
            stack += [(start, worst_at), (worst_at, end)]
    return [point for point, kept in zip(ring[:-1], keep[:-1], strict=True) if kept]


@lru_cache(maxsize=128)
def land_polygons(view: View) -> tuple[tuple[tuple[float, float], ...], ...]:
    """The land rings seen in ``view``, projected to px, clipped and thinned (cached per view)."""
    height = view.height
    margin = CLIP_PAD / view.px_per_degree
    west, east = view.west - margin / view.x_scale, view.east + margin / view.x_scale
    south, north = view.south - margin, view.north + margin
    # Zoomed in, the data's straight runs (it was simplified to about 500 m) show as corners:
    # round them off, once where 0.005° is over half a pixel, twice where it is over 1.25.
    smoothing = (view.px_per_degree > 120) + (view.px_per_degree > 250)
    polygons = []
    for (r_west, r_south, r_east, r_north), ring in land_rings():
        if r_east < west or r_west > east or r_north < south or r_south > north:
            continue
        projected = [view.project(lat, lon) for lon, lat in ring]
        xs, ys = [p[0] for p in projected], [p[1] for p in projected]
        if max(xs) - min(xs) < SIMPLIFY_PX and max(ys) - min(ys) < SIMPLIFY_PX:
            continue  # an islet smaller than a pixel
        for _ in range(smoothing):
            projected = _chaikin(projected)
        clipped = _clip(projected, -CLIP_PAD, -CLIP_PAD, view.width + CLIP_PAD, height + CLIP_PAD)
        thinned = _thin(clipped, SIMPLIFY_PX)
        if len(set(thinned)) >= 3:
            polygons.append(tuple(thinned))
    return tuple(polygons)


def _number(value: float) -> str:
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _path_data(polygons) -> str:
    rings = []
    for polygon in polygons:
        coordinates, last = [], None
        for x, y in polygon:
            pair = f"{_number(x)} {_number(y)}"
            if pair != last:
                coordinates.append(pair)
                last = pair
        if len(coordinates) >= 3:
            rings.append("M" + coordinates[0] + "L" + " ".join(coordinates[1:]) + "Z")
    return "".join(rings)


@lru_cache(maxsize=128)
def land_path(view: View) -> str:
    """The land of ``view`` as one filled, stroked ``<path>`` (cached per view)."""
    return (
        f'<path class="map-land" d="{_path_data(land_polygons(view))}" fill="{LAND}" stroke="{COAST}" '
        'stroke-width="0.8" stroke-linejoin="round" fill-rule="evenodd"/>'
    )


# --- Fitting the view -------------------------------------------------------------------------


def fit_view(markers: list[MapPoint], *, width: int = 420, min_span_km: float = 120) -> View:
    """The view that shows every marker with room around it: never narrower than
    ``min_span_km`` either way (wider still, up to 3 times, until some coast is in sight, so a
    map of one inland venue still says where it is), never wider than the data; with no
    markers, the whole isles."""
    view = _fit(markers, width, min_span_km)
    for _ in range(4):
        if not markers or _shows_coast(view):
            break
        min_span_km *= 1.35
        view = _fit(markers, width, min_span_km)
    return view


def _shows_coast(view: View) -> bool:
    """Whether any point of the coastline lies in the middle 70% of ``view``."""
    inset_x, inset_y = (view.east - view.west) * 0.15, (view.north - view.south) * 0.15
    west, east, south, north = view.west + inset_x, view.east - inset_x, view.south + inset_y, view.north - inset_y
    for (r_west, r_south, r_east, r_north), ring in land_rings():
        if r_east < west or r_west > east or r_north < south or r_south > north:
            continue
        if any(west <= lon <= east and south <= lat <= north for lon, lat in ring):
            return True
    return False


def _fit(markers: list[MapPoint], width: int, min_span_km: float) -> View:
    if markers:
        lats = [m.latitude for m in markers]
        lons = [m.longitude for m in markers]
        west, south, east, north = min(lons), min(lats), max(lons), max(lats)
        pad = max(m.radius for m in markers) + EDGE
    else:
        west, south, east, north = WHOLE_ISLES
        pad = EDGE
    x_scale = math.cos(math.radians((south + north) / 2))
    centre_x, centre_y = (west + east) / 2 * x_scale, (south + north) / 2
    # Work in "latitude degrees" both ways (x scaled by x_scale), so distances are true.
    min_span = min_span_km / KM_PER_DEGREE if markers else 0
    span_x = max((east - west) * x_scale, min_span)
    span_y = max(north - south, min_span)
    inner_width = width - 2 * pad
    scale = inner_width / span_x  # px per degree
    height = span_y * scale + 2 * pad
    if height < MIN_ASPECT * width:  # too flat: show more north and south
        span_y = (MIN_ASPECT * width - 2 * pad) / scale
    elif height > MAX_ASPECT * width:  # too tall: show more east and west
        scale = (MAX_ASPECT * width - 2 * pad) / span_y
        span_x = inner_width / scale
    half_x, half_y = span_x / 2 + pad / scale, span_y / 2 + pad / scale
    west, east = (centre_x - half_x) / x_scale, (centre_x + half_x) / x_scale
    south, north = centre_y - half_y, centre_y + half_y
    west, east = _within(west, east, EXTENT[0], EXTENT[2])
    south, north = _within(south, north, EXTENT[1], EXTENT[3])
    return View(round(west, 3), round(south, 3), round(east, 3), round(north, 3), width)


def fit_box(markers: list[MapPoint], *, width: int, height: int, min_span_km: float = 120) -> View:
    """The view ``fit_view`` chooses (at a width that makes it no taller than ``height``),
    widened around its centre, east–west or north–south, to the shape of a ``width`` × ``height``
    box: for a map whose frame is fixed, such as a printed page's. Never squashed, never bigger
    than the box; narrower or shorter only where widening would run past the data's extent."""
    fitted = width
    view = fit_view(markers, width=fitted, min_span_km=min_span_km)
    for _ in range(8):
        if view.height <= height or fitted <= 1:
            break
        fitted = max(1, min(fitted - 1, math.floor(fitted * height / view.height)))
        view = fit_view(markers, width=fitted, min_span_km=min_span_km)
    return _shape(view, width, height)


def _shape(view: View, width: int, height: int) -> View:
    """``view`` widened to the shape of the box, then narrowed until no taller than it."""
    aspect = height / width
    span_y = max(view.north - view.south, (view.east - view.west) * view.x_scale * aspect)
    middle = (view.south + view.north) / 2
    south, north = _within(middle - span_y / 2, middle + span_y / 2, EXTENT[1], EXTENT[3])
    x_scale = math.cos(math.radians((south + north) / 2))
    span_x = max(view.east - view.west, (north - south) / aspect / x_scale)  # degrees of longitude
    middle = (view.west + view.east) / 2
    west, east = _within(middle - span_x / 2, middle + span_x / 2, EXTENT[0], EXTENT[2])
    shaped = View(round(west, 3), round(south, 3), round(east, 3), round(north, 3), width)
    while shaped.height > height and shaped.width > 1:
        shaped = View(shaped.west, shaped.south, shaped.east, shaped.north, shaped.width - 1)
    return shaped


def _within(low: float, high: float, floor: float, ceiling: float) -> tuple[float, float]:
    """The range moved (or, if wider, cut) to lie within [floor, ceiling]."""
    if high - low >= ceiling - floor:
        return floor, ceiling
    if low < floor:
        return floor, high + floor - low
    if high > ceiling:
        return low - (high - ceiling), ceiling
    return low, high


# --- Drawing ----------------------------------------------------------------------------------


# Rough advance widths of a bold sans-serif (Arial, Helvetica), in ems: enough to keep labels
# inside the map and off each other without measuring text.
_NARROW, _WIDE = set("ijlft.,;:'!|()[] -"), set("mwMW@%")


def _label_width(text: str) -> float:
    ems = 0.0
    for char in text:
        if char in _NARROW:
            ems += 0.33
        elif char in _WIDE:
            ems += 0.9
        elif char.isupper() or char.isdigit():
            ems += 0.7
        else:
            ems += 0.6
    return ems * FONT_SIZE


Box = tuple[float, float, float, float]  # left, top, right, bottom (px)


def _overlap(a: Box, b: Box) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def _place_label(
    x: float, y: float, radius: float, text: str, view: View, taken: list[Box], font_size: float = FONT_SIZE, span=None
):
    """Where a marker's label goes, as (x, baseline, anchor, box): the first of right of the
    marker, left of it, under it, above it that stays inside the map and clear of the markers
    and labels already placed; failing that, the one that overlaps least. ``span`` is the
    label's width in px if measured (else guessed); the gaps grow with ``font_size``."""
    width, height = view.width, view.height
    k = font_size / FONT_SIZE
    span = _label_width(text) * k if span is None else span
    gap, edge = radius + 4 * k, 3 * k
    centre = min(max(x, edge + span / 2), width - edge - span / 2)
    candidates = (
        (x + gap, y + 6 * k, "start", x + gap),
        (x - gap, y + 6 * k, "end", x - gap - span),
        (centre, y + radius + font_size, "middle", centre - span / 2),
        (centre, y - radius - 6 * k, "middle", centre - span / 2),
    )
    best, best_cost = None, math.inf
    for tx, ty, anchor, left in candidates:
        box = (left, ty - font_size * 0.78, left + span, ty + font_size * 0.22)
        outside = span * font_size - _overlap(box, (edge, edge, width - edge, height - edge))
        cost = round(outside * 10 + sum(_overlap(box, other) for other in taken), 3)
        if cost < best_cost:
            best, best_cost = (tx, ty, anchor, box), cost
        if cost == 0:
            break
    return best


def _marker_class(kind: str) -> str:
    return "map-" + (re.sub(r"[^a-z0-9_-]+", "-", kind.lower()).strip("-") or "marker")


def _map_id(title: str, markers: list[MapPoint], view: View, locator: bool) -> str:
    key = repr((title, [(m.latitude, m.longitude, m.label, m.radius, m.kind) for m in markers], view, locator))
    return "map-title-" + hashlib.blake2s(key.encode(), digest_size=4).hexdigest()


def place_labels(
    markers: list[MapPoint], view: View, *, font_size: float = FONT_SIZE, text_width=None
) -> tuple[dict[int, tuple[float, float, str, Box]], list[Box]]:
    """Where each labelled marker's label goes in ``view``, by the marker's index, as (x,
    baseline, anchor, box) in px (y down; anchor "start", "middle" or "end"), and every box
    taken (the dots, then the labels): labels are placed in the markers' order, so the first
    get the best places, clear of the dots and of each other as far as the map allows.
    ``text_width(label)`` measures a label in px at ``font_size`` (else it is guessed)."""
    positions = [view.project(m.latitude, m.longitude) for m in markers]
    taken: list[Box] = [
        (x - m.radius, y - m.radius, x + m.radius, y + m.radius) for m, (x, y) in zip(markers, positions, strict=True)
    ]
    places = {}
    for index, (marker, (x, y)) in enumerate(zip(markers, positions, strict=True)):
        if marker.labelled and marker.label and len(places) < MAX_LABELS:
            span = text_width(marker.label) if text_width else None
            places[index] = _place_label(x, y, marker.radius, marker.label, view, taken, font_size, span)
            taken.append(places[index][3])
    return places, taken


def _dense_dots(markers: list[MapPoint], positions: list[tuple[float, float]]) -> str:
    """Many unlabelled dots, a tenth of the bytes of a circle each: one path per kind, colour
    and size, each dot a zero-length stroke with round ends; overlaps darken, showing density."""
    paths: dict[tuple[str, str, str], list[str]] = {}
    for marker, (x, y) in zip(markers, positions, strict=True):
        key = (marker.kind, marker.colour, _number(marker.radius * 2))
        paths.setdefault(key, []).append(f"M{_number(x)} {_number(y)}h0")
    return "".join(
        f'<path class="{_marker_class(kind)}" d="{"".join(moves)}" fill="none" stroke="{escape(colour)}" '
        f'stroke-width="{width}" stroke-linecap="round" stroke-opacity="0.75"/>'
        for (kind, colour, width), moves in paths.items()
    )


def _markers_layer(markers: list[MapPoint], view: View) -> tuple[str, list[Box]]:
    """The markers' groups and the boxes they cover (for the locator to keep clear of).
    Labels are placed in the callers' order, so the first markers get the best places; they
    are drawn unlabelled dots first, biggest first, so no dot hides a smaller one or a label."""
    positions = [view.project(m.latitude, m.longitude) for m in markers]
    places, taken = place_labels(markers, view)
    labels = {}
    for index, marker in enumerate(markers):
        if index in places:
            tx, ty, anchor, _box = places[index]
            anchor_attr = "" if anchor == "start" else f' text-anchor="{anchor}"'
            labels[index] = (
                f'<text x="{_number(tx)}" y="{_number(ty)}"{anchor_attr} class="map-label" stroke-width="4">'
                f"{escape(marker.label)}</text>"
            )
    order = sorted(range(len(markers)), key=lambda i: (i in labels, -markers[i].radius))
    groups = []
    if len(markers) - len(labels) > DENSE_DOTS:
        dots = [i for i in order if i not in labels]
        groups.append(_dense_dots([markers[i] for i in dots], [positions[i] for i in dots]))
        order = [i for i in order if i in labels]
    for index in order:
        marker, (x, y) = markers[index], positions[index]
        groups.append(
            f'<g class="{_marker_class(marker.kind)}"><circle cx="{_number(x)}" cy="{_number(y)}" '
            f'r="{_number(marker.radius)}" fill="{escape(marker.colour)}"/>{labels.get(index, "")}</g>'
        )
    layer = (
        f'<g class="map-markers" stroke="{HALO}" stroke-width="2.5" fill="{INK}" font-size="{FONT_SIZE}" '
        f'font-weight="700" style="paint-order:stroke">{"".join(groups)}</g>'
    )
    return layer, taken


@lru_cache(maxsize=8)
def _whole_view(width: int) -> View:
    """The whole data extent, ``width`` px wide: the locator's map."""
    return View(*EXTENT, width)


@lru_cache(maxsize=8)
def _locator_land(width: int) -> str:
    return _path_data(land_polygons(_whole_view(width)))


def _land_area(view: View, box: tuple[float, float, float, float]) -> float:
    """How much of ``box`` (px) is land."""
    total = 0.0
    for polygon in land_polygons(view):
        clipped = _clip(list(polygon), *box)
        if len(clipped) >= 3:
            total += abs(
                sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(clipped, clipped[1:] + clipped[:1], strict=True))
            )
    return total / 2


@dataclass(frozen=True)
class Inset:
    """A locator inset's geometry, in the main map's px (y down): its top left corner, the whole
    isles at its size (``view``; draw ``land_polygons(view)`` shifted by ``left``, ``top``) and
    where the main map's view lies in it (``where``: left, top, right, bottom in the inset's px)."""

    left: float
    top: float
    view: View
    where: tuple[float, float, float, float]

    @property
    def box(self) -> Box:
        return (self.left, self.top, self.left + self.view.width, self.top + self.view.height)

    @property
    def area_shown(self) -> float:
        """The share of the inset that the main view covers (0 to 1)."""
        x0, y0, x1, y1 = self.where
        return (x1 - x0) * (y1 - y0) / (self.view.width * self.view.height)

    @property
    def is_dot(self) -> bool:
        """Whether the main view is too small in the inset to show as a box: draw a dot instead."""
        x0, y0, x1, y1 = self.where
        return min(x1 - x0, y1 - y0) < 5


def locator_inset(view: View, boxes: list[Box], *, share: float = LOCATOR_SHARE, gap: float = 6) -> Inset:
    """Where a small map of the whole isles, ``share`` of ``view``'s width, goes: the corner
    (``gap`` px in) that hides the fewest of ``boxes`` (markers, labels) and least land."""
    whole = _whole_view(max(40, round(view.width * share)))
    inset_w, inset_h = whole.width, whole.height
    height = view.height

    def cost(x: float, y: float) -> float:
        box = (x, y, x + inset_w, y + inset_h)
        hidden = sum(1 for b in boxes if b[0] < box[2] and b[2] > box[0] and b[1] < box[3] and b[3] > box[1])
        return hidden * inset_w * inset_h + _land_area(view, box)

    corners = [
        (gap, gap),
        (view.width - gap - inset_w, gap),
        (gap, height - gap - inset_h),
        (view.width - gap - inset_w, height - gap - inset_h),
    ]
    left, top = min(corners, key=lambda corner: cost(*corner))
    x0, y0 = whole.project(view.north, view.west)
    x1, y1 = whole.project(view.south, view.east)
    return Inset(left, top, whole, (x0, y0, x1, y1))


def shows_part_of_isles(view: View) -> bool:
    """Whether ``view`` is zoomed in enough that a locator inset helps say where it is."""
    whole_x, whole_y = (EXTENT[2] - EXTENT[0]) * 0.6, EXTENT[3] - EXTENT[1]
    return (view.east - view.west) < whole_x or (view.north - view.south) < whole_y * 0.6


def _locator(view: View, boxes: list[tuple[float, float, float, float]]) -> str:
    """A small map of the whole isles in the corner that hides the fewest markers and least
    land, with a box (or, if tiny, a dot) where the main view is."""
    inset = locator_inset(view, boxes)
    left, top, inset_w, inset_h = inset.left, inset.top, inset.view.width, inset.view.height
    x0, y0, x1, y1 = inset.where
    if inset.is_dot:
        where = (
            f'<circle cx="{_number((x0 + x1) / 2)}" cy="{_number((y0 + y1) / 2)}" r="3" fill="#d4351c" '
            f'stroke="{HALO}" stroke-width="1"/>'
        )
    else:
        where = (
            f'<rect x="{_number(x0)}" y="{_number(y0)}" width="{_number(x1 - x0)}" height="{_number(y1 - y0)}" '
            'fill="none" stroke="#d4351c" stroke-width="1.5"/>'
        )
    return (
        f'<g class="map-locator" transform="translate({_number(left)} {_number(top)})">'
        f'<rect width="{inset_w}" height="{inset_h}" fill="{SEA}" stroke="#505a5f" stroke-width="1"/>'
        f'<path d="{_locator_land(inset_w)}" fill="{LAND}" stroke="{COAST}" stroke-width="0.5" '
        f'fill-rule="evenodd"/>{where}</g>'
    )


def render_map_svg(
    markers: list[MapPoint], *, title: str, width: int = 420, min_span_km: float = 120, locator: bool = False
) -> str:
    """An accessible SVG map of ``markers`` over the British Isles coastline, zoomed to them
    (see ``fit_view``): one image (role=img) named by its ``<title>``, with no links or other
    focusable parts inside (the page lists the same places as text and links beside it).
    ``locator`` adds a small inset of the whole isles showing where the view is."""
    markers = list(markers)
    view = fit_view(markers, width=width, min_span_km=min_span_km)
    height = view.height
    title_id = _map_id(title, markers, view, locator)
    layer, boxes = _markers_layer(markers, view)
    zoomed = shows_part_of_isles(view)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" class="uk-map" role="img" aria-labelledby="{title_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<rect class="map-sea" width="{width}" height="{height}" fill="{SEA}"/>',
        land_path(view),
        _locator(view, boxes) if locator and zoomed else "",
        layer,
        "</svg>",
    ]
    return "".join(parts)
