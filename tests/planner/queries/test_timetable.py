"""The programme reads as days × streams, in time order, in the viewer's zone."""

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from planner.queries.programme import build_timetable, conference_timetable
from tests.factories import london, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def streams(conference):
    return list(conference.streams.all())


def titles(slot):
    return [[session.title for session in cell] for cell in slot.cells]


def test_sessions_are_grouped_by_day_then_start_time_then_stream(conference, streams):
    digital, communities, care = streams
    make_session(conference, title="Tuesday care", stream=care, start=london(date(2027, 3, 9), 9, 30))
    make_session(conference, title="Monday late digital", stream=digital, start=london(date(2027, 3, 8), 11, 30))
    make_session(conference, title="Monday early care", stream=care, start=london(date(2027, 3, 8), 9, 30))
    make_session(conference, title="Monday early digital", stream=digital, start=london(date(2027, 3, 8), 9, 30))

    timetable = conference_timetable(conference, tz=ZoneInfo("Europe/London"))

    assert [day.label for day in timetable.days] == ["Monday 8 March 2027", "Tuesday 9 March 2027"]
    monday, tuesday = timetable.days
    assert [slot.label for slot in monday.slots] == ["09:30", "11:30"]
    assert titles(monday.slots[0]) == [["Monday early digital"], [], ["Monday early care"]]
    assert titles(monday.slots[1]) == [["Monday late digital"], [], []]
    assert titles(tuesday.slots[0]) == [[], [], ["Tuesday care"]]
    assert timetable.session_count == 4


def test_two_sessions_in_one_stream_and_slot_share_the_cell_alphabetically(conference, streams):
    start = london(date(2027, 3, 8), 13, 30)
    make_session(conference, title="Workshop B", stream=streams[1], start=start)
    make_session(conference, title="Workshop A", stream=streams[1], start=start)
    slot = conference_timetable(conference, tz=ZoneInfo("Europe/London")).days[0].slots[0]
    assert titles(slot) == [[], ["Workshop A", "Workshop B"], []]


def test_viewer_zone_moves_sessions_across_midnight(conference, streams):
    make_session(conference, title="Morning in London", start=london(date(2027, 3, 9), 9, 30))
    sydney = conference_timetable(conference, tz=ZoneInfo("Australia/Sydney"))
    assert [day.label for day in sydney.days] == ["Tuesday 9 March 2027"]
    assert sydney.days[0].slots[0].label == "20:30"
    new_york = conference_timetable(conference, tz=ZoneInfo("America/New_York"))
    assert new_york.days[0].slots[0].label == "04:30"


def test_unpublished_sessions_stay_off_the_timetable(conference):
    session = make_session(conference, title="Still a draft")
    session.unpublish()
    assert conference_timetable(conference, tz=ZoneInfo("Europe/London")).days == []


def test_build_timetable_keeps_empty_stream_columns(streams):
    timetable = build_timetable([], streams, tz=ZoneInfo("Europe/London"))
    assert [stream.name for stream in timetable.streams] == ["Digital and data", "Communities", "Care"]
    assert timetable.days == []


def test_a_phone_can_show_one_day_or_one_stream_at_a_time(client, conference):
    digital, communities, _care = conference.streams.all()
    make_session(conference, title="Monday digital", stream=digital, start=london(conference.start_date, 9, 30))
    make_session(conference, title="Monday communities", stream=communities, start=london(conference.start_date, 11))
    make_session(conference, title="Tuesday digital", stream=digital, start=london(date(2027, 3, 9), 9, 30))

    def titles(**params):
        page = BeautifulSoup(client.get(conference.url, params).content, "html.parser")
        return sorted(a.get_text() for a in page.select(".timetable h4 a")), page

    assert titles()[0] == ["Monday communities", "Monday digital", "Tuesday digital"]
    assert titles(day="2027-03-08")[0] == ["Monday communities", "Monday digital"]
    assert titles(stream=digital.slug)[0] == ["Monday digital", "Tuesday digital"]
    only, page = titles(day="2027-03-09", stream=digital.slug)
    assert only == ["Tuesday digital"]
    assert [th.get_text() for th in page.select(".timetable thead th")] == ["Starts", digital.name]
    current = [a.get_text() for a in page.select(".day-nav a[aria-current]")]
    assert current == ["Tue 9 Mar", digital.name]
    for nonsense in ({"day": "2027-13-45"}, {"day": "1999-01-01"}, {"stream": "no-such-stream"}):
        assert titles(**nonsense)[0] == ["Monday communities", "Monday digital", "Tuesday digital"]
    empty = BeautifulSoup(client.get(conference.url, {"day": "2027-03-12"}).content, "html.parser")
    assert "No sessions match that day and stream." in empty.get_text()
