"""A booked delegate's meetup page opens with their day: their place, their table (its thread,
first question and why each person sits there), people to meet with concrete reasons; then
the agenda, the digest, who's coming by organisation and every table, folded."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from planner.models import Visibility
from planner.queries.people_to_meet import people_to_meet
from planner.queries.tables import meetup_tables, suggest_tables
from planner.services.agenda import set_star
from planner.services.bookings import book_meetup
from planner.services.connections import request_connection, respond_to_connection
from planner.services.discussion import post_contribution
from tests.factories import make_session
from tests.factories import registered_person as person
from tests.querycount import queries_for
from venues.models import Place

pytestmark = pytest.mark.django_db


def page_of(client, meetup, **params):
    return BeautifulSoup(client.get(meetup.url, params).content, "html.parser")


def words(node) -> str:
    return " ".join(node.get_text(" ").split())


def test_a_booked_delegates_page_opens_with_their_day_in_order(client, world):
    client.force_login(world["asha"].user)
    page = page_of(client, world["meetup"])
    contents = [a["href"] for a in page.select("nav.contents a")]
    assert contents[:3] == ["#your-place", "#your-table", "#people-to-meet"]
    order = [node.get("id") for node in page.select("[id]")]
    wanted = ["your-place", "your-table", "people-to-meet", "agenda", "left-off", "whos-coming", "tables"]
    assert [name for name in order if name in wanted] == wanted
    for section in ("left-off", "whos-coming", "tables"):  # long sections fold, without script
        assert page.select_one(f"section[aria-labelledby={section}] details") is not None
    assert "You have a place." in words(page.select_one("#your-place"))


def test_a_waiting_delegate_sees_their_number_and_no_table(client, world, conference):
    world["meetup"].capacity = 3
    world["meetup"].save_revision().publish()
    late = person(conference, "Late Lou", Visibility.CONFERENCE)
    book_meetup(delegate=late, event=world["meetup"])
    client.force_login(late.user)
    page = page_of(client, world["meetup"])
    assert "You are number 1 on the waiting list." in words(page.select_one("#your-place"))
    assert page.select_one("#your-table") is None


def test_your_table_names_its_thread_first_question_and_why_each_person_is_there(client, world):
    client.force_login(world["asha"].user)
    table = page_of(client, world["meetup"]).select_one("section[aria-labelledby=your-table]")
    text = words(table)
    assert "Hospital discharge: “Trusted assessors cut our delays by a third.”" in text
    assert "First question: Who funds step-down flats?" in text  # the session's open question
    seats = [words(li) for li in table.select("ul.seats li")]
    assert seats[0] == "You – Wrote in this thread"
    assert "Tom Okafor – Wrote in this thread" in seats
    assert "Hidden Hannah" not in text  # counted, never named
    assert "And 1 other who keeps their profile private." in text


def test_people_to_meet_say_which_threads_and_interests_and_offer_to_connect(client, world, conference):
    asha, tom = world["asha"], world["tom"]
    stream = world["continued"].stream
    asha.interests.add(stream)
    tom.interests.add(stream)
    client.force_login(asha.user)
    card = page_of(client, world["meetup"]).select_one("section[aria-labelledby=people-to-meet] ul.people > li")
    text = words(card)
    assert card.h3.get_text() == "Tom Okafor"
    assert "You both wrote in: “Trusted assessors cut our delays by a…”" in text
    assert f"Both interested in {stream.name}" in text and "in common" not in text
    wrote = card.select_one(".person-actions a")
    assert wrote.get_text().startswith("What they wrote") and "#c-" in wrote["href"]
    assert card.form["action"] == f"/delegates/{tom.pk}/connect/" and "Connect" in words(card.form)
    request_connection(requester=asha, recipient=tom)
    card = page_of(client, world["meetup"]).select_one("section[aria-labelledby=people-to-meet] ul.people > li")
    assert card.form is None and "Request waiting" in words(card)


def test_people_to_meet_rank_continued_threads_then_replies_then_interests(world, conference):
    asha, meetup = world["asha"], world["meetup"]
    stream = world["continued"].stream
    asha.interests.add(stream)
    elsewhere = make_session(conference, title="Not continued", start=world["continued"].start.replace(hour=15))
    replier, sharer, writer = (
        person(conference, name, Visibility.EVERYONE) for name in ("Rae Replier", "Sam Sharer", "Wyn Writer")
    )
    for delegate in (replier, sharer, writer):
        book_meetup(delegate=delegate, event=meetup)
    sharer.interests.add(stream)
    mine = post_contribution(author=asha, session=elsewhere, body="How do you fund a discharge hub?")
    post_contribution(author=replier, session=elsewhere, body="From the better care fund.", parent=mine)
    post_contribution(author=writer, session=world["continued"], body="Our weekend team helped most.")
    ranked = [match.delegate.name for match in people_to_meet(meetup, viewer=asha)]
    assert ranked == ["Tom Okafor", "Wyn Writer", "Rae Replier", "Sam Sharer"]
    reasons = {match.delegate.name: match.reason_texts for match in people_to_meet(meetup, viewer=asha)}
    assert reasons["Rae Replier"][0] == "Replied to you in: “How do you fund a discharge hub?”"
    assert reasons["Wyn Writer"][0] == "Wrote in a thread this meetup continues: “Our weekend team helped most.”"
    assert reasons["Sam Sharer"] == [f"Both interested in {stream.name}"]


def test_every_seat_has_a_reason_and_no_two_tables_start_alike():
    threads = {1: {10}, 2: {10}, 3: {10}, 4: {10}, 5: set(), 6: set(), 7: set(), 8: set()}
    tables = suggest_tables(
        list(range(1, 9)),
        threads,
        {7: {100}},
        size=2,
        thread_names={10: "Discharge: “Trusted assessors”", 11: "Discharge: “Weekend teams”", 12: "Care: “Rotas”"},
        stream_names={100: "Care"},
        thread_sessions={10: 50, 11: 50, 12: 51},
        session_names={50: "Discharge", 51: "Care"},
        starred={5: {50}, 6: {50}},
        session_threads={50: [10, 11], 51: [12]},
        open_questions={50: ["Who funds step-down flats?"]},
        session_streams={50: 100, 51: 100},
    )
    assert len({table.label for table in tables}) == len(tables)  # each its own thread
    assert len({table.question for table in tables}) == len(tables)
    seats = {pk: why for table in tables for pk, why in table.seats.items()}
    assert sorted(seats) == list(range(1, 9))  # everyone seated, once, with a reason
    assert seats[1] == "Wrote in this thread"
    assert seats[5] == seats[6] == "Starred “Discharge”"  # silent, but starred what the meetup continues
    assert seats[7] == "Interested in Care"
    assert seats[8] == "New to these discussions: brings a fresh view"


def test_a_locked_plan_keeps_each_tables_question_and_seat_reasons(world, planner_client):
    meetup = world["meetup"]
    planner_client.post(f"/admin/meetups/{meetup.pk}/tables/lock/", {"size": "6"})
    tables, saved = meetup_tables(meetup)
    assert saved.is_locked
    assert tables[0].question == "Who funds step-down flats?"
    assert tables[0].seats[world["asha"].pk] == "Wrote in this thread"


def test_whos_coming_is_grouped_by_organisation_and_filters_by_name_or_organisation(client, world, conference):
    person(conference, "Bea Bolton", Visibility.EVERYONE, organisation="Bolton Council")
    book_meetup(
        delegate=person(conference, "Cal Salford", Visibility.EVERYONE, organisation="Salford City Council"),
        event=world["meetup"],
    )
    client.force_login(world["asha"].user)
    coming = page_of(client, world["meetup"]).select_one("section[aria-labelledby=whos-coming]")
    groups = {
        words(h3).rsplit(" (", 1)[0]: [li.find(string=True).strip() for li in h3.find_next("ul").select("li")]
        for h3 in coming.select("h3.org")
    }
    assert groups["Salford City Council"] == ["Asha Patel", "Cal Salford"]
    assert list(groups) == sorted(groups)  # organisations in order
    found = page_of(client, world["meetup"], who="salford").select_one("section[aria-labelledby=whos-coming]")
    assert found.details.has_attr("open") and "2 matches for “salford”" in words(found.summary)
    assert "Tom Okafor" not in words(found)
    none = page_of(client, world["meetup"], who="x" * 500).select_one("section[aria-labelledby=whos-coming]")
    assert "Nobody matches" in words(none)  # a long filter is cut, not refused


def test_the_signed_in_meetup_page_costs_the_same_queries_with_more_people_booked(client, world, conference):
    client.force_login(world["asha"].user)
    few = queries_for(client, world["meetup"].url)
    for n in range(12):
        delegate = person(conference, f"Extra {n}", Visibility.EVERYONE, organisation=f"Council {n % 4}")
        book_meetup(delegate=delegate, event=world["meetup"])
        post_contribution(author=delegate, session=world["continued"], body=f"Point {n}", parent=world["busy"])
        set_star(delegate=delegate, session=world["continued"], starred=True)
    assert queries_for(client, world["meetup"].url) == few


def test_the_anonymous_page_keeps_its_order_without_a_day(client, world):
    page = page_of(client, world["meetup"])
    assert page.select_one("#your-table") is None and page.select_one("#people-to-meet") is None
    assert [a["href"] for a in page.select("nav.contents a")][0] == "#agenda"


def test_after_everything_shared_people_who_live_near_you_come_next(world, conference):
    asha, meetup = world["asha"], world["meetup"]

    def town(name, geonameid, lat, lon):
        return Place.objects.create(
            geonameid=geonameid, name=name, ascii_name=name.lower(), region="ENG", latitude=lat, longitude=lon
        )

    asha.home_place = town("Salford", 1, Decimal("53.4875"), Decimal("-2.2901"))
    asha.save()
    neighbour = person(conference, "Nia Neighbour", Visibility.EVERYONE)
    neighbour.home_place = town("Stockport", 2, Decimal("53.4084"), Decimal("-2.1493"))  # 13 km away
    neighbour.save()
    faraway = person(conference, "Fen Faraway", Visibility.EVERYONE)
    faraway.home_place = town("Truro", 3, Decimal("50.2632"), Decimal("-5.0510"))
    faraway.save()
    for delegate in (neighbour, faraway):
        book_meetup(delegate=delegate, event=meetup)
    matches = people_to_meet(meetup, viewer=asha)
    assert [m.delegate.name for m in matches] == ["Tom Okafor", "Nia Neighbour"]  # nothing in common: not listed
    assert matches[-1].reason_texts == ["Lives near you"]


def test_what_the_page_caches_never_hides_a_rename_a_new_privacy_choice_or_a_connection(client, world, conference):
    """The ranking of people to meet and the folded lists are cached; names, the visibility
    rule and connections are read on every request, so a change shows at once."""
    asha, tom, meetup = world["asha"], world["tom"], world["meetup"]
    client.force_login(asha.user)
    page_of(client, meetup)  # fills the caches

    def sections():
        page = page_of(client, meetup)
        found = {
            name: page.select_one(f"section[aria-labelledby={name}]")
            for name in ("people-to-meet", "whos-coming", "tables")
        }
        return {name: words(node) if node else "" for name, node in found.items()}

    tom.name = "Tom Okafor-Reid"
    tom.save()
    assert all("Tom Okafor-Reid" in text for text in sections().values())
    request_connection(requester=asha, recipient=tom)
    assert "Request waiting" in sections()["people-to-meet"]
    tom.visibility = Visibility.HIDDEN
    tom.save()
    assert not any("Tom Okafor" in text for text in sections().values())


def test_two_viewers_never_share_a_list_that_reads_differently_for_them(client, world, conference):
    """The folded lists are cached by what they show: Asha's mark on Tom and her "You" stay hers."""
    asha, tom, meetup = world["asha"], world["tom"], world["meetup"]
    cal = person(conference, "Cal Clarke", Visibility.EVERYONE)
    book_meetup(delegate=cal, event=meetup)
    respond_to_connection(connection=request_connection(requester=asha, recipient=tom), responder=tom, accept=True)

    def coming_as(viewer):
        client.force_login(viewer.user)
        section = page_of(client, meetup).select_one("section[aria-labelledby=whos-coming]")
        return {li.contents[0].strip(): words(li) for li in section.select("ul.coming li")}

    seen_by_asha, seen_by_cal = coming_as(asha), coming_as(cal)
    assert "Connected" in seen_by_asha["Tom Okafor"] and "You" in seen_by_asha["Asha Patel"]
    assert "Connected" not in seen_by_cal["Tom Okafor"] and "You" not in seen_by_cal["Asha Patel"]
    assert "You" in seen_by_cal["Cal Clarke"]
