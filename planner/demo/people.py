"""Demo delegates: 1,200 × scale people from real UK councils and public bodies, living in
real UK towns (gazetteer, weighted by population), registered online, with starred sessions,
meetup bookings (the next meetup full with a waiting list; the two past ones with check-ins)
and a mix of visibility choices. Three of them are the personas whose logins ``make run``
prints (fixtures/demo_people.json "personas").

Bulk-inserted for speed at --scale 100 (120,000 people); bookings go through the booking
service, as of the moment each was made, so the seat ledger is the same as for real ones."""

import json
import math
import random
from datetime import datetime, timedelta
from itertools import accumulate
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import ExpressionWrapper, F, FloatField
from django.utils import timezone
from django.utils.text import slugify

from planner.models import (
    Booking,
    BookingStatus,
    ConferencePage,
    Delegate,
    Facilitation,
    RegionalEventPage,
    Registration,
    SessionPage,
    SessionStar,
    Visibility,
)
from planner.services.bookings import book_meetup
from planner.services.checkin import check_in
from planner.services.facilitation import name_facilitator
from venues.gazetteer import load_gazetteer
from venues.models import Place

PEOPLE_CORPUS = Path(settings.BASE_DIR) / "fixtures" / "demo_people.json"
DELEGATES_PER_SCALE = 1200
DEMO_DELEGATE_PASSWORD = "relay-demo"  # noqa: S105 - demo data only
VISIBILITY_MIX = [(Visibility.HIDDEN, 40), (Visibility.CONFERENCE, 35), (Visibility.EVERYONE, 25)]
# How many people try to book each meetup, as a share of its capacity: the next one (Leeds) is
# oversubscribed, the two past ones were nearly full.
BOOKING_DEMAND = {
    "north-west-manchester": 0.95,
    "midlands-birmingham": 0.9,
    "yorkshire-leeds": 1.3,
    "scotland-glasgow": 0.6,
    "wales-cardiff": 0.5,
}
TURNED_UP = 0.85  # of those confirmed at a past meetup
BATCH = 2000

REGION_OF_TOWN_PREFIX = {"ENG": "ENG", "SCT": "SCT", "WLS": "WLS", "NIR": "NIR"}


def demo_email(first: str, last: str, number: int, organisation: str) -> str:
    """A demo address that can never reach a real inbox (the .invalid top-level domain)."""
    return f"{slugify(first)}.{slugify(last)}.{number}@{slugify(organisation)[:40]}.invalid"


class Employers:
    """Who a demo delegate works for: mostly the nearest councils to where they live (so the
    people booked at a meetup work in its region), sometimes a national body of their nation."""

    NATIONAL_SHARE = 0.08
    NEAREST_WEIGHTS = [70, 22, 8]

    def __init__(self, organisations: list[dict]):
        self.local = [o for o in organisations if not o.get("national")]
        self.national: dict[str, list[str]] = {}
        for organisation in organisations:
            if organisation.get("national"):
                self.national.setdefault(organisation["region"], []).append(organisation["name"])
        self.cache: dict[int, list[str]] = {}

    def near(self, home: Place, rng: random.Random) -> str:
        """An organisation for someone living at ``home``."""
        if self.national.get(home.region) and rng.random() < self.NATIONAL_SHARE:
            return rng.choice(self.national[home.region])
        if home.pk not in self.cache:
            same = [o for o in self.local if o["region"] == home.region] or self.local
            lat, lon = float(home.latitude), float(home.longitude)
            squash = math.cos(math.radians(lat))  # a degree of longitude is shorter in the north
            same.sort(key=lambda o: (o["latitude"] - lat) ** 2 + ((o["longitude"] - lon) * squash) ** 2)
            self.cache[home.pk] = [o["name"] for o in same[: len(self.NEAREST_WEIGHTS)]]
        nearest = self.cache[home.pk]
        return rng.choices(nearest, weights=self.NEAREST_WEIGHTS[: len(nearest)])[0]


def load_people_corpus() -> dict:
    """Names, organisations, roles and the three personas, as written in fixtures/."""
    return json.loads(PEOPLE_CORPUS.read_text(encoding="utf-8"))


def persona(key: str) -> Delegate | None:
    """The demo persona ``key`` ("booked", "facilitator" or "waiting"), if loaded."""
    email = next(p["email"] for p in load_people_corpus()["personas"] if p["key"] == key)
    return Delegate.objects.filter(user__email=email).select_related("user").first()


def add_personas(*, conference: ConferencePage, corpus: dict, joined: datetime) -> int:
    """The personas whose logins ``make run`` prints, each registered with their interests;
    returns how many were added."""
    User = get_user_model()
    added = 0
    for spec in corpus["personas"]:
        if User.objects.filter(email=spec["email"]).exists():
            continue
        user = User.objects.create_user(username=spec["email"], email=spec["email"], password=DEMO_DELEGATE_PASSWORD)
        home = Place.objects.filter(country_code="GB", name=spec["home_town"]).order_by("-population").first()
        delegate = Delegate.objects.create(
            user=user,
            name=spec["name"],
            organisation=spec["organisation"],
            role=spec["role"],
            home_town=spec["home_town"],
            home_place=home,
            visibility=spec["visibility"],
            created_at=joined,
        )
        Registration.objects.create(delegate=delegate, conference=conference)
        delegate.interests.set(conference.streams.filter(slug__in=spec["interests"]))
        added += 1
    return added


@transaction.atomic
def load_demo_delegates(*, conference: ConferencePage, seed: int = 1, scale: int = 1, now=None) -> int:
    """Add the personas, then demo delegates up to 1,200 × ``scale``; returns how many were
    added. They joined two months before ``now``."""
    User = get_user_model()
    target = DELEGATES_PER_SCALE * scale
    have = Delegate.objects.count()
    if have >= target:
        return 0
    if not Place.objects.exists():
        load_gazetteer()
    corpus = load_people_corpus()
    joined = (now or timezone.now()) - timedelta(days=60)  # past the new-account cool-off, so demo people can post
    added = add_personas(conference=conference, corpus=corpus, joined=joined)
    have += added
    rng = random.Random(seed * 7919 + have)
    places = list(Place.objects.filter(country_code="GB").order_by("pk"))
    weights = list(accumulate(max(place.population, 1) for place in places))
    employer = Employers(corpus["organisations"])
    password = make_password(DEMO_DELEGATE_PASSWORD)
    streams = list(conference.streams.all())
    visibilities = [v for v, share in VISIBILITY_MIX for _ in range(share)]

    for start in range(have, target, BATCH):
        size = min(BATCH, target - start)
        people = []
        for number in range(start, start + size):
            first, last = rng.choice(corpus["first_names"]), rng.choice(corpus["surnames"])
            home = rng.choices(places, cum_weights=weights)[0]
            organisation = employer.near(home, rng)
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


def book_demo_meetups(*, conference: ConferencePage, seed: int = 1, now=None) -> int:
    """Book each meetup through the booking service, nearest delegates first, until its
    demand share is met, as of moments spread from the online week to ``now`` (or the day
    before a past meetup). The booked persona books the next meetup early and the waiting
    one after it filled. Each meetup gets a facilitator, and at the past meetups most of
    those confirmed were checked in at the door. Idempotent; returns the bookings made."""
    now = now or timezone.now()
    rng = random.Random(seed)
    personas = {spec["key"]: spec for spec in load_people_corpus()["personas"]}
    made = 0
    meetups = RegionalEventPage.objects.live().child_of(conference).select_related("venue").order_by("start")
    opened = datetime.combine(conference.start_date, datetime.min.time(), tzinfo=conference.zone)
    for meetup in meetups:
        wanted = int(meetup.capacity * BOOKING_DEMAND.get(meetup.slug, 0.5))
        closes = min(now, meetup.start - timedelta(days=1))
        first = [persona("booked")] if personas["booked"]["books"] == meetup.slug else []
        last = [persona("waiting")] if personas["waiting"]["books"] == meetup.slug else []
        have = meetup.bookings.count()
        lat, lon = float(meetup.venue.latitude), float(meetup.venue.longitude)
        squash = math.cos(math.radians(lat))  # a degree of longitude is shorter in the north
        away = (F("home_place__latitude") - lat) * (F("home_place__latitude") - lat) + (
            F("home_place__longitude") - lon
        ) * (F("home_place__longitude") - lon) * squash * squash
        nearby = (
            Delegate.objects.filter(
                home_place__latitude__range=(lat - 1.2, lat + 1.2),
                home_place__longitude__range=(lon - 2.0, lon + 2.0),
            )
            .annotate(away=ExpressionWrapper(away, output_field=FloatField()))
            .exclude(bookings__event=meetup)
            .exclude(user__email__in=[spec["email"] for spec in personas.values()])
            .order_by("away", "pk")[: max(wanted - have, 0) * 2]
        )
        chosen = rng.sample(list(nearby), k=min(max(wanted - have - len(first) - len(last), 0), len(nearby)))
        queue = [d for d in first + chosen + last if d is not None and not d.bookings.filter(event=meetup).exists()]
        for position, delegate in enumerate(queue):
            moment = opened + (closes - opened) * (position + 1) / (len(queue) + 1)
            book_meetup(delegate=delegate, event=meetup, now=moment, notify=False)
            made += 1
        facilitator = facilitate(meetup, personas)
        if meetup.end < now and facilitator is not None:
            check_in_past_meetup(meetup, by=facilitator, rng=rng)
    return made


def facilitate(meetup: RegionalEventPage, personas: dict[str, dict]):
    """Name the meetup's facilitator (the persona for theirs, else its first visible booked
    delegate) unless it has one; returns a facilitator's user."""
    named = Facilitation.objects.filter(event=meetup).select_related("user").first()
    if named is not None:
        return named.user
    spec = personas["facilitator"]
    if spec["facilitates"] == meetup.slug:
        email = spec["email"]
    else:
        first = (
            Booking.objects.filter(event=meetup, status=BookingStatus.CONFIRMED)
            .exclude(delegate__visibility=Visibility.HIDDEN)
            .order_by("pk")
            .select_related("delegate__user")
            .first()
        )
        if first is None:
            return None
        email = first.delegate.user.email
    return name_facilitator(event=meetup, email=email).user


def check_in_past_meetup(meetup: RegionalEventPage, *, by, rng: random.Random) -> int:
    """Most of a past meetup's confirmed delegates were checked in by its facilitator as they
    arrived, in the hour around the start; once only. Returns how many."""
    confirmed = list(Booking.objects.filter(event=meetup, status=BookingStatus.CONFIRMED).order_by("pk"))
    if any(booking.attended_at for booking in confirmed):
        return 0
    arrived = rng.sample(confirmed, k=int(len(confirmed) * TURNED_UP))
    for booking in arrived:
        check_in(booking=booking, by=by, at=meetup.start + timedelta(minutes=rng.randint(-25, 35)))
    return len(arrived)
