"""The rules a programme must keep, as plain checks that return what is wrong in words a
planner can act on. The admin forms and the services both use them, so no path skips them."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, time

from planner import timefmt
from planner.models import ConferencePage, SessionPage, Speaker, Stream

Problems = dict[str, list[str]]


def session_problems(
    *,
    conference: ConferencePage,
    stream: Stream | None,
    start: datetime | None,
    end: datetime | None,
    speakers: Iterable[Speaker] = (),
    session_id: int | None = None,
) -> Problems:
    """What is wrong with a session planned in ``conference``, by form field; empty if nothing."""
    problems: Problems = defaultdict(list)
    tz = conference.zone
    if stream is not None and stream.conference_id != conference.pk:
        problems["stream"].append(
            f"The stream “{stream.name}” belongs to another conference. Choose one of this conference’s streams."
        )
    if start and end:
        if end <= start:
            problems["end"].append("The session must end after it starts.")
        else:
            first, last = start.astimezone(tz).date(), end.astimezone(tz).date()
            if first < conference.start_date or last > conference.end_date:
                problems["start"].append(
                    f"The session must take place during the conference, "
                    f"{timefmt.long_date(conference.start_date)} to {timefmt.long_date(conference.end_date)} "
                    f"({tz.key})."
                )
            for message in speaker_clashes(speakers=speakers, start=start, end=end, session_id=session_id, tz=tz):
                problems["speakers"].append(message)
    return dict(problems)


def speaker_clashes(
    *, speakers: Iterable[Speaker], start: datetime, end: datetime, session_id: int | None, tz
) -> list[str]:
    """A sentence for each speaker already in another session that overlaps ``start``–``end``."""
    speaker_ids = [speaker.pk for speaker in speakers]
    if not speaker_ids:
        return []
    overlapping = (
        SessionPage.speakers.through.objects.filter(
            speaker_id__in=speaker_ids, sessionpage__start__lt=end, sessionpage__end__gt=start
        )
        .exclude(sessionpage_id=session_id)
        .select_related("speaker", "sessionpage")
        .order_by("speaker__name", "sessionpage__start")
    )
    return [
        f"{row.speaker.name} is already speaking in “{row.sessionpage.title}” at that time "
        f"({timefmt.when(row.sessionpage.start, row.sessionpage.end, tz)})."
        for row in overlapping
    ]


def conference_problems(*, start_date, end_date, conference_id: int | None = None) -> Problems:
    """What is wrong with a conference's dates, including sessions its new dates would strand."""
    problems: Problems = defaultdict(list)
    if start_date and end_date:
        if end_date < start_date:
            problems["end_date"].append("The conference must end on or after the day it starts.")
        elif conference_id:
            conference = ConferencePage.objects.get(pk=conference_id)
            tz = conference.zone
            stranded = [
                session.title
                for session in SessionPage.objects.child_of(conference).only("title", "start", "end")
                if session.start.astimezone(tz).date() < start_date or session.end.astimezone(tz).date() > end_date
            ]
            if stranded:
                listed = "; ".join(f"“{title}”" for title in stranded[:3])
                more = f" and {len(stranded) - 3} more" if len(stranded) > 3 else ""
                problems["start_date"].append(
                    f"{len(stranded)} session{'s' if len(stranded) != 1 else ''} would fall outside these dates "
                    f"({listed}{more}). Move them first."
                )
    return dict(problems)


def meetup_problems(*, conference: ConferencePage, start: datetime | None, end: datetime | None) -> Problems:
    """What is wrong with a regional meetup's own fields."""
    if start and end and end <= start:
        return {"end": ["The meetup must end after it starts."]}
    return {}


def agenda_item_problems(
    *,
    conference: ConferencePage,
    title: str,
    start_time: time | None,
    end_time: time | None,
    continues: Iterable[SessionPage] = (),
    meetup_start: datetime | None = None,
    meetup_end: datetime | None = None,
    tz=None,
) -> Problems:
    """What is wrong with one agenda item of a meetup in ``conference``, by field."""
    problems: Problems = defaultdict(list)
    label = f"“{title}”" if title else "This item"
    if start_time and end_time:
        if end_time <= start_time:
            problems["end_time"].append(f"{label} must end after it starts.")
        elif meetup_start and meetup_end and tz:
            opens, closes = meetup_start.astimezone(tz), meetup_end.astimezone(tz)
            if opens.date() == closes.date() and (start_time < opens.time() or end_time > closes.time()):
                problems["start_time"].append(
                    f"{label} must fit inside the meetup, {opens:%H:%M} to {closes:%H:%M %Z}."
                )
    continues = list(continues)
    own = set(
        SessionPage.objects.child_of(conference).filter(pk__in=[s.pk for s in continues]).values_list("pk", flat=True)
    )
    foreign = [session.title for session in continues if session.pk not in own]
    if foreign:
        problems["continues"].append(
            "An agenda item can only continue sessions of this meetup’s own conference: "
            + "; ".join(f"“{title}”" for title in foreign)
            + "."
        )
    return dict(problems)
