"""Demo discussions: 1,150 × scale contributions written from the hand-made corpus in
fixtures/demo_discussion.json (an opening, a practice and an outcome per thread; questions
and their answers; replies), busier in the sessions more delegates starred; some findings
and themes; and 320 × scale connections, most between people who replied to each other.

Bulk-inserted for speed at --scale 100, through the same Markdown renderer and sanitiser
posts use, so what the demo shows is what a post would show."""

import json
import random
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Count

from planner.markup import render_markdown
from planner.models import (
    AgendaItem,
    Booking,
    ConferencePage,
    Connection,
    ConnectionStatus,
    Contribution,
    RegionalEventPage,
    Registration,
    SessionPage,
)
from planner.queries.carry_forward import continued_sessions
from planner.services.discussion import add_theme
from venues.models import Place

CORPUS = Path(settings.BASE_DIR) / "fixtures" / "demo_discussion.json"
CONTRIBUTIONS_PER_SCALE = 1150
CONNECTIONS_PER_SCALE = 320
THREAD_SHARE = 0.4
QUESTION_SHARE = 0.2
FINDING_SHARE = 0.06
MAX_FINDINGS = 240  # moderators pick findings; there are not 100 times more at 100 times the people
BATCH = 2000


@transaction.atomic
def load_demo_discussion(*, conference: ConferencePage, seed: int = 1, scale: int = 1) -> dict[str, int]:
    """Add demo contributions and connections up to their targets; returns what it added."""
    target = CONTRIBUTIONS_PER_SCALE * scale
    have = Contribution.objects.filter(session__stream__conference=conference).count()
    if have >= target:
        return {}
    corpus = json.loads(CORPUS.read_text(encoding="utf-8"))
    rng = random.Random(seed * 104729 + have)
    sessions = list(
        SessionPage.objects.live()
        .child_of(conference)
        .select_related("stream")
        .annotate(popularity=Count("stars"))
        .order_by("start", "pk")
    )
    people = list(
        Registration.objects.filter(conference=conference).order_by("delegate_id").values_list("delegate_id", flat=True)
    )
    if not sessions or len(people) < 2:
        return {}
    places = list(Place.objects.filter(country_code="GB").order_by("-population").values_list("name", flat=True)[:300])
    themes = {
        stream.pk: [add_theme(conference=conference, name=name) for name in corpus["streams"][stream.slug]["themes"]]
        for stream in conference.streams.all()
        if stream.slug in corpus["streams"]
    }
    # A core of regulars write most of the replies, as in any real discussion.
    regulars = rng.sample(people, k=min(len(people), 300 * scale))

    def words(stream_slug: str) -> dict:
        return corpus["streams"].get(stream_slug) or next(iter(corpus["streams"].values()))

    def fill(text: str) -> str:
        return text.replace("{place}", rng.choice(places) if places else "our area")

    n_threads = int((target - have) * THREAD_SHARE)
    # The sessions the meetups continue are the busiest, and their meetups' delegates write
    # much of what is said there: that is the context each meetup carries forward.
    coming_to = meetup_people_by_session(conference)
    weights = [(session.popularity + 1) * (4 if session.pk in coming_to else 1) for session in sessions]

    def author_for(session_id: int) -> int:
        local = coming_to.get(session_id)
        return rng.choice(local) if local and rng.random() < 0.6 else rng.choice(people)

    asked_in: dict[int, set[str]] = defaultdict(set)
    threads, asked = [], {}  # asked: thread's position -> which question (answers[i] answers questions[i])
    for _ in range(n_threads):
        session = rng.choices(sessions, weights=weights)[0]
        stream_words = words(session.stream.slug)
        is_question = rng.random() < QUESTION_SHARE
        if is_question:
            fresh = [q for q in stream_words["questions"] if q not in asked_in[session.pk]] or stream_words["questions"]
            body = rng.choice(fresh)  # a question is asked once per session
            asked_in[session.pk].add(body)
            asked[len(threads)] = stream_words["questions"].index(body)
        else:
            opening, practice = fill(rng.choice(corpus["openings"])), rng.choice(stream_words["practices"])
            body = f"{opening} {practice} {rng.choice(stream_words['outcomes'])}"
        written = session.start + timedelta(minutes=rng.randint(0, 60 * 30))
        threads.append(
            Contribution(
                session=session,
                author_id=author_for(session.pk),
                body=body,
                body_html=render_markdown(body),
                is_question=is_question,
                created_at=written,
                last_activity_at=written,
            )
        )
    threads = Contribution.objects.bulk_create(threads, batch_size=BATCH)
    question_of = {threads[position].pk: index for position, index in asked.items()}
    stream_of = {session.pk: session.stream.slug for session in sessions}

    # Replies: a few threads draw most of them.
    thread_weights = [rng.paretovariate(1.3) for _ in threads]
    replies, answers_for = [], {}
    said: dict[int, set[str]] = defaultdict(set)
    for _ in range(target - have - n_threads):
        thread = rng.choices(threads, weights=thread_weights)[0]
        stream_words = words(stream_of[thread.session_id])
        answer = stream_words["answers"][question_of[thread.pk]] if thread.pk in question_of else None
        answering = answer is not None and answer not in said[thread.pk] and rng.random() < 0.6
        if answering:
            line = answer
        else:
            fresh = [line for line in corpus["replies"] if line not in said[thread.pk]] or corpus["replies"]
            line = rng.choice(fresh)  # nobody repeats a reply in one thread
        said[thread.pk].add(line)
        body = fill(line)
        author = author_for(thread.session_id) if thread.session_id in coming_to and rng.random() < 0.7 else None
        author = author or (rng.choice(regulars) if rng.random() < 0.6 else rng.choice(people))
        if author == thread.author_id:
            author = rng.choice(people)
        written = thread.last_activity_at + timedelta(minutes=rng.randint(3, 120))
        thread.last_activity_at = written
        thread.reply_count += 1
        reply = Contribution(
            session_id=thread.session_id,
            parent=thread,
            author_id=author,
            body=body,
            body_html=render_markdown(body),
            created_at=written,
            last_activity_at=written,
        )
        replies.append(reply)
        if answering:
            answers_for.setdefault(thread.pk, reply)
    replies = Contribution.objects.bulk_create(replies, batch_size=BATCH)
    for thread in threads:
        answer = answers_for.get(thread.pk)
        if answer is not None and rng.random() < 0.7:
            thread.accepted_answer_id = answer.pk
    statements = [thread for thread in threads if not thread.is_question]
    findings = rng.sample(statements, k=min(len(statements), int(len(threads) * FINDING_SHARE), MAX_FINDINGS))
    for finding in findings:
        finding.finding_at = finding.last_activity_at + timedelta(hours=2)
    Contribution.objects.bulk_update(
        threads, ["last_activity_at", "reply_count", "accepted_answer", "finding_at"], batch_size=BATCH
    )
    tagged = findings + rng.sample(statements, k=min(len(statements), len(threads) // 10))
    stream_id_of = {session.pk: session.stream_id for session in sessions}
    Contribution.themes.through.objects.bulk_create(
        [
            Contribution.themes.through(
                contribution_id=c.pk, theme_id=rng.choice(themes[stream_id_of[c.session_id]]).pk
            )
            for c in tagged
            if themes.get(stream_id_of[c.session_id])
        ],
        ignore_conflicts=True,
        batch_size=BATCH,
    )
    connections = connect_demo_people(threads, replies, people, rng=rng, target=CONNECTIONS_PER_SCALE * scale)
    outcomes = post_demo_outcomes(conference, corpus["meetup_outcomes"], rng=rng)
    return {
        "contribution": len(threads) + len(replies),
        "finding": len(findings),
        "connection": connections,
        "meetup outcome": outcomes,
    }


def post_demo_outcomes(conference: ConferencePage, lines: list[str], *, rng: random.Random) -> int:
    """The first two meetups have happened in the demo's story: their facilitators posted an
    outcome back into two of the threads each meetup continued."""

    rows = []
    for meetup in RegionalEventPage.objects.live().child_of(conference).order_by("start")[:2]:
        for session in continued_sessions(meetup)[:2]:
            line = lines[len(rows) % len(lines)]
            written = meetup.end + timedelta(hours=2 + len(rows))
            rows.append(
                Contribution(
                    session=session,
                    from_meetup=meetup,
                    body=line,
                    body_html=render_markdown(line),
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
        event_id__in={m for ms in meetups_of.values() for m in ms}, status__in=["confirmed", "waitlisted"]
    ).values_list("event_id", "delegate_id"):
        booked[meetup_id].append(delegate_id)
    return {
        session_id: sorted({d for m in meetups for d in booked[m]})
        for session_id, meetups in meetups_of.items()
        if any(booked[m] for m in meetups)
    }


def connect_demo_people(threads, replies, people, *, rng: random.Random, target: int) -> int:
    """Connections, mostly between people who replied to each other; a few waiting or declined."""
    author_of = {thread.pk: thread.author_id for thread in threads}
    talked = Counter(
        tuple(sorted((reply.author_id, author_of[reply.parent_id])))
        for reply in replies
        if reply.author_id != author_of[reply.parent_id]
    )
    existing = set(Connection.objects.values_list("requester_id", "recipient_id"))
    taken = {tuple(sorted(pair)) for pair in existing}
    pairs = [pair for pair, _ in talked.most_common() if pair not in taken][: int(target * 0.8)]
    taken.update(pairs)
    while len(pairs) < target and len(people) > 1:
        pair = tuple(sorted(rng.sample(people, 2)))
        if pair not in taken:
            taken.add(pair)
            pairs.append(pair)
    statuses = [ConnectionStatus.ACCEPTED] * 15 + [ConnectionStatus.PENDING] * 4 + [ConnectionStatus.DECLINED]
    rows = []
    for low, high in pairs:
        requester, recipient = (low, high) if rng.random() < 0.5 else (high, low)
        rows.append(Connection(requester_id=requester, recipient_id=recipient, status=rng.choice(statuses)))
    Connection.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return len(rows)
