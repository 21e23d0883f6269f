"""Writes to the programme. Every way of building a programme (the demo loader, imports,
later the planner's workspace) goes through these, so the same rules hold everywhere."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.models import Page, Site

from cms.models import HomePage
from planner import timefmt
from planner.models import AgendaItem, ConferencePage, RegionalEventPage, SessionPage, Speaker, Stream
from planner.rules.scheduling import agenda_item_problems, conference_problems, meetup_problems, session_problems
from venues.models import Venue
from venues.timezones import validate_time_zone


def raise_problems(problems: dict[str, list[str]]) -> None:
    """Raise a ValidationError keyed by field when there are problems."""
    if problems:
        raise ValidationError(problems)


def publish_child(*, parent: Page, page: Page) -> Page:
    """Add ``page`` under ``parent`` and publish it through a revision, as the admin's Publish does."""
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def default_home_page() -> HomePage:
    """The HomePage at the root of the default site (created by the cms migrations)."""
    site = Site.objects.get(is_default_site=True)
    return site.root_page.specific


@transaction.atomic
def add_conference(
    *, parent: HomePage, title: str, slug: str, start_date: date, end_date: date, time_zone: str, intro: str = ""
) -> ConferencePage:
    """Create and publish an online conference under ``parent``."""
    raise_problems(conference_problems(start_date=start_date, end_date=end_date))
    validate_time_zone(time_zone)
    conference = ConferencePage(
        title=title,
        slug=slug,
        start_date=start_date,
        end_date=end_date,
        time_zone=time_zone,
        intro=intro,
        show_in_menus=True,
    )
    return publish_child(parent=parent, page=conference)


def add_stream(
    *, conference: ConferencePage, name: str, slug: str, description: str = "", sort_order: int = 0
) -> Stream:
    """Create a topic stream in ``conference``."""
    stream = Stream(conference=conference, name=name, slug=slug, description=description, sort_order=sort_order)
    stream.full_clean()
    stream.save()
    return stream


@transaction.atomic
def add_session(
    *,
    conference: ConferencePage,
    title: str,
    slug: str,
    stream: Stream,
    start: datetime,
    end: datetime,
    format: str,
    summary: str,
    speakers: Sequence[Speaker] = (),
    join_url: str = "",
) -> SessionPage:
    """Create and publish a session, refusing clashes, foreign streams and dates outside the conference."""
    raise_problems(session_problems(conference=conference, stream=stream, start=start, end=end, speakers=speakers))
    session = SessionPage(
        title=title, slug=slug, stream=stream, start=start, end=end, format=format, summary=summary, join_url=join_url
    )
    session.speakers = list(speakers)
    return publish_child(parent=conference, page=session)


@dataclass
class AgendaItemPlan:
    """One planned item of a meetup's agenda, before it is saved."""

    title: str
    start_time: time
    end_time: time
    description: str = ""
    continues: list[SessionPage] = field(default_factory=list)


@transaction.atomic
def add_meetup(
    *,
    conference: ConferencePage,
    title: str,
    slug: str,
    venue: Venue,
    start: datetime,
    end: datetime,
    capacity: int,
    intro: str = "",
    agenda: Iterable[AgendaItemPlan] = (),
) -> RegionalEventPage:
    """Create and publish a regional meetup of ``conference`` with its agenda."""
    raise_problems(meetup_problems(conference=conference, start=start, end=end))
    tz = timefmt.zone(venue.time_zone)
    items = []
    for plan in agenda:
        raise_problems(
            agenda_item_problems(
                conference=conference,
                title=plan.title,
                start_time=plan.start_time,
                end_time=plan.end_time,
                continues=plan.continues,
                meetup_start=start,
                meetup_end=end,
                tz=tz,
            )
        )
        item = AgendaItem(
            title=plan.title, start_time=plan.start_time, end_time=plan.end_time, description=plan.description
        )
        item.continues = plan.continues
        items.append(item)
    meetup = RegionalEventPage(
        title=title, slug=slug, venue=venue, start=start, end=end, capacity=capacity, intro=intro
    )
    meetup.agenda_items = items
    return publish_child(parent=conference, page=meetup)


@dataclass
class MoveResult:
    session: SessionPage
    published: bool  # False: saved as a draft beside unpublished changes, for the planner to publish


@transaction.atomic
def move_session(*, session: SessionPage, start: datetime, end: datetime, stream: Stream, by=None) -> MoveResult:
    """Give a session a new time and stream, checked by the same rules as the page form.

    The move is made on the latest revision, so a planner's unpublished edits are kept, not
    overwritten: a live page without pending edits is published at once (feeds update); a
    page with pending edits gets a new draft holding both, to publish from the editor. The
    publication reaches the changelog through ``page_published`` (``services.changes``), once."""
    session = SessionPage.objects.select_for_update().get(pk=session.pk)
    conference = session.get_parent().specific
    latest = session.get_latest_revision_as_object()
    speakers = list(latest.speakers.all())
    raise_problems(
        session_problems(
            conference=conference, stream=stream, start=start, end=end, speakers=speakers, session_id=session.pk
        )
    )
    latest.start, latest.end, latest.stream = start, end, stream
    publish = session.live and not session.has_unpublished_changes
    revision = latest.save_revision(user=by, log_action=True)
    if publish:
        revision.publish(user=by)
    session.refresh_from_db()
    return MoveResult(session=session, published=publish)
