"""The findings report in print and in plain text. Data in (``planner.queries.report.ReportView``),
bytes or text out.

The PDF has a cover, a contents page (with PDF bookmarks), numbered pages, and the embedded
DejaVu fonts every Relay PDF uses; quotations carry the attribution the report page shows
(a name only where its owner chose to be seen by everyone)."""

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.tableofcontents import TableOfContents

from planner.markup import html_blocks
from planner.packs import ACCENT, INK, MUTED, RULE, TINT, a4_document, fonts, styles
from planner.packs.findings import numbers_table


class ReportDocument(SimpleDocTemplate):
    """Records each heading it lays out, for the contents page and the PDF's bookmarks."""

    def afterFlowable(self, flowable):
        level = getattr(flowable, "contents_level", None)
        if level is None:
            return
        text, key = flowable.getPlainText(), f"part-{self.seq.nextf('report-heading')}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=level, closed=False)
        self.notify("TOCEntry", (level, text, self.page, key))


def _heading(text: str, style, level: int) -> Paragraph:
    paragraph = Paragraph(escape(text), style)
    paragraph.contents_level = level
    return paragraph


def _rich(html: str, s) -> list:
    """Rich text as paragraphs: headings bold, list items with a bullet."""
    flowables = []
    for kind, words in html_blocks(html):
        if kind == "heading":
            flowables.append(Paragraph(escape(words), s["h4"]))
        elif kind == "li":
            flowables.append(Paragraph(escape(words), s["bullet"], bulletText="•"))
        else:
            flowables.append(Paragraph(escape(words), s["para"]))
    return flowables


def _quote(quote, s) -> KeepTogether:
    return KeepTogether(
        [
            Paragraph(f"“{escape(quote.text)}”", s["quote"]),
            Paragraph(
                f"{escape(quote.attribution)} · {escape(quote.session_title)} · "
                f"{quote.written.day} {quote.written:%B %Y}",
                s["attribution"],
            ),
        ]
    )


def report_styles() -> dict[str, ParagraphStyle]:
    """Relay's shared PDF styles plus the report's own (cover, quotations, lists)."""
    regular, bold = fonts()
    s = styles()
    s["cover"] = ParagraphStyle("cover", parent=s["title"], fontSize=30, leading=36, spaceAfter=14)
    s["kicker"] = ParagraphStyle("kicker", parent=s["subtitle"], textColor=ACCENT, fontName=bold, spaceAfter=10)
    s["para"] = ParagraphStyle("para", parent=s["body"], spaceAfter=6)
    s["h4"] = ParagraphStyle("h4", parent=s["body"], fontName=bold, spaceBefore=6, spaceAfter=3)
    s["finding"] = ParagraphStyle("finding", parent=s["body"], fontName=bold, spaceBefore=8, spaceAfter=4)
    s["bullet"] = ParagraphStyle(
        "bullet", parent=s["para"], leftIndent=12, bulletIndent=2, spaceAfter=3, bulletFontName=regular
    )
    for heading in ("h2", "h3", "h4", "finding"):  # never the last line of a page
        s[heading] = ParagraphStyle(heading, parent=s[heading], keepWithNext=1)
    s["quote"] = ParagraphStyle("quote", parent=s["body"], leftIndent=10, textColor=INK, spaceBefore=2)
    s["attribution"] = ParagraphStyle("attribution", parent=s["small"], leftIndent=10, spaceAfter=6)
    s["toc1"] = ParagraphStyle("toc1", fontName=regular, fontSize=11, leading=18, textColor=INK)
    s["toc2"] = ParagraphStyle("toc2", parent=s["toc1"], fontSize=10, leftIndent=14, leading=15)
    return s


def render_report_pdf(report) -> bytes:
    """``report`` (a ReportView) as A4 PDF bytes: cover, contents, then the report."""
    buffer = BytesIO()
    regular, bold = fonts()
    s = report_styles()
    document = a4_document(
        buffer, title=report.title, subject=f"Findings of {report.conference}", template=ReportDocument
    )
    contents = TableOfContents(
        levelStyles=[s["toc1"], s["toc2"]],
        dotsMinLevel=0,
        # The table's own cell font is reportlab's unembedded Helvetica unless told otherwise.
        tableStyle=TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), regular, 10),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )
    n = report.numbers
    story = [
        Spacer(1, 50 * mm),
        Paragraph("Findings report", s["kicker"]),
        Paragraph(escape(report.title), s["cover"]),
        Paragraph(f"{escape(report.conference)} · {escape(report.dates)}", s["subtitle"]),
        Spacer(1, 6 * mm),
        Paragraph(
            f"From {n.contributions:,} contributions by {n.contributors:,} delegates online and "
            f"{n.meetups} regional meetup{'s' if n.meetups != 1 else ''}.",
            s["subtitle"],
        ),
        Spacer(1, 70 * mm),
        Paragraph(f"Published {escape(report.published)}", s["small"]),
        Paragraph(f"Online, with a link to every quotation’s thread: {escape(report.page_url)}", s["small"]),
        PageBreak(),
        Paragraph("Contents", s["h2"]),
        contents,
        PageBreak(),
    ]
    if report.intro_html:
        story += [_heading("Summary", s["h2"], 0), *_rich(report.intro_html, s)]
    story += [
        _heading("The discussion in numbers", s["h2"], 0),
        headline_table(n, regular, bold, width=document.width),
        Spacer(1, 4 * mm),
        numbers_table(report.activity, regular, bold, width=document.width),
        Paragraph(
            f"Contributions per stream per day of the conference (the day written, {escape(report.time_zone)}).",
            s["small"],
        ),
    ]
    for section in report.sections:
        story.append(_heading(section.heading, s["h2"], 0))
        if section.contributions is not None:
            story.append(Paragraph(f"{section.contributions:,} contributions in this stream.", s["small"]))
        story += _rich(section.summary_html, s)
        for number, finding in enumerate(section.findings, start=1):
            story.append(Paragraph(f"{number}. {escape(finding.statement)}", s["finding"]))
            story += [_quote(quote, s) for quote in finding.evidence]
    if report.regions:
        story.append(_heading("What the regions added", s["h2"], 0))
        for region in report.regions:
            story.append(_heading(f"{region.title} ({region.town})", s["h3"], 1))
            story.append(
                Paragraph(
                    f"{escape(region.when)} · {region.came:,} checked in of {region.booked:,} with a place · "
                    f"{region.outcome_count} outcome{'s' if region.outcome_count != 1 else ''} posted back",
                    s["small"],
                )
            )
            story += _rich(region.added_html, s)
            story += [_quote(quote, s) for quote in region.outcomes]
    if report.open_questions_html or report.next_steps_html:
        story.append(_heading("Open questions and next steps", s["h2"], 0))
        if report.open_questions_html:
            story += [Paragraph("Open questions", s["h3"]), *_rich(report.open_questions_html, s)]
        if report.next_steps_html:
            story += [Paragraph("Next steps", s["h3"]), *_rich(report.next_steps_html, s)]
    document.multiBuild(story, onFirstPage=_cover_rule, onLaterPages=_footer(report, regular))
    return buffer.getvalue()


def headline_table(n, regular: str, bold: str, *, width: float) -> Table:
    """The headline figures, two columns of label and number."""
    rows = [
        ["Contributions", f"{n.contributions:,}", "Delegates registered", f"{n.delegates:,}"],
        ["Delegates who wrote", f"{n.contributors:,}", "Councils and organisations", f"{n.organisations:,}"],
        ["Threads", f"{n.threads:,}", "Regional meetups", f"{n.meetups:,}"],
        ["Questions (answered)", f"{n.questions:,} ({n.answered:,})", "Checked in at meetups", f"{n.came:,}"],
        ["Findings marked", f"{n.findings:,}", "Places booked at meetups", f"{n.booked:,}"],
    ]
    table = Table(rows, hAlign="LEFT", colWidths=[width * 0.3, width * 0.18, width * 0.34, width * 0.18])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), regular, 9.5),
                ("FONT", (1, 0), (1, -1), bold, 9.5),
                ("FONT", (3, 0), (3, -1), bold, 9.5),
                ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("ALIGN", (3, 0), (3, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
                ("BACKGROUND", (0, 0), (-1, -1), TINT),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _cover_rule(canvas, document):
    canvas.saveState()
    canvas.setFillColor(ACCENT)
    canvas.rect(0, A4[1] - 12 * mm, A4[0], 12 * mm, stroke=0, fill=1)
    canvas.restoreState()


def _footer(report, font: str):
    def draw(canvas, document):
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(document.leftMargin, 10 * mm, f"{report.title} · {report.conference}"[:100])
        canvas.drawRightString(A4[0] - document.rightMargin, 10 * mm, f"Page {document.page}")
        canvas.restoreState()

    return draw


# -- plain text -----------------------------------------------------------------------------


def _text_blocks(html: str) -> list[str]:
    lines = []
    for kind, words in html_blocks(html):
        lines.append(f"### {words}" if kind == "heading" else f"- {words}" if kind == "li" else words)
        if kind != "li":
            lines.append("")
    if lines and lines[-1] != "":
        lines.append("")
    return lines


def _text_quote(quote) -> list[str]:
    return [
        f"> {quote.text}",
        f"> — {quote.attribution}, {quote.session_title}, {quote.written.day} {quote.written:%B %Y}",
        "",
    ]


def render_report_text(report) -> str:
    """``report`` as Markdown-flavoured plain text: headings, lists and quotations that paste
    cleanly into a word processor or a publishing system."""
    n = report.numbers
    lines = [f"# {report.title}", "", f"{report.conference} · {report.dates} · published {report.published}", ""]
    if report.page_url:
        lines += [f"Online: {report.page_url}", ""]
    if report.intro_html:
        lines += ["## Summary", "", *_text_blocks(report.intro_html)]
    lines += [
        "## The discussion in numbers",
        "",
        f"- {n.contributions:,} contributions by {n.contributors:,} delegates, in {n.threads:,} threads",
        f"- {n.questions:,} questions, {n.answered:,} answered; {n.findings:,} findings marked",
        f"- {n.delegates:,} delegates registered from {n.organisations:,} councils and organisations",
        f"- {n.meetups} regional meetups; at the {n.held} held so far, "
        f"{n.came:,} checked in of {n.booked:,} with a place",
        "",
    ]
    for section in report.sections:
        lines += [f"## {section.heading}", ""]
        lines += _text_blocks(section.summary_html)
        for number, finding in enumerate(section.findings, start=1):
            lines += [f"{number}. **{finding.statement}**", ""]
            for quote in finding.evidence:
                lines += _text_quote(quote)
    if report.regions:
        lines += ["## What the regions added", ""]
        for region in report.regions:
            lines += [
                f"### {region.title} ({region.town})",
                "",
                f"{region.when}: {region.came:,} checked in of {region.booked:,}.",
                "",
            ]
            lines += _text_blocks(region.added_html)
            for quote in region.outcomes:
                lines += _text_quote(quote)
    if report.open_questions_html or report.next_steps_html:
        lines += ["## Open questions and next steps", ""]
        if report.open_questions_html:
            lines += ["### Open questions", "", *_text_blocks(report.open_questions_html)]
        if report.next_steps_html:
            lines += ["### Next steps", "", *_text_blocks(report.next_steps_html)]
    return "\n".join(lines).rstrip() + "\n"
