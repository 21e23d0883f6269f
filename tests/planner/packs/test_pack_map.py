"""The pack's "Getting there" map: the British Isles coastline under the venue and the
delegate's home town, drawn as the web maps are (``venues.maps``), read back from the PDF with
pypdf and from the ReportLab drawing itself."""

import dataclasses
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream
from reportlab.graphics.shapes import Circle, Group, Path, Rect, String
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from planner.packs import ACCENT, INK, fonts
from planner.packs.context import pack_context
from planner.packs.pack import MAP_LAND, MAP_SEA, render_pack, small_map
from planner.services.bookings import book_meetup
from tests.factories import VenueFactory, make_meetup
from tests.factories import registered_person as person
from tests.planner.packs.test_print_fitting import assert_every_font_embedded
from venues.models import Place

CARDIFF = (51.4779, -3.1755)
BRISTOL = (51.4545, -2.5879)
INVERNESS = (57.4778, -4.2247)
MAP_BUDGET = 60_000  # bytes the map may add to one delegate's pack (it adds about 5 KB)


def town(name: str, geonameid: int, where: tuple[float, float]) -> Place:
    return Place.objects.create(
        geonameid=geonameid,
        name=name,
        ascii_name=name.lower(),
        latitude=Decimal(str(where[0])),
        longitude=Decimal(str(where[1])),
    )


@pytest.fixture
def cardiff(conference):
    venue = VenueFactory(
        name="Cardiff Civic Hall",
        town="Cardiff",
        postcode="CF10 3ND",
        latitude=Decimal(str(CARDIFF[0])),
        longitude=Decimal(str(CARDIFF[1])),
    )
    return make_meetup(conference, title="Wales meetup", venue=venue)


def context_for(conference, meetup, home: Place | None = None):
    delegate = person(conference, "Asha Patel")
    delegate.home_place = home
    delegate.save()
    book_meetup(delegate=delegate, event=meetup)
    return pack_context(delegate=delegate, event=meetup)


def getting_there_page(pdf: bytes):
    return next(page for page in PdfReader(io.BytesIO(pdf)).pages if "Getting there" in page.extract_text())


def shapes(node) -> list:
    """Every shape in a drawing, groups opened."""
    found = []
    for child in node.getContents():
        found += shapes(child) if isinstance(child, Group) else [child]
    return found


def filled_land(drawing) -> list[Path]:
    return [s for s in shapes(drawing) if isinstance(s, Path) and s.fillColor == MAP_LAND]


def label_box(label: String) -> tuple[float, float, float, float]:
    width = stringWidth(label.text, label.fontName, label.fontSize)
    left = label.x - {"start": 0, "middle": width / 2, "end": width}[label.textAnchor]
    return left, label.y - label.fontSize * 0.25, left + width, label.y + label.fontSize * 0.75


@pytest.mark.django_db
def test_the_packs_getting_there_map_holds_the_coastline_and_both_places_by_name(conference, cardiff):
    ctx = context_for(conference, cardiff, town("Bristol", 1, BRISTOL))
    page = getting_there_page(render_pack(ctx))
    operators = [operator for _operands, operator in ContentStream(page.get_contents(), page.pdf).operations]
    assert operators.count(b"l") > 300  # the coast, point by point, not two dots on blank paper
    assert b"B*" in operators  # land filled (even-odd, so lakes stay open) and outlined
    text = page.extract_text()
    # Each name twice on the page: in the address or the distance, and as a label on the map.
    assert text.count("Cardiff Civic Hall") >= 2 and text.count("Bristol") >= 2
    assert "from Bristol in a straight line" in " ".join(text.split())


@pytest.mark.django_db
def test_the_map_drawing_is_a_filled_coast_with_the_venue_in_the_accent_colour_and_home_in_ink(conference, cardiff):
    ctx = context_for(conference, cardiff, town("Bristol", 1, BRISTOL))
    regular = fonts()[0]
    drawing = small_map(ctx.map_points, 174 * mm, 85 * mm, regular)
    assert drawing.width <= 174 * mm and drawing.height <= 85 * mm
    land = filled_land(drawing)
    assert land and max(len(path.points) // 2 for path in land) > 300
    labels = [s for s in shapes(drawing) if isinstance(s, String)]
    assert {"Cardiff Civic Hall", "Bristol"} <= {label.text for label in labels}
    assert any(label.text.endswith(" km") for label in labels)  # the scale bar
    assert {label.fontName for label in labels} == {regular}  # never reportlab's unembedded Helvetica
    dots = {round(c.cx): c.fillColor for c in shapes(drawing) if isinstance(c, Circle) and c.r >= 3}
    assert set(dots.values()) == {ACCENT, INK}
    assert dots[min(dots)] == ACCENT  # Cardiff lies west of Bristol
    assert any(getattr(s, "strokeDashArray", None) for s in shapes(drawing))  # the straight line between


@pytest.mark.parametrize(
    "points",
    [
        [(*CARDIFF, "Cardiff Civic Hall")],
        [(50.12, -5.54, "Penzance Guildhall")],
        [(52.6309, 1.2974, "The Forum, Norwich")],
        [(60.155, -1.145, "Lerwick Town Hall")],
        [(51.5072, -0.1276, "The Queen Elizabeth II Conference Centre, Broad Sanctuary, Westminster, London")],
        [(*CARDIFF, "Cardiff Civic Hall"), (*INVERNESS, "Inverness")],
        [(54.5973, -5.9301, "Belfast City Hall"), (55.8642, -4.2518, "Glasgow")],
        [(53.4808, -2.2426, "Manchester Central"), (53.4808, -2.2426, "Manchester")],
    ],
)
def test_labels_stay_whole_inside_the_map_and_the_locator_hides_no_place(points):
    drawing = small_map(points, 174 * mm, 85 * mm, fonts()[0])
    found = shapes(drawing)
    insets = [s for s in found if isinstance(s, Rect) and s.fillColor == MAP_SEA and s.strokeColor is not None]
    if len(points) == 1:
        assert len(insets) == 1 and len(filled_land(drawing)) == 2  # the map and the whole isles
    names = [s for s in found if isinstance(s, String) and not s.text.endswith(" km")]
    assert len(names) == len(points)
    boxes = [label_box(name) for name in names]
    for left, bottom, right, top in boxes:
        assert left >= 0 and bottom >= 0 and right <= drawing.width and top <= drawing.height
    if len(points) == 2 and points[0][:2] != points[1][:2]:
        (a_left, a_bottom, a_right, a_top), (b_left, b_bottom, b_right, b_top) = boxes
        assert a_right <= b_left or b_right <= a_left or a_top <= b_bottom or b_top <= a_bottom
    places = [(c.cx, c.cy) for c in found if isinstance(c, Circle) and c.r >= 3]
    for inset in insets:
        for x, y in places + [(box[0], box[1]) for box in boxes] + [(box[2], box[3]) for box in boxes]:
            assert not (inset.x <= x <= inset.x + inset.width and inset.y <= y <= inset.y + inset.height)


def test_a_long_venue_name_is_shortened_at_a_word_with_an_ellipsis():
    name = "The Queen Elizabeth II Conference Centre, Broad Sanctuary, Westminster, London SW1P 3EE"
    drawing = small_map([(51.5007, -0.1297, name)], 174 * mm, 85 * mm, fonts()[0])
    (label,) = [s for s in shapes(drawing) if isinstance(s, String) and not s.text.endswith(" km")]
    assert label.text.endswith("…") and name.startswith(label.text[:-1]) and name[len(label.text) - 1] in " ,"


@pytest.mark.django_db
def test_every_font_in_a_pack_with_a_map_is_embedded(conference, cardiff, tmp_path):
    ctx = context_for(conference, cardiff, town("Inverness", 2, INVERNESS))
    assert_every_font_embedded(render_pack(ctx), tmp_path)


@pytest.mark.django_db
@pytest.mark.parametrize("home", [None, ("Bristol", BRISTOL), ("Inverness", INVERNESS)])
def test_the_map_adds_little_to_the_packs_size(conference, cardiff, home):
    ctx = context_for(conference, cardiff, town(home[0], 3, home[1]) if home else None)
    with_map = render_pack(ctx)
    without = render_pack(dataclasses.replace(ctx, map_points=[]))
    assert 0 < len(with_map) - len(without) < MAP_BUDGET
