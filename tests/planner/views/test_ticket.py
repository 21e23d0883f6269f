"""A delegate's ticket on their phone: the check-in code, the meetup, its time and venue,
their name and table; a waiting place that never pretends; nothing for anyone else; one
small response that needs nothing more once it has opened."""

import base64
import hashlib
import re

import pytest
from bs4 import BeautifulSoup

from planner.packs.context import check_in_token
from planner.queries.carry_forward import attendee_ids
from planner.queries.tables import cached_tables
from planner.services.bookings import book_meetup, cancel_booking
from planner.services.cancellations import cancel_page
from planner.services.carry_forward import lock_tables, unlock_tables
from tests.factories import UserFactory, VenueFactory, make_meetup
from tests.factories import registered_person as person
from tests.qr_scan import SVG, scan_svg, svg_element

pytestmark = pytest.mark.django_db


@pytest.fixture
def leeds(conference):
    """A two-place Leeds meetup: Amira and Tom have the places, Jo is no. 1 on the waiting
    list, Priya has booked nothing; the tables are locked, two a table."""
    venue = VenueFactory(name="Leeds Civic Hall", address="Portland Crescent", town="Leeds", postcode="LS1 1UR")
    meetup = make_meetup(conference, title="Yorkshire meetup", venue=venue, capacity=2)
    people = {name: person(conference, name) for name in ("Amira Hassan", "Tom Bradley", "Jo Kaur", "Priya Shah")}
    bookings = {name: book_meetup(delegate=people[name], event=meetup) for name in ("Amira Hassan", "Tom Bradley")}
    bookings["Jo Kaur"] = book_meetup(delegate=people["Jo Kaur"], event=meetup)
    saved = lock_tables(event=meetup, size=2, by=UserFactory(is_superuser=True))
    return {"meetup": meetup, "people": people, "bookings": bookings, "plan": saved.plan}


def ticket_as(client, delegate, meetup):
    client.force_login(delegate.user)
    return client.get(f"/my/ticket/{meetup.pk}/")


def svg_in(response) -> str:
    """The page's SVG as written (an HTML parser would lower-case ``viewBox``)."""
    return re.search(r"<svg.*?</svg>", response.content.decode(), re.DOTALL).group(0)


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def test_a_confirmed_ticket_shows_the_meetup_time_venue_name_and_table(client, leeds):
    amira = leeds["people"]["Amira Hassan"]
    response = ticket_as(client, amira, leeds["meetup"])
    text = text_of(response)
    [table] = [t for t in leeds["plan"] if amira.pk in t["members"]]
    assert "You have a place." in text
    assert "Yorkshire meetup" in text and "Amira Hassan" in text
    assert "Wednesday 14 April 2027 10:00 to 16:00 BST Local time at the venue (Europe/London)" in text
    assert "Leeds Civic Hall Portland Crescent Leeds LS1 1UR" in text
    assert f"Table {table['number']} When" in text  # settled: no "may still change"
    assert "Show this code at the welcome desk." in text


def test_a_table_not_yet_settled_is_shown_with_a_warning_that_it_may_change(client, leeds):
    unlock_tables(event=leeds["meetup"])
    amira = leeds["people"]["Amira Hassan"]
    text = text_of(ticket_as(client, amira, leeds["meetup"]))
    [table] = [
        t for t in cached_tables(leeds["meetup"], booked=attendee_ids(leeds["meetup"]))[0] if amira.pk in t.members
    ]
    assert f"Table {table.number} Tables may still change: look again on the day." in text


def test_the_ticket_code_scans_as_the_bookings_check_in_address(client, leeds, tmp_path):
    response = ticket_as(client, leeds["people"]["Amira Hassan"], leeds["meetup"])
    token = check_in_token(leeds["bookings"]["Amira Hassan"].pk)
    assert scan_svg(svg_in(response), tmp_path) == [f"http://testserver/checkin/{token}/"]
    element = svg_element(svg_in(response))
    assert element.get("role") == "img"
    assert element.get("aria-label") == element.find(f"{SVG}title").text
    assert element.get("aria-label") == "Check-in code for Amira Hassan at Yorkshire meetup"


def test_a_waiting_list_ticket_has_no_code_or_table_and_says_its_number(client, leeds):
    response = ticket_as(client, leeds["people"]["Jo Kaur"], leeds["meetup"])
    page = BeautifulSoup(response.content, "html.parser")
    text = text_of(response)
    assert "Waiting list – no. 1, not a place yet." in text
    assert "This is not a ticket yet" in text
    assert page.find("svg") is None and "/checkin/" not in response.content.decode()
    assert "Table" not in [dt.get_text() for dt in page.find_all("dt")]
    assert "Show this code" not in text


def test_a_ticket_promoted_from_the_waiting_list_gets_its_code(client, leeds, tmp_path):
    cancel_booking(booking=leeds["bookings"]["Tom Bradley"], reason="Cannot travel")
    response = ticket_as(client, leeds["people"]["Jo Kaur"], leeds["meetup"])
    assert "You have a place." in text_of(response)
    assert scan_svg(svg_in(response), tmp_path) == [
        f"http://testserver/checkin/{check_in_token(leeds['bookings']['Jo Kaur'].pk)}/"
    ]


def test_someone_with_no_booking_there_gets_a_404_linking_to_the_meetup_and_naming_nobody(client, leeds):
    response = ticket_as(client, leeds["people"]["Priya Shah"], leeds["meetup"])
    assert response.status_code == 404
    text = text_of(response)
    assert "You have no ticket for Yorkshire meetup" in text
    assert "Amira" not in text and "/checkin/" not in response.content.decode()
    links = {a.get_text(" ", strip=True): a["href"] for a in BeautifulSoup(response.content, "html.parser")("a")}
    assert links["Go to the meetup page"] == leeds["meetup"].url


def test_a_cancelled_booking_has_no_ticket(client, leeds):
    cancel_booking(booking=leeds["bookings"]["Amira Hassan"], reason="Cannot travel")
    response = ticket_as(client, leeds["people"]["Amira Hassan"], leeds["meetup"])
    assert response.status_code == 404
    assert "You have no ticket for Yorkshire meetup" in text_of(response)


@pytest.mark.parametrize("event_id", ["999999", "99999999999999999999", "-1", "abc"])
def test_a_made_up_meetup_gets_a_clear_404(client, leeds, event_id):
    client.force_login(leeds["people"]["Amira Hassan"].user)
    response = client.get(f"/my/ticket/{event_id}/")
    assert response.status_code == 404
    assert "Traceback" not in response.content.decode()
    if event_id == "999999":  # a plausible id reaches the view, which says what is wrong
        assert "We cannot find that meetup" in text_of(response)


def test_a_visitor_who_is_not_logged_in_is_asked_to_log_in_and_comes_back(client, leeds):
    path = f"/my/ticket/{leeds['meetup'].pk}/"
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/account/login/?next={path}"


def test_a_called_off_meetups_ticket_says_so_and_has_no_code(client, leeds):
    cancel_page(page=leeds["meetup"], reason="The hall flooded; we will set a new date.")
    response = ticket_as(client, leeds["people"]["Amira Hassan"], leeds["meetup"])
    text = text_of(response)
    assert "This meetup is cancelled. Yorkshire meetup Amira Hassan The hall flooded; we will set a new date." in text
    assert BeautifulSoup(response.content, "html.parser").find("svg") is None


def test_the_ticket_is_one_small_response_that_loads_nothing_else(client, leeds):
    response = ticket_as(client, leeds["people"]["Amira Hassan"], leeds["meetup"])
    assert len(response.content) < 15_000
    page = BeautifulSoup(response.content, "html.parser")
    assert not page.find_all(["script", "img", "iframe", "object", "embed", "link"], src=True)
    assert [link.get("rel") for link in page.find_all("link")] == [["icon"]]
    assert page.find("link")["href"].startswith("data:")
    [style] = page.find_all("style")
    assert "url(" not in style.string and "@import" not in style.string and "@font-face" not in style.string
    assert not page.select("[style]")
    # The page's policy loads nothing from anywhere, and allows exactly its own style.
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    digest = base64.b64encode(hashlib.sha256(style.string.encode()).digest()).decode()
    assert policy["default-src"] == "'none'" and policy["style-src"] == f"'sha256-{digest}'"
    assert policy["img-src"] == "data:" and policy["frame-ancestors"] == "'none'"
    assert response["Cache-Control"] == "private"


def test_my_programme_the_meetup_page_and_the_pack_link_to_the_ticket(client, leeds):
    meetup = leeds["meetup"]
    client.force_login(leeds["people"]["Amira Hassan"].user)
    ticket = f"/my/ticket/{meetup.pk}/"
    for path, words in [
        ("/my/programme/", "Your ticket for Yorkshire meetup"),
        (meetup.url, "Your ticket"),
        (f"/my/pack/{meetup.pk}/", "Your ticket for your phone"),
    ]:
        links = BeautifulSoup(client.get(path).content, "html.parser").find_all("a", href=ticket)
        assert words in [" ".join(a.get_text(" ").split()) for a in links], path


def test_a_waiting_place_is_linked_as_what_it_is(client, leeds):
    client.force_login(leeds["people"]["Jo Kaur"].user)
    page = BeautifulSoup(client.get("/my/programme/").content, "html.parser")
    [link] = page.find_all("a", href=f"/my/ticket/{leeds['meetup'].pk}/")
    assert re.sub(r"\s+", " ", link.get_text(" ")).strip() == "Your waiting-list place for Yorkshire meetup"
