"""The numbers on the planner's admin home page, gathered as plain dataclasses: four queries
for every live conference at once (and Wagtail's site lookup for the findings links), plus
three per conference for its day × stream counts (``discussion.conference_activity``, cached
5 minutes), whatever the number of meetups, sessions and contributions.

The whole set is kept in the cache for a minute (``COUNTS_CACHE_SECONDS``) and within the
content version: counting registrations and open questions takes 30 ms of SQL at 120,000
delegates, and the admin home is every planner's landing page. Registrations, bookings,
check-ins, packs and contributions have no version of their own, so they reach the panel
within a minute (it says when it counted); a conference or meetup published, unpublished,
moved or cancelled changes the content version and shows at once."""

import functools
import operator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from cms.caching import cached
from planner import timefmt
from planner.models import (
    Booking,
    ConferencePage,
    Contribution,
    PackRun,
    PackStatus,
    RegionalEventPage,
    Registration,
)
from planner.queries.discussion import ActivityTable, conference_activity, shown


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
    counted_at: datetime  # the numbers are a snapshot, kept a minute: the panel says when
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


def count_of(model, key: str, **conditions):
    """A correlated subquery counting ``model`` rows whose ``key`` is the outer row (and that
    meet ``conditions``): 0, not NULL, when there are none."""
    rows = (
        model.objects.filter(**{key: OuterRef("pk")}, **conditions)
        .order_by()
        .values(key)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


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


COUNTS_CACHE_SECONDS = 60  # bookings, registrations and packs have no version: a minute late at most


def conference_summaries(*, request=None) -> list[ConferenceSummary]:
    """``count_conference_summaries``, kept for ``COUNTS_CACHE_SECONDS`` within the content
    version (and per host, as the findings links may be relative to it)."""
    host = request.get_host() if request is not None else ""
    return cached(
        f"dashboard:conference-summaries:{host}",
        lambda: count_conference_summaries(request=request),
        timeout=COUNTS_CACHE_SECONDS,
    )


def count_conference_summaries(*, request=None) -> list[ConferenceSummary]:
    """Every live conference, earliest first, with its live meetups (in date order) and the
    numbers a planner watches, counted now. ``request`` only lets Wagtail reuse its site
    lookup for URLs."""
    counted_at = timezone.now()
    # Counted in correlated subqueries on the foreign keys' indexes: a join and GROUP BY over
    # every page column took 60 ms at 120,000 registrations.
    conferences = list(
        ConferencePage.objects.live().annotate(registered=count_of(Registration, "conference")).order_by("start_date")
    )
    if not conferences:
        return []
    # One query for the meetups of every conference: a meetup's parent is the conference
    # whose tree path its own path extends.
    under_any = functools.reduce(operator.or_, (RegionalEventPage.objects.child_of_q(c) for c in conferences))
    meetups = list(
        RegionalEventPage.objects.live()
        .filter(under_any)
        .select_related("venue", "seats", "cancellation")
        .annotate(checked_in=count_of(Booking, "event", attended_at__isnull=False))
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
                counted_at=counted_at,
                meetups=meetups_of[conference.pk],
            )
        )
    return summaries
