"""The facilitators' briefing as an A4 PDF: one page per table, opening with its thread and
first question, then what the online discussion found and left open, then who sits there,
why, and what they wrote. Data in (``planner.queries.briefing.TableBriefing``), bytes out."""

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, Spacer

from planner.packs import a4_document, fonts, styles


def render_briefing(title: str, when: str, briefings: list) -> bytes:
    """``briefings`` (TableBriefing, one per table) as A4 PDF bytes, a table to a page."""
    buffer = BytesIO()
    fonts()
    s = styles()
    document = a4_document(buffer, title=f"Facilitators’ briefing: {title}", subject="One page per discussion table")
    story = []
    for index, table in enumerate(briefings):
        if index:
            story.append(PageBreak())
        story += [
            Paragraph(f"Table {table.number}", s["title"]),
            Paragraph(f"{escape(title)} · {escape(when)}", s["small"]),
            Spacer(1, 3 * mm),
            Paragraph(f"Starting from: {escape(table.label)}", s["h3"]),
            Paragraph(f"<b>First question:</b> {escape(table.question)}", s["body"]),
        ]
        for heading, lines in (("Findings so far", table.findings), ("Questions still open", table.open_questions)):
            if lines:
                story.append(Paragraph(heading, s["h3"]))
                story += [Paragraph(f"• {escape(line)}", s["body"]) for line in lines]
        story.append(Paragraph("At the table", s["h3"]))
        for seat in table.seats:
            said = [Paragraph(f"“{escape(line)}”", s["small"]) for line in seat.wrote] or [
                Paragraph("Has not written online yet.", s["small"])
            ]
            story.append(
                KeepTogether(
                    [
                        Paragraph(
                            f"<b>{escape(seat.name)}</b>"
                            + (f", {escape(seat.role)}" if seat.role else "")
                            + f" – {escape(seat.reason)}",
                            s["body"],
                        ),
                        *said,
                        Spacer(1, 2 * mm),
                    ]
                )
            )
        if table.others:
            story.append(
                Paragraph(
                    f"And {table.others} other{'s' if table.others != 1 else ''} who keep"
                    f"{'s' if table.others == 1 else ''} their profile private.",
                    s["small"],
                )
            )
    if not briefings:
        story.append(Paragraph("Nobody has a confirmed place yet, so there are no tables to brief.", s["body"]))
    document.build(story)
    return buffer.getvalue()
