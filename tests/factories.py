"""Factories for the snippets; pages are built through planner.services, as users' are."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
import wagtail_factories
from django.utils import timezone
from django.utils.text import slugify

from cms.models import StandardPage
from planner import services
from planner.models import Speaker
from planner.services.agenda import register_online
from venues.models import Venue

LONDON = ZoneInfo("Europe/London")
CONFERENCE_START = date(2027, 3, 8)


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Civic Centre {n}")
    address = "1 Market Street"
    town = "Leeds"
    postcode = "LS1 1UR"
    latitude = Decimal("53.799600")
    longitude = Decimal("-1.549100")
    accessibility_notes = "Step-free entrance on Market Street; hearing loop in the main hall."


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Speaker {n}")
    role = "Head of Digital"
    organisation = "Kirklees Council"


class StandardPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = StandardPage

    title = factory.Sequence(lambda n: f"About page {n}")
    intro = "How the programme is run."


def london(day: date, hour: int, minute: int = 0) -> datetime:
    """An aware datetime in Europe/London."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def make_conference(*, slug="digital-councils-2027", days=5, streams=("Digital and data", "Communities", "Care")):
    """A published conference under the home page with its streams."""
    conference = services.add_conference(
        parent=services.default_home_page(),
        title=slug.replace("-", " ").title(),
        slug=slug,
        start_date=CONFERENCE_START,
        end_date=CONFERENCE_START + timedelta(days=days - 1),
        time_zone="Europe/London",
        intro="<p>Five days of practice from councils across the UK.</p>",
    )
    for order, name in enumerate(streams):
        services.add_stream(conference=conference, name=name, slug=name.lower().replace(" ", "-"), sort_order=order)
    return conference


def make_session(conference, *, title, stream=None, start=None, minutes=50, speakers=(), format="talk"):
    """A published session; defaults to the first stream at 09:30 on the first day."""
    start = start or london(conference.start_date, 9, 30)
    return services.add_session(
        conference=conference,
        title=title,
        slug=slugify(title)[:80],
        stream=stream or conference.streams.first(),
        start=start,
        end=start + timedelta(minutes=minutes),
        format=format,
        summary=f"What {title.lower()} taught three councils.",
        speakers=list(speakers),
    )


def make_meetup(conference, *, title="North West meetup", venue=None, day=date(2027, 4, 14), agenda=(), capacity=60):
    venue = venue or VenueFactory()
    return services.add_meetup(
        conference=conference,
        title=title,
        slug=slugify(title),
        venue=venue,
        start=london(day, 10),
        end=london(day, 16),
        capacity=capacity,
        intro="<p>Carrying the online threads into the room.</p>",
        agenda=list(agenda),
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "auth.User"
        django_get_or_create = ("username",)

    email = factory.Sequence(lambda n: f"delegate{n}@council.gov.uk")
    username = factory.LazyAttribute(lambda user: user.email)
    password = factory.django.Password("correct horse battery")
    is_active = True


class DelegateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "planner.Delegate"

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Delegate {n}")
    organisation = "Leeds City Council"
    role = "Service designer"
    # Past the new-account cool-off unless a test says otherwise.
    created_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))


def registered_person(conference, name, visibility="conference", **fields):
    """A delegate registered for ``conference`` online, visible as asked."""

    delegate = DelegateFactory(name=name, visibility=visibility, **fields)
    register_online(delegate=delegate, conference=conference)
    return delegate
