"""Each public page shows what its reader came for."""

from datetime import date, time

import pytest
from bs4 import BeautifulSoup

from planner import services
from tests.factories import SpeakerFactory, VenueFactory, london, make_meetup, make_session

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


@pytest.fixture
def programme(conference):
    digital, communities, _care = conference.streams.all()
    amira = SpeakerFactory(name="Amira Shah", role="Head of Digital", organisation="Calderdale Council")
    opening = make_session(
        conference, title="Open data that residents use", stream=digital, speakers=[amira], format="panel"
    )
    make_session(conference, title="Town deals, year two", stream=communities, start=london(date(2027, 3, 9), 10, 30))
    meetup = make_meetup(
        conference,
        title="Yorkshire meetup",
        venue=VenueFactory(name="Leeds Central Library", town="Leeds"),
        agenda=[
            services.AgendaItemPlan(
                title="Open data clinic", start_time=time(10, 30), end_time=time(12, 0), continues=[opening]
            )
        ],
    )
    return {"conference": conference, "opening": opening, "meetup": meetup, "amira": amira}


def test_conference_page_shows_a_table_per_day_with_stream_columns(client, programme):
    response = client.get(programme["conference"].url)
    soup = BeautifulSoup(response.content, "html.parser")
    tables = soup.select("table.timetable")
    assert [table.caption.contents[0].strip() for table in tables] == ["Monday 8 March 2027", "Tuesday 9 March 2027"]
    headers = [th.get_text(strip=True) for th in tables[0].select("thead th")]
    assert headers == ["Starts", "Digital and data", "Communities", "Care"]
    first_row = tables[0].select("tbody tr")[0]
    assert first_row.th.get_text(strip=True) == "09:30"
    assert "Open data that residents use" in first_row.select("td")[0].get_text()
    assert "09:30 to 10:20 GMT" in first_row.select("td")[0].get_text()


def test_conference_page_writes_out_the_time_zone_and_lists_meetups(client, programme):
    text = page_text(client.get(programme["conference"].url))
    assert "Times on this page are in Europe/London" in text
    assert "Yorkshire meetup" in text
    assert "Wednesday 14 April 2027, 10:00 to 16:00 BST (Europe/London)" in text


def test_conference_page_shows_times_in_the_zone_the_viewer_chose(client, programme):
    text = page_text(client.get(programme["conference"].url, {"tz": "America/New_York"}))
    assert "Times on this page are in America/New_York" in text
    assert "04:30 to 05:20 EST" in text


def test_unknown_viewer_zone_falls_back_to_the_conference_zone(client, programme):
    response = client.get(programme["conference"].url, {"tz": "Mars/Olympus_Mons"})
    assert response.status_code == 200
    assert "Times on this page are in Europe/London" in page_text(response)


def test_session_page_shows_when_who_and_where_it_continues(client, programme):
    text = page_text(client.get(programme["opening"].url))
    assert "Open data that residents use" in text
    assert "Monday 8 March 2027, 09:30 to 10:20 GMT (Europe/London)" in text
    assert "Amira Shah" in text and "Head of Digital, Calderdale Council" in text
    assert "Continued face to face" in text and "Yorkshire meetup" in text


def test_regional_event_page_shows_venue_access_and_the_sessions_it_continues(client, programme):
    text = page_text(client.get(programme["meetup"].url))
    assert "Leeds Central Library" in text
    assert "Step-free entrance on Market Street" in text
    assert "Wednesday 14 April 2027, 10:00 to 16:00 BST (Europe/London)" in text
    assert "10:30–12:00 Open data clinic" in text
    assert "Continues from the online conference: Open data that residents use" in text


def test_speakers_page_lists_each_speaker_with_their_sessions(client, programme):
    text = page_text(client.get(programme["conference"].url + "speakers/"))
    assert "Amira Shah Head of Digital, Calderdale Council" in text
    assert "Open data that residents use Monday 8 March 2027, 09:30 to 10:20 GMT" in text


def test_home_page_leads_to_the_conference_and_its_meetups(client, programme):
    text = page_text(client.get("/"))
    assert programme["conference"].title in text
    assert "See the programme" in text
    assert "Yorkshire meetup" in text


def test_missing_page_gets_a_helpful_404(client, db):
    response = client.get("/no-such-session/")
    assert response.status_code == 404
    assert "Page not found" in page_text(response)
    assert "search the programme" in page_text(response)


def test_draft_session_is_not_public(client, programme):
    programme["opening"].unpublish()
    assert client.get(programme["opening"].url_path.replace("/home", "", 1)).status_code == 404
