"""What delegates do on the site, and what bad or hostile input gets."""

import json
from datetime import date

import pytest
from bs4 import BeautifulSoup

from planner.models import Booking, Delegate, EventSeats, Registration, SessionStar, Visibility
from planner.services.agenda import register_online, set_star
from planner.services.bookings import book_meetup
from planner.services.connections import request_connection
from planner.services.discussion import post_contribution
from tests.factories import DelegateFactory, london, make_conference, make_meetup, make_session
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


@pytest.fixture
def delegate(client):
    person = DelegateFactory(name="Priya Raman")
    client.force_login(person.user)
    return person


def test_registering_online_is_one_click_and_twice_is_harmless(client, delegate, conference):
    for _ in range(2):
        response = client.post(f"/conference/{conference.pk}/register/", follow=True)
    assert Registration.objects.filter(delegate=delegate, conference=conference).count() == 1
    assert "You are registered to attend online." in text(response)


def test_booking_from_the_meetup_page_shows_the_place_and_then_the_queue(client, delegate, conference):
    meetup = make_meetup(conference, capacity=1)
    response = client.post(f"/meetups/{meetup.pk}/book/", {"next": meetup.url}, follow=True)
    assert "You have a place at" in text(response)
    other = DelegateFactory()
    client.force_login(other.user)
    response = client.post(f"/meetups/{meetup.pk}/book/", {"next": meetup.url}, follow=True)
    assert "is full, so you are number 1 on the waiting list" in text(response)
    assert "You are number 1 on the waiting list." in text(response)


def test_double_click_books_once(client, delegate, conference):
    meetup = make_meetup(conference)
    client.post(f"/meetups/{meetup.pk}/book/")
    client.post(f"/meetups/{meetup.pk}/book/")
    assert Booking.objects.filter(delegate=delegate).count() == 1
    assert EventSeats.objects.get(event=meetup).confirmed == 1


def test_booking_a_withdrawn_meetup_gets_409_and_a_reason(client, delegate, conference):
    meetup = make_meetup(conference)
    meetup.unpublish()
    response = client.post(f"/meetups/{meetup.pk}/book/")
    assert response.status_code == 409
    assert "not open for booking" in text(response)
    assert not Booking.objects.exists()


def test_cancelling_someone_elses_booking_is_a_404_and_changes_nothing(client, delegate, conference):
    meetup = make_meetup(conference)
    theirs = book_meetup(delegate=DelegateFactory(), event=meetup)
    response = client.post(f"/bookings/{theirs.pk}/cancel/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "confirmed"


@pytest.mark.parametrize(
    "url",
    ["/meetups/999999/book/", "/bookings/999999/cancel/", "/sessions/999999/star/", "/conference/999999/register/"],
)
def test_tampered_ids_get_404(client, delegate, url):
    assert client.post(url).status_code == 404


def test_delegate_actions_need_a_login_and_a_post(client, conference):
    meetup = make_meetup(conference)
    response = client.post(f"/meetups/{meetup.pk}/book/")
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    client.force_login(DelegateFactory().user)
    assert client.get(f"/meetups/{meetup.pk}/book/").status_code == 405


def test_open_redirect_through_next_is_refused(client, delegate, conference):
    session = make_session(conference, title="Safe redirects")
    response = client.post(f"/sessions/{session.pk}/star/", {"next": "https://evil.example/"})
    assert response["Location"] == session.url


def test_my_programme_lists_stars_and_bookings_in_time_order_with_clashes_in_my_zone(client, delegate, conference):
    early = make_session(conference, title="Early bird", start=london(date(2027, 3, 8), 9, 0))
    clash_a = make_session(conference, title="Housing data", start=london(date(2027, 3, 9), 10, 0))
    clash_b = make_session(
        conference, title="Care records", start=london(date(2027, 3, 9), 10, 30), stream=conference.streams.last()
    )
    for session in (clash_b, early, clash_a):
        set_star(delegate=delegate, session=session, starred=True)
    book_meetup(delegate=delegate, event=make_meetup(conference, title="Leeds meetup"))
    delegate.time_zone = "America/New_York"
    delegate.save()
    page = text(client.get("/my/programme/"))
    assert (
        page.index("Early bird") < page.index("Housing data") < page.index("Care records") < page.index("Leeds meetup")
    )
    assert "Monday 8 March 2027, 04:00 to 04:50 EST (America/New_York)" in page
    assert "Clashes with: Care records" in page and "Clashes with: Housing data" in page
    assert "Wednesday 14 April 2027, 10:00 to 16:00 BST (Europe/London)" in page  # meetups in the venue's zone


def test_starring_from_the_session_page_and_unstarring(client, delegate, conference):
    session = make_session(conference, title="Procurement playbook")
    client.post(f"/sessions/{session.pk}/star/")
    assert "In your programme." in text(client.get(session.url))
    client.post(f"/sessions/{session.pk}/star/", {"action": "unstar"})
    assert not SessionStar.objects.filter(delegate=delegate).exists()


def make_visible_people(conference, count, visibility=Visibility.EVERYONE):
    people = DelegateFactory.create_batch(count, visibility=visibility)
    stream = conference.streams.first()
    for person in people:
        person.interests.add(stream)
        register_online(delegate=person, conference=conference)
    return people


def test_directory_shows_only_people_who_chose_to_be_seen_by_this_viewer(client, conference):
    everyone = DelegateFactory(name="Open Olu", visibility=Visibility.EVERYONE)
    peers = DelegateFactory(name="Peer Pat", visibility=Visibility.CONFERENCE)
    hidden = DelegateFactory(name="Hidden Hal", visibility=Visibility.HIDDEN)
    stranger = DelegateFactory(name="Other Conf Ola", visibility=Visibility.CONFERENCE)
    for person in (everyone, peers, hidden):
        register_online(delegate=person, conference=conference)
    register_online(delegate=stranger, conference=make_conference(slug="other"))

    anonymous = text(client.get("/delegates/"))
    assert "Open Olu" in anonymous and "Peer Pat" not in anonymous and "Hidden Hal" not in anonymous

    viewer = DelegateFactory(name="Viewer Vic")
    register_online(delegate=viewer, conference=conference)
    client.force_login(viewer.user)
    signed_in = text(client.get("/delegates/"))
    assert "Open Olu" in signed_in and "Peer Pat" in signed_in
    assert "Hidden Hal" not in signed_in and "Other Conf Ola" not in signed_in
    assert everyone.user.email not in signed_in


def test_directory_search_by_organisation_and_interest(client, conference):
    match = DelegateFactory(name="Sam", organisation="Bristol City Council", visibility=Visibility.EVERYONE)
    match.interests.add(conference.streams.first())
    DelegateFactory(name="Kim", organisation="Bristol City Council", visibility=Visibility.EVERYONE)
    page = text(client.get("/delegates/", {"q": "bristol", "interest": conference.streams.first().pk}))
    assert "1 delegate matching “bristol”" in page and "Sam" in page and "Kim" not in page


def test_directory_costs_the_same_with_5_and_60_delegates(client, conference):
    viewer = DelegateFactory()
    register_online(delegate=viewer, conference=conference)
    client.force_login(viewer.user)
    make_visible_people(conference, 5)

    few = queries_for(client, "/delegates/")
    make_visible_people(conference, 55, visibility=Visibility.CONFERENCE)
    assert queries_for(client, "/delegates/") == few


def test_download_my_data_holds_profile_bookings_and_agenda(client, delegate, conference):
    session = make_session(conference, title="Digital inclusion")
    set_star(delegate=delegate, session=session, starred=True)
    book_meetup(delegate=delegate, event=make_meetup(conference, title="Glasgow meetup"))
    response = client.get("/account/my-data.json")
    data = json.loads(response.content)
    assert response["Content-Disposition"] == 'attachment; filename="relay-my-data.json"'
    assert data["profile"]["name"] == "Priya Raman" and data["profile"]["email"] == delegate.user.email
    assert [b["meetup"] for b in data["bookings"]] == ["Glasgow meetup"]
    assert [a["session"] for a in data["agenda"]] == ["Digital inclusion"]


def test_download_my_data_holds_my_contributions_and_connections(client, delegate, conference):
    session = make_session(conference, title="Digital inclusion")
    register_online(delegate=delegate, conference=conference)
    post_contribution(author=delegate, session=session, body="Our libraries lend **tablets**.")
    friend = DelegateFactory(name="Sam Friend", visibility=Visibility.EVERYONE)
    request_connection(requester=delegate, recipient=friend)
    data = json.loads(client.get("/account/my-data.json").content)
    assert [(c["session"], c["text"]) for c in data["contributions"]] == [
        ("Digital inclusion", "Our libraries lend **tablets**.")
    ]
    assert [(c["with"], c["status"]) for c in data["connections"]] == [("Sam Friend", "pending")]


def test_deleting_my_account_frees_my_place_for_the_next_person_and_erases_me(client, delegate, conference):
    meetup = make_meetup(conference, capacity=1)
    book_meetup(delegate=delegate, event=meetup)
    waiting = book_meetup(delegate=DelegateFactory(), event=meetup)
    assert client.post("/account/delete/", {}).status_code == 200  # no confirmation: nothing happens
    assert Delegate.objects.filter(pk=delegate.pk).exists()
    client.post("/account/delete/", {"confirm": "on"})
    assert not Delegate.objects.filter(pk=delegate.pk).exists()
    assert not Booking.objects.filter(delegate_id=delegate.pk).exists()
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert "Priya Raman" not in text(client.get("/delegates/"))


@pytest.mark.parametrize(
    ("next_value", "lands_on_next"),
    [("abc", False), ("https://evil.example/", False), ("//evil.example/x", False), ("/my/programme/", True)],
)
def test_every_delegate_form_sends_you_back_only_to_a_page_of_this_site(client, world, next_value, lands_on_next):
    asha, tom, meetup, session = world["asha"], world["tom"], world["meetup"], world["continued"]
    booking = asha.bookings.get(event=meetup)
    client.force_login(asha.user)
    actions = {
        f"/sessions/{session.pk}/star/": session.url,
        f"/conference/{world['conference'].pk}/register/": world["conference"].url,
        f"/meetups/{meetup.pk}/book/": meetup.url,
        f"/bookings/{booking.pk}/cancel/": None,
        f"/delegates/{tom.pk}/connect/": None,
    }
    for path, fallback in actions.items():
        response = client.post(path, {"next": next_value, "confirm": "yes"})
        assert response.status_code == 302, path
        if lands_on_next:
            assert response["Location"] == next_value, path
        else:
            assert "evil" not in response["Location"] and response["Location"] != next_value, path
            if fallback:
                assert response["Location"] == fallback, path


def test_directory_search_does_not_match_the_town_as_typed(client, db):
    DelegateFactory(name="Private Pat", home_town="Flat 3, 12 Acacia Avenue", visibility="everyone")
    assert "Private Pat" not in client.get("/delegates/", {"q": "Acacia"}).content.decode()


def test_cancelling_a_place_asks_first_and_says_the_place_goes_to_the_waiting_list(client, delegate, conference):
    meetup = make_meetup(conference, capacity=1)
    mine = book_meetup(delegate=delegate, event=meetup)
    waiting = book_meetup(delegate=DelegateFactory(), event=meetup)
    page = BeautifulSoup(client.get(meetup.url).content, "html.parser")
    link = page.find("a", string="Cancel my booking")  # a link to a confirm step, not a one-tap form
    asked = BeautifulSoup(client.get(link["href"]).content, "html.parser")
    assert asked.h1.get_text() == f"Cancel your place at {meetup.title}?"
    assert "Your place goes at once to number 1 on the waiting list" in asked.select_one("#what-happens").get_text()
    form = asked.select_one("form[aria-describedby=what-happens]")
    assert (
        form.button.get_text() == "Yes, cancel my place" and form.find("a", string="No, keep it")["href"] == meetup.url
    )
    client.post(link["href"])  # an old one-tap form, without the confirmation: nothing happens
    mine.refresh_from_db()
    assert mine.status == "confirmed"
    done = client.post(link["href"], {"confirm": "yes"}, follow=True)
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert (mine.status, waiting.status) == ("cancelled", "confirmed")
    assert f"Your booking for {meetup.title} is cancelled." in text(done)
    again = client.get(link["href"], follow=True)
    assert "was already cancelled" in text(again)


def test_leaving_the_waiting_list_says_who_moves_up(client, delegate, conference):
    meetup = make_meetup(conference, capacity=1)
    book_meetup(delegate=DelegateFactory(), event=meetup)
    mine = book_meetup(delegate=delegate, event=meetup)
    for person in DelegateFactory.create_batch(2):
        book_meetup(delegate=person, event=meetup)
    asked = BeautifulSoup(client.get(f"/bookings/{mine.pk}/cancel/").content, "html.parser")
    assert asked.h1.get_text() == f"Leave the waiting list for {meetup.title}?"
    assert (
        asked.select_one("#what-happens")
        .get_text()
        .startswith("You leave the waiting list (you are number 1) and the 2 people behind you move up.")
    )


def test_withdrawing_a_registration_asks_first_and_says_what_stays(client, delegate, conference):
    register_online(delegate=delegate, conference=conference)
    page = BeautifulSoup(client.get(conference.url).content, "html.parser")
    link = page.find("a", string="Withdraw my registration")
    asked = BeautifulSoup(client.get(link["href"]).content, "html.parser")
    assert "Your starred sessions" in asked.select_one("#what-happens").get_text()
    client.post(f"/conference/{conference.pk}/register/", {"action": "cancel"})  # the old one-tap form
    assert Registration.objects.filter(delegate=delegate).exists()
    client.post(link["href"], {"confirm": "yes"})
    assert not Registration.objects.filter(delegate=delegate).exists()
