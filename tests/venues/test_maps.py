"""Server-drawn maps: the British Isles coastline, zoomed to the markers, as one accessible SVG."""

import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from venues import maps
from venues.maps import MapPoint, fit_view, render_map_svg

SVG = "{http://www.w3.org/2000/svg}"
CARDIFF = MapPoint(51.48, -3.18, "Cardiff")
LERWICK = MapPoint(60.15, -1.15, "Lerwick")
PENZANCE = MapPoint(50.12, -5.54, "Penzance")
UK_MEETUPS = [
    CARDIFF,
    MapPoint(53.48, -2.24, "Manchester"),
    MapPoint(55.95, -3.19, "Edinburgh"),
    MapPoint(51.51, -0.13, "London"),
    MapPoint(54.60, -5.93, "Belfast"),
]


def sized_dots(count: int = 300) -> list[MapPoint]:
    """Delegate dots spread over Great Britain, sized as the geography page sizes them."""
    return [
        MapPoint(50.3 + (i * 7.3 % 7.2), -6.0 + (i * 3.7 % 7.5), f"Town {i}", radius=3 + i % 12, labelled=False)
        for i in range(count)
    ]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def view_box(root: ET.Element) -> tuple[float, float]:
    _x, _y, width, height = (float(n) for n in root.get("viewBox").split())
    return width, height


def land_points(root: ET.Element) -> list[tuple[float, float]]:
    path = root.find(f"{SVG}path[@class='map-land']")
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d"))]
    return list(zip(numbers[::2], numbers[1::2], strict=True))


def marker_centres(root: ET.Element) -> list[tuple[float, float]]:
    markers = root.find(f"{SVG}g[@class='map-markers']")
    return [(float(c.get("cx")), float(c.get("cy"))) for c in markers.iter(f"{SVG}circle")]


def test_map_is_one_image_named_by_its_title_which_stays_text():
    title = "Meetups <b>near</b> Cardiff & Newport"
    root = parse(render_map_svg([CARDIFF], title=title))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img" and "uk-map" in root.get("class").split()
    title_element = root.find(f"{SVG}title")
    assert root.get("aria-labelledby") == title_element.get("id")
    assert re.fullmatch(r"map-title-[0-9a-f]{8}", title_element.get("id"))
    assert title_element.text == title and not list(title_element)


def test_whole_isles_map_draws_the_coastline_as_land_on_sea():
    root = parse(render_map_svg([], title="The British Isles"))
    width, height = view_box(root)
    points = land_points(root)
    assert len(points) > 1000
    xs, ys = [x for x, _ in points], [y for _, y in points]
    # Land reaches across nearly the whole map: Ireland's west coast to East Anglia, Scilly to Shetland.
    assert min(xs) < width * 0.1 and max(xs) > width * 0.9 and min(ys) < height * 0.05 and max(ys) > height * 0.9
    assert root.find(f"{SVG}rect[@class='map-sea']").get("fill") != root.find(f"{SVG}path").get("fill")


def test_single_venue_map_has_land_by_the_venue_and_nothing_far_outside_the_view():
    root = parse(render_map_svg([CARDIFF], title="Cardiff"))
    width, height = view_box(root)
    (cx, cy), points = marker_centres(root)[0], land_points(root)
    assert min((x - cx) ** 2 + (y - cy) ** 2 for x, y in points) < 10**2
    # Clipped to the view: Shetland (thousands of px north) and the rest of the coast are gone.
    pad = maps.CLIP_PAD + 0.1
    assert all(-pad <= x <= width + pad and -pad <= y <= height + pad for x, y in points)
    whole = parse(render_map_svg([], title="The British Isles"))
    assert whole.find(f"{SVG}path").get("d").count("M") > 3 * root.find(f"{SVG}path").get("d").count("M")


@pytest.mark.parametrize(
    ("markers", "locator"),
    [([], False), (UK_MEETUPS, False), ([CARDIFF], False), ([CARDIFF], True), (sized_dots(), False)],
    ids=["whole-isles", "five-uk-meetups", "single-venue", "single-venue-locator", "300-sized-dots"],
)
def test_every_map_stays_under_60_kb(markers, locator):
    svg = render_map_svg(markers, title="A map", locator=locator)
    assert len(svg.encode()) <= 60 * 1024


def test_labelled_markers_at_the_whole_isles_scale_stay_under_60_kb():
    markers = [MapPoint(m.latitude, m.longitude, f"Meetup {i}") for i, m in enumerate(sized_dots(120))]
    assert len(render_map_svg(markers, title="Many").encode()) <= 60 * 1024


@pytest.mark.parametrize("min_span_km", [120, 300])
def test_single_marker_view_spans_at_least_min_span_with_the_marker_inside(min_span_km):
    view = fit_view([CARDIFF], min_span_km=min_span_km)
    assert min(view.span_km) >= min_span_km
    root = parse(render_map_svg([CARDIFF], title="Cardiff", min_span_km=min_span_km))
    width, height = view_box(root)
    ((cx, cy),) = marker_centres(root)
    assert width * 0.3 < cx < width * 0.7 and height * 0.3 < cy < height * 0.7


def test_inland_venue_zooms_out_until_some_coast_shows():
    birmingham = MapPoint(52.48, -1.90, "Birmingham")
    assert min(fit_view([birmingham]).span_km) > 120
    root = parse(render_map_svg([birmingham], title="Birmingham"))
    width, height = view_box(root)
    assert any(0 < x < width and 0 < y < height for x, y in land_points(root)[5:])


def test_markers_at_the_far_corners_both_lie_inside_the_view():
    root = parse(render_map_svg([LERWICK, PENZANCE], title="Lerwick and Penzance"))
    width, height = view_box(root)
    for cx, cy in marker_centres(root):
        assert 8 <= cx <= width - 8 and 8 <= cy <= height - 8
    assert 0.6 * width <= height <= 1.8 * width


def test_no_markers_show_all_of_great_britain_and_ireland():
    view = fit_view([])
    for place in (LERWICK, PENZANCE, MapPoint(53.27, -9.05, "Galway"), MapPoint(52.48, 1.75, "Lowestoft")):
        x, y = view.project(place.latitude, place.longitude)
        assert 0 < x < view.width and 0 < y < view.height


def test_wide_flat_spread_keeps_a_sane_aspect():
    view = fit_view([MapPoint(53.27, -9.05, "Galway"), MapPoint(52.63, 1.30, "Norwich")])
    assert 0.6 * view.width <= view.height <= 1.8 * view.width


def test_view_of_the_outermost_places_is_never_wider_than_the_data():
    outermost = [MapPoint(60.80, -0.85, "Unst"), MapPoint(49.91, -6.31, "Scilly"), MapPoint(51.45, -9.8, "Mizen")]
    view = fit_view([*outermost, MapPoint(52.48, 1.75, "Lowestoft")])
    west, south, east, north = maps.EXTENT
    assert west <= view.west and view.east <= east and south <= view.south and view.north <= north


def test_coastline_is_simplified_for_the_zoom():
    raw_points = sum(len(ring) for _box, ring in maps.land_rings())
    whole = land_points(parse(render_map_svg([], title="The British Isles")))
    assert len(whole) < raw_points * 0.75


def test_labels_stay_inside_the_map_near_its_right_edge():
    markers = [MapPoint(53.27, -9.05, "Galway"), MapPoint(52.48, 1.75, "Lowestoft and Great Yarmouth")]
    root = parse(render_map_svg(markers, title="East and west"))
    width, _height = view_box(root)
    label = next(t for t in root.iter(f"{SVG}text") if t.text.startswith("Lowestoft"))
    assert label.get("text-anchor") in {"end", "middle"}
    assert float(label.get("x")) <= width


def test_overlapping_markers_get_labels_that_do_not_overlap():
    markers = [MapPoint(53.40, -2.98, "You", colour="#0b0c0c", kind="you"), MapPoint(53.41, -2.99, "Liverpool")]
    root = parse(render_map_svg(markers, title="Near Liverpool"))
    you, liverpool = (t for t in root.iter(f"{SVG}text"))
    assert (you.get("x"), you.get("y"), you.get("text-anchor")) != (
        liverpool.get("x"),
        liverpool.get("y"),
        liverpool.get("text-anchor"),
    )


def test_locator_inset_is_drawn_only_when_asked():
    assert "map-locator" not in render_map_svg([CARDIFF], title="Cardiff")
    root = parse(render_map_svg([CARDIFF], title="Cardiff", locator=True))
    inset = root.find(f"{SVG}g[@class='map-locator']")
    assert inset is not None and inset.find(f"{SVG}path") is not None
    assert inset.findall(f"{SVG}rect")[-1].get("stroke") or inset.find(f"{SVG}circle") is not None


def test_map_holds_no_links_or_focusable_elements():
    markers = [MapPoint(51.48, -3.18, "Cardiff", url="/meetups/cardiff/"), MapPoint(53.48, -2.24, "M", url="/m/")]
    svg = render_map_svg(markers, title="Meetups", locator=True)
    root = parse(svg)
    assert not root.findall(f".//{SVG}a") and "tabindex" not in svg and "/meetups/cardiff/" not in svg


def test_two_maps_on_one_page_have_different_title_ids():
    first = parse(render_map_svg([CARDIFF], title="Cardiff"))
    second = parse(render_map_svg(UK_MEETUPS, title="The UK meetups"))
    assert first.get("aria-labelledby") != second.get("aria-labelledby")


def test_marker_kind_colour_radius_and_label_are_drawn():
    markers = [
        MapPoint(52.0, -1.0, "Dot", colour="#912b88", radius=14, labelled=False, kind="delegates"),
        MapPoint(53.0, -2.0, "Leeds <West>", kind="venue"),
    ]
    root = parse(render_map_svg(markers, title="Kinds"))
    dot = root.find(f".//{SVG}g[@class='map-delegates']")
    assert dot.find(f"{SVG}circle").get("fill") == "#912b88" and dot.find(f"{SVG}circle").get("r") == "14"
    assert dot.find(f"{SVG}text") is None
    assert root.find(f".//{SVG}g[@class='map-venue']/{SVG}text").text == "Leeds <West>"


def test_land_is_drawn_once_per_view_and_then_reused():
    maps.land_path.cache_clear()
    render_map_svg(UK_MEETUPS, title="First")
    render_map_svg(UK_MEETUPS, title="Again")
    info = maps.land_path.cache_info()
    assert (info.misses, info.hits) == (1, 1)


def test_coastline_ships_inside_the_package_with_its_credit():
    assert maps.LAND_FILE.parent == Path(maps.__file__).resolve().parent / "data" and maps.LAND_FILE.is_file()
    assert "Made with Natural Earth" in (maps.LAND_FILE.parent / "SOURCE.md").read_text()
    assert len(maps.land_rings()) == 68


def test_a_map_of_every_town_in_the_isles_stays_inside_its_size_budget_and_names_at_most_thirty():
    rng = random.Random(3)
    towns = [
        MapPoint(
            rng.uniform(50.2, 58.6),
            rng.uniform(-7.5, 1.7),
            f"Town {n}",
            radius=rng.choice([2.5, 4, 7]),
            labelled=False,
            kind="delegates",
        )
        for n in range(900)
    ]
    meetups = [MapPoint(rng.uniform(50.5, 57.5), rng.uniform(-5, 1), f"Meetup {n}", kind="meetup") for n in range(500)]
    svg = render_map_svg(towns + meetups, title="Every town and meetup")
    root = parse(svg)
    assert len(svg.encode()) <= 60 * 1024
    assert len(root.findall(f".//{SVG}text")) == 30
    drawn = sum(path.get("d").count("h0") for path in root.iter(f"{SVG}path") if path.get("class") == "map-delegates")
    assert drawn == 900
