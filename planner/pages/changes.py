"""The public record of schedule changes: the changelog page and its Atom feed.

What is recorded, and from when, is ``planner.services.changes``'s to say. Here the rows are
put in plain words in the viewer's zone, newest first, grouped by the day they were made,
fifty to a page (two queries, however many there are); the feed carries the latest fifty."""

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.feedgenerator import Atom1Feed

from planner import timefmt
from planner.models import ScheduleChange
from planner.pages.fragments import render_route
from planner.queries import programme as queries

PER_PAGE = 50
FEED_ENTRIES = 50
Kind = ScheduleChange.Kind
CHANGE_FIELDS = ("kind", "title", "was_start", "was_end", "start", "end", "at", "conference", "session")


def conference_changes(conference) -> QuerySet[ScheduleChange]:
    """The changes to ``conference``'s programme, newest first, with what the list needs of
    each session (whether it is live, and its address)."""
    return (
        ScheduleChange.objects.filter(conference=conference)
        .select_related("session")
        .only(*CHANGE_FIELDS, "session__live", "session__url_path")
        .order_by("-at", "-pk")
    )


@dataclass
class ChangeLine:
    """One change as the page and the feed say it."""

    id: int
    kind: str
    label: str
    title: str
    words: str
    at: datetime  # in the viewer's zone
    clock: str  # ‘14:05’ there (the template's date filter would use the server's zone)
    url: str  # the session's page while it is live; empty once it is not


@dataclass
class ChangeDay:
    day: date
    label: str
    lines: list[ChangeLine] = field(default_factory=list)


def moment(when: datetime, tz: zoneinfo.ZoneInfo) -> str:
    """‘Tue 9 Mar 10:00’ in ``tz``."""
    local = when.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def slot(start: datetime, end: datetime, tz: zoneinfo.ZoneInfo) -> str:
    """‘Wed 10 Mar 11:00–11:45’, or both ends in full when it runs past midnight."""
    if start.astimezone(tz).date() != end.astimezone(tz).date():
        return f"{moment(start, tz)}–{moment(end, tz)}"
    return f"{moment(start, tz)}–{timefmt.clock(end, tz)}"


def in_words(change: ScheduleChange, tz: zoneinfo.ZoneInfo) -> str:
    """What changed, as a delegate would say it, with times in ``tz``."""
    if change.kind == Kind.MOVED:
        if change.start == change.was_start:
            return f"Now ends at {timefmt.clock(change.end, tz)} instead of {timefmt.clock(change.was_end, tz)}"
        words = f"Moved from {moment(change.was_start, tz)} to {moment(change.start, tz)}"
        if change.end - change.start != change.was_end - change.was_start:
            words += f", now ending at {timefmt.clock(change.end, tz)}"
        return words
    if change.kind == Kind.ADDED:
        return f"Added: {slot(change.start, change.end, tz)}"
    if change.kind == Kind.CANCELLED:
        return f"Cancelled: it was to run {slot(change.start, change.end, tz)}"
    if change.kind == Kind.REINSTATED:
        return f"Back on as planned: {slot(change.start, change.end, tz)}"
    return f"Withdrawn from the programme: it was to run {slot(change.was_start, change.was_end, tz)}"


def session_url(change: ScheduleChange, conference) -> str:
    """The changed session's page while it is live and still in this conference, else ''."""
    session = change.session
    if session is None or not session.live or not session.url_path.startswith(conference.url_path):
        return ""
    return conference.url + session.url_path[len(conference.url_path) :]


def change_line(change: ScheduleChange, conference, tz: zoneinfo.ZoneInfo) -> ChangeLine:
    return ChangeLine(
        id=change.pk,
        kind=change.kind,
        label=Kind(change.kind).label,
        title=change.title,
        words=in_words(change, tz),
        at=change.at.astimezone(tz),
        clock=timefmt.clock(change.at, tz),
        url=session_url(change, conference),
    )


def by_day(lines: list[ChangeLine]) -> list[ChangeDay]:
    """``lines`` (newest first) under the days they were made, newest day first."""
    days: dict[date, ChangeDay] = {}
    for line in lines:
        day = line.at.date()
        days.setdefault(day, ChangeDay(day=day, label=timefmt.long_date(day))).lines.append(line)
    return list(days.values())


def changelog(page, request):
    """Moves, cancellations and additions since the programme was first published, newest
    first, in the viewer's zone; a page number out of range shows the nearest page."""
    viewer_zone = queries.viewer_zone(request, default=page.time_zone)
    changes = Paginator(conference_changes(page), PER_PAGE).get_page(request.GET.get("page"))
    return render_route(
        page,
        request,
        "planner/changes.html",
        changes=changes,
        days=by_day([change_line(change, page, viewer_zone) for change in changes]),
        viewer_zone=viewer_zone,
        zone_choices=queries.common_zones(viewer_zone.key),
        feed_url=page.url + page.reverse_subpage("changes_feed"),
    )


class ChangesFeed(Feed):
    """The latest changes as an Atom feed: one entry a change, linking to the session while it
    is live (else to the change on the changelog), times in the conference's zone or ``?tz=``."""

    feed_type = Atom1Feed

    def get_object(self, request, page):
        self.request, self.page = request, page
        self.zone = queries.viewer_zone(request, default=page.time_zone)
        return page

    def changelog_url(self, page) -> str:
        return page.url + page.reverse_subpage("changes")

    def title(self, page) -> str:
        return f"Changes to the programme: {page.title}"

    def subtitle(self, page) -> str:
        return f"Sessions added, moved, cancelled or withdrawn. Times in {self.zone.key}."

    def link(self, page) -> str:
        return self.changelog_url(page)

    def author_name(self, page) -> str:  # Atom asks a feed for an author: whoever runs the conference
        return f"The organisers of {page.title}"

    def feed_url(self, page) -> str:
        return page.url + page.reverse_subpage("changes_feed")

    def feed_guid(self, page) -> str:
        return self.request.build_absolute_uri(self.feed_url(page))

    def items(self, page) -> list[ChangeLine]:
        return [change_line(change, page, self.zone) for change in conference_changes(page)[:FEED_ENTRIES]]

    def item_title(self, line: ChangeLine) -> str:
        return f"{line.label}: {line.title}"

    def item_description(self, line: ChangeLine) -> str:
        return f"{line.words} ({self.zone.key})."

    def item_link(self, line: ChangeLine) -> str:
        return line.url or f"{self.changelog_url(self.page)}#change-{line.id}"

    def item_guid(self, line: ChangeLine) -> str:
        return self.request.build_absolute_uri(f"{self.changelog_url(self.page)}#change-{line.id}")

    item_guid_is_permalink = False

    def item_pubdate(self, line: ChangeLine) -> datetime:
        return line.at

    def item_updateddate(self, line: ChangeLine) -> datetime:
        return line.at


def changelog_feed(page, request):
    """The changelog as an Atom feed."""
    return ChangesFeed()(request, page=page)
