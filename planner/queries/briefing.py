"""The facilitator's briefing for a meetup's tables: for each table, the thread it starts from
and its first question, the findings so far and the questions still open in that thread's
session, and who sits there, why, and what each of them wrote online. Names follow the one
visibility rule for whoever reads it; the others are counted, never named. A fixed number of
queries, whatever the tables."""

from dataclasses import dataclass, field

from django.db.models import F, Q

from planner.models import Contribution, Delegate, RegionalEventPage
from planner.queries.carry_forward import attendee_ids, continued_sessions, excerpt
from planner.queries.discussion import shown
from planner.queries.people import visible_delegates
from planner.queries.tables import cached_tables

SAID_PER_PERSON = 2  # what each person wrote, most replied to first
CARRIED_PER_TABLE = 3  # findings and open questions from the table's session


@dataclass
class Seat:
    name: str
    role: str
    reason: str
    wrote: list[str] = field(default_factory=list)


@dataclass
class TableBriefing:
    number: int
    label: str
    question: str
    thread_id: int | None
    session_title: str
    findings: list[str] = field(default_factory=list)
    open_questions: list[str] = field(default_factory=list)
    seats: list[Seat] = field(default_factory=list)
    others: int = 0  # at the table, but not named to this reader


def table_briefings(event: RegionalEventPage, *, reader: Delegate | None) -> list[TableBriefing]:
    """Every table of ``event`` briefed for ``reader`` (a facilitator's delegate profile, or
    None for a planner, who then sees only those visible to everyone by name)."""
    booked = attendee_ids(event)
    tables, _saved = cached_tables(event, booked=booked)
    seated = [pk for table in tables for pk in table.members]
    people = {
        person.pk: person
        for person in visible_delegates(reader, among=seated).only("pk", "name", "role", "organisation")
    }
    sessions = {session.pk: session for session in continued_sessions(event)}
    threads = {t.thread for t in tables if t.thread}
    thread_sessions = dict(Contribution.objects.filter(pk__in=threads).values_list("pk", "session_id"))
    said: dict[int, list[str]] = {}
    for author, body in (
        shown(Contribution.objects.filter(author_id__in=list(people), session_id__in=list(sessions)))
        .order_by("-reply_count", "-created_at", "pk")
        .values_list("author_id", "body")
    ):
        mine = said.setdefault(author, [])
        if len(mine) < SAID_PER_PERSON:
            mine.append(excerpt(body, 30))
    carried = shown(Contribution.objects.filter(session_id__in=set(thread_sessions.values())))
    findings: dict[int, list[str]] = {}
    questions: dict[int, list[str]] = {}
    for session_id, body, is_finding in (
        carried.filter(
            Q(finding_at__isnull=False)
            | Q(is_question=True, parent__isnull=True, accepted_answer__isnull=True, from_meetup__isnull=True)
        )
        .annotate(is_finding=Q(finding_at__isnull=False))
        .order_by(F("reply_count").desc(), "pk")
        .values_list("session_id", "body", "is_finding")
    ):
        bucket = findings if is_finding else questions
        listed = bucket.setdefault(session_id, [])
        if len(listed) < CARRIED_PER_TABLE:
            listed.append(excerpt(body, 40))
    briefings = []
    for table in tables:
        session_id = thread_sessions.get(table.thread)
        seats = [
            Seat(people[pk].name, role_line(people[pk]), table.seats.get(pk, table.reason), said.get(pk, []))
            for pk in table.members
            if pk in people
        ]
        briefings.append(
            TableBriefing(
                table.number,
                table.label,
                table.question,
                table.thread,
                sessions[session_id].title if session_id in sessions else "",
                findings.get(session_id, []),
                questions.get(session_id, []),
                seats,
                sum(1 for pk in table.members if pk not in people),
            )
        )
    return briefings


def role_line(person: Delegate) -> str:
    """ "Role, Organisation", or whichever of the two they gave."""
    return ", ".join(part for part in (person.role, person.organisation) if part)
