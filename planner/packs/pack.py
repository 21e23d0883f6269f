"""A delegate's pack as an A4 PDF, in the order of their day as the meetup page shows it:
cover with their place and (for a confirmed place) the check-in QR code, their table, people
to meet, their agenda, where the online conference left off, getting there (with a small map
drawn from coordinates), and notes pages. Data in (``PackContext``), bytes out."""

from dataclasses import replace
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import FILL_EVEN_ODD, Circle, Drawing, Group, Line, Path, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
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
from venues.maps import (
    KM_PER_DEGREE,
    Inset,
    MapPoint,
    View,
    fit_box,
    land_polygons,
    locator_inset,
    place_labels,
    shows_part_of_isles,
)


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


# The web map's colours (``venues.maps``), made lighter for print: grey land on a barely blue sea.
MAP_SEA, MAP_LAND, MAP_COAST, MAP_WHERE = (colors.HexColor(c) for c in ("#f1f6fa", "#e2e2e0", "#8f979c", "#d4351c"))
MAP_LABEL_SIZE = 9
SCALE_STEPS_KM = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500)


def small_map(points: list[tuple[float, float, str]], width: float, height: float, font: str) -> Drawing:
    """The venue (first point) and the delegate's town over the British Isles coastline, zoomed
    to them as the web maps are (``venues.maps``), with a straight dashed line between them, a
    scale bar and, when the map shows only part of the isles, a small locator map of the whole.
    At most ``width`` × ``height`` points: narrower or shorter only where widening it would run
    past the coastline's data. No tiles, no network."""
    markers = [
        MapPoint(lat, lon, label, radius=4.5 if index == 0 else 3.5) for index, (lat, lon, label) in enumerate(points)
    ]
    view = fit_box(markers, width=int(width), height=int(height))
    w, h = view.width, view.height
    longest = max(w * 0.45, 120)
    markers = [replace(m, label=shortened(m.label, font, MAP_LABEL_SIZE, longest)) for m in markers]
    drawing = Drawing(w, h, initialFontName=font)  # not the default, unembedded Helvetica

    def flip(x: float, y: float) -> tuple[float, float]:
        """The maps' px (y down) as points (y up)."""
        return round(x, 1), round(h - y, 1)

    drawing.add(framed_land(land_polygons(view), w, h, flip))
    spots = [view.project(m.latitude, m.longitude) for m in markers]
    places, taken = place_labels(
        markers, view, font_size=MAP_LABEL_SIZE, text_width=lambda text: stringWidth(text, font, MAP_LABEL_SIZE)
    )
    if len(spots) > 1:
        (x0, y0), (x1, y1) = spots[0], spots[1]
        drawing.add(Line(*flip(x0, y0), *flip(x1, y1), strokeColor=MUTED, strokeWidth=1, strokeDashArray=[3, 2]))
        along = [(x0 + (x1 - x0) * t / 16, y0 + (y1 - y0) * t / 16) for t in range(17)]
        taken += [(x - 1, y - 1, x + 1, y + 1) for x, y in along]  # the inset and scale bar keep off it
    inset = locator_inset(view, taken, share=0.15, gap=5) if shows_part_of_isles(view) else None
    if inset and inset.area_shown < 0.2:  # not when the map itself shows most of the isles
        drawing.add(locator(inset, flip))
        taken.append(inset.box)
    for index, (tx, ty, anchor, (left, top, right, bottom)) in places.items():
        x, y = flip(left - 1.5, bottom + 1)
        drawing.add(Rect(x, y, right - left + 3, bottom - top + 2, fillColor=colors.white, strokeColor=None))
        drawing.add(
            String(
                *flip(tx, ty),
                markers[index].label,
                fontName=font,
                fontSize=MAP_LABEL_SIZE,
                fillColor=INK,
                textAnchor=anchor,
            )
        )
    for index in reversed(range(len(spots))):  # the venue on top
        drawing.add(
            Circle(
                *flip(*spots[index]),
                markers[index].radius,
                fillColor=ACCENT if index == 0 else INK,
                strokeColor=colors.white,
                strokeWidth=1,
            )
        )
    drawing.add(scale_bar(view, taken, flip, font))
    return drawing


def shortened(text: str, font: str, size: float, longest: float) -> str:
    """``text`` cut at a word (or, failing that, a letter) with an ellipsis to fit ``longest`` points."""
    if stringWidth(text, font, size) <= longest:
        return text
    words = text.split()
    while len(words) > 1 and stringWidth(" ".join(words) + "…", font, size) > longest:
        words.pop()
    text = " ".join(words).rstrip(",;:")
    while len(text) > 1 and stringWidth(text + "…", font, size) > longest:
        text = text[:-1]
    return text + "…"


def land_shape(polygons, flip, **style) -> Path:
    """Projected land polygons (px, y down) as one filled path, holes left open (even-odd)."""
    path = Path(fillMode=FILL_EVEN_ODD, **style)
    for polygon in polygons:
        path.moveTo(*flip(*polygon[0]))
        for point in polygon[1:]:
            path.lineTo(*flip(*point))
        path.closePath()
    return path


def framed_land(polygons, w: float, h: float, flip) -> Group:
    """Sea and land clipped to the map's frame (the land runs a few px past it), framed."""
    clip = Path(isClipPath=1, fillColor=None, strokeColor=None)
    clip.moveTo(0, 0)
    clip.lineTo(w, 0)
    clip.lineTo(w, h)
    clip.lineTo(0, h)
    clip.closePath()
    return Group(
        Group(
            clip,
            Rect(0, 0, w, h, fillColor=MAP_SEA, strokeColor=None),
            land_shape(polygons, flip, fillColor=MAP_LAND, strokeColor=MAP_COAST, strokeWidth=0.4),
        ),
        Rect(0, 0, w, h, fillColor=None, strokeColor=RULE, strokeWidth=0.6),
    )


def locator(inset: Inset, flip) -> Group:
    """The whole isles in a corner, with a box (or, if tiny, a dot) where the map is."""

    def shifted(x: float, y: float) -> tuple[float, float]:
        return flip(inset.left + x, inset.top + y)

    iw, ih = inset.view.width, inset.view.height
    x0, y0, x1, y1 = (max(0.5, min(v, limit - 0.5)) for v, limit in zip(inset.where, (iw, ih, iw, ih), strict=True))
    left, bottom = shifted(0, ih)
    group = Group(
        Rect(left, bottom, iw, ih, fillColor=MAP_SEA, strokeColor=MUTED, strokeWidth=0.5),
        land_shape(land_polygons(inset.view), shifted, fillColor=MAP_LAND, strokeColor=MAP_COAST, strokeWidth=0.25),
    )
    if inset.is_dot:
        group.add(Circle(*shifted((x0 + x1) / 2, (y0 + y1) / 2), 2.5, fillColor=MAP_WHERE, strokeColor=colors.white))
    else:
        x, y = shifted(x0, y1)
        group.add(Rect(x, y, x1 - x0, y1 - y0, fillColor=None, strokeColor=MAP_WHERE, strokeWidth=1))
    return group


def scale_bar(view: View, taken: list, flip, font: str) -> Group:
    """A bar of a round number of km, in the first corner (bottom left first) it hides nothing in."""
    px_per_km = view.px_per_degree / KM_PER_DEGREE
    km = max((k for k in SCALE_STEPS_KM if k * px_per_km <= view.width / 5), default=SCALE_STEPS_KM[0])
    length, label = km * px_per_km, f"{km} km"
    box_w, box_h, gap = max(length, stringWidth(label, font, 7)) + 8, 17, 5
    corners = [
        (gap, view.height - gap - box_h),
        (view.width - gap - box_w, view.height - gap - box_h),
        (gap, gap),
        (view.width - gap - box_w, gap),
    ]

    def hidden(corner) -> int:
        left, top = corner
        return sum(1 for b in taken if b[0] < left + box_w and b[2] > left and b[1] < top + box_h and b[3] > top)

    left, top = min(corners, key=hidden)  # the first of the least hidden
    x, y = flip(left, top + box_h)
    return Group(
        Rect(x, y, box_w, box_h, fillColor=colors.white, strokeColor=None, fillOpacity=0.85),
        Line(x + 4, y + 4, x + 4 + length, y + 4, strokeColor=INK, strokeWidth=1.5),
        Line(x + 4, y + 2.5, x + 4, y + 6, strokeColor=INK, strokeWidth=0.75),
        Line(x + 4 + length, y + 2.5, x + 4 + length, y + 6, strokeColor=INK, strokeWidth=0.75),
        String(x + 4, y + 8.5, label, fontName=font, fontSize=7, fillColor=MUTED),
    )


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
            story += [Spacer(1, 4 * mm), small_map(ctx.map_points, 174 * mm, 85 * mm, regular)]
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
