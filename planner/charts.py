"""Small server-drawn charts (SVG, no script, no inline style, so the pages' CSP holds).

Each chart is an image with a title and is described by the table that follows it on the
page: the table is the text alternative, so screen readers read the numbers, not the bars."""

from xml.sax.saxutils import escape, quoteattr

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 230
BAR_WIDTH = 360
WIDTH = LABEL_WIDTH + BAR_WIDTH + 70


def bar_chart_svg(rows: list[tuple[str, int]], *, title: str, described_by: str) -> str:
    """A horizontal bar chart of ``rows`` (label, value), longest bar the largest value, each
    bar labelled with its number; ``described_by`` is the id of the table that says the same."""
    if not rows:
        return ""
    top = max(value for _label, value in rows) or 1
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{described_by}-title" aria-describedby={quoteattr(described_by)}>',
        f'<title id="{described_by}-title">{escape(title)}</title>',
    ]
    for index, (label, value) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        width = round(BAR_WIDTH * value / top, 1)
        shown = label if len(label) <= 30 else label[:29] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end" class="bar-chart__label">'
            f"{escape(shown)}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" class="bar-chart__bar"/>'
            f'<text x="{LABEL_WIDTH + width + 6}" y="{y + 15}" class="bar-chart__value">{value:,}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
