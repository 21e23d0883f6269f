"""Small server-drawn charts (SVG, no script, no inline style, so the pages' CSP holds).

Each chart is an image with a title and is described by the table that follows it on the
page: the table is the text alternative, so screen readers read the numbers, not the bars.
Labels sit above their bars, so the chart stays legible when a phone scales it down."""

from xml.sax.saxutils import escape, quoteattr

WIDTH = 400
BAR_WIDTH = 330  # the longest bar; its number follows it
BAR_HEIGHT = 16
ROW = 44  # a label line, its bar and the gap below


def bar_chart_svg(rows: list[tuple[str, int]], *, title: str, described_by: str) -> str:
    """A horizontal bar chart of ``rows`` (label, value), the longest bar the largest value,
    each bar with its label above and its number beside it; ``described_by`` is the id of the
    table that says the same."""
    if not rows:
        return ""
    top = max(value for _label, value in rows) or 1
    height = len(rows) * ROW + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{described_by}-title" aria-describedby={quoteattr(described_by)}>',
        f'<title id="{described_by}-title">{escape(title)}</title>',
    ]
    for index, (label, value) in enumerate(rows):
        y = index * ROW
        width = round(BAR_WIDTH * value / top, 1)
        parts.append(
            f'<text x="0" y="{y + 14}" class="bar-chart__label">{escape(label)}</text>'
            f'<rect x="0" y="{y + 20}" width="{width}" height="{BAR_HEIGHT}" class="bar-chart__bar"/>'
            f'<text x="{width + 6}" y="{y + 33}" class="bar-chart__value">{value:,}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
