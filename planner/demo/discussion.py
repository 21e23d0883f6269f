"""Demo discussions from the hand-written corpus (``planner.demo.corpus``): each session's own
threads, replies, accepted answers, findings and themes, written during the online week
with a tail after it; the outcomes the past meetups' facilitators posted back; and
connections, most between people who replied to each other.

At scale 1 every piece of the corpus is used once, so no sentence appears twice. At
``--scale N`` the corpus is written N times over by different people at different times
(about 1,150 × N contributions): the bench needs the volume, not new words. Findings and
outcomes are written once whatever the scale; moderators do not mark a hundred times more.

Bulk-inserted for speed at --scale 100, through the same Markdown renderer and sanitiser
posts use, so what the demo shows is what a post would show."""

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from planner.demo import corpus
from planner.demo.people import load_people_corpus, persona
from planner.markup import render_markdown
from planner.models import (
    AgendaItem,
    Booking,
    BookingStatus,
    ConferencePage,
    Connection,
    ConnectionStatus,
    Contribution,
    Delegate,
    Facilitation,
    RegionalEventPage,
    Registration,
    SessionPage,
)
from planner.queries.carry_forward import continued_sessions
from planner.services.discussion import add_theme

CONNECTIONS_PER_SCALE = 320
REGULARS_PER_SCALE = 300  # a core of regulars write much of every discussion
TAIL = timedelta(days=10)  # the discussion goes on this long after the online week
BATCH = 2000
# Where the personas wrote, in their meetup's continued sessions (in time order):
# (session's position, thread, reply or None for the opening).
PERSONA_WRITES = {
    "booked": [(0, 0, None), (2, 1, 0), (4, 0, 1), (1, 2, 1)],
    "facilitator": [(1, 0, None), (3, 1, 0)],
    "waiting": [(4, 1, None)],
}


@dataclass
class Piece:
    """One contribution about to be written: its corpus text and marks, and where it goes."""

    session: SessionPage
    text: str
    thread: int
    reply: int | None
    question: bool = False
    accepted: bool = False
    finding: bool = False
    by_author: bool = False
    theme: str | None = None
    author: int | None = None
    at: datetime | None = None


@transaction.atomic
def load_demo_discussion(*, conference: ConferencePage, seed: int = 1, scale: int = 1, now=None) -> dict[str, int]:
    """Write the corpus into the conference's sessions ``scale`` times over (as far as not
    yet written), then the past meetups' outcomes and the connections; returns what it added."""
    now = now or timezone.now()
    material = corpus.load()
    sessions = sessions_by_key(conference, material)
    per_pass = sum(n for key, n in corpus.counts(material).items() if key in sessions)
    have = Contribution.objects.filter(session__stream__conference=conference, from_meetup__isnull=True).count()
    done = round(have / per_pass) if per_pass else scale  # a few posts deleted since is still a pass
    people = list(
        Registration.objects.filter(conference=conference).order_by("delegate_id").values_list("delegate_id", flat=True)
    )
    if not sessions or len(people) < 2:
        return {}
    added = Counter()
    for number in range(done, scale):
        rng = random.Random(seed * 104729 + number)
        written, findings = write_pass(conference, material, sessions, people, rng=rng, now=now, first=number == 0)
        added["contribution"] += written
        added["finding"] += findings
    rng = random.Random(seed)
    if added:
        added["connection"] = connect_demo_people(
            conference, people, rng=rng, target=CONNECTIONS_PER_SCALE * scale, now=now
        )
    added["meetup outcome"] = post_demo_outcomes(conference, material, rng=rng, now=now)
    return {kind: n for kind, n in added.items() if n}


def sessions_by_key(conference: ConferencePage, material: dict[str, dict]) -> dict[str, SessionPage]:
    """The conference's live sessions under their corpus keys (found by stream and title;
    a session a planner renamed or removed gets no demo discussion)."""
    live = {
        (page.stream.slug, page.title): page
        for page in SessionPage.objects.live().child_of(conference).select_related("stream")
    }
    found = {}
    for key, session in material.items():
        page = live.get((key.split(":")[0], session["title"]))
        if page is not None:
            found[key] = page
    return found


def write_pass(conference, material, sessions, people, *, rng: random.Random, now, first: bool) -> tuple[int, int]:
    """Write every session's material once, by delegates who plausibly wrote it; returns how
    many contributions and findings were written."""
    coming_to = meetup_people_by_session(conference)
    regulars = rng.sample(people, k=min(len(people), REGULARS_PER_SCALE * max(1, len(people) // 1200)))
    themes = {}
    pinned = persona_pieces(conference, sessions) if first else {}
    last_moment = min(now - timedelta(hours=1), end_of(conference) + TAIL)
    ended = dict(RegionalEventPage.objects.live().child_of(conference).filter(end__lt=now).values_list("slug", "end"))

    def someone(session_id: int) -> int:
        local = coming_to.get(session_id)
        if local and rng.random() < 0.6:
            return rng.choice(local)
        return rng.choice(regulars) if rng.random() < 0.5 else rng.choice(people)

    threads: list[Piece] = []
    replies: list[list[Piece]] = []
    for key, session in sessions.items():
        for t, spec in enumerate(material[key]["threads"]):
            opening = Piece(
                session=session,
                text=spec["text"],
                thread=t,
                reply=None,
                question=bool(spec.get("question")),
                finding=first and bool(spec.get("finding")),
                theme=spec.get("theme"),
                author=pinned.get((session.pk, t, None)) or someone(session.pk),
            )
            after = ended.get(spec.get("after_meetup"))
            if spec.get("after_meetup") and after is None:
                continue  # it talks of a meetup that has not happened (yet)
            if after is not None:  # it talks of that meetup as past: written after it ended
                opening.at = min(after + timedelta(hours=rng.randint(3, 60)), now - timedelta(hours=12))
            else:
                opening.at = min(session.start + opening_delay(rng), last_moment - timedelta(hours=6))
            said = [opening]
            for r, reply_spec in enumerate(spec["replies"]):
                reply = Piece(
                    session=session,
                    text=reply_spec["text"],
                    thread=t,
                    reply=r,
                    accepted=bool(reply_spec.get("accepted")),
                    finding=first and bool(reply_spec.get("finding")),
                    by_author=bool(reply_spec.get("by_author")),
                    theme=spec.get("theme"),
                )
                reply.author = pinned.get((session.pk, t, r)) or (
                    opening.author if reply.by_author else someone(session.pk)
                )
                while not reply.by_author and reply.author in (opening.author, said[-1].author):
                    reply.author = rng.choice(people)
                reply.at = said[-1].at + reply_delay(rng)
                said.append(reply)
            squeeze(said, last=now - timedelta(hours=1) if after is not None else last_moment)
            threads.append(opening)
            replies.append(said[1:])

    rows = Contribution.objects.bulk_create([contribution(piece) for piece in threads], batch_size=BATCH)
    reply_rows = Contribution.objects.bulk_create(
        [contribution(piece, parent=row) for row, said in zip(rows, replies, strict=True) for piece in said],
        batch_size=BATCH,
    )
    written = iter(reply_rows)
    tagged, findings = [], 0
    for row, opening, said in zip(rows, threads, replies, strict=True):
        said_rows = [next(written) for _ in said]
        row.reply_count = len(said)
        row.last_activity_at = said[-1].at if said else opening.at
        accepted = [r for r, piece in zip(said_rows, said, strict=True) if piece.accepted]
        row.accepted_answer_id = accepted[0].pk if accepted else None
        for written_row, piece in [(row, opening), *zip(said_rows, said, strict=True)]:
            if piece.finding:
                marked = piece.at + timedelta(hours=rng.randint(3, 40))  # a moderator read it later
                written_row.finding_at = min(marked, now - timedelta(minutes=30))
                findings += 1
            if piece.theme and (piece is opening or piece.finding):
                theme = themes.get(piece.theme) or themes.setdefault(
                    piece.theme, add_theme(conference=conference, name=piece.theme)
                )
                tagged.append(Contribution.themes.through(contribution_id=written_row.pk, theme_id=theme.pk))
    Contribution.objects.bulk_update(
        rows, ["reply_count", "last_activity_at", "accepted_answer", "finding_at"], batch_size=BATCH
    )
    Contribution.objects.bulk_update([r for r in reply_rows if r.finding_at], ["finding_at"], batch_size=BATCH)
    Contribution.themes.through.objects.bulk_create(tagged, ignore_conflicts=True, batch_size=BATCH)
    return len(rows) + len(reply_rows), findings


def contribution(piece: Piece, parent: Contribution | None = None) -> Contribution:
    """The row for ``piece``, rendered as a post would be."""
    return Contribution(
        session=piece.session,
        parent=parent,
        author_id=piece.author,
        body=piece.text,
        body_html=render_markdown(piece.text),
        is_question=piece.question,
        created_at=piece.at,
        last_activity_at=piece.at,
    )


def opening_delay(rng: random.Random) -> timedelta:
    """How long after a session started a thread was opened: mostly during or just after it,
    some over the following days."""
    roll = rng.random()
    if roll < 0.8:
        return timedelta(minutes=rng.randint(5, 8 * 60))
    if roll < 0.97:
        return timedelta(hours=rng.randint(8, 48))
    return timedelta(days=rng.uniform(3, 7))


def reply_delay(rng: random.Random) -> timedelta:
    """How long a reply came after the post before it."""
    roll = rng.random()
    if roll < 0.75:
        return timedelta(minutes=rng.randint(4, 180))
    if roll < 0.97:
        return timedelta(hours=rng.randint(3, 24))
    return timedelta(days=rng.uniform(1, 4))


def squeeze(said: list[Piece], *, last: datetime) -> None:
    """Pull a thread's times in, keeping their order, so none is after ``last``."""
    start, end = said[0].at, said[-1].at
    if end <= last or end == start:
        return
    ratio = max((last - start) / (end - start), 0)
    for piece in said:
        piece.at = start + (piece.at - start) * ratio


def end_of(conference: ConferencePage) -> datetime:
    """The end of the conference's last day, in its zone."""
    return datetime.combine(conference.end_date + timedelta(days=1), datetime.min.time(), tzinfo=conference.zone)


def persona_pieces(conference: ConferencePage, sessions: dict[str, SessionPage]) -> dict[tuple, int]:
    """Who wrote what among the personas: ``(session id, thread, reply)`` to delegate id, in
    the sessions their meetup continues (so the booked persona has people to meet there)."""
    spec = next(p for p in load_people_corpus()["personas"] if p["key"] == "booked")
    meetup = RegionalEventPage.objects.live().child_of(conference).filter(slug=spec["books"]).first()
    if meetup is None:
        return {}
    ours = {page.pk for page in sessions.values()}
    continued = [page for page in continued_sessions(meetup) if page.pk in ours]
    pinned = {}
    for key, places in PERSONA_WRITES.items():
        delegate = persona(key)
        for position, thread, reply in places:
            if delegate is not None and position < len(continued):
                pinned[(continued[position].pk, thread, reply)] = delegate.pk
    return pinned


def post_demo_outcomes(conference: ConferencePage, material: dict[str, dict], *, rng: random.Random, now) -> int:
    """Each past meetup's facilitator posted back the outcome written for each session it
    continued, a few hours to a day after it ended; once."""
    rows = []
    keys = {page.pk: key for key, page in sessions_by_key(conference, material).items()}
    meetups = RegionalEventPage.objects.live().child_of(conference).filter(end__lt=now).order_by("start")
    for meetup in meetups:
        facilitation = Facilitation.objects.filter(event=meetup).order_by("pk").first()
        author = Delegate.objects.filter(user_id=facilitation.user_id).first() if facilitation else None
        posted = set(Contribution.objects.filter(from_meetup=meetup).values_list("session_id", flat=True))
        for session in continued_sessions(meetup):
            text = material.get(keys.get(session.pk), {}).get("meetup_outcomes", {}).get(meetup.slug)
            if not text or session.pk in posted:
                continue
            written = min(meetup.end + timedelta(hours=rng.randint(2, 30)), now - timedelta(hours=1))
            rows.append(
                Contribution(
                    session=session,
                    from_meetup=meetup,
                    author=author,
                    body=text,
                    body_html=render_markdown(text),
                    created_at=written,
                    last_activity_at=written,
                )
            )
    Contribution.objects.bulk_create(rows)
    return len(rows)


def meetup_people_by_session(conference: ConferencePage) -> dict[int, list[int]]:
    """For each session a meetup continues, the delegates booked at those meetups."""

    meetups_of: dict[int, set[int]] = defaultdict(set)
    for session_id, meetup_id in AgendaItem.continues.through.objects.filter(
        agendaitem__page__path__startswith=conference.path
    ).values_list("sessionpage_id", "agendaitem__page_id"):
        meetups_of[session_id].add(meetup_id)
    booked: dict[int, list[int]] = defaultdict(list)
    for meetup_id, delegate_id in Booking.objects.filter(
        event_id__in={m for ms in meetups_of.values() for m in ms},
        status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITLISTED],
    ).values_list("event_id", "delegate_id"):
        booked[meetup_id].append(delegate_id)
    return {
        session_id: sorted({d for m in meetups for d in booked[m]})
        for session_id, meetups in meetups_of.items()
        if any(booked[m] for m in meetups)
    }


def connect_demo_people(
    conference: ConferencePage, people: list[int], *, rng: random.Random, target: int, now: datetime
) -> int:
    """The booked persona's connections first (two accepted with people she wrote beside, one
    request waiting for her answer), then the rest, mostly between people who replied to
    each other; a few waiting or declined. Returns how many were added."""
    replies = Contribution.objects.filter(session__stream__conference=conference, parent__isnull=False)
    talked = Counter(
        tuple(sorted(pair))
        for pair in replies.exclude(author=None)
        .exclude(parent__author=None)
        .values_list("author_id", "parent__author_id")
        if pair[0] != pair[1]
    )
    taken = {tuple(sorted(pair)) for pair in Connection.objects.values_list("requester_id", "recipient_id")}
    rows = []
    booked = persona("booked")
    if booked is not None:
        beside = [low + high - booked.pk for (low, high), _ in talked.most_common() if booked.pk in (low, high)]
        beside = [pk for pk in dict.fromkeys(beside) if tuple(sorted((booked.pk, pk))) not in taken][:3]
        for index, other in enumerate(beside):
            accepted = index < 2
            rows.append(
                Connection(
                    requester_id=booked.pk if accepted else other,
                    recipient_id=other if accepted else booked.pk,
                    status=ConnectionStatus.ACCEPTED if accepted else ConnectionStatus.PENDING,
                )
            )
            taken.add(tuple(sorted((booked.pk, other))))

    def free(pair: tuple[int, int]) -> bool:  # the persona's connections are exactly the three above
        return pair not in taken and (booked is None or booked.pk not in pair)

    pairs = [pair for pair, _ in talked.most_common() if free(pair)][: int(target * 0.8)]
    taken.update(pairs)
    while len(pairs) < target - len(rows) and len(people) > 1:
        pair = tuple(sorted(rng.sample(people, 2)))
        if free(pair):
            taken.add(pair)
            pairs.append(pair)
    statuses = [ConnectionStatus.ACCEPTED] * 15 + [ConnectionStatus.PENDING] * 4 + [ConnectionStatus.DECLINED]
    for low, high in pairs:
        requester, recipient = (low, high) if rng.random() < 0.5 else (high, low)
        rows.append(Connection(requester_id=requester, recipient_id=recipient, status=rng.choice(statuses)))
    for row in rows:  # asked in the days after the online week; answered soon after
        row.created_at = now - timedelta(hours=rng.randint(24, 400))
        if row.status != ConnectionStatus.PENDING:
            row.responded_at = row.created_at + timedelta(hours=rng.randint(1, 20))
    Connection.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return len(rows)
