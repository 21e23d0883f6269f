"""What is on now and next in each stream of a conference (for /<conference>/now/ and the
conference page during its days)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from cms.caching import public
from planner.models import ConferencePage, SessionPage, Stream


@dataclass
class StreamNow:
    """A stream's session(s) under way at the moment asked, and the one after."""

    stream: Stream
    now: list[SessionPage] = field(default_factory=list)
    next: SessionPage | None = None


def is_on(conference: ConferencePage, moment: datetime) -> bool:
    """Whether ``moment`` falls on one of the conference's days, in its own zone."""
    day = timezone.localtime(moment, conference.zone).date()
    return conference.start_date <= day <= conference.end_date


def now_and_next(conference: ConferencePage, moment: datetime) -> list[StreamNow]:
    """Per stream, in the conference's stream order: the live, public, not cancelled sessions
    running at ``moment``, and the next to start after it (on a later day too). One query."""
    streams = {stream.pk: StreamNow(stream=stream) for stream in conference.streams.all()}
    sessions = (
        public(SessionPage.objects.live())
        .child_of(conference)
        .filter(end__gt=moment, cancellation__isnull=True)
        .select_related("stream")
        .order_by("start")
    )
    for session in sessions:
        row = streams.get(session.stream_id)
        if row is None:
            continue
        if session.start <= moment:
            row.now.append(session)
        elif row.next is None:
            row.next = session
    return [row for row in streams.values() if row.now or row.next]
