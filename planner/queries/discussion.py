"""Reads for the discussions: a session's threads page by page, one thread whole, the counts
per session, stream and day, and who a delegate has been talking to.

Names follow the one visibility rule (``people.visible_delegates``): an author the viewer
may not see is shown as "a delegate"; an erased account as "a former delegate". Every page
costs the same number of queries however many contributions it shows."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.urls import reverse

from cms.caching import Version
from planner.models import Block, Connection, ConnectionStatus, Contribution, Delegate, Registration, SessionPage, Theme
from planner.queries.people import HIDDEN_NAME, names_as_seen_by, visible_delegates
from planner.rules.discussion import MODERATE_PERMISSION, can_edit

THREADS_PER_PAGE = 20
REPLIES_SHOWN = 10  # on the session page; the thread's own page shows them all
REPLIES_PER_PAGE = 50
ERASED_NAME = "a former delegate"


def contribution_path(contribution: Contribution) -> str:
    """Where a contribution can be read: its thread's page, at its anchor."""
    return f"{reverse('discussion:thread', args=[contribution.parent_id or contribution.pk])}#c-{contribution.pk}"


def shown(queryset: QuerySet[Contribution]) -> QuerySet[Contribution]:
    """Contributions that count: not deleted, not hidden by a moderator."""
    return queryset.filter(deleted_at__isnull=True, hidden_at__isnull=True)


def label_authors(contributions: list[Contribution], viewer: Delegate | None) -> None:
    """Set ``author_label`` and ``author_shown`` on each contribution, in one query."""
    # The names come from this query, not from ``contribution.author``: the contributions may
    # come from a cache (the meetup digest's) and predate a rename or a change to hidden.
    names = names_as_seen_by(viewer, {c.author_id for c in contributions if c.author_id})
    for contribution in contributions:
        name = names.get(contribution.author_id, HIDDEN_NAME)
        contribution.author_shown = name != HIDDEN_NAME and not contribution.from_meetup_id
        if contribution.from_meetup_id:  # a facilitator speaking for the room, not for themself
            table = f", table {contribution.from_table}" if contribution.from_table else ""
            contribution.author_label = f"From the {contribution.from_meetup.venue.town} meetup{table}"
        elif contribution.author_id is None:
            contribution.author_label = ERASED_NAME
        else:
            contribution.author_label = name


def _with_related(queryset: QuerySet[Contribution]) -> QuerySet[Contribution]:
    return queryset.select_related("author", "from_meetup__venue").prefetch_related("themes")


@dataclass
class SessionDiscussion:
    threads: Page
    contribution_count: int
    contributor_count: int
    question_count: int
    open_question_count: int


def session_discussion(session: SessionPage, *, viewer: Delegate | None, page_number=1) -> SessionDiscussion:
    """One page of ``session``'s threads, pinned first then by newest activity, each with
    its latest replies (``thread.latest_replies``, oldest first) and its author's label."""
    threads = _with_related(session.contributions.filter(parent__isnull=True)).order_by(
        "-pinned", "-last_activity_at", "-id"
    )
    stats = shown(session.contributions.all()).aggregate(
        contributions=Count("id"),
        contributors=Count("author", distinct=True),
        questions=Count("id", filter=Q(is_question=True)),
        open_questions=Count("id", filter=Q(is_question=True, accepted_answer__isnull=True)),
    )
    # A page of threads counts its rows itself; the total is the number of threads.
    paginator = Paginator(threads, THREADS_PER_PAGE)
    page = paginator.get_page(page_number)
    attach_latest_replies(list(page.object_list), viewer=viewer)
    return SessionDiscussion(
        threads=page,
        contribution_count=stats["contributions"],
        contributor_count=stats["contributors"],
        question_count=stats["questions"],
        open_question_count=stats["open_questions"],
    )


def attach_latest_replies(threads: list[Contribution], *, viewer: Delegate | None, limit: int = REPLIES_SHOWN) -> None:
    """Give each thread ``latest_replies`` (its newest ``limit`` replies, oldest first) and
    ``earlier_reply_count``, in one query; then label every author on the page."""
    by_thread: dict[int, list[Contribution]] = defaultdict(list)
    totals: Counter = Counter()
    if threads:
        replies = (
            _with_related(Contribution.objects.filter(parent__in=[t.pk for t in threads]))
            .annotate(
                newest_first=Window(RowNumber(), partition_by=[F("parent_id")], order_by=F("id").desc()),
                in_thread=Window(Count("id"), partition_by=[F("parent_id")]),
            )
            .order_by("parent_id", "id")
        )
        for reply in replies:
            totals[reply.parent_id] = reply.in_thread
            if reply.newest_first <= limit:
                by_thread[reply.parent_id].append(reply)
    for thread in threads:
        thread.latest_replies = by_thread[thread.pk]
        thread.earlier_reply_count = totals[thread.pk] - len(thread.latest_replies)
    label_authors([*threads, *(r for t in threads for r in t.latest_replies)], viewer)


def thread_replies(thread: Contribution, *, viewer: Delegate | None, page_number=1) -> Page:
    """All of ``thread``'s replies, oldest first, a page at a time, authors labelled."""
    page = Paginator(_with_related(thread.replies.all()).order_by("id"), REPLIES_PER_PAGE).get_page(page_number)
    label_authors([thread, *page.object_list], viewer)
    return page


def page_permissions(user, viewer: Delegate | None, session: SessionPage, contributions) -> dict:
    """What the viewer may do on a page of contributions: sets ``editable`` and
    ``connection`` on each, and returns the page-wide flags (a fixed number of queries)."""

    can_moderate = user.has_perm(MODERATE_PERMISSION)
    author_ids = {c.author_id for c in contributions if c.author_id and getattr(c, "author_shown", False)}
    states = connection_states(viewer, author_ids)
    for contribution in contributions:
        contribution.editable = can_edit(contribution, viewer)
        contribution.connection = states.get(contribution.author_id)
    conference_id = session.stream.conference_id
    return {
        "viewer": viewer,
        "can_moderate": can_moderate,
        "can_post": viewer is not None
        and Registration.objects.filter(delegate=viewer, conference_id=conference_id).exists(),
        "themes": list(Theme.objects.filter(conference_id=conference_id)) if can_moderate else [],
    }


def contribution_counts(session_ids) -> dict[int, int]:
    """Shown contributions per session id, in one query."""
    rows = shown(Contribution.objects.filter(session_id__in=session_ids)).values("session_id").annotate(n=Count("id"))
    return {row["session_id"]: row["n"] for row in rows}


DISCUSSIONS = Version("relay:discussion-version")


def discussion_version() -> int:
    """Changes whenever a contribution is saved or deleted (the signals bump ``DISCUSSIONS``):
    part of the key of the caches of counts the timetable shows."""
    return DISCUSSIONS.current()


def session_discussion_version(session_id: int) -> int:
    """Changes whenever a contribution on session ``session_id`` is saved or deleted."""
    return Version(f"relay:discussion-version:{session_id}").current()


def discussion_changed(contribution: Contribution) -> None:
    """Retire the caches of ``contribution``'s session's discussion and of the counts."""
    DISCUSSIONS.bump()
    Version(f"relay:discussion-version:{contribution.session_id}").bump()


def conference_contribution_counts(conference) -> dict[int, int]:
    """Shown contributions per session of ``conference``, by session id; read once per
    change to any discussion, then from the cache (at 110,000 contributions the count is
    the slowest part of the timetable)."""
    key = f"relay:contribution-counts:{conference.pk}:{discussion_version()}"
    counts = cache.get(key)
    if counts is None:
        sessions = SessionPage.objects.child_of(conference).values("pk")
        counts = contribution_counts(sessions)
        cache.set(key, counts, timeout=24 * 60 * 60)
    return counts


@dataclass
class ActivityTable:
    """Contributions per stream per day of the conference (the day written, in its zone),
    with those written before or after it in a column each, and the totals."""

    columns: list[str]
    rows: list[tuple[str, list[int], int]]  # stream name, count per column, total
    column_totals: list[int]
    total: int
    contributors: int = 0
    threads: int = 0
    questions: int = 0
    answered: int = 0
    findings: int = 0


ACTIVITY_CACHE_SECONDS = 300


def conference_activity(conference, *, tz) -> ActivityTable:
    """The numbers for ``conference``'s discussions (see ``count_activity``), kept in the
    cache for five minutes: at 100,000 contributions they take a few hundred milliseconds."""
    key = f"relay:activity:{conference.pk}:{tz.key}"
    table = cache.get(key)
    if table is None:
        table = count_activity(conference, tz=tz)
        cache.set(key, table, ACTIVITY_CACHE_SECONDS)
    return table


def count_activity(conference, *, tz) -> ActivityTable:
    """The numbers for ``conference``'s discussions: per stream per day, and the totals.

    Each day is a time range counted in SQL (one grouped query), so no row's timestamp is
    converted to the zone one by one."""
    contributions = shown(Contribution.objects.filter(session__stream__conference=conference))
    days = conference.days
    edges = [datetime.combine(day, time.min, tzinfo=tz) for day in [*days, days[-1] + timedelta(days=1)]]
    buckets = {"before": Q(created_at__lt=edges[0]), "after": Q(created_at__gte=edges[-1])}
    for index in range(len(days)):
        buckets[f"d{index}"] = Q(created_at__gte=edges[index], created_at__lt=edges[index + 1])
    per_stream = {
        row.pop("session__stream_id"): row
        for row in contributions.values("session__stream_id").annotate(
            **{name: Count("id", filter=rule) for name, rule in buckets.items()}
        )
    }
    keys = [f"d{index}" for index in range(len(days))]
    columns = [f"{day:%a} {day.day}" for day in days]
    if any(row["before"] for row in per_stream.values()):
        keys, columns = ["before", *keys], ["Before", *columns]
    if any(row["after"] for row in per_stream.values()):
        keys, columns = [*keys, "after"], [*columns, "After"]
    streams = list(conference.streams.order_by("sort_order", "name"))
    rows = []
    for stream in streams:
        counts = [per_stream.get(stream.pk, {}).get(key, 0) for key in keys]
        rows.append((stream.name, counts, sum(counts)))
    totals = contributions.aggregate(
        contributors=Count("author", distinct=True),
        threads=Count("id", filter=Q(parent__isnull=True)),
        questions=Count("id", filter=Q(is_question=True)),
        answered=Count("id", filter=Q(is_question=True, accepted_answer__isnull=False)),
        findings=Count("id", filter=Q(finding_at__isnull=False)),
    )
    column_totals = [sum(row[1][index] for row in rows) for index in range(len(keys))]
    return ActivityTable(columns=columns, rows=rows, column_totals=column_totals, total=sum(column_totals), **totals)


@dataclass
class Suggestion:
    delegate: Delegate
    score: int
    reasons: list[str]


def people_you_discussed_with(viewer: Delegate, *, limit: int = 10) -> list[Suggestion]:
    """Delegates ``viewer`` talked with and is not yet connected to: they replied to each
    other, or answered each other's questions. Ranked by how much they talked, a two-way
    exchange first; each with the reasons in words."""
    talk: dict[int, Counter] = defaultdict(Counter)
    sessions: dict[int, set[str]] = defaultdict(set)
    mine = shown(Contribution.objects.filter(author=viewer))
    for other, title in (
        shown(Contribution.objects.filter(parent__author=viewer))
        .exclude(author=viewer)
        .values_list("author_id", "session__title")[:500]
    ):
        talk[other]["replied_to_you"] += 1
        sessions[other].add(title)
    for other, title in (
        mine.filter(parent__isnull=False)
        .exclude(parent__author=viewer)
        .values_list("parent__author_id", "session__title")[:500]
    ):
        talk[other]["you_replied"] += 1
        sessions[other].add(title)
    for other in mine.filter(is_question=True, accepted_answer__isnull=False).values_list(
        "accepted_answer__author_id", flat=True
    ):
        talk[other]["answered_you"] += 1
    for other in Contribution.objects.filter(accepted_answer__author=viewer).values_list("author_id", flat=True):
        talk[other]["you_answered"] += 1
    talk.pop(None, None)
    talk.pop(viewer.pk, None)
    if not talk:
        return []
    excluded = set(
        Connection.objects.filter(Q(requester=viewer) | Q(recipient=viewer)).values_list("requester_id", "recipient_id")
    )
    excluded_ids = {pk for pair in excluded for pk in pair}
    for blocker, blocked in Block.objects.filter(Q(blocker=viewer) | Q(blocked=viewer)).values_list(
        "blocker_id", "blocked_id"
    ):
        excluded_ids |= {blocker, blocked}
    candidates = {
        d.pk: d for d in visible_delegates(viewer, among=set(talk) - excluded_ids).select_related("home_place")
    }
    suggestions = []
    for pk, counts in talk.items():
        if pk not in candidates:
            continue
        two_way = bool(counts["replied_to_you"] and counts["you_replied"]) or bool(
            counts["answered_you"] and counts["you_answered"]
        )
        score = sum(counts.values()) + 2 * counts["answered_you"] + 2 * counts["you_answered"] + (5 if two_way else 0)
        suggestions.append(Suggestion(candidates[pk], score, _reasons(counts, sessions[pk])))
    suggestions.sort(key=lambda s: (-s.score, s.delegate.name, s.delegate.pk))
    return suggestions[:limit]


def _reasons(counts: Counter, session_titles: set[str]) -> list[str]:
    def times(n: int) -> str:
        return "once" if n == 1 else "twice" if n == 2 else f"{n} times"

    reasons = []
    if counts["replied_to_you"] and counts["you_replied"]:
        reasons.append(f"You replied to each other ({times(counts['you_replied'] + counts['replied_to_you'])})")
    elif counts["replied_to_you"]:
        reasons.append(f"They replied to you {times(counts['replied_to_you'])}")
    elif counts["you_replied"]:
        reasons.append(f"You replied to them {times(counts['you_replied'])}")
    if counts["answered_you"]:
        reasons.append(f"Their answer to your question was the one you accepted ({times(counts['answered_you'])})")
    if counts["you_answered"]:
        reasons.append(f"They accepted your answer to their question ({times(counts['you_answered'])})")
    if session_titles:
        shown_titles = sorted(session_titles)[:3]
        reasons.append("In " + ", ".join(f"‘{title}’" for title in shown_titles))
    return reasons


def connection_states(viewer: Delegate | None, delegate_ids) -> dict[int, Connection]:
    """The viewer's connection (any state) with each of ``delegate_ids``, in one query."""
    if viewer is None:
        return {}
    ids = set(delegate_ids) - {viewer.pk}
    if not ids:
        return {}
    rows = Connection.objects.filter(
        Q(requester=viewer, recipient_id__in=ids) | Q(recipient=viewer, requester_id__in=ids)
    )
    return {c.recipient_id if c.requester_id == viewer.pk else c.requester_id: c for c in rows}


def my_connections(viewer: Delegate) -> dict[str, list[Connection]]:
    """The viewer's connections, requests waiting for them and requests they sent."""
    rows = (
        Connection.objects.filter(Q(requester=viewer) | Q(recipient=viewer))
        .exclude(status=ConnectionStatus.DECLINED)
        .select_related(
            "requester__user", "recipient__user", "via__session", "requester__home_place", "recipient__home_place"
        )
        .order_by("-created_at")
    )
    grouped: dict[str, list[Connection]] = {"connected": [], "incoming": [], "outgoing": []}
    rows = list(rows)
    names = names_as_seen_by(viewer, [connection.other(viewer) for connection in rows])
    for connection in rows:
        connection.person = connection.other(viewer)
        # A request the viewer sent reveals nothing of the other person: if they have since
        # turned hidden, they are "a delegate" here too.
        connection.person_name = names[connection.person.pk]
        if connection.status == ConnectionStatus.ACCEPTED:
            grouped["connected"].append(connection)
        elif connection.recipient_id == viewer.pk:
            grouped["incoming"].append(connection)
        else:
            grouped["outgoing"].append(connection)
    grouped["connected"].sort(key=lambda c: c.person_name)
    return grouped


def my_blocks(viewer: Delegate) -> list[Block]:
    """The people the viewer blocked, each with ``blocked_name`` as the viewer may read it."""
    blocks = list(Block.objects.filter(blocker=viewer).select_related("blocked"))
    names = names_as_seen_by(viewer, [block.blocked for block in blocks])
    for block in blocks:
        block.blocked_name = names[block.blocked_id]
    return sorted(blocks, key=lambda block: block.blocked_name)
