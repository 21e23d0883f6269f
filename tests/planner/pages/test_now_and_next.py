"""During the conference, what is on now and next in each stream, in the viewer's zone, with
join links only for those who may join; before and after, when it runs (never a dead end)."""

from datetime import timedelta
from unittest import mock

import pytest

from planner.models import SessionPage
from planner.services.cancellations import cancel_page
from tests.factories import london, make_session, registered_person
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db

LINK = "https://meet.example.org/relay/now"


@pytest.fixture
def programme(conference):
    digital, communities, _care = conference.streams.all()
    day = conference.start_date
    sessions = {
        "opening": make_session(
            conference, title="Open data that residents use", stream=digital, start=london(day, 9, 30)
        ),
        "second": make_session(
            conference, title="Data sharing without the fear", stream=digital, start=london(day, 10, 30)
        ),
        "towns": make_session(
            conference, title="Town deals, year two", stream=communities, start=london(day, 9, 0), minutes=120
        ),
        "tomorrow": make_session(
            conference, title="Places people stay", stream=communities, start=london(day + timedelta(days=1), 9, 0)
        ),
    }
    SessionPage.objects.filter(pk=sessions["opening"].pk).update(join_url=LINK)
    return sessions


def at(moment):
    """The clock at ``moment`` for the pages' idea of now (the join rule has its own clock)."""
    return mock.patch("planner.pages.now.clock", return_value=moment), mock.patch(
        "planner.rules.joining.clock", return_value=moment
    )


def page_at(client, url, moment) -> str:
    first, second = at(moment)
    with first, second:
        return client.get(url).content.decode()


def test_each_stream_shows_what_is_on_now_and_what_comes_next(client, conference, programme):
    body = page_at(client, conference.url + "now/", london(conference.start_date, 9, 45))
    digital = body[body.index("Digital and data") : body.index("Communities")]
    communities = body[body.index("Communities") :]
    assert "On now, until 10:20 GMT" in digital and "Open data that residents use" in digital
    assert "Next, at 10:30 GMT" in digital and "Data sharing without the fear" in digital
    assert "Town deals, year two" in communities and "Next, on Tuesday 9 March at 09:00 GMT" in communities


def test_times_follow_the_viewers_zone(client, conference, programme):
    body = page_at(client, conference.url + "now/?tz=America/New_York", london(conference.start_date, 9, 45))
    assert "On now, until 05:20 EST" in body


def test_a_cancelled_session_is_never_on_now(client, conference, programme):
    cancel_page(page=programme["opening"], reason="The speaker is ill")
    body = page_at(client, conference.url + "now/", london(conference.start_date, 9, 45))
    assert "Open data that residents use" not in body and "Nothing on now." in body


def test_only_registered_delegates_get_the_join_link_now(client, conference, programme):
    moment = london(conference.start_date, 9, 40)
    assert LINK not in page_at(client, conference.url + "now/", moment)
    client.force_login(registered_person(conference, "Amira Shah").user)
    assert f'href="{LINK}"' in page_at(client, conference.url + "now/", moment)
    assert f'href="{LINK}"' in page_at(client, conference.url, moment)  # the conference page shows it too


def test_outside_the_conference_days_the_page_says_when_it_runs(client, conference, programme):
    body = page_at(client, conference.url + "now/", london(conference.start_date - timedelta(days=3), 12, 0))
    assert "runs Monday 8 March to Friday 12 March 2027" in body and "See the programme" in body
    assert "Now and next</h2>" not in page_at(
        client, conference.url, london(conference.start_date, 7, 0) - timedelta(days=3)
    )


def test_now_and_next_costs_the_same_queries_with_more_sessions(client, conference, programme):
    moment = london(conference.start_date, 9, 45)
    first, second = at(moment)
    with first, second:
        few = queries_for(client, conference.url + "now/")
        for n in range(8):
            make_session(conference, title=f"Extra {n}", start=london(conference.start_date, 11 + n, 0))
        assert queries_for(client, conference.url + "now/") == few <= 8
