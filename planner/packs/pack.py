"""A delegate's pack as an A4 PDF, in the order of their day as the meetup page shows it:
cover with their place and (for a confirmed place) the check-in QR code, their table, people
to meet, their agenda, where the online conference left off, getting there (with a small map
drawn from coordinates), and notes pages. Data in (``PackContext``), bytes out."""

import math
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Circle, Drawing, Line, String
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from planner.packs import ACCENT, INK, MUTED, RULE, a4_document, draw_qr, fonts, styles


class Heading(Paragraph):
    """A section heading that also becomes a PDF bookmark."""

    def __init__(self, text: str, style, key: str):
        super().__init__(escape(text), style)
        self.bookmark_title, self.bookmark_key = text, key


class NumberedCanvas(pdfcanvas.Canvas):
    """Holds every page until the end so each footer can say "page x of y"."""

    def __init__(self, *args, footer_name: str = "", footer_font: str = "", **kwargs):
        # Platypus passes initialFontName=None unless told: then reportlab starts every page
        # in an unembedded Helvetica.
        kwargs["initialFontName"] = kwargs.get("initialFontName") or fonts()[0]
        super().__init__(*args, **kwargs)
        self._pages, self.footer_name, self.footer_font = [], footer_name, footer_font or fonts()[0]

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(self.footer_font, 8)
            self.setFillColor(MUTED)
            self.drawString(18 * mm, 10 * mm, self.footer_name[:80])
            self.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {self._pageNumber} of {total}")
            super().showPage()
        super().save()


class PackDocument(SimpleDocTemplate):
    def afterFlowable(self, flowable):
        if isinstance(flowable, Heading):
            self.canv.bookmarkPage(flowable.bookmark_key)
            self.canv.addOutlineEntry(flowable.bookmark_title, flowable.bookmark_key, level=0)


class QrCode(Flowable):
    """A QR code of ``value``, ``size`` square."""

    def __init__(self, value: str, size: float):
        super().__init__()
        self.value, self.size = value, size
        self.width = self.height = size

    def draw(self):
        draw_qr(self.canv, self.value, 0, 0, self.size)


def small_map(points: list[tuple[float, float, str]], width: float, height: float, font: str) -> Drawing:
    """The venue (first point) and the delegate's town as labelled dots, to scale, with a
    straight line between them and a scale bar. No tiles, no network."""
    drawing = Drawing(width, height, initialFontName=font)  # not the default, unembedded Helvetica
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    mid_lat = sum(lats) / len(lats)
    kx = math.cos(math.radians(mid_lat))
    span = max((max(lons) - min(lons)) * kx, max(lats) - min(lats), 0.05) * 1.5
    cx, cy = (max(lons) + min(lons)) / 2, (max(lats) + min(lats)) / 2
    scale = min(width, height) / span

    def project(lat, lon):
        return width / 2 + (lon - cx) * kx * scale, height / 2 + (lat - cy) * scale

    drawing.add(Line(0, 0, width, 0, strokeColor=RULE))
    drawing.add(Line(0, height, width, height, strokeColor=RULE))
    if len(points) > 1:
        (x0, y0), (x1, y1) = project(*points[0][:2]), project(*points[1][:2])
        drawing.add(Line(x0, y0, x1, y1, strokeColor=MUTED, strokeDashArray=[3, 2]))
    for index, (lat, lon, label) in enumerate(points):
        x, y = project(lat, lon)
        drawing.add(Circle(x, y, 4 if index == 0 else 3, fillColor=ACCENT if index == 0 else INK, strokeColor=None))
        drawing.add(String(x + 6, y - 3, label[:40], fontName=font, fontSize=8, fillColor=INK))
    km_per_point = 111.0 / scale
    bar_km = next((k for k in (1, 2, 5, 10, 20, 50, 100, 200) if k / km_per_point > width / 8), 200)
    bar = bar_km / km_per_point
    drawing.add(Line(8, 8, 8 + bar, 8, strokeColor=INK, strokeWidth=2))
    drawing.add(String(8, 12, f"{bar_km} km", fontName=font, fontSize=7, fillColor=MUTED))
    return drawing


def bullet_list(items: list[str], style) -> list:
    return [Paragraph(f"• {escape(item)}", style) for item in items]


def render_pack(ctx) -> bytes:
    """``ctx`` (a PackContext) as A4 PDF bytes, with bookmarks and "page x of y"."""
    buffer = BytesIO()
    regular, bold = fonts()
    s = styles()
    document = a4_document(
        buffer,
        title=f"Delegate pack: {ctx.name}, {ctx.title}",
        subject=ctx.title,
        template=PackDocument,
        lang="en-GB",
    )
    story = [
        Spacer(1, 20 * mm),
        Paragraph(escape(ctx.name), s["title"]),
        Paragraph(escape(ctx.organisation), s["subtitle"]),
        Spacer(1, 10 * mm),
        Heading(ctx.title, s["h2"], "cover"),
        Paragraph(escape(ctx.when), s["body"]),
        *[Paragraph(escape(line), s["body"]) for line in ctx.venue_lines],
        Spacer(1, 8 * mm),
    ]
    if ctx.status:
        story.append(Paragraph(f"<b>{escape(ctx.status)}</b>", s["body"]))
    if ctx.check_in_url:
        story += [
            QrCode(ctx.check_in_url, 40 * mm),
            Paragraph("Show this code at the welcome desk to check in.", s["small"]),
        ]
    story.append(PageBreak())
    if not ctx.online_only:  # the delegate's day first: their table, then whom to meet
        story.append(Heading("Your table", s["h2"], "table"))
        if ctx.table:
            story.append(Paragraph(f"<b>{escape(ctx.table)}</b>", s["body"]))
            if ctx.table_question:
                story.append(Paragraph(f"<b>First question:</b> {escape(ctx.table_question)}", s["body"]))
            for name, why in ctx.table_seats:
                story.append(Paragraph(f"• <b>{escape(name)}</b> – {escape(why)}", s["body"]))
            if ctx.table_others:
                others = ctx.table_others
                story.append(
                    Paragraph(
                        f"And {others} other{'s' if others != 1 else ''} who keep{'s' if others == 1 else ''} "
                        "their profile private.",
                        s["small"],
                    )
                )
        else:
            story.append(Paragraph("Tables are set once your place is confirmed.", s["body"]))
        story.append(Heading("People to meet", s["h2"], "people"))
        if ctx.people:
            for person in ctx.people:
                who = escape(person.name) + (f", {escape(person.organisation)}" if person.organisation else "")
                story.append(Paragraph(f"<b>{who}</b> — {escape(person.reasons)}", s["body"]))
        else:
            story.append(
                Paragraph("No suggestions yet: join the online discussions to find people to meet.", s["body"])
            )
    story.append(Heading("Your agenda", s["h2"], "agenda"))
    story.append(Paragraph(escape(ctx.zone_note), s["small"]))
    rows = [
        [Paragraph(escape(line.when), s["cell"]), Paragraph(agenda_text(line), s["cell"])] for line in ctx.meetup_agenda
    ]
    if rows:
        story.append(Paragraph("At the meetup", s["h3"]))
        story.append(agenda_table(rows, regular))
    story.append(Paragraph("Online sessions you starred", s["h3"]))
    if ctx.online_agenda:
        story.append(
            agenda_table(
                [
                    [Paragraph(escape(line.when), s["cell"]), Paragraph(agenda_text(line), s["cell"])]
                    for line in ctx.online_agenda
                ],
                regular,
            )
        )
    else:
        story.append(Paragraph("None yet: star sessions on the programme to list them here.", s["body"]))
    if not ctx.online_only:
        story.append(Heading("Where the online conference left off", s["h2"], "left-off"))
        if not ctx.left_off:
            story.append(Paragraph("This meetup does not continue an online session.", s["body"]))
        for carried in ctx.left_off:
            block = [Paragraph(escape(carried.title), s["h3"]), Paragraph(escape(carried.numbers), s["small"])]
            for label, items in (
                ("Findings so far", carried.findings),
                ("Questions still open", carried.open_questions),
                ("Most discussed", carried.most_replied),
            ):
                if items:
                    block += [Paragraph(f"<b>{label}</b>", s["body"]), *bullet_list(items, s["body"])]
            story.append(KeepTogether(block[:4]))
            story += block[4:]
        story.append(Heading("Getting there", s["h2"], "getting-there"))
        story += [Paragraph(escape(line), s["body"]) for line in ctx.venue_lines]
        if ctx.access:
            story.append(Paragraph(f"<b>Access:</b> {escape(ctx.access)}", s["body"]))
        if ctx.getting_there:
            story.append(Paragraph(escape(ctx.getting_there), s["body"]))
        if ctx.map_points:
            story += [Spacer(1, 4 * mm), small_map(ctx.map_points, 120 * mm, 60 * mm, regular)]
    story += [PageBreak(), Heading("Notes", s["h2"], "notes")]
    story.append(Spacer(1, 9 * mm))
    # A table cell's font defaults to an unembedded Helvetica, set even for an empty cell.
    ruled = [("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE), ("FONT", (0, 0), (-1, -1), regular, 9)]
    for _ in range(22):
        story.append(Table([[""]], colWidths=[174 * mm], rowHeights=[9 * mm], style=ruled))

    def make_canvas(*args, **kwargs):
        return NumberedCanvas(*args, footer_name=f"{ctx.name} · {ctx.title}", footer_font=regular, **kwargs)

    document.build(story, canvasmaker=make_canvas)
    return buffer.getvalue()


def agenda_text(line) -> str:
    text = f"<b>{escape(line.title)}</b>"
    if line.detail:
        text += f"<br/>{escape(line.detail)}"
    if line.continues:
        text += "<br/><i>Continues: " + escape("; ".join(line.continues)) + "</i>"
    return text


def agenda_table(rows, font: str) -> Table:
    table = Table(rows, colWidths=[42 * mm, 132 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 9),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table
