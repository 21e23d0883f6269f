"""The findings report as a PDF: cover lines, the numbers table, then each stream's findings
grouped by theme. Data in (``planner.queries.findings.FindingsReport``), bytes out."""

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from planner.packs import INK, MUTED, RULE, TINT, a4_document, fonts, styles


def render_findings(report) -> bytes:
    """``report`` (a FindingsReport) as A4 PDF bytes."""
    buffer = BytesIO()
    regular, bold = fonts()
    s = styles()
    document = a4_document(
        buffer, title=f"Findings: {report.conference}", subject=f"What delegates found at {report.conference}"
    )
    story = [
        Paragraph(f"Findings: {escape(report.conference)}", s["title"]),
        Paragraph(
            f"{escape(report.dates)} · {report.finding_count} finding{'s' if report.finding_count != 1 else ''} "
            f"from {report.activity.total:,} contributions by {report.activity.contributors:,} delegates",
            s["subtitle"],
        ),
        Paragraph(f"Online, with links to every thread: {escape(report.page_url)}", s["small"]),
        Spacer(1, 4 * mm),
        Paragraph("The discussion in numbers", s["h2"]),
        numbers_table(report.activity, regular, bold, width=document.width),
        Paragraph(
            f"Contributions per stream per day of the conference (the day written, {escape(report.time_zone)}; "
            "“Before” and “After” are what was written outside it). "
            f"{report.activity.threads:,} threads; {report.activity.questions:,} questions, "
            f"{report.activity.answered:,} of them answered.",
            s["small"],
        ),
    ]
    if not report.streams:
        story.append(Paragraph("No findings have been marked yet.", s["body"]))
    for stream in report.streams:
        story.append(Paragraph(escape(stream.name), s["h2"]))
        for group in stream.groups:
            story.append(Paragraph(escape(group.name), s["h3"]))
            for item in group.items:
                story.append(
                    KeepTogether(
                        [
                            Paragraph(escape(item.text), s["body"]),
                            Paragraph(
                                f"{escape(item.author)} · {escape(item.session_title)} · "
                                f"{item.written.day} {item.written:%B}"
                                + (
                                    f" · {item.reply_count} repl{'y' if item.reply_count == 1 else 'ies'}"
                                    if item.reply_count
                                    else ""
                                ),
                                s["small"],
                            ),
                        ]
                    )
                )
    if report.regions:
        story.append(Paragraph("What the regions added", s["h2"]))
        for region in report.regions:
            story.append(Paragraph(f"{escape(region.meetup)} ({escape(region.town)})", s["h3"]))
            for item in region.items:
                story.append(
                    KeepTogether(
                        [
                            Paragraph(escape(item.text), s["body"]),
                            Paragraph(
                                f"On {escape(item.session_title)} · {item.written.day} {item.written:%B}", s["small"]
                            ),
                        ]
                    )
                )
    document.build(story, onFirstPage=_footer(report, regular), onLaterPages=_footer(report, regular))
    return buffer.getvalue()


def numbers_table(activity, regular: str, bold: str, *, width: float) -> Table:
    """Streams down, days across, fitted to ``width``: stream names wrap, numbers do not."""
    cell = styles()["cell"]
    header = ["Stream", *activity.columns, "Total"]
    rows = [
        [Paragraph(escape(name), cell), *[f"{n:,}" for n in counts], f"{total:,}"]
        for name, counts, total in activity.rows
    ]
    rows.append(["All streams", *[f"{n:,}" for n in activity.column_totals], f"{activity.total:,}"])
    name_width = 48 * mm
    number_width = (width - name_width) / (len(activity.columns) + 1)
    table = Table(
        [header, *rows], repeatRows=1, hAlign="LEFT", colWidths=[name_width] + [number_width] * (len(header) - 1)
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), regular, 9),
                ("FONT", (0, 0), (-1, 0), bold, 9),
                ("FONT", (0, -1), (-1, -1), bold, 9),
                ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, 0), 1, INK),
                ("LINEABOVE", (0, -1), (-1, -1), 0.5, RULE),
                ("BACKGROUND", (0, 0), (-1, 0), TINT),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _footer(report, font: str):
    def draw(canvas, document):
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(
            document.leftMargin,
            10 * mm,
            f"Findings: {report.conference} · made {report.generated_at:%d %B %Y %H:%M %Z}"[:110],
        )
        canvas.drawRightString(A4[0] - document.rightMargin, 10 * mm, f"Page {document.page}")
        canvas.restoreState()

    return draw
