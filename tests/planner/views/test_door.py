"""At the door of a meetup: a facilitator finds people by name on a phone, checks them in
(or undoes a wrong tap), sees their table and how many have arrived, and admits someone
from the waiting list only by saying so; the QR code's page never checks a waiting-list
code in by itself."""

import pytest
from bs4 import BeautifulSoup

from planner.models import Booking, EventSeats, MeetupTables
from planner.packs.context import check_in_token
from planner.services.bookings import book_meetup, cancel_booking, promote_booking
from planner.services.carry_forward import lock_tables
from planner.services.checkin import check_in
from planner.services.facilitation import name_facilitator
from tests.factories import UserFactory, london, make_meetup
from tests.factories import registered_person as person
from tests.planner.helpers import started
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def people_listed(response) -> list[str]:
    page = BeautifulSoup(response.content, "html.parser")
    return [" ".join(li.get_text(" ").split()) for li in page.select(".door-list > li")]


def buttons(response) -> list[str]:
    page = BeautifulSoup(response.content, "html.parser")
    return [" ".join(b.get_text(" ").split()) for b in page.select("main button")]


@pytest.fixture
def door(conference, client):
    """The Leeds meetup, three places: Asha, Tom and Bea confirmed (tables locked, two a
    table), Wren and Will on the waiting list (no. 1 and no. 2); Fay facilitates it and is
    logged in."""
    meetup = make_meetup(conference, title="Leeds meetup", capacity=3)
    people = {
        key: person(conference, name, organisation=organisation)
        for key, name, organisation in [
            ("asha", "Asha Patel", "Salford City Council"),
            ("tom", "Tom Okafor", "Leeds City Council"),
            ("bea", "Bea Byrne", "Wakefield Council"),
            ("wren", "Wren Ashdown", "Bradford Council"),
            ("will", "Will Waters", "Kirklees Council"),
        ]
    }
    bookings = {key: book_meetup(delegate=delegate, event=meetup) for key, delegate in people.items()}
    fay = UserFactory(email="fay@leeds.gov.uk")
    name_facilitator(event=meetup, email="fay@leeds.gov.uk")
    lock_tables(event=meetup, size=2, by=UserFactory(is_superuser=True))
    client.force_login(fay)
    return {"meetup": meetup, "url": f"/door/{meetup.pk}/", "fay": fay, "client": client, **bookings}


def table_of(meetup, booking) -> int:
    plan = MeetupTables.objects.get(event=meetup).plan
    return next(table["number"] for table in plan if booking.delegate_id in table["members"])


def post(door, booking, action, q=""):
    return door["client"].post(door["url"], {"booking": booking.pk, "action": action, "q": q}, follow=True)


# -- The waiting list never pretends, from the QR code -------------------------------------


def test_a_waiting_list_code_shows_its_place_in_the_queue_and_offers_only_admit(door):
    response = door["client"].get(f"/checkin/{check_in_token(door['wren'].pk)}/")
    assert "On the waiting list (no. 1) – not a confirmed place" in text(response)
    assert "The meetup is full: admitting someone from the waiting list adds a place beyond capacity." in text(response)
    assert buttons(response)[-1] == "Admit Wren Ashdown"
    assert not any(label.startswith("Check") for label in buttons(response))


def test_posting_a_waiting_list_code_without_admit_refuses_and_checks_nobody_in(door):
    response = door["client"].post(f"/checkin/{check_in_token(door['wren'].pk)}/")
    assert response.status_code == 409
    assert "Not checked in: Wren Ashdown is on the waiting list. Admit them if they may come in." in text(response)
    wren = Booking.objects.get(pk=door["wren"].pk)
    assert (wren.status, wren.attended_at) == ("waitlisted", None)


def test_admitting_a_waiting_list_code_at_a_full_meetup_warns_and_raises_the_ceiling(door):
    url = f"/checkin/{check_in_token(door['wren'].pk)}/"
    response = door["client"].post(url, {"admit": "1"}, follow=True)
    assert "Wren Ashdown is admitted from the waiting list and checked in" in text(response)
    assert "The meetup is now 1 over capacity." in text(response)
    wren = Booking.objects.get(pk=door["wren"].pk)
    assert wren.status == "confirmed" and wren.attended_at is not None and wren.checked_in_by == door["fay"]
    seats = EventSeats.objects.get(event_id=door["meetup"].pk)
    assert (seats.confirmed, seats.waitlisted, seats.ceiling) == (4, 1, 4)
    door["client"].post(url, {"admit": "1"})  # a second tap at a busy door admits once
    assert EventSeats.objects.get(event_id=door["meetup"].pk).confirmed == 4


def test_a_confirmed_code_shows_the_table_and_links_to_the_door_list(door):
    response = door["client"].get(f"/checkin/{check_in_token(door['asha'].pk)}/")
    assert f"Confirmed · Table {table_of(door['meetup'], door['asha'])}" in text(response)
    links = BeautifulSoup(response.content, "html.parser").select(f"a[href='{door['url']}']")
    assert [a.get_text() for a in links] == ["Door list: find someone by name"]


# -- The door list ---------------------------------------------------------------------------


def test_searching_by_name_shows_organisation_table_and_status(door):
    response = door["client"].get(door["url"], {"q": "ASH"})  # any case: Asha, and Wren Ashdown
    table = table_of(door["meetup"], door["asha"])
    assert people_listed(response) == [
        f"Asha Patel Salford City Council Confirmed · Table {table} Check in Asha Patel",
        "Wren Ashdown Bradford Council On the waiting list (no. 1) – not a confirmed place Admit Wren Ashdown",
    ]
    assert "The meetup is full: admitting someone from the waiting list adds a place beyond capacity." in text(response)


def test_searching_by_organisation_words_in_any_order_finds_the_person(door):
    response = door["client"].get(door["url"], {"q": "council kirklees"})
    assert [row.split(" Kirklees")[0] for row in people_listed(response)] == ["Will Waters"]
    assert "On the waiting list (no. 2)" in people_listed(response)[0]


def test_checking_in_from_the_search_tells_the_table_and_counts_the_arrival(door):
    before = door["client"].get(door["url"])
    assert "0 arrived of 3 expected · 2 on the waiting list" in text(before)
    response = post(door, door["asha"], "check_in", q="asha")
    table = table_of(door["meetup"], door["asha"])
    assert f"Asha Patel is checked in: table {table}." in text(response)
    assert "1 arrived of 3 expected" in text(response)
    assert response.redirect_chain[-1][0] == f"{door['url']}?q=asha"  # back to the same search
    assert people_listed(response)[0].startswith(
        f"Asha Patel Salford City Council Confirmed · Table {table} Checked in at"
    )
    booking = Booking.objects.get(pk=door["asha"].pk)
    assert booking.attended_at is not None and booking.checked_in_by == door["fay"]


def test_the_check_in_time_is_shown_in_the_venues_zone(door):
    check_in(booking=door["tom"], by=door["fay"], at=london(door["meetup"].start.date(), 10, 42))
    response = door["client"].get(door["url"], {"q": "okafor"})
    assert "Checked in at 10:42 Undo" in people_listed(response)[0]


def test_undo_takes_a_wrong_check_in_back_and_offers_check_in_again(door):
    post(door, door["bea"], "check_in")
    latest = door["client"].get(door["url"])  # no search: the latest arrivals, to undo a wrong tap
    assert "Latest arrivals" in text(latest) and people_listed(latest)[0].startswith("Bea Byrne")
    response = post(door, door["bea"], "undo", q="bea")
    assert "Check-in undone: Bea Byrne is not checked in." in text(response)
    assert "0 arrived of 3 expected" in text(response)
    assert people_listed(response)[0].endswith("Check in Bea Byrne")
    booking = Booking.objects.get(pk=door["bea"].pk)
    assert (booking.status, booking.attended_at, booking.checked_in_by) == ("confirmed", None, None)


def test_check_in_on_a_waiting_list_person_is_refused_and_offers_admit(door):
    response = post(door, door["will"], "check_in")
    assert response.status_code == 409
    assert "Not checked in: Will Waters is on the waiting list (no. 2), not a confirmed place." in text(response)
    assert "Admit Will Waters" in buttons(response)
    assert Booking.objects.get(pk=door["will"].pk).attended_at is None


def test_admitting_from_the_door_list_at_a_full_meetup_warns_it_is_over_capacity(door):
    response = post(door, door["will"], "admit", q="will")
    assert "Will Waters is admitted from the waiting list and checked in" in text(response)
    assert "The meetup is now 1 over capacity." in text(response)
    assert "1 arrived of 4 expected · 1 on the waiting list · 1 over capacity" in text(response)
    assert EventSeats.objects.get(event_id=door["meetup"].pk).ceiling == 4


def test_admitting_when_a_place_is_free_confirms_without_a_warning(door):
    started(door["meetup"])  # on the day a cancelled place goes to nobody automatically
    cancel_booking(booking=door["bea"])
    listed = door["client"].get(door["url"], {"q": "wren"})
    assert "1 place free: admitting someone from the waiting list confirms their booking." in text(listed)
    response = post(door, door["wren"], "admit", q="wren")
    assert "Wren Ashdown is admitted from the waiting list and checked in" in text(response)
    assert "over capacity" not in text(response)
    seats = EventSeats.objects.get(event_id=door["meetup"].pk)
    assert (seats.confirmed, seats.ceiling) == (3, 3)
    assert "1 arrived of 3 expected · 1 on the waiting list" in text(response)


def test_a_search_matching_many_shows_thirty_and_asks_for_more_of_the_name(door, conference):
    for n in range(31):
        book_meetup(delegate=person(conference, f"Sam Smith {n:02}"), event=door["meetup"])
    response = door["client"].get(door["url"], {"q": "smith"})
    assert len(people_listed(response)) == 30
    assert "The first 30 found for “smith”" in text(response) and "type more of the name" in text(response)


def test_a_search_finding_nobody_says_what_to_try(door):
    response = door["client"].get(door["url"], {"q": "Nobody Such"})
    assert "Nobody booked matches “Nobody Such”" in text(response)
    assert "Try the surname alone, or their organisation." in text(response)


def test_the_dashboard_links_to_the_door_list(door):
    dashboard = door["client"].get(f"/admin/meetups/{door['meetup'].pk}/dashboard/")
    links = BeautifulSoup(dashboard.content, "html.parser").select(f"a[href='{door['url']}']")
    assert [a.get_text() for a in links] == ["at the door: check people in by name"]


# -- Who may use it --------------------------------------------------------------------------


def test_a_delegate_or_another_meetups_facilitator_is_refused_and_sees_nobody(door, conference, client):
    other = make_meetup(conference, title="York meetup")
    stranger = UserFactory(email="door@york.gov.uk")
    name_facilitator(event=other, email="door@york.gov.uk")
    for user in (door["asha"].delegate.user, stranger):
        client.force_login(user)
        response = client.get(door["url"], {"q": "a"})
        assert response.status_code == 403
        assert "Only this meetup’s facilitators and the planners can use its door list." in text(response)
        assert "Tom Okafor" not in text(response) and people_listed(response) == []
        client.post(door["url"], {"booking": door["tom"].pk, "action": "check_in"})
    assert Booking.objects.get(pk=door["tom"].pk).attended_at is None


def test_someone_not_logged_in_is_sent_to_log_in_and_back(door, client):
    client.logout()
    response = client.get(door["url"], {"q": "asha"})
    assert response.status_code == 302
    assert response["Location"] == f"/account/login/?next=/door/{door['meetup'].pk}/%3Fq%3Dasha"


def test_a_planner_can_use_every_meetups_door_list(door, planner_client):
    response = planner_client.get(door["url"], {"q": "tom"})
    assert people_listed(response)[0].startswith("Tom Okafor Leeds City Council Confirmed")


# -- Bad input -------------------------------------------------------------------------------


def test_a_very_long_search_is_refused_with_a_sentence(door):
    response = door["client"].get(door["url"], {"q": "x" * 5000})
    assert response.status_code == 400
    assert "Search for part of a name or an organisation, in at most 100 characters." in text(response)


def test_a_search_with_a_nul_byte_is_refused_with_a_sentence(door):
    response = door["client"].get(door["url"], {"q": "as\x00ha"})
    assert response.status_code == 400
    assert "NUL character" in text(response)


def test_control_characters_in_a_search_are_read_as_spaces(door):
    response = door["client"].get(door["url"], {"q": "asha\tpatel\x1b"})
    assert [row.split(" Salford")[0] for row in people_listed(response)] == ["Asha Patel"]


def test_a_booking_of_another_meetup_posted_here_is_refused_and_left_alone(door, conference):
    other = make_meetup(conference, title="York meetup")
    stranger = book_meetup(delegate=person(conference, "Yasmin York"), event=other)
    response = post(door, stranger, "check_in")
    assert response.status_code == 404
    assert "That booking is not one of this meetup’s: search for the person again." in text(response)
    assert Booking.objects.get(pk=stranger.pk).attended_at is None


def test_a_cancelled_booking_cannot_be_checked_in_or_admitted(door):
    cancel_booking(booking=door["will"])
    for action in ("check_in", "admit"):
        response = post(door, door["will"], action)
        assert response.status_code == 409
        assert "Will Waters’s booking was cancelled, so they have no place at this meetup." in text(response)
    assert Booking.objects.get(pk=door["will"].pk).attended_at is None


@pytest.mark.parametrize(
    "fields",
    [
        {"booking": "x" * 10_240, "action": "check_in"},
        {"booking": "-1", "action": "check_in"},
        {"booking": "99999999999999999999", "action": "undo"},
        {"action": "admit"},
    ],
)
def test_a_missing_or_mangled_booking_is_refused_with_a_sentence(door, fields):
    response = door["client"].post(door["url"], fields)
    assert response.status_code == 400
    assert "Choose a person from the list, then one of their buttons." in text(response)


def test_an_unknown_action_changes_nothing(door):
    response = door["client"].post(door["url"], {"booking": door["asha"].pk, "action": "delete"})
    assert response.status_code == 400 and "Choose a person from the list" in text(response)
    assert Booking.objects.get(pk=door["asha"].pk).attended_at is None


# -- Cost --------------------------------------------------------------------------------------


def test_the_door_list_costs_the_same_queries_however_many_are_booked(door, conference):
    check_in(booking=door["asha"], by=door["fay"])
    client = door["client"]
    few_found = queries_for(client, door["url"], q="council")
    few_latest = queries_for(client, door["url"])
    for n in range(40):
        booked = book_meetup(
            delegate=person(conference, f"Booker {n}", organisation="Calderdale Council"), event=door["meetup"]
        )
        if n % 3 == 0:
            check_in(booking=promote_booking(booking=booked), by=door["fay"])
    assert queries_for(client, door["url"], q="council") == few_found
    assert queries_for(client, door["url"]) == few_latest
