"""The public record of changes to a published programme (pretalx's changelog, for Relay).

When the record starts. A conference's programme counts as public ``SETTLING`` (an hour)
after its page was first published, and while that page is live. Whatever is built in that
first hour, by hand, by an import or by ``load_demo``, is the initial programme: recording
it would bury the real changes under a row for every session. From then on each change to
a session delegates could see is recorded once:

- added: a session published for the first time (or again, after it was withdrawn);
- moved: a published session published again with a new start or end;
- cancelled and reinstated: ``cancel_page`` and ``reinstate_page``;
- withdrawn: a published session unpublished, or deleted (not when its conference goes).

One publication, one row. Every publication of a single page, however it is made (the
admin's Publish, ``move_session``, an import's update, scheduled publishing, a revert),
runs Wagtail's publish action, which writes the page row and then sends
``page_published``; ``remember_public_times`` reads the times the page had in public as
the row is written and ``record_publication`` records the addition or move from that
signal. So the services that publish never record a move themselves, and a move cannot be
recorded twice. ``publish_new_pages`` sends no signals: its caller records what it added
(``record_sessions_added``)."""

from datetime import datetime, timedelta

from django.db.models import Model, QuerySet
from django.utils import timezone
from wagtail.models import Page

from planner.models import ScheduleChange, SessionPage

SETTLING = timedelta(hours=1)
PUBLIC_TIMES = "_relay_public_times"  # set on a page as it is written: (start, end) in public, or None


def programme_is_public(conference: Page, *, at: datetime) -> bool:
    """Whether changes made at ``at`` to ``conference``'s sessions are recorded (see above)."""
    first = conference.first_published_at
    return bool(conference.live and first and at >= first + SETTLING)


def conference_of(page: SessionPage) -> Page:
    """The conference ``page`` sits under, read afresh (whether it is live and when it was
    first published), never treebeard's parent cached on the instance, which may be old."""
    return Page.objects.only("live", "first_published_at").get(path=page.path[: -page.steplen])


def record_change(
    *,
    conference: Page,
    session: SessionPage,
    kind: str,
    was: tuple[datetime, datetime] | None = None,
    now: tuple[datetime, datetime] | None = None,
    keep_link: bool = True,
) -> ScheduleChange | None:
    """Record that ``session`` of ``conference`` was added, moved, cancelled, reinstated or
    withdrawn (``kind``), with its times before (``was``) and after (``now``); nothing (None)
    while the programme is not public. ``keep_link=False`` for a session being deleted."""
    at = timezone.now()
    if not programme_is_public(conference, at=at):
        return None
    was_start, was_end = was or (None, None)
    start, end = now or (None, None)
    return ScheduleChange.objects.create(
        conference_id=conference.pk,
        session=session if keep_link else None,
        kind=kind,
        title=session.title[:255],
        was_start=was_start,
        was_end=was_end,
        start=start,
        end=end,
        at=at,
    )


def remember_public_times(*, page: SessionPage) -> None:
    """Before ``page``'s row is written in full (as publishing writes it), note the times it
    has in public, or None if it is not live: ``record_publication`` compares them."""
    if page.pk is None:
        return
    # A page added live (as ``add_child`` leaves it) is public only once it has been published.
    row = (
        SessionPage.objects.filter(pk=page.pk, live=True, first_published_at__isnull=False)
        .values_list("start", "end")
        .first()
    )
    setattr(page, PUBLIC_TIMES, row)


def record_publication(*, page: SessionPage) -> ScheduleChange | None:
    """``page`` was just published: record it added if it was not in public before, moved if
    its start or end differs from what was; nothing if neither."""
    if not hasattr(page, PUBLIC_TIMES):  # its row was not written through a publish we saw
        return None
    was = page.__dict__.pop(PUBLIC_TIMES)
    now = (page.start, page.end)
    if was is None:
        return record_change(conference=conference_of(page), session=page, kind=ScheduleChange.Kind.ADDED, now=now)
    if tuple(was) != now:
        return record_change(
            conference=conference_of(page), session=page, kind=ScheduleChange.Kind.MOVED, was=tuple(was), now=now
        )
    return None


def record_sessions_added(*, conference: Page, sessions: list[SessionPage]) -> list[ScheduleChange]:
    """Record each of ``sessions``, just published together under ``conference`` without
    signals (``publish_new_pages``), as added: one insert, or nothing before the programme is public."""
    at = timezone.now()
    if not sessions or not programme_is_public(conference, at=at):
        return []
    return ScheduleChange.objects.bulk_create(
        ScheduleChange(
            conference_id=conference.pk,
            session=session,
            kind=ScheduleChange.Kind.ADDED,
            title=session.title[:255],
            start=session.start,
            end=session.end,
            at=at,
        )
        for session in sessions
    )


def record_call_off(*, page, cancelled: bool) -> ScheduleChange | None:
    """A live session was cancelled (``cancelled``) or reinstated; meetups are not recorded."""
    if not isinstance(page, SessionPage) or not page.live:
        return None
    kind = ScheduleChange.Kind.CANCELLED if cancelled else ScheduleChange.Kind.REINSTATED
    return record_change(conference=conference_of(page), session=page, kind=kind, now=(page.start, page.end))


def record_withdrawal(*, page: SessionPage, deleted: bool = False, origin=None) -> ScheduleChange | None:
    """``page`` left the public programme: unpublished, or ``deleted`` while live (``origin``:
    what the deletion started from). Nothing when its conference is deleted with it."""
    if deleted and not page.live:  # a draft, or a page unpublished before (recorded then)
        return None
    if not deleted and SessionPage.objects.filter(pk=page.pk, live=True).exists():
        return None  # Wagtail unpublishes a page it deletes without saving: recorded as the deletion
    conference = conference_of(page)
    if deleted and deleted_with(origin, conference.pk):
        return None
    return record_change(
        conference=conference,
        session=page,
        kind=ScheduleChange.Kind.WITHDRAWN,
        was=(page.start, page.end),
        keep_link=not deleted,  # the session's row is going: the record must not point at it
    )


def deleted_with(origin, page_id: int) -> bool:
    """Whether the deletion that started from ``origin`` (a model or a queryset, as
    ``pre_delete`` gives it) also deletes the page ``page_id``."""
    if isinstance(origin, QuerySet):
        return origin.filter(pk=page_id).exists()
    return isinstance(origin, Model) and origin.pk == page_id
