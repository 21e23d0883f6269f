"""The planner's workspace on the Wagtail admin home page: a panel per live conference with its
online registrations, each meetup's places, waiting list, check-ins and packs, the discussion
per day and stream drawn as a small grid, and the questions still open.

- ``conference_summaries`` gathers plain dataclasses: four queries for every conference at
  once (and Wagtail's site lookup for the findings links), plus three per conference for its
  day × stream counts (``discussion.conference_activity``, cached 5 minutes), whatever the number of meetups,
  sessions and contributions; ``conference_panels`` adds one for who may edit which;
- ``activity_grid_svg`` draws an ``ActivityTable`` as SVG: pure, no queries, every string
  escaped;
- ``ConferencePanel`` puts the two in a template; ``conference_panels`` is what the
  ``construct_homepage_panels`` hook adds, and only for planners (``roles.sees_every_meetup``).

Nothing is cached: the counts are a handful of grouped queries and planners expect them live."""

import functools
import operator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from wagtail.admin.ui.components import Component
from wagtail.permission_policies.pages import PagePermissionPolicy

from planner import timefmt
from planner.models import ConferencePage, Contribution, PackRun, PackStatus, RegionalEventPage
from planner.ops.mail_health import FailedSends, failed_email_sends
from planner.queries.discussion import ActivityTable, conference_activity, shown
from planner.rules import roles


@dataclass
class PackProgress:
    """A meetup's latest pack run: how many files are done or failed, of how many."""

    started_at: datetime
    done: int
    failed: int
    total: int

    @property
    def pending(self) -> int:
        return self.total - self.done - self.failed


@dataclass
class MeetupSummary:
    pk: int
    title: str
    town: str
    day: date  # in the venue's zone
    capacity: int
    confirmed: int
    waiting: int
    checked_in: int
    cancellation_reason: str | None = None  # None while the meetup goes ahead
    packs: PackProgress | None = None

    @property
    def cancelled(self) -> bool:
        return self.cancellation_reason is not None


@dataclass
class ConferenceSummary:
    pk: int
    title: str
    start_date: date
    end_date: date
    registered: int
    open_questions: int
    activity: ActivityTable
    findings_url: str | None
    meetups: list[MeetupSummary] = field(default_factory=list)

    @property
    def dates(self) -> str:
        return timefmt.date_range(self.start_date, self.end_date)

    @property
    def going_ahead(self) -> list[MeetupSummary]:
        return [meetup for meetup in self.meetups if not meetup.cancelled]

    @property
    def confirmed(self) -> int:
        return sum(meetup.confirmed for meetup in self.going_ahead)

    @property
    def capacity(self) -> int:
        return sum(meetup.capacity for meetup in self.going_ahead)

    @property
    def waiting(self) -> int:
        return sum(meetup.waiting for meetup in self.going_ahead)

    @property
    def checked_in(self) -> int:
        return sum(meetup.checked_in for meetup in self.meetups)


def open_question_counts(conferences) -> dict[int, int]:
    """Shown top-level questions with no accepted answer, per conference id, in one query."""
    rows = (
        shown(Contribution.objects.filter(session__stream__conference__in=conferences))
        .filter(is_question=True, accepted_answer__isnull=True, parent__isnull=True)
        .values("session__stream__conference_id")
        .annotate(n=Count("id"))
    )
    return {row["session__stream__conference_id"]: row["n"] for row in rows}


def latest_pack_runs(meetup_ids) -> dict[int, PackProgress]:
    """Each meetup's newest pack run with its file counts, per meetup id, in one query."""
    newest = PackRun.objects.filter(event_id=OuterRef("event_id")).order_by("-created_at", "-pk").values("pk")[:1]
    runs = (
        PackRun.objects.filter(event_id__in=meetup_ids, pk=Subquery(newest))
        .annotate(
            total=Count("files"),
            done=Count("files", filter=Q(files__status=PackStatus.DONE)),
            failed=Count("files", filter=Q(files__status=PackStatus.FAILED)),
        )
        .values("event_id", "created_at", "total", "done", "failed")
    )
    return {
        run["event_id"]: PackProgress(run["created_at"], done=run["done"], failed=run["failed"], total=run["total"])
        for run in runs
    }


def summarise_meetup(meetup: RegionalEventPage, packs: PackProgress | None) -> MeetupSummary:
    """A meetup loaded with ``venue``, ``seats`` and ``cancellation`` and annotated with
    ``checked_in``, as plain data."""
    confirmed, waiting = meetup.seat_counts()
    cancellation = meetup.called_off
    return MeetupSummary(
        pk=meetup.pk,
        title=meetup.title,
        town=meetup.venue.town,
        day=meetup.start.astimezone(meetup.zone).date(),
        capacity=meetup.capacity,
        confirmed=confirmed,
        waiting=waiting,
        checked_in=meetup.checked_in,
        cancellation_reason=cancellation.reason if cancellation else None,
        packs=packs,
    )


def conference_summaries(*, request=None) -> list[ConferenceSummary]:
    """Every live conference, earliest first, with its live meetups (in date order) and the
    numbers a planner watches. ``request`` only lets Wagtail reuse its site lookup for URLs."""
    conferences = list(ConferencePage.objects.live().annotate(registered=Count("registrations")).order_by("start_date"))
    if not conferences:
        return []
    # One query for the meetups of every conference: a meetup's parent is the conference
    # whose tree path its own path extends.
    under_any = functools.reduce(operator.or_, (RegionalEventPage.objects.child_of_q(c) for c in conferences))
    meetups = list(
        RegionalEventPage.objects.live()
        .filter(under_any)
        .select_related("venue", "seats", "cancellation")
        .annotate(checked_in=Count("bookings", filter=Q(bookings__attended_at__isnull=False)))
        .order_by("start", "pk")
    )
    packs = latest_pack_runs([meetup.pk for meetup in meetups])
    open_questions = open_question_counts(conferences)
    by_path = {conference.path: conference.pk for conference in conferences}
    step = RegionalEventPage.steplen
    meetups_of: dict[int, list[MeetupSummary]] = {conference.pk: [] for conference in conferences}
    for meetup in meetups:
        meetups_of[by_path[meetup.path[:-step]]].append(summarise_meetup(meetup, packs.get(meetup.pk)))
    summaries = []
    for conference in conferences:
        url = conference.get_url(request)
        summaries.append(
            ConferenceSummary(
                pk=conference.pk,
                title=conference.title,
                start_date=conference.start_date,
                end_date=conference.end_date,
                registered=conference.registered,
                open_questions=open_questions.get(conference.pk, 0),
                activity=conference_activity(conference, tz=conference.zone),  # 5 minutes in the cache
                findings_url=url + conference.reverse_subpage("findings") if url else None,
                meetups=meetups_of[conference.pk],
            )
        )
    return summaries


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


class ConferencePanel(Component):
    """One conference's numbers on the admin home page, above Wagtail's own panels."""

    template_name = "planner/admin/conference_panel.html"
    order = 50

    def __init__(self, summary: ConferenceSummary, *, can_edit: bool):
        self.summary = summary
        self.can_edit = can_edit

    def get_context_data(self, parent_context=None):
        user = parent_context["request"].user
        return {
            "conference": self.summary,
            "chart": activity_grid_svg(self.summary.activity, id_prefix=f"relay-activity-{self.summary.pk}"),
            "summary": activity_summary(self.summary.activity),
            "can_edit": self.can_edit,
            "can_see_registrations": user.has_perm("planner.view_registration"),
        }


def conference_panels(request) -> list[ConferencePanel]:
    """A panel per live conference for a planner who sees every meetup; none for anyone else."""
    if not roles.sees_every_meetup(request.user):
        return []
    summaries = conference_summaries(request=request)
    if not summaries:
        return []
    # The programme grid is for those who may edit the conference: one query for them all.
    editable = set(
        PagePermissionPolicy()
        .instances_user_has_permission_for(request.user, "change")
        .filter(pk__in=[summary.pk for summary in summaries])
        .values_list("pk", flat=True)
    )
    return [ConferencePanel(summary, can_edit=summary.pk in editable) for summary in summaries]


class EmailFailuresPanel(Component):
    """On the admin home page while emails are failing in the queue: how many, the latest
    error, and what to check."""

    template_name = "planner/admin/email_failures_panel.html"
    order = 40  # above the conference panels: nobody is getting their emails

    def __init__(self, failed: FailedSends):
        self.failed = failed

    def get_context_data(self, parent_context=None):
        return {"failed": self.failed}


def email_failure_panels(request) -> list[EmailFailuresPanel]:
    """The failed-email panel for planners, when any email failed in the last week."""
    if not roles.sees_every_meetup(request.user):
        return []
    failed = failed_email_sends()
    return [EmailFailuresPanel(failed)] if failed.count else []
