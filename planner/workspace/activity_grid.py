"""The discussion per day and stream as a small SVG grid for the admin home page: pure, no
queries, every string escaped; with a one-line summary for those who cannot see it."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from planner.queries.discussion import ActivityTable

# The grid's shades, from no contributions to the busiest cell: each a fill and the text
# colour drawn on it, every pair at least 4.5:1 (WCAG AA for normal text).
SHADES = (
    ("#f1f3f5", "#474c53"),
    ("#deebf7", "#0f2742"),
    ("#b3d3ee", "#0f2742"),
    ("#79addc", "#0b1b2e"),
    ("#2f6fae", "#ffffff"),
    ("#163f6b", "#ffffff"),
)
OUTSIDE_DAYS = ("Before", "After")  # the columns discussion.count_activity adds around the days
LABEL_WIDTH = 270  # stream names
CELL_WIDTH = 72
CELL_HEIGHT = 34
TOTAL_WIDTH = 76
HEADER_HEIGHT = 30
GAP = 3
NAME_CHARACTERS = 30  # a longer stream name is cut, in full in its tooltip


def shade(count: int, busiest: int) -> tuple[str, str]:
    """The (fill, text) colours for a cell of ``count`` when the busiest cell has ``busiest``."""
    if count <= 0 or busiest <= 0:
        return SHADES[0]
    steps = len(SHADES) - 1
    return SHADES[min(steps, 1 + (count * steps - 1) // busiest)]


def activity_summary(table: ActivityTable) -> str:
    """One sentence saying what the grid shows: the total, the busiest day and stream."""
    if not table.total:
        return "No contributions yet."
    # "Before" and "After" gather what was written outside the conference's days: not days.
    days = [pair for pair in zip(table.column_totals, table.columns, strict=True) if pair[1] not in OUTSIDE_DAYS]
    day_total, day = max(days or [(0, "")], key=lambda pair: pair[0])
    stream_total, stream = max(((total, name) for name, _counts, total in table.rows), key=lambda pair: pair[0])
    busiest_day = f"busiest day {day} with {day_total:,}, " if day_total else ""
    return (
        f"{table.total:,} contribution{'s' if table.total != 1 else ''}; "
        f"{busiest_day}busiest stream {stream} with {stream_total:,}."
    )


def _text(x: float, y: float, content: str, *, anchor="middle", fill="currentColor", weight="normal", tip="") -> str:
    tooltip = f"<title>{escape(tip)}</title>" if tip else ""
    return (
        f'<text x="{x:g}" y="{y:g}" text-anchor="{anchor}" fill="{fill}" font-weight="{weight}">'
        f"{tooltip}{escape(content)}</text>"
    )


def activity_grid_svg(table: ActivityTable, *, id_prefix: str) -> SafeString:
    """``table`` as an SVG grid: a row per stream, a column per day, each cell shaded by its
    count and showing it, with totals on the right and underneath. The ``<title>`` (named by
    ``aria-labelledby``) says the total and the busiest day and stream; ``id_prefix`` keeps
    its id unique on a page with several grids."""
    columns, rows = table.columns, table.rows
    busiest = max((count for _name, counts, _total in rows for count in counts), default=0)
    width = LABEL_WIDTH + CELL_WIDTH * len(columns) + TOTAL_WIDTH
    height = HEADER_HEIGHT + CELL_HEIGHT * (len(rows) + 1) + GAP
    baseline = CELL_HEIGHT / 2 + 5  # centres 14px text in a cell
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{id_prefix}-title" class="relay-activity-grid" font-size="14">',
        f'<title id="{id_prefix}-title">Contributions per day and stream. {escape(activity_summary(table))}</title>',
    ]
    for index, column in enumerate([*columns, "Total"]):
        x = LABEL_WIDTH + CELL_WIDTH * index + CELL_WIDTH / 2
        parts.append(_text(x, HEADER_HEIGHT - 10, column, weight="bold"))
    for row_index, (name, counts, total) in enumerate(rows):
        y = HEADER_HEIGHT + CELL_HEIGHT * row_index
        label = name if len(name) <= NAME_CHARACTERS else name[: NAME_CHARACTERS - 1].rstrip() + "…"
        parts.append(_text(LABEL_WIDTH - 10, y + baseline, label, anchor="end", tip=name if label != name else ""))
        for column_index, count in enumerate(counts):
            x = LABEL_WIDTH + CELL_WIDTH * column_index
            fill, ink = shade(count, busiest)
            parts.append(
                f'<rect x="{x + GAP / 2:g}" y="{y + GAP / 2:g}" '
                f'width="{CELL_WIDTH - GAP}" height="{CELL_HEIGHT - GAP}" rx="3" fill="{fill}"/>'
            )
            parts.append(_text(x + CELL_WIDTH / 2, y + baseline, f"{count:,}", fill=ink))
        parts.append(_text(LABEL_WIDTH + CELL_WIDTH * len(columns) + CELL_WIDTH / 2, y + baseline, f"{total:,}"))
    y = HEADER_HEIGHT + CELL_HEIGHT * len(rows) + GAP
    parts.append(
        f'<line x1="{LABEL_WIDTH}" x2="{width}" y1="{y - GAP / 2:g}" y2="{y - GAP / 2:g}" '
        'stroke="currentColor" stroke-opacity="0.4"/>'
    )
    parts.append(_text(LABEL_WIDTH - 10, y + baseline, "All streams", anchor="end", weight="bold"))
    for index, total in enumerate([*table.column_totals, table.total]):
        parts.append(
            _text(LABEL_WIDTH + CELL_WIDTH * index + CELL_WIDTH / 2, y + baseline, f"{total:,}", weight="bold")
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703 - every string above is escaped or a number
