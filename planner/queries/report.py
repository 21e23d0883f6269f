"""The findings report as it is read (``read_report``: the page, the PDF, the text export all
draw from it) and as it is written (``citation_problems`` and ``writer_suggestions``: the
editor's warnings and the evidence to start from).

The report is public, so quotations follow the public visibility rule: a delegate is named
only if they chose to be seen by everyone, else "A delegate". A citation counts only while
what it cites is still a shown finding or meetup outcome of this conference; anything else is
dropped from what readers see and listed for the writer as a problem until it is resolved."""

from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import Truncator, slugify
from wagtail.rich_text import expand_db_html

from cms.caching import parent_page, public
from planner import timefmt
from planner.markup import plain_text
from planner.models import (
    BookingStatus,
    ConferencePage,
    Contribution,
    FindingsReportPage,
    RegionalEventPage,
    Registration,
    SessionPage,
)
from planner.queries.discussion import ActivityTable, conference_activity, contribution_path, label_authors, shown

NUMBERS_CACHE_SECONDS = 300
OUTCOMES_SHOWN = 6  # per meetup; the rest are counted and linked
SUGGESTIONS = 5  # per list, per stream, in the editor


@dataclass
class Quote:
    """A cited contribution as the public may read it."""

    pk: int
    text: str  # plain text, for the PDF and the text export
    html: str  # sanitised when it was written
    attribution: str  # a name only when its owner is visible to everyone
    session_title: str
    path: str
    written: date


@dataclass
class KeyFinding:
    statement: str
    evidence: list[Quote]


@dataclass
class Section:
    heading: str
    anchor: str
    summary_html: str
    findings: list[KeyFinding]
    contributions: int | None  # in its stream, when the section names one


@dataclass
class Region:
    title: str
    town: str
    when: str
    anchor: str
    path: str
    added_html: str
    outcomes: list[Quote]
    outcome_count: int
    came: int
    booked: int


@dataclass
class Numbers:
    """Counted, never typed: the report's headline figures."""

    contributions: int
    contributors: int
    delegates: int
    organisations: int
    meetups: int
    held: int  # meetups that have taken place
    came: int
    booked: int
    threads: int
    questions: int
    answered: int
    findings: int


@dataclass
class ReportView:
    title: str
    conference: str
    conference_path: str
    dates: str
    published: str
    intro_html: str
    sections: list[Section]
    regions: list[Region]
    open_questions_html: str
    next_steps_html: str
    numbers: Numbers
    activity: ActivityTable
    time_zone: str
    page_url: str = ""
    dropped: int = 0  # citations left out until the writer resolves them

    @property
    def contents(self) -> list[tuple[str, str]]:
        """(anchor, heading) of each part, in reading order: the contents list."""
        parts = [("summary", "Summary")] if self.intro_html else []
        parts += [("numbers", "The discussion in numbers")]
        parts += [(section.anchor, section.heading) for section in self.sections]
        if self.regions:
            parts.append(("regions", "What the regions added"))
        if self.open_questions_html or self.next_steps_html:
            parts.append(("next", "Open questions and next steps"))
        return parts

    @property
    def finding_count(self) -> int:
        return sum(len(section.findings) for section in self.sections)


@dataclass
class CitationProblem:
    """A citation readers no longer see, and why."""

    pk: int
    where: str
    reason: str
    words: str = ""


def published_report(conference: ConferencePage) -> FindingsReportPage | None:
    """``conference``'s findings report, if it is published (one query)."""
    return public(FindingsReportPage.objects.live()).child_of(conference).only("id", "title", "url_path").first()


def report_conference(page: FindingsReportPage, parent=None) -> ConferencePage | None:
    """The conference ``page`` reports on (its parent; ``parent`` while it is being created)."""
    parent = parent if parent is not None else (parent_page(page) if page.pk else None)
    parent = parent.specific if parent is not None else None
    return parent if isinstance(parent, ConferencePage) else None


def read_report(page: FindingsReportPage, conference: ConferencePage, *, page_url: str = "") -> ReportView:
    """What readers of ``page`` see: its text, the citations still valid, the regions and the
    numbers; a fixed number of queries, however long the report or the discussion."""
    tz = conference.zone
    cited, problems = check_citations(page, conference)
    activity = conference_activity(conference, tz=tz)
    per_stream = {name: total for name, _counts, total in activity.rows}
    stream_names = dict(conference.streams.values_list("pk", "name"))
    sections = []
    for index, block in enumerate(page.sections.raw_data, start=1):
        value = block.get("value", {})
        heading = (value.get("heading") or "").strip() or f"Part {index}"
        findings = []
        for finding in value.get("findings", []):
            finding_value = finding.get("value", finding)
            evidence = [cited[pk] for pk in _ids(finding_value.get("evidence", [])) if pk in cited]
            statement = (finding_value.get("finding") or "").strip()
            if statement:
                findings.append(KeyFinding(statement, evidence))
        stream_name = stream_names.get(value.get("stream"))
        sections.append(
            Section(
                heading=heading,
                anchor=f"{index}-{slugify(heading)[:40]}",
                summary_html=expand_db_html(value.get("summary") or ""),
                findings=findings,
                contributions=per_stream.get(stream_name) if stream_name else None,
            )
        )
    published = page.last_published_at or timezone.now()
    return ReportView(
        title=page.title,
        conference=conference.title,
        conference_path=conference.url or "",
        dates=timefmt.date_range(conference.start_date, conference.end_date),
        published=timefmt.long_date(published.astimezone(tz).date()),
        intro_html=expand_db_html(page.introduction),
        sections=sections,
        regions=read_regions(page, conference),
        open_questions_html=expand_db_html(page.open_questions),
        next_steps_html=expand_db_html(page.next_steps),
        numbers=report_numbers(conference),
        activity=activity,
        time_zone=tz.key,
        page_url=page_url,
        dropped=len(problems),
    )


def _ids(items) -> list[int]:
    """Contribution ids from a ListBlock's raw items (``{"type": "item", "value": id}`` or ids)."""
    ids = []
    for item in items:
        value = item.get("value") if isinstance(item, dict) else item
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            ids.append(int(value))
    return ids


def check_citations(page: FindingsReportPage, conference: ConferencePage) -> tuple[dict[int, Quote], list]:
    """(the citations readers see, by id; the problems with the others). Two queries."""
    ids = page.evidence_ids()
    if not ids:
        return {}, []
    rows = {
        c.pk: c
        for c in Contribution.objects.filter(pk__in=ids).select_related(
            "author", "session__stream", "from_meetup__venue"
        )
    }
    label_authors(list(rows.values()), None)
    cited, problems = {}, []
    for pk in ids:
        contribution = rows.get(pk)
        reason = citation_problem(contribution, conference)
        if reason:
            problems.append(
                CitationProblem(
                    pk, "", reason, Truncator(plain_text(contribution.body_html)).chars(120) if contribution else ""
                )
            )
            continue
        cited[pk] = Quote(
            pk=pk,
            text=plain_text(contribution.body_html),
            html=contribution.body_html,
            attribution=contribution.author_label
            if contribution.author_shown or contribution.from_meetup_id
            else "A delegate",
            session_title=contribution.session.title,
            path=contribution_path(contribution),
            written=contribution.created_at.astimezone(conference.zone).date(),
        )
    return cited, problems


def citation_problem(contribution: Contribution | None, conference: ConferencePage) -> str:
    """Why ``contribution`` may no longer be cited in ``conference``'s report ("" if it may)."""
    if contribution is None:
        return "no longer exists"
    if contribution.deleted_at:
        return "was deleted by its author"
    if contribution.hidden_at:
        return "was hidden by a moderator"
    if contribution.session.stream.conference_id != conference.pk:
        return "belongs to another conference"
    if contribution.finding_at is None and contribution.from_meetup_id is None:
        return "is no longer marked as a finding"
    return ""


def citation_problems(page: FindingsReportPage, conference: ConferencePage) -> list[CitationProblem]:
    """Each citation readers no longer see, with where it is in the report (for the editor)."""
    _cited, problems = check_citations(page, conference)
    by_pk = {problem.pk: problem for problem in problems}
    located = []
    for section_index, block in enumerate(page.sections.raw_data, start=1):
        value = block.get("value", {})
        heading = (value.get("heading") or "").strip() or f"part {section_index}"
        for finding_index, finding in enumerate(value.get("findings", []), start=1):
            for pk in _ids(finding.get("value", finding).get("evidence", [])):
                if pk in by_pk:
                    problem = by_pk[pk]
                    located.append(
                        CitationProblem(pk, f"“{heading}”, key finding {finding_index}", problem.reason, problem.words)
                    )
    return located


def read_regions(page: FindingsReportPage, conference: ConferencePage) -> list[Region]:
    """Each meetup that has happened (or that the writer wrote about), in date order: what the
    writer says it added, its outcomes (the most replied to first) and its attendance."""
    written = {}
    for block in page.regions.raw_data:
        value = block.get("value", {})
        if value.get("meetup"):
            written[int(value["meetup"])] = expand_db_html(value.get("added") or "")
    now = timezone.now()
    meetups = list(
        RegionalEventPage.objects.live()
        .child_of(conference)
        .filter(Q(start__lte=now) | Q(pk__in=list(written)))
        .select_related("venue")
        .annotate(
            came=Count("bookings", filter=Q(bookings__attended_at__isnull=False)),
            booked=Count("bookings", filter=Q(bookings__status=BookingStatus.CONFIRMED)),
        )
        .order_by("start", "pk")
    )
    outcomes: dict[int, list[Contribution]] = {meetup.pk: [] for meetup in meetups}
    rows = list(
        shown(Contribution.objects.filter(from_meetup__in=list(outcomes)))
        .select_related("session", "from_meetup__venue")
        .order_by("from_meetup_id", "-reply_count", "created_at")
    )
    for outcome in rows:
        outcomes[outcome.from_meetup_id].append(outcome)
    label_authors(rows, None)
    regions = []
    for meetup in meetups:
        mine = outcomes[meetup.pk]
        regions.append(
            Region(
                title=meetup.title,
                town=meetup.venue.town,
                when=timefmt.long_date(meetup.start.astimezone(meetup.zone).date()),
                anchor=f"meetup-{meetup.pk}",
                path=meetup.url or "",
                added_html=written.get(meetup.pk, ""),
                outcomes=[
                    Quote(
                        pk=o.pk,
                        text=plain_text(o.body_html),
                        html=o.body_html,
                        attribution=o.author_label,
                        session_title=o.session.title,
                        path=contribution_path(o),
                        written=o.created_at.astimezone(conference.zone).date(),
                    )
                    for o in mine[:OUTCOMES_SHOWN]
                ],
                outcome_count=len(mine),
                came=meetup.came,
                booked=meetup.booked,
            )
        )
    return regions


def report_numbers(conference: ConferencePage) -> Numbers:
    """The headline figures, counted (and kept five minutes: at 120,000 delegates the distinct
    organisations take a while)."""
    key = f"relay:report-numbers:{conference.pk}"
    numbers = cache.get(key)
    if numbers is None:
        numbers = count_numbers(conference)
        cache.set(key, numbers, NUMBERS_CACHE_SECONDS)
    return numbers


def count_numbers(conference: ConferencePage) -> Numbers:
    """See ``report_numbers``; five queries."""
    activity = conference_activity(conference, tz=conference.zone)
    registrations = Registration.objects.filter(conference=conference)
    organisations = registrations.exclude(delegate__organisation="").values("delegate__organisation").distinct().count()
    meetups = RegionalEventPage.objects.live().child_of(conference).filter(cancellation__isnull=True)
    held = meetups.filter(start__lte=timezone.now())
    attendance = held.aggregate(
        came=Count("bookings", filter=Q(bookings__attended_at__isnull=False)),
        booked=Count("bookings", filter=Q(bookings__status=BookingStatus.CONFIRMED)),
    )
    findings = shown(
        Contribution.objects.filter(finding_at__isnull=False, session__in=SessionPage.objects.child_of(conference))
    ).count()
    return Numbers(
        contributions=activity.total,
        contributors=activity.contributors,
        delegates=registrations.count(),
        organisations=organisations,
        meetups=meetups.count(),
        held=held.count(),
        came=attendance["came"] or 0,
        booked=attendance["booked"] or 0,
        threads=activity.threads,
        questions=activity.questions,
        answered=activity.answered,
        findings=findings,
    )


# -- the writer's help ----------------------------------------------------------------------


@dataclass
class StreamEvidence:
    """Where a stream's evidence is: for the editor's "where to start" panel."""

    name: str
    sessions: list[tuple[str, str, int]] = field(default_factory=list)  # title, path, contributions
    most_replied: list[tuple[Contribution, bool]] = field(default_factory=list)  # and whether citable
    unanswered: list[Contribution] = field(default_factory=list)
    uncited: list[Contribution] = field(default_factory=list)  # marked findings not yet cited


def writer_suggestions(page: FindingsReportPage, conference: ConferencePage) -> list[StreamEvidence]:
    """Per stream: the most discussed sessions, the contributions most replied to, the
    questions still without an accepted answer, and the marked findings not yet cited (each
    contribution with ``words``: its opening, as plain text)."""
    cited = set(page.evidence_ids())
    streams = []
    for stream in conference.streams.order_by("sort_order", "name"):
        threads = shown(Contribution.objects.filter(session__stream=stream, parent__isnull=True))
        evidence = StreamEvidence(stream.name)
        evidence.sessions = [
            (s.title, s.url or "", s.n)
            for s in SessionPage.objects.filter(stream=stream)
            .annotate(n=Count("contributions", filter=Q(contributions__deleted_at__isnull=True)))
            .filter(n__gt=0)
            .order_by("-n", "title")[:SUGGESTIONS]
        ]
        evidence.most_replied = [
            (c, c.finding_at is not None)
            for c in threads.filter(reply_count__gt=0)
            .select_related("session")
            .order_by("-reply_count", "pk")[:SUGGESTIONS]
        ]
        evidence.unanswered = list(
            threads.filter(is_question=True, accepted_answer__isnull=True)
            .select_related("session")
            .order_by("-reply_count", "-created_at")[:SUGGESTIONS]
        )
        evidence.uncited = list(
            shown(Contribution.objects.filter(session__stream=stream, finding_at__isnull=False))
            .exclude(pk__in=cited)
            .select_related("session")
            .order_by("-reply_count", "pk")[:SUGGESTIONS]
        )
        for contribution in [c for c, _citable in evidence.most_replied] + evidence.unanswered + evidence.uncited:
            contribution.words = Truncator(plain_text(contribution.body_html)).chars(90)
        streams.append(evidence)
    return streams
