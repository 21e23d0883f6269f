"""Demo delegates: 1,200 × scale people from real UK councils and public bodies, living in
real UK towns (gazetteer, weighted by population), registered online, with starred sessions,
meetup bookings (one meetup full with a waiting list) and a mix of visibility choices.

Bulk-inserted for speed at --scale 100 (120,000 people); bookings go through the booking
service so the seat ledger is the same as for real ones."""

import json
import random
from datetime import timedelta
from itertools import accumulate
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from planner.models import (
    ConferencePage,
    Delegate,
    RegionalEventPage,
    Registration,
    SessionPage,
    SessionStar,
    Visibility,
)
from planner.services.bookings import book_meetup
from venues.gazetteer import load_gazetteer
from venues.models import Place

PEOPLE_CORPUS = Path(settings.BASE_DIR) / "fixtures" / "demo_people.json"
DELEGATES_PER_SCALE = 1200
DEMO_DELEGATE_PASSWORD = "relay-demo"  # noqa: S105 - demo data only
VISIBILITY_MIX = [(Visibility.HIDDEN, 40), (Visibility.CONFERENCE, 35), (Visibility.EVERYONE, 25)]
# How many people try to book each meetup, as a share of its capacity: the first is oversubscribed.
BOOKING_DEMAND = [1.4, 0.8, 0.6, 1.0, 0.5]
BATCH = 2000

REGION_OF_TOWN_PREFIX = {"ENG": "ENG", "SCT": "SCT", "WLS": "WLS", "NIR": "NIR"}


def demo_email(first: str, last: str, number: int, organisation: str) -> str:
    """A demo address that can never reach a real inbox (the .invalid top-level domain)."""
    return f"{slugify(first)}.{slugify(last)}.{number}@{slugify(organisation)[:40]}.invalid"


@transaction.atomic
def load_demo_delegates(*, conference: ConferencePage, seed: int = 1, scale: int = 1) -> int:
    """Add demo delegates up to 1,200 × ``scale``; returns how many were added."""
    User = get_user_model()
    target = DELEGATES_PER_SCALE * scale
    have = Delegate.objects.count()
    if have >= target:
        return 0
    if not Place.objects.exists():
        load_gazetteer()
    corpus = json.loads(PEOPLE_CORPUS.read_text(encoding="utf-8"))
    rng = random.Random(seed * 7919 + have)
    places = list(Place.objects.filter(country_code="GB").order_by("pk"))
    weights = list(accumulate(max(place.population, 1) for place in places))
    by_region = {}
    for organisation in corpus["organisations"]:
        by_region.setdefault(organisation["region"], []).append(organisation["name"])
    password = make_password(DEMO_DELEGATE_PASSWORD)
    joined = timezone.now() - timedelta(days=60)  # past the new-account cool-off, so demo people can post
    streams = list(conference.streams.all())
    visibilities = [v for v, share in VISIBILITY_MIX for _ in range(share)]

    added = 0
    for start in range(have, target, BATCH):
        size = min(BATCH, target - start)
        people = []
        for number in range(start, start + size):
            first, last = rng.choice(corpus["first_names"]), rng.choice(corpus["surnames"])
            home = rng.choices(places, cum_weights=weights)[0]
            organisation = rng.choice(by_region.get(home.region) or by_region["ENG"])
            people.append((first, last, number, organisation, home))
        users = User.objects.bulk_create(
            [
                User(username=email, email=email, password=password, is_active=True)
                for email in (demo_email(f, s, n, o) for f, s, n, o, _ in people)
            ]
        )
        delegates = Delegate.objects.bulk_create(
            [
                Delegate(
                    user=user,
                    name=f"{first} {last}",
                    organisation=organisation,
                    role=rng.choice(corpus["roles"]),
                    home_town=home.name,
                    home_place=home,
                    visibility=rng.choice(visibilities),
                    created_at=joined,
                )
                for user, (first, last, _n, organisation, home) in zip(users, people, strict=True)
            ]
        )
        Registration.objects.bulk_create([Registration(delegate=d, conference=conference) for d in delegates])
        Delegate.interests.through.objects.bulk_create(
            [
                Delegate.interests.through(delegate=d, stream=stream)
                for d in delegates
                for stream in rng.sample(streams, k=rng.randint(1, min(2, len(streams))))
            ]
        )
        added += len(delegates)
    star_sessions(conference=conference, rng=rng)
    return added


def star_sessions(*, conference: ConferencePage, rng: random.Random) -> None:
    """Each delegate without stars stars 3 to 8 sessions, favouring their interests."""
    sessions = list(SessionPage.objects.live().child_of(conference).values_list("pk", "stream_id"))
    by_stream = {}
    for pk, stream_id in sessions:
        by_stream.setdefault(stream_id, []).append(pk)
    starless = Delegate.objects.filter(stars__isnull=True).prefetch_related("interests")
    rows = []
    for delegate in starless.iterator(chunk_size=BATCH):
        preferred = [pk for stream in delegate.interests.all() for pk in by_stream.get(stream.pk, [])]
        pool = preferred or [pk for pk, _ in sessions]
        for pk in rng.sample(pool, k=min(len(pool), rng.randint(3, 8))):
            rows.append(SessionStar(delegate_id=delegate.pk, session_id=pk))
        if len(rows) >= BATCH * 4:
            SessionStar.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    SessionStar.objects.bulk_create(rows, ignore_conflicts=True)


def book_demo_meetups(*, conference: ConferencePage, seed: int = 1) -> int:
    """Book each meetup through the booking service, nearest delegates first, until its
    demand share is met; the first meetup ends full with a waiting list. Idempotent."""
    rng = random.Random(seed)
    made = 0
    meetups = RegionalEventPage.objects.live().child_of(conference).select_related("venue").order_by("start")
    for meetup, demand in zip(meetups, BOOKING_DEMAND, strict=False):
        wanted = int(meetup.capacity * demand)
        have = meetup.bookings.count()
        if have >= wanted:
            continue
        lat, lon = float(meetup.venue.latitude), float(meetup.venue.longitude)
        nearby = (
            Delegate.objects.filter(
                home_place__latitude__range=(lat - 1.2, lat + 1.2),
                home_place__longitude__range=(lon - 2.0, lon + 2.0),
            )
            .exclude(bookings__event=meetup)
            .order_by("pk")[: (wanted - have) * 3]
        )
        chosen = rng.sample(list(nearby), k=min(wanted - have, len(nearby)))
        for delegate in chosen:
            book_meetup(delegate=delegate, event=meetup)
            made += 1
    return made
