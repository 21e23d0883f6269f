"""Name badge sheets: A4 8-up (99.1 × 67.7 mm labels, the common L7165 stock) or 4-up A6,
each with the person's name, organisation, the meetup and a check-in QR code. Data in
(``Badge`` list), bytes out.

Every text is fitted to its own box on the label: it shrinks to a floor size, then wraps,
then ends in an ellipsis on the last line that fits. Nothing is drawn over the QR code or its
quiet zone, and nothing leaves the label, whatever a delegate typed as their name."""

from dataclasses import dataclass
from io import BytesIO

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.pdfgen import canvas as pdfcanvas

from planner.packs import INK, MUTED, RULE, draw_qr, fonts
from planner.packs.qr import QUIET_ZONE

LEADING = 1.2  # line spacing, as a multiple of the font size
ELLIPSIS = "…"
BREAK_AFTER = "-/)>"  # where a word too long for its line breaks best


@dataclass
class Badge:
    name: str
    organisation: str
    event: str
    check_in_url: str


@dataclass(frozen=True)
class TextBox:
    """How one text on a badge is set: the size it starts at, the floor it may shrink to,
    and the most lines it may wrap onto."""

    bold: bool
    size: float
    floor: float
    lines: int
    colour: Color = INK


@dataclass(frozen=True)
class Layout:
    """Where the labels sit on an A4 sheet, and where each text and the QR code go on one."""

    columns: int
    rows: int
    width: float  # of one label
    height: float
    left: float  # sheet margins
    top: float
    gap: float  # between columns
    pad: float  # white margin inside a label
    qr: float  # the QR code's square, its quiet zone included
    name: TextBox
    organisation: TextBox
    event: TextBox

    def label_origin(self, slot: int) -> tuple[float, float]:
        """The lower-left corner of label ``slot`` (0 is top left, then along the row)."""
        x = self.left + (slot % self.columns) * (self.width + self.gap)
        y = A4[1] - self.top - (slot // self.columns + 1) * self.height
        return x, y


LAYOUTS = {
    "8up": Layout(
        columns=2,
        rows=4,
        width=99.1 * mm,
        height=67.7 * mm,
        left=4.65 * mm,
        top=13.1 * mm,
        gap=2.5 * mm,
        pad=4 * mm,
        qr=26 * mm,
        name=TextBox(bold=True, size=18, floor=14, lines=3),
        organisation=TextBox(bold=False, size=10, floor=8, lines=2),
        event=TextBox(bold=False, size=8, floor=6.5, lines=6, colour=MUTED),
    ),
    "4up": Layout(
        columns=2,
        rows=2,
        width=105 * mm,
        height=148.5 * mm,
        left=0,
        top=0,
        gap=0,
        pad=6 * mm,
        qr=38 * mm,
        name=TextBox(bold=True, size=30, floor=20, lines=4),
        organisation=TextBox(bold=False, size=14, floor=11, lines=3),
        event=TextBox(bold=False, size=11, floor=8, lines=8, colour=MUTED),
    ),
}


def block_height(lines: int, size: float, font: str) -> float:
    """Height from the top of the first line's ascent to the bottom of the last's descent."""
    ascent, descent = getAscentDescent(font, size)
    return ascent - descent + (lines - 1) * size * LEADING


def longest_prefix(text: str, font: str, size: float, width: float, suffix: str = "") -> int:
    """How many leading characters of ``text`` (followed by ``suffix``) fit ``width``."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if stringWidth(text[:middle].rstrip() + suffix, font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy line breaks at spaces; a word wider than the line is broken between letters."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if stringWidth(candidate, font, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while stringWidth(word, font, size) > width:
            cut = max(1, longest_prefix(word, font, size, width, "-"))
            natural = max(word.rfind(mark, 0, cut) for mark in BREAK_AFTER) + 1
            if natural > cut // 2:  # after a hyphen, slash or bracket the word already has
                lines.append(word[:natural])
                word = word[natural:]
            else:
                lines.append(word[:cut] + "-")
                word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def fit_text(text: str, font: str, *, size: float, floor: float, width: float, height: float, lines: int):
    """(size, lines) setting ``text`` inside ``width`` × ``height``: one line shrunk from
    ``size`` down to ``floor``; failing that, wrapped at ``floor`` onto at most ``lines``;
    failing that, the last line that fits ends in an ellipsis. ([] if no line fits at all.)"""
    text = " ".join(text.split())  # tabs and line breaks typed into a name are spaces on a badge
    if not text:
        return size, []
    while size > floor and (stringWidth(text, font, size) > width or block_height(1, size, font) > height):
        size = max(floor, size - 0.5)
    room = next((n for n in range(lines, 0, -1) if block_height(n, size, font) <= height), 0)
    if room == 0:
        return size, []
    wrapped = wrap(text, font, size, width)
    if len(wrapped) > room:
        last = wrapped[room - 1].rstrip("-")
        wrapped = [*wrapped[: room - 1], last[: longest_prefix(last, font, size, width, ELLIPSIS)].rstrip() + ELLIPSIS]
    return size, wrapped


def set_text(sheet, text: str, box: TextBox, *, x: float, top: float, bottom: float, width: float, sink=False):
    """``text`` fitted to the box from ``x`` to ``x + width`` and ``top`` down to ``bottom``,
    left-aligned, against the top (or with ``sink``, the bottom); returns the bottom of what
    was drawn (``top`` if nothing was)."""
    regular, bold = fonts()
    font = bold if box.bold else regular
    size, lines = fit_text(
        text, font, size=box.size, floor=box.floor, width=width, height=top - bottom, lines=box.lines
    )
    if not lines:
        return top
    if sink:
        top = bottom + block_height(len(lines), size, font)
    ascent, _ = getAscentDescent(font, size)
    sheet.setFillColor(box.colour)
    sheet.setFont(font, size)
    for number, line in enumerate(lines):
        sheet.drawString(x, top - ascent - number * size * LEADING, line)
    return top - block_height(len(lines), size, font)


def draw_badge(sheet, badge: Badge, layout: Layout, x: float, y: float) -> None:
    """One badge on the label whose lower-left corner is (x, y).

    The name and organisation share the full width above the QR code; the meetup sits in the
    column beside it, against the bottom. These boxes never overlap each other or the code."""
    pad, qr = layout.pad, layout.qr
    left, right = x + pad, x + layout.width - pad
    top, bottom = y + layout.height - pad, y + pad
    above_qr = bottom + qr + 2 * mm
    under_name = set_text(sheet, badge.name, layout.name, x=left, top=top, bottom=above_qr, width=right - left)
    set_text(
        sheet,
        badge.organisation,
        layout.organisation,
        x=left,
        top=under_name - 0.4 * layout.organisation.size if under_name < top else top,
        bottom=above_qr,
        width=right - left,
    )
    beside_qr = right - left - qr - pad
    set_text(sheet, badge.event, layout.event, x=left, top=bottom + qr, bottom=bottom, width=beside_qr, sink=True)
    if badge.check_in_url:
        draw_qr(sheet, badge.check_in_url, right - qr, bottom, qr, border=QUIET_ZONE)


def render_badges(badges: list[Badge], *, layout: str = "8up", title: str = "Badges") -> bytes:
    """All ``badges`` on as many A4 sheets as they need, in order."""
    sheet_layout = LAYOUTS[layout]
    regular, _ = fonts()
    buffer = BytesIO()
    # The initial font is the one the page starts in: an embedded one, so no page refers to
    # an unembedded Helvetica a print shop's preflight would refuse.
    sheet = pdfcanvas.Canvas(buffer, pagesize=A4, initialFontName=regular)
    sheet.setTitle(title)
    sheet.setAuthor("Relay")
    per_page = sheet_layout.columns * sheet_layout.rows
    for index, badge in enumerate(badges):
        if index and index % per_page == 0:
            sheet.showPage()
        x, y = sheet_layout.label_origin(index % per_page)
        sheet.setStrokeColor(RULE)
        sheet.setDash(1, 2)
        sheet.rect(x, y, sheet_layout.width, sheet_layout.height)  # a faint cutting guide
        sheet.setDash()
        draw_badge(sheet, badge, sheet_layout, x, y)
    if not badges:
        sheet.setFillColor(INK)
        sheet.setFont(regular, 12)
        sheet.drawString(20 * mm, A4[1] - 30 * mm, "Nobody has a confirmed place yet.")
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()
