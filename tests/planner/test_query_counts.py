"""Public list pages cost the same number of queries whatever the size of the programme."""

from datetime import date, datetime, timedelta
from itertools import cycle

import pytest

from planner import services
from tests.factories import SpeakerFactory, VenueFactory, london, make_meetup, make_session
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db


def add_sessions(conference, count, *, offset=0):
    """``count`` sessions spread over the days and streams, each with two speakers."""
    streams = cycle(conference.streams.all())
    for index in range(offset, offset + count):
        day = conference.start_date + timedelta(days=index % 5)
        start = london(day, 8, 0) + timedelta(minutes=50 * (index // 5 % 12))
        make_session(
            conference,
            title=f"Session number {index}",
            stream=next(streams),
            start=start,
            speakers=[SpeakerFactory(), SpeakerFactory()],
        )


@pytest.mark.parametrize("suffix", ["", "speakers/"])
def test_conference_pages_cost_the_same_with_10_and_90_sessions(client, conference, suffix):
    add_sessions(conference, 10)
    make_meetup(conference, title="First meetup", venue=VenueFactory())
    url = conference.url + suffix
    with_ten = queries_for(client, url)

    add_sessions(conference, 80, offset=10)
    make_meetup(conference, title="Second meetup", venue=VenueFactory(), day=date(2027, 4, 21))
    assert queries_for(client, url) == with_ten


def test_home_page_costs_the_same_with_one_and_five_meetups(client, conference):
    make_meetup(conference, title="Meetup 0", venue=VenueFactory())
    with_one = queries_for(client, "/")
    for number in range(1, 5):
        make_meetup(conference, title=f"Meetup {number}", venue=VenueFactory(), day=date(2027, 4, 14 + number))
    assert queries_for(client, "/") == with_one


def test_meetup_page_costs_the_same_with_one_and_six_agenda_items(client, conference):
    sessions = [make_session(conference, title=f"Thread {n}", start=london(date(2027, 3, 8), 8 + n)) for n in range(6)]

    def meetup_with(items, title):
        agenda = [
            services.AgendaItemPlan(
                title=f"Item {n}",
                start_time=datetime(2027, 4, 14, 10 + n).time(),
                end_time=datetime(2027, 4, 14, 10 + n, 45).time(),
                continues=sessions[: n + 1],
            )
            for n in range(items)
        ]
        return make_meetup(conference, title=title, venue=VenueFactory(), agenda=agenda)

    small, large = meetup_with(1, "Small meetup"), meetup_with(6, "Large meetup")
    assert queries_for(client, small.url) == queries_for(client, large.url)


def test_search_results_cost_the_same_for_few_and_many_matches(client, conference):
    make_session(conference, title="Procurement reform one")
    few = queries_for(client, "/search/?q=procurement")
    for number in range(12):
        make_session(
            conference, title=f"Procurement reform {number + 2}", start=london(date(2027, 3, 9), 8 + number % 8)
        )
    assert queries_for(client, "/search/?q=procurement") == few


@pytest.mark.parametrize(
    ("page_type", "fields"),
    [
        ("planner.SessionPage", "start,end,stream,speakers,format"),
        ("planner.RegionalEventPage", "venue,capacity,agenda_items"),
        ("planner.ConferencePage", "streams"),
    ],
)
def test_api_listing_costs_the_same_for_one_and_many_pages(client, conference, page_type, fields):
    url = f"/api/v2/pages/?type={page_type}&fields={fields}"
    make_session(conference, title="First thread", speakers=[SpeakerFactory(), SpeakerFactory()])
    make_meetup(conference, title="First meetup", venue=VenueFactory())
    with_one = queries_for(client, url)
    add_sessions(conference, 15)
    make_meetup(conference, title="Second meetup", venue=VenueFactory(), day=date(2027, 4, 21))
    make_meetup(conference, title="Third meetup", venue=VenueFactory(), day=date(2027, 4, 28))
    assert queries_for(client, url) == with_one
