"""What a print shop and a planner printing badges need from our PDFs: every text fitted to
its own box on a badge, clear of the QR code and its quiet zone, every check-in code
scannable, and every font embedded. Read back from the PDFs themselves: text positions and
filled shapes with pypdf, QR codes with zbarimg, fonts with pypdf and pdffonts (Debian's
zbar-tools and poppler-utils)."""

import io
import re
import shutil
import subprocess
from dataclasses import dataclass

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth

from planner.packs import fonts
from planner.packs.badges import Badge, render_badges
from planner.packs.context import check_in_token, pack_context
from planner.packs.findings import render_findings
from planner.packs.pack import render_pack
from planner.queries.findings import findings_report

A4_HEIGHT = 297 * mm
# The label stock, from its makers' specification rather than from our code: (x, y, width,
# height) of each label from the sheet's lower-left corner, in reading order.
LABELS = {
    "8up": [  # L7165: 2 × 4 labels of 99.1 × 67.7 mm, 13.1 mm top and 4.65 mm side margins
        ((4.65 + column * 101.6) * mm, A4_HEIGHT - (13.1 + (row + 1) * 67.7) * mm, 99.1 * mm, 67.7 * mm)
        for row in range(4)
        for column in range(2)
    ],
    "4up": [  # A6 quarters of an A4 sheet
        (column * 105 * mm, A4_HEIGHT - (row + 1) * 148.5 * mm, 105 * mm, 148.5 * mm)
        for row in range(2)
        for column in range(2)
    ],
}
QUIET_ZONE_MODULES = 4
MEETUP = (
    "North West regional meetup on integrated care, hospital discharge, housing and health, neighbourhood "
    "teams, prevention and digital inclusion in local public services, Manchester Central, 14 April 2027"
)[:250]


def worst_case_badges() -> list[Badge]:
    """Nine badges (two sheets of eight), each hard to fit, with real signed check-in URLs."""
    people = [
        ("A" * 200, "Salford City Council"),
        (" ".join(["Wordy"] * 34)[:200], "Greater Manchester Combined Authority Integrated Care Partnership " * 3),
        ("Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch", "Cyngor Sir Ynys Môn — Gwasanaethau"),
        ("<script>alert('x')</script>", "<b>Bold & Co</b> &amp; Partners"),
        ("Siân Łukasz Nguyễn-Ødegård", "Ærø Ödeshög Ñandú Çà — Ville de Besançon"),
        ("W" * 200, "M" * 200),
        ("Asha Patel", ""),
        ("Dr Christabel Featherstonehaugh-Worthington", "NHS Lancashire and South Cumbria ICB"),
        ("Tom", "Leeds"),
    ]
    return [
        Badge(name, organisation, MEETUP, f"https://relay.example.gov.uk/checkin/{check_in_token(104_729 + n)}/")
        for n, (name, organisation) in enumerate(people)
    ]


@dataclass
class TextRun:
    """One string as drawn: its page, font and size, and the start of its baseline."""

    page: int
    text: str
    font: str
    size: float
    x: float
    y: float

    @property
    def box(self) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) of the run, from the font's width, ascent and descent."""
        ascent, descent = getAscentDescent(self.font, self.size)
        return self.x, self.y + descent, self.x + stringWidth(self.text, self.font, self.size), self.y + ascent


def text_runs(pdf: bytes) -> list[TextRun]:
    """Every string drawn on every page, with where it was drawn."""
    runs = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):

        def visit(text, cm, tm, font, size, number=number):
            text = text.replace("\n", "")
            if text.strip():
                ca, _, _, cd, ce, cf = (float(v) for v in cm)
                _, _, _, td, te, tf = (float(v) for v in tm)
                name = str(font["/BaseFont"]).lstrip("/").split("+")[-1]
                runs.append(TextRun(number, text, name, size * td * cd, ca * te + ce, cd * tf + cf))

        page.extract_text(visitor_text=visit)
    return runs


def filled_rectangles(pdf: bytes) -> list[tuple[int, tuple[float, float, float, float]]]:
    """(page, (left, bottom, right, top)) of every filled rectangle: the dark runs of QR codes."""
    found = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):
        pending = []

        def visit(operator, operands, cm, tm, pending=pending, number=number):
            if operator == b"re":
                x, y, w, h = (float(v) for v in operands)
                a, _, _, d, e, f = (float(v) for v in cm)
                x0, y0, x1, y1 = a * x + e, d * y + f, a * (x + w) + e, d * (y + h) + f
                pending.append((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
            elif operator in (b"f", b"f*", b"F", b"B", b"B*", b"b", b"b*"):
                found.extend((number, rect) for rect in pending)
                pending.clear()
            elif operator in (b"S", b"s", b"n"):
                pending.clear()

        page.extract_text(visitor_operand_before=visit)
    return found


def label_of(page: int, x: float, y: float, layout: str) -> int | None:
    """The index of the badge whose label holds the point (x, y) on ``page``."""
    per_page = len(LABELS[layout])
    for slot, (left, bottom, width, height) in enumerate(LABELS[layout]):
        if left <= x <= left + width and bottom <= y <= bottom + height:
            return page * per_page + slot
    return None


def qr_keep_outs(pdf: bytes, layout: str) -> dict[int, tuple[float, float, float, float]]:
    """Badge index → the box of its QR code grown by the quiet zone, read from the drawing."""
    codes: dict[int, list] = {}
    for page, rect in filled_rectangles(pdf):
        index = label_of(page, (rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2, layout)
        assert index is not None, f"a filled shape lies between labels on page {page + 1}: {rect}"
        codes.setdefault(index, []).append(rect)
    keep_outs = {}
    for index, rects in codes.items():
        module = min(top - bottom for _, bottom, _, top in rects)  # each run is one module high
        quiet = QUIET_ZONE_MODULES * module
        keep_outs[index] = (
            min(r[0] for r in rects) - quiet,
            min(r[1] for r in rects) - quiet,
            max(r[2] for r in rects) + quiet,
            max(r[3] for r in rects) + quiet,
        )
    return keep_outs


def runs_by_badge(pdf: bytes, layout: str) -> dict[int, list[TextRun]]:
    """Badge index → the strings drawn starting on its label, top to bottom."""
    grouped: dict[int, list[TextRun]] = {}
    for run in text_runs(pdf):
        index = label_of(run.page, run.x, run.y, layout)
        assert index is not None, f"{run.text!r} starts outside every label"
        grouped.setdefault(index, []).append(run)
    return {index: sorted(runs, key=lambda run: -run.y) for index, runs in grouped.items()}


def squashed(text: str) -> str:
    """``text`` without spaces and hyphens, so wrapped lines compare with what was typed."""
    return re.sub(r"[\s-]", "", text)


def printed_as_typed(lines: list[str], typed: str) -> bool:
    """True if ``lines`` are ``typed`` wrapped, or wrapped and cut short with an ellipsis."""
    printed = squashed("".join(lines))
    if printed.endswith("…"):
        return squashed(typed).startswith(printed[:-1]) and len(printed) > 1
    return printed == squashed(typed)


@pytest.fixture(scope="module")
def sheets() -> dict[str, bytes]:
    """The worst-case badges on both layouts."""
    badges = worst_case_badges()
    return {layout: render_badges(badges, layout=layout, title="Badges: worst cases") for layout in LABELS}


def test_print_is_set_in_dejavu_sans_which_must_be_installed():
    assert fonts() == ("DejaVuSans", "DejaVuSans-Bold"), "install fonts-dejavu-core: print needs embedded fonts"


@pytest.mark.parametrize("layout", LABELS)
def test_every_check_in_code_on_a_sheet_of_worst_case_badges_scans(sheets, layout, tmp_path):
    pdftoppm, zbarimg = shutil.which("pdftoppm"), shutil.which("zbarimg")
    if pdftoppm is None or zbarimg is None:
        pytest.fail("pdftoppm or zbarimg is missing: sudo apt-get install poppler-utils zbar-tools")
    (tmp_path / "sheet.pdf").write_bytes(sheets[layout])
    subprocess.run([pdftoppm, "-r", "200", "-png", str(tmp_path / "sheet.pdf"), str(tmp_path / "page")], check=True)
    pages = sorted(str(path) for path in tmp_path.glob("page-*.png"))
    assert len(pages) == {"8up": 2, "4up": 3}[layout]
    scanned = subprocess.run([zbarimg, "-q", *pages], capture_output=True, text=True, timeout=60).stdout
    decoded = [line.removeprefix("QR-Code:") for line in scanned.splitlines() if line.startswith("QR-Code:")]
    assert sorted(decoded) == sorted(badge.check_in_url for badge in worst_case_badges())


@pytest.mark.parametrize("layout", LABELS)
def test_no_text_is_drawn_over_a_qr_code_or_its_quiet_zone(sheets, layout):
    keep_outs = qr_keep_outs(sheets[layout], layout)
    assert sorted(keep_outs) == list(range(len(worst_case_badges())))  # one code on every badge
    for index, runs in runs_by_badge(sheets[layout], layout).items():
        q_left, q_bottom, q_right, q_top = keep_outs[index]
        for run in runs:
            left, bottom, right, top = run.box
            clear = right <= q_left or left >= q_right or top <= q_bottom or bottom >= q_top
            assert clear, f"badge {index + 1}: {run.text!r} runs into the QR code or its quiet zone"


@pytest.mark.parametrize("layout", LABELS)
def test_every_text_stays_inside_its_own_label(sheets, layout):
    per_page = len(LABELS[layout])
    for index, runs in runs_by_badge(sheets[layout], layout).items():
        label_left, label_bottom, width, height = LABELS[layout][index % per_page]
        for run in runs:
            left, bottom, right, top = run.box
            inside = label_left <= left and right <= label_left + width and label_bottom <= bottom
            assert inside and top <= label_bottom + height, f"badge {index + 1}: {run.text!r} leaves its label"


@pytest.mark.parametrize("layout", LABELS)
def test_a_200_character_name_stays_inside_its_badge_wrapped_and_cut_with_an_ellipsis(sheets, layout):
    runs = runs_by_badge(sheets[layout], layout)
    per_page = len(LABELS[layout])
    for index in (0, 1, 5):  # 200 characters without spaces, with spaces, and of the widest letter
        name_lines = [run for run in runs[index] if run.font == "DejaVuSans-Bold"]
        label_left, _, width, _ = LABELS[layout][index % per_page]
        assert len(name_lines) >= 2 and name_lines[-1].text.endswith("…")
        assert all(run.box[2] <= label_left + width for run in name_lines)
        assert printed_as_typed([run.text for run in name_lines], worst_case_badges()[index].name)


@pytest.mark.parametrize("layout", LABELS)
def test_names_organisations_and_the_meetup_print_as_typed_markup_and_accents_included(sheets, layout):
    runs = runs_by_badge(sheets[layout], layout)
    for index, badge in enumerate(worst_case_badges()):
        names = [run.text for run in runs[index] if run.font == "DejaVuSans-Bold"]
        rest = [run for run in runs[index] if run.font == "DejaVuSans"]
        assert printed_as_typed(names, badge.name), names
        organisation = [run.text for run in rest if squashed(run.text).rstrip("…") in squashed(badge.organisation)]
        meetup = [run.text for run in rest if run.text not in organisation]
        assert printed_as_typed(organisation, badge.organisation), organisation
        assert printed_as_typed(meetup, badge.event), meetup
    everything = [run.text for run in text_runs(sheets[layout])]
    assert "<b>Bold & Co</b> &amp; Partners" in everything  # drawn literally, never as markup
    assert any("<script>alert('x')</" in text for text in everything)


def test_a_short_name_keeps_its_full_size_and_a_long_one_shrinks_no_smaller_than_readable(sheets):
    runs = runs_by_badge(sheets["8up"], "8up")
    sizes = {index: {run.size for run in runs[index] if run.font == "DejaVuSans-Bold"} for index in runs}
    assert sizes[6] == {18} and sizes[8] == {18}  # Asha Patel, Tom
    assert min(min(found) for found in sizes.values()) >= 12


def embedded_fonts_problems(pdf: bytes) -> list[str]:
    """Every font a page's resources (or its forms') name that has no embedded font file."""
    problems = []

    def check(resources, where):
        resources = resources.get_object() if resources is not None else {}
        for key, font in (resources.get("/Font") or {}).items():
            font = font.get_object()
            descriptor_owner = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descriptor_owner.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not any(name in descriptor for name in ("/FontFile", "/FontFile2", "/FontFile3")):
                problems.append(f"{where}: {key} {font.get('/BaseFont')} is not embedded")
        for name, xobject in (resources.get("/XObject") or {}).items():
            xobject = xobject.get_object()
            if "/Resources" in xobject:
                check(xobject["/Resources"], f"{where} {name}")

    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        check(page.get("/Resources"), f"page {number}")
    return problems


def pdffonts_unembedded(pdf: bytes, tmp_path) -> list[str]:
    """The lines of ``pdffonts`` (if installed) that say a font is not embedded."""
    pdffonts = shutil.which("pdffonts")
    if pdffonts is None:
        return []
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run([pdffonts, str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    header = listing[0]
    emb = header.index(" emb ") + 1
    return [line for line in listing[2:] if line[emb : emb + 3].strip() != "yes"]


def assert_every_font_embedded(pdf: bytes, tmp_path) -> None:
    """Fail with the fonts a preflight would refuse."""
    assert embedded_fonts_problems(pdf) == []
    assert pdffonts_unembedded(pdf, tmp_path) == []
    fonts_used = {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in PdfReader(io.BytesIO(pdf)).pages
        for font in page["/Resources"].get("/Font", {}).values()
    }
    assert fonts_used and fonts_used <= {"DejaVuSans", "DejaVuSans-Bold"}


@pytest.mark.django_db
def test_every_font_in_a_delegate_pack_is_embedded(world, tmp_path):
    assert_every_font_embedded(render_pack(pack_context(delegate=world["asha"], event=world["meetup"])), tmp_path)


@pytest.mark.django_db
def test_every_font_in_the_findings_report_is_embedded(world, tmp_path):
    report = findings_report(world["conference"], base_url="https://relay.example.gov.uk/findings/")
    assert report.finding_count == 1
    assert_every_font_embedded(render_findings(report), tmp_path)


def test_every_font_on_a_badge_sheet_is_embedded_even_an_empty_one(sheets, tmp_path):
    for pdf in (*sheets.values(), render_badges([], layout="8up")):
        assert_every_font_embedded(pdf, tmp_path)
