"""Printed output. ``context`` is the one module here that reads the database: it gathers a
pack's or a badge sheet's content into plain dataclasses. Every other module (``pack``,
``badges``, ``findings``, ``bundle``) takes those and returns PDF bytes without touching the
ORM, so drawing can be tested and changed on its own.

Text is set in DejaVu Sans (Debian's fonts-dejavu-core; ``RELAY_PDF_FONT_DIR`` points
elsewhere) so names in any European script print as written, and embedded, so a print shop's
preflight accepts the file. Every canvas starts in DejaVu too: reportlab's default initial
font is an unembedded Helvetica. Without the fonts, PDFs fall back to Helvetica, which covers
Latin-1 only and is not embedded; a warning says so."""

import logging
from functools import cache
from pathlib import Path

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import SimpleDocTemplate

from planner.packs.qr import dark_runs

INK = colors.HexColor("#0b0c0c")
MUTED = colors.HexColor("#505a5f")
ACCENT = colors.HexColor("#00703c")
RULE = colors.HexColor("#b1b4b6")
TINT = colors.HexColor("#f3f2f1")


@cache
def fonts() -> tuple[str, str]:
    """(regular, bold) font names, registering DejaVu Sans once if it is installed."""
    folder = Path(getattr(settings, "RELAY_PDF_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
    regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
    if not (regular.exists() and bold.exists()):
        logging.getLogger(__name__).warning(
            "DejaVu Sans is not in %s: PDFs fall back to Helvetica, unembedded, which print shops refuse. "
            "Install fonts-dejavu-core or set RELAY_PDF_FONT_DIR.",
            folder,
        )
        return "Helvetica", "Helvetica-Bold"
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
    pdfmetrics.registerFontFamily("DejaVuSans", normal="DejaVuSans", bold="DejaVuSans-Bold")
    return "DejaVuSans", "DejaVuSans-Bold"


def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles every Relay PDF shares."""
    regular, bold = fonts()
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=22, leading=27, textColor=INK, spaceAfter=6),
        "subtitle": ParagraphStyle("subtitle", fontName=regular, fontSize=12, leading=16, textColor=MUTED),
        "h2": ParagraphStyle("h2", fontName=bold, fontSize=15, leading=19, textColor=INK, spaceBefore=14, spaceAfter=6),
        "h3": ParagraphStyle(
            "h3", fontName=bold, fontSize=11.5, leading=15, textColor=ACCENT, spaceBefore=8, spaceAfter=4
        ),
        "body": ParagraphStyle("body", fontName=regular, fontSize=10, leading=14, textColor=INK),
        "small": ParagraphStyle("small", fontName=regular, fontSize=8.5, leading=11, textColor=MUTED, spaceAfter=8),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=9, leading=11, textColor=INK),
    }


def draw_qr(canvas, value: str, x: float, y: float, size: float, border: int = 2) -> None:
    """A QR code of ``value`` with its lower-left corner at (x, y), ``size`` square: one
    filled path of the dark runs, which is many times faster to draw than a shape per module."""

    count, runs = dark_runs(value)
    box = size / (count + 2 * border)
    path = canvas.beginPath()
    for row, column, length in runs:
        path.rect(x + (column + border) * box, y + size - (row + border + 1) * box, length * box, box)
    canvas.saveState()
    canvas.setFillColor(INK)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def a4_document(buffer, *, title: str, subject: str, template=None, **extra):
    """An A4 document with Relay's print margins and metadata (author, title, subject), whose
    pages start in Relay's embedded font rather than reportlab's unembedded Helvetica."""

    return (template or SimpleDocTemplate)(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
        title=title,
        author="Relay",
        subject=subject,
        initialFontName=fonts()[0],
        **extra,
    )
