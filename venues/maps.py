"""A map that needs no tile server: an SVG drawn here, with the gazetteer's towns as faint
dots (they sketch the country's shape) and meetup venues as labelled markers. Pure: points
in, markup out."""

import math
from dataclasses import dataclass
from functools import lru_cache

from django.utils.html import escape

# Great Britain and Northern Ireland, with a margin.
SOUTH, NORTH, WEST, EAST = 49.8, 60.9, -8.3, 2.0
WIDTH = 420


@dataclass(frozen=True)
class MapPoint:
    latitude: float
    longitude: float
    label: str
    url: str = ""
    colour: str = "#1d70b8"


def projection(width: int = WIDTH):
    """Equirectangular projection scaled for mid-UK latitudes: (lat, lon) → (x, y), and the height."""
    scale_x = math.cos(math.radians((SOUTH + NORTH) / 2))
    span_x, span_y = (EAST - WEST) * scale_x, NORTH - SOUTH
    height = round(width * span_y / span_x)

    def project(latitude: float, longitude: float) -> tuple[float, float]:
        x = (longitude - WEST) * scale_x / span_x * width
        y = (NORTH - latitude) / span_y * height
        return round(x, 1), round(y, 1)

    return project, height


@lru_cache(maxsize=4)
def town_layer(towns: tuple[tuple[float, float], ...]) -> str:
    """The background dots, drawn once per set of towns (they change only on load_places)."""
    project, _height = projection()
    dots = "".join(f'<circle cx="{x}" cy="{y}" r="2.2"/>' for x, y in (project(lat, lon) for lat, lon in towns))
    return f'<g fill="#b1b4b6">{dots}</g>'


def render_map_svg(markers: list[MapPoint], towns: list[tuple[float, float]], *, title: str) -> str:
    """An accessible SVG: one image (role=img) with a title, and no links inside it (an image
    must not hold interactive controls); the page lists the same places as links beside it."""
    project, height = projection()
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" class="uk-map" role="img" '
        f'aria-labelledby="map-title"><title id="map-title">{escape(title)}</title>',
        f'<rect width="{WIDTH}" height="{height}" fill="#f3f2f1"/>',
        town_layer(tuple(towns)),
    ]
    for marker in markers:
        x, y = project(marker.latitude, marker.longitude)
        label = escape(marker.label)
        anchor = "end" if x > WIDTH * 0.7 else "start"
        dx = -12 if anchor == "end" else 12
        shape = (
            f'<circle cx="{x}" cy="{y}" r="8" fill="{marker.colour}" stroke="#fff" stroke-width="2.5"/>'
            f'<text x="{x + dx}" y="{y + 6}" text-anchor="{anchor}" font-size="19" font-weight="700" '
            f'fill="#0b0c0c" stroke="#fff" stroke-width="4" class="map-label">{label}</text>'
        )
        parts.append(shape)
    parts.append("</svg>")
    return "".join(parts)
