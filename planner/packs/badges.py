"""Name badge sheets: A4 8-up (99.1 × 67.7 mm labels, the common L7165 stock) or 4-up A6,
each with the person's name, organisation, the meetup and a check-in QR code. Data in
(``Badge`` list), bytes out."""

from dataclasses import dataclass
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as pdfcanvas

from . import INK, MUTED, RULE, draw_qr, fonts


@dataclass
class Badge:
    name: str
    organisation: str
    event: str
    check_in_url: str


LAYOUTS = {
    # columns, rows, label width, label height, left margin, top margin, horizontal gap
    "8up": (2, 4, 99.1 * mm, 67.7 * mm, 4.65 * mm, 13.1 * mm, 2.5 * mm),
    "4up": (2, 2, 105 * mm, 148.5 * mm, 0, 0, 0),
}


def fit(text: str, font: str, size: float, width: float, smallest: float = 9) -> float:
    """The largest font size up to ``size`` at which ``text`` fits ``width``."""
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def render_badges(badges: list[Badge], *, layout: str = "8up", title: str = "Badges") -> bytes:
    """All ``badges`` on as many A4 sheets as they need, in order."""
    columns, rows, width, height, left, top, gap = LAYOUTS[layout]
    regular, bold = fonts()
    buffer = BytesIO()
    sheet = pdfcanvas.Canvas(buffer, pagesize=A4)
    sheet.setTitle(title)
    sheet.setAuthor("Relay")
    big = layout == "4up"
    per_page = columns * rows
    for index, badge in enumerate(badges):
        if index and index % per_page == 0:
            sheet.showPage()
        slot = index % per_page
        x = left + (slot % columns) * (width + gap)
        y = A4[1] - top - (slot // columns + 1) * height
        sheet.setStrokeColor(RULE)
        sheet.setDash(1, 2)
        sheet.rect(x, y, width, height)  # a faint cutting guide
        sheet.setDash()
        pad = 6 * mm if big else 4 * mm
        qr_size = (36 if big else 24) * mm
        text_width = width - 3 * pad - qr_size
        name_size = fit(badge.name, bold, 30 if big else 18, width - 2 * pad)
        sheet.setFillColor(INK)
        sheet.setFont(bold, name_size)
        sheet.drawString(x + pad, y + height - pad - name_size, badge.name)
        sheet.setFont(regular, fit(badge.organisation, regular, 14 if big else 10, text_width))
        sheet.drawString(x + pad, y + height - pad - name_size - (20 if big else 14), badge.organisation)
        sheet.setFillColor(MUTED)
        sheet.setFont(regular, fit(badge.event, regular, 11 if big else 8, text_width, smallest=6))
        sheet.drawString(x + pad, y + pad, badge.event)
        if badge.check_in_url:
            draw_qr(sheet, badge.check_in_url, x + width - pad - qr_size, y + pad, qr_size)
    if not badges:
        sheet.setFont(regular, 12)
        sheet.drawString(20 * mm, A4[1] - 30 * mm, "Nobody has a confirmed place yet.")
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()
