"""The Wagtail API v2 gives each page type's key fields (a public contract)."""

from datetime import time

import pytest

from planner import services
from planner.services.agenda import register_online
from planner.services.bookings import book_meetup
from tests.factories import DelegateFactory, SpeakerFactory, VenueFactory, make_meetup, make_session

pytestmark = pytest.mark.django_db


def api(client, **params):
    response = client.get("/api/v2/pages/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_sessions_carry_times_stream_and_speakers(client, conference):
    speaker = SpeakerFactory(name="Tom Okafor", role="Procurement lead", organisation="Bristol City Council")
    session = make_session(conference, title="Social value in contracts", speakers=[speaker], format="workshop")
    data = api(client, type="planner.SessionPage", fields="start,end,stream,speakers,format")
    [item] = data["items"]
    assert item["id"] == session.pk
    assert item["start"] == "2027-03-08T09:30:00Z"
    assert item["end"] == "2027-03-08T10:20:00Z"
    assert item["format"] == "workshop"
    assert item["stream"] == {"id": session.stream_id, "slug": "digital-and-data", "name": "Digital and data"}
    assert item["speakers"] == [
        {"id": speaker.pk, "name": "Tom Okafor", "role": "Procurement lead", "organisation": "Bristol City Council"}
    ]


def test_meetups_carry_venue_coordinates_capacity_and_what_they_continue(client, conference):
    session = make_session(conference, title="Active travel schemes")
    venue = VenueFactory(
        name="Cardiff Central Library Hub", town="Cardiff", latitude="51.477860", longitude="-3.175470"
    )
    meetup = make_meetup(
        conference,
        venue=venue,
        capacity=80,
        agenda=[
            services.AgendaItemPlan(title="Street trials", start_time=time(11), end_time=time(12), continues=[session])
        ],
    )
    data = api(client, type="planner.RegionalEventPage", fields="venue,capacity,start,end,agenda_items")
    [item] = data["items"]
    assert item["id"] == meetup.pk
    assert item["capacity"] == 80
    assert item["venue"]["latitude"] == 51.47786 and item["venue"]["longitude"] == -3.17547
    assert item["venue"]["time_zone"] == "Europe/London"
    assert item["agenda_items"] == [
        {
            "title": "Street trials",
            "start_time": "11:00",
            "end_time": "12:00",
            "description": "",
            "continues": [session.pk],
        }
    ]


def test_conference_carries_dates_zone_and_streams(client, conference):
    data = api(client, type="planner.ConferencePage", fields="start_date,end_date,time_zone,streams")
    [item] = data["items"]
    assert (item["start_date"], item["end_date"], item["time_zone"]) == ("2027-03-08", "2027-03-12", "Europe/London")
    assert [stream["name"] for stream in item["streams"]] == ["Digital and data", "Communities", "Care"]


def test_unknown_field_gets_a_400_with_a_message(client, conference):
    response = client.get("/api/v2/pages/", {"type": "planner.SessionPage", "fields": "password"})
    assert response.status_code == 400
    assert "password" in response.json()["message"]


def test_draft_sessions_are_not_in_the_api(client, conference):
    make_session(conference, title="Not yet").unpublish()
    assert api(client, type="planner.SessionPage")["meta"]["total_count"] == 0


@pytest.mark.parametrize(
    "params",
    [
        {"type": "planner.SessionPage", "start": "garbage"},
        {"type": "planner.RegionalEventPage", "end": "2027-99-99"},
        {"type": "planner.SessionPage", "speakers": "abc"},
        {"type": "planner.ConferencePage", "streams": "abc"},
        {"offset": "99999999999999999999999"},
        {"search": '"'},
        {"search": 'social care"'},
    ],
)
def test_malformed_filters_get_a_400_with_a_message_not_a_500(client, conference, params):
    make_session(conference, title="Social care workforce")
    response = client.get("/api/v2/pages/", params)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.json()["message"]


def test_api_counts_delegates_places_left_and_the_waiting_list(client, conference):
    meetup = make_meetup(conference, capacity=2)
    for person in DelegateFactory.create_batch(3):
        register_online(delegate=person, conference=conference)
        book_meetup(delegate=person, event=meetup)
    [event] = api(client, type="planner.RegionalEventPage", fields="capacity,places_left,waitlist_count")["items"]
    assert (event["capacity"], event["places_left"], event["waitlist_count"]) == (2, 0, 1)
    [conf] = api(client, type="planner.ConferencePage", fields="delegate_count")["items"]
    assert conf["delegate_count"] == 3


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/images/find/?id=abc",
        "/api/v2/documents/find/?id=",
        "/api/v2/images/?offset=99999999999999999999",
        "/api/v2/documents/?offset=99999999999999999999",
    ],
)
def test_image_and_document_endpoints_refuse_malformed_ids_and_offsets_with_a_400(client, db, path):
    response = client.get(path)
    assert response.status_code == 400 and response.json()["message"]
