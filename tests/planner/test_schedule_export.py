"""schedule.xml and schedule.json for schedule apps: rooms are streams, people, durations, links.

(Checked against the C3VOC XSD and JSON schema while developing; those files are reference
data outside the repository, so these tests check the same structure directly.)"""

import json
from datetime import date

import pytest
from defusedxml import ElementTree as ET

from tests.factories import SpeakerFactory, london, make_session
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(conference):
    digital, communities, _ = conference.streams.all()
    amira = SpeakerFactory(name="Amira Shah")
    first = make_session(conference, title="Open data", stream=digital, speakers=[amira], format="panel")
    second = make_session(conference, title="Town deals", stream=communities, start=london(date(2027, 3, 9), 14, 0))
    return conference, first, second, amira


def test_schedule_xml_groups_events_by_day_and_room(client, programme):
    conference, first, second, amira = programme
    response = client.get(f"/calendar/conference/{conference.pk}/schedule.xml")
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.findtext("conference/acronym") == "digital_councils_2027"
    assert root.findtext("conference/time_zone_name") == "Europe/London"
    days = root.findall("day")
    assert [(d.get("index"), d.get("date")) for d in days] == [("1", "2027-03-08"), ("2", "2027-03-09")]
    [room] = days[0].findall("room")
    assert room.get("name") == "Digital and data"
    event = room.find("event")
    assert event.get("id") == str(first.pk)
    assert (event.findtext("start"), event.findtext("duration"), event.findtext("type")) == ("09:30", "00:50", "panel")
    assert event.findtext("date") == "2027-03-08T09:30:00+00:00"
    assert [p.text for p in event.findall("persons/person")] == ["Amira Shah"]
    assert event.findtext("url") == first.full_url
    assert days[1].find("room").get("name") == "Communities"


def test_schedule_json_matches_the_xml(client, programme):
    conference, first, second, _ = programme
    data = json.loads(client.get(f"/calendar/conference/{conference.pk}/schedule.json").content)
    schedule = data["schedule"]["conference"]
    assert schedule["daysCount"] == 5 and schedule["acronym"] == "digital_councils_2027"
    assert [room["name"] for room in schedule["rooms"]] == ["Digital and data", "Communities", "Care"]
    [event] = schedule["days"][0]["rooms"]["Digital and data"]
    assert (event["id"], event["title"], event["duration"], event["persons"][0]["name"]) == (
        first.pk,
        "Open data",
        "00:50",
        "Amira Shah",
    )
    assert event["end"] == "2027-03-08T10:20:00+00:00"
    assert schedule["days"][1]["rooms"]["Communities"][0]["id"] == second.pk


def test_guids_are_stable_between_requests(client, programme):
    conference = programme[0]
    url = f"/calendar/conference/{conference.pk}/schedule.json"
    assert client.get(url).content == client.get(url).content


def test_schedule_costs_the_same_with_2_and_20_sessions(client, programme):
    conference = programme[0]
    url = f"/calendar/conference/{conference.pk}/schedule.xml"
    few = queries_for(client, url)
    for index in range(18):
        make_session(
            conference,
            title=f"Extra {index}",
            start=london(date(2027, 3, 10 + index % 3), 8 + index % 6),
            speakers=[SpeakerFactory()],
        )
    assert queries_for(client, url) == few


def test_unknown_conference_schedule_is_404(client, db):
    assert client.get("/calendar/conference/424242/schedule.json").status_code == 404
