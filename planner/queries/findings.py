"""The findings of a conference, pulled together: every contribution a moderator marked as a
finding, grouped by stream and theme, with the numbers of the discussion behind them.

``findings_report`` gathers a plain dataclass; the web page and the PDF
(``planner.packs.findings``) both draw from it. Names follow the public visibility rule,
because the report is made to be shared: only delegates who chose to be visible to everyone
are named."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Q
from django.utils import timezone

from planner import timefmt
from planner.markup import plain_text
from planner.models import ConferencePage, Contribution, RegionalEventPage, SessionPage
from planner.queries.discussion import ActivityTable, conference_activity, contribution_path, label_authors, shown

UNTHEMED = "Other findings"


@dataclass
class FindingItem:
    text: str  # plain text: safe for the PDF once escaped
    html: str  # sanitised HTML for the web page
    author: str
    session_title: str
    path: str
    written: date
    reply_count: int
    themes: list[str]


@dataclass
class ThemeGroup:
    name: str
    items: list[FindingItem] = field(default_factory=list)


@dataclass
class StreamFindings:
    name: str
    groups: list[ThemeGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(group.items) for group in self.groups)


@dataclass
class RegionOutcomes:
    """What one meetup brought back into the online threads."""

    meetup: str
    town: str
    items: list[FindingItem] = field(default_factory=list)


@dataclass
class FindingsReport:
    conference: str
    dates: str
    page_url: str
    generated_at: datetime
    time_zone: str
    activity: ActivityTable
    streams: list[StreamFindings]
    regions: list[RegionOutcomes] = field(default_factory=list)
    attendance: list[tuple[str, str, int, int]] = field(default_factory=list)  # meetup, town, came, booked

    @property
    def finding_count(self) -> int:
        return sum(stream.count for stream in self.streams)


def findings_report(conference: ConferencePage, *, base_url: str = "") -> FindingsReport:
    """Gather ``conference``'s findings and numbers; a fixed number of queries."""
    tz = conference.zone
    # Findings are few: read them all through their own index, then keep this conference's
    # (joining from the conference first makes SQLite walk every contribution of every session).
    sessions = set(SessionPage.objects.filter(stream__conference=conference).values_list("pk", flat=True))
    candidates = shown(Contribution.objects.filter(finding_at__isnull=False)).values_list("pk", "session_id")
    findings = list(
        Contribution.objects.filter(pk__in=[pk for pk, session_id in candidates if session_id in sessions])
        .select_related("author", "session__stream", "from_meetup__venue")
        .prefetch_related("themes")
        .order_by("session__stream__sort_order", "session__stream__name", "-reply_count", "created_at")
    )
    label_authors(findings, None)
    by_stream: dict[str, StreamFindings] = {
        stream.name: StreamFindings(stream.name) for stream in conference.streams.order_by("sort_order", "name")
    }
    for finding in findings:
        theme_names = sorted(theme.name for theme in finding.themes.all())
        item = FindingItem(
            text=plain_text(finding.body_html),
            html=finding.body_html,
            author=finding.author_label if finding.author_shown else "A delegate",
            session_title=finding.session.title,
            path=contribution_path(finding),
            written=finding.created_at.astimezone(tz).date(),
            reply_count=finding.reply_count,
            themes=theme_names,
        )
        stream = by_stream.setdefault(finding.session.stream.name, StreamFindings(finding.session.stream.name))
        group_name = theme_names[0] if theme_names else UNTHEMED
        group = next((g for g in stream.groups if g.name == group_name), None)
        if group is None:
            group = ThemeGroup(group_name)
            stream.groups.append(group)
        group.items.append(item)
    for stream in by_stream.values():
        stream.groups.sort(key=lambda g: (g.name == UNTHEMED, g.name))
    regions: dict[int, RegionOutcomes] = {}
    meetups = list(RegionalEventPage.objects.child_of(conference).values_list("pk", flat=True))
    outcomes = shown(Contribution.objects.filter(from_meetup__in=meetups)).select_related(
        "session", "from_meetup__venue"
    )
    for outcome in outcomes.order_by("from_meetup__start", "from_meetup_id", "created_at"):
        region = regions.setdefault(
            outcome.from_meetup_id, RegionOutcomes(outcome.from_meetup.title, outcome.from_meetup.venue.town)
        )
        region.items.append(
            FindingItem(
                text=plain_text(outcome.body_html),
                html=outcome.body_html,
                author=f"From the {region.town} meetup",
                session_title=outcome.session.title,
                path=contribution_path(outcome),
                written=outcome.created_at.astimezone(tz).date(),
                reply_count=outcome.reply_count,
                themes=[],
            )
        )

    attendance = [
        (m.title, m.venue.town, m.came, m.booked)
        for m in RegionalEventPage.objects.live()
        .child_of(conference)
        .select_related("venue")
        .annotate(
            came=Count("bookings", filter=Q(bookings__attended_at__isnull=False)),
            booked=Count("bookings", filter=Q(bookings__status="confirmed")),
        )
        .order_by("start")
        if m.came
    ]
    return FindingsReport(
        attendance=attendance,
        regions=list(regions.values()),
        conference=conference.title,
        dates=timefmt.date_range(conference.start_date, conference.end_date),
        page_url=base_url,
        generated_at=timezone.now().astimezone(tz),
        time_zone=tz.key,
        activity=conference_activity(conference, tz=tz),
        streams=[stream for stream in by_stream.values() if stream.groups],
    )
