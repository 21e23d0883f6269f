"""Carry-forward: each regional meetup starts from its online context. What the meetup page
shows, to whom; the planner's dashboard and tables; outcomes posted back; and that a hidden
delegate appears on nobody else's page, feed, PDF or API response."""

import io
import json
import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from planner.models import Contribution, MeetupTables, Visibility
from planner.queries.carry_forward import attendee_ids, collect_digests, continued_sessions, visible_booked
from planner.queries.meetups import PEOPLE_PER_PAGE
from planner.queries.people import people_version
from planner.queries.people_to_meet import people_to_meet
from planner.queries.tables import suggest_tables
from planner.services.bookings import book_meetup
from planner.services.connections import request_connection, respond_to_connection
from planner.services.discussion import moderate_contribution, post_contribution, post_meetup_outcome
from planner.services.facilitation import name_facilitator
from tests.factories import UserFactory, london, make_meetup, make_session
from tests.factories import registered_person as person
from tests.planner.helpers import started
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def test_the_meetup_page_says_where_the_online_conference_left_off(client, world):
    page = BeautifulSoup(client.get(world["meetup"].url).content, "html.parser")
    digest = page.select_one(".digest")
    words = " ".join(digest.get_text(" ").split())
    assert digest.name == "details" and "Hospital discharge" in digest.summary.get_text()  # folded, titled
    assert "6 contributions from 3 delegates · 1 open question · 1 finding so far" in words
    assert "Trusted assessors cut our delays by a third." in words  # the finding and the most replied
    still_open = digest.find("h4", string="Questions still open").find_next("ul").get_text(" ")
    assert "Who funds step-down flats?" in still_open
    assert "Does weekend discharge work?" not in still_open  # answered, so no longer open
    assert "Not carried to this meetup." not in page.get_text()
    links = {a["href"] for a in digest.find_all("a")}
    assert f"/discussion/{world['busy'].pk}/" in links and f"/discussion/{world['open_question'].pk}/" in links


def test_whos_coming_names_only_those_who_chose_to_be_seen(client, world):
    client.logout()
    anonymous = text(client.get(world["meetup"].url))
    assert "3 delegates booked. 2 of them keep their profile private" in anonymous
    assert "Asha Patel" in anonymous and "Tom Okafor" not in anonymous
    client.force_login(world["asha"].user)
    fellow = BeautifulSoup(client.get(world["meetup"].url).content, "html.parser")
    coming = [li.get_text(" ", strip=True) for li in fellow.select("ul.coming li")]
    assert any(line.startswith("Tom Okafor") for line in coming)
    assert not any("Hannah" in line for line in coming)


def test_a_delegate_sees_their_marks_and_people_to_meet_with_reasons(client, world):
    asha, tom = world["asha"], world["tom"]
    connection = request_connection(requester=tom, recipient=asha)
    respond_to_connection(connection=connection, responder=asha, accept=True)
    client.force_login(asha.user)
    page = BeautifulSoup(client.get(world["meetup"].url).content, "html.parser")
    tom_line = next(li for li in page.select("ul.coming li") if li.get_text().startswith("Tom Okafor"))
    assert "Connected" in tom_line.get_text()
    meet = page.select("section[aria-labelledby=people-to-meet] ul.people > li")
    assert [li.h3.get_text() for li in meet] == ["Tom Okafor"]
    reasons = [" ".join(li.get_text(" ").split()) for li in meet[0].select("ul.reasons li")]
    assert reasons[0].startswith("You both wrote in: “") and "You are connected" in reasons
    assert meet[0].select_one(".tag--answer").get_text() == "Connected" and not meet[0].form  # no Connect button
    client.force_login(tom.user)
    assert "Connected" in next(
        li.get_text()
        for li in BeautifulSoup(client.get(world["meetup"].url).content, "html.parser").select("ul.coming li")
        if li.get_text().startswith("Asha Patel")
    )


def test_marks_show_only_to_the_two_people_concerned(client, world, conference):
    asha, tom = world["asha"], world["tom"]
    respond_to_connection(connection=request_connection(requester=tom, recipient=asha), responder=asha, accept=True)
    outsider = person(conference, "Olu Outsider")
    client.force_login(outsider.user)
    page = BeautifulSoup(client.get(world["meetup"].url).content, "html.parser")
    assert not page.select("ul.coming .tag--answer")


def test_tables_group_people_by_the_threads_they_share_and_say_why():
    threads = {1: {10}, 2: {10}, 3: {10, 11}, 4: {11}, 5: {11}, 6: {11}, 7: set(), 8: set()}
    interests = {7: {100}, 8: {100}}
    tables = suggest_tables(
        [1, 2, 3, 4, 5, 6, 7, 8],
        threads,
        interests,
        size=3,
        thread_names={10: "Discharge: trusted assessors", 11: "Discharge: weekend teams"},
        stream_names={100: "Care"},
    )
    assert [(t.number, t.label, t.members, t.reason) for t in tables] == [
        (1, "Discharge: weekend teams", [3, 4, 5], "All 3 wrote in this thread"),
        (2, "Discharge: trusted assessors", [1, 2, 6], "2 of 3 wrote in this thread"),  # 6 joins the smallest
        (3, "Care", [7, 8], "All 2 are interested in Care"),
    ]
    assert sorted(m for t in tables for m in t.members) == list(range(1, 9))  # everyone seated once
    again = suggest_tables(
        [1, 2, 3, 4, 5, 6, 7, 8], threads, interests, size=3, thread_names={}, stream_names={100: "Care"}
    )
    assert [t.members for t in again] == [t.members for t in tables]  # deterministic


def test_tables_follow_bookings_until_the_planner_locks_them(client, world, planner_client, conference):
    meetup = world["meetup"]
    dashboard = f"/admin/meetups/{meetup.pk}/dashboard/"
    tables = f"/admin/meetups/{meetup.pk}/tables/"
    response = planner_client.get(dashboard, {"size": 2})
    assert re.search(r"Lock (these \d+ tables|this table) of 2", text(response))
    planner_client.post(tables + "lock/", {"size": "2"})
    saved = MeetupTables.objects.get(event=meetup)
    assert saved.is_locked and saved.table_size == 2
    seated = sorted(pk for table in saved.plan for pk in table["members"])
    assert seated == sorted([world["asha"].pk, world["tom"].pk, world["hidden"].pk])
    newcomer = person(conference, "Nia Newcomer", Visibility.EVERYONE)
    book_meetup(delegate=newcomer, event=meetup)
    assert "1 booked since the lock, not seated yet: Nia Newcomer" in text(planner_client.get(dashboard))
    planner_client.post(tables + "move/", {"delegate": newcomer.pk, "table": 1})
    assert newcomer.pk in MeetupTables.objects.get(event=meetup).plan[0]["members"]
    response = planner_client.post(tables + "move/", {"delegate": newcomer.pk, "table": 99}, follow=True)
    assert "There is no table 99." in text(response)
    planner_client.post(tables + "unlock/", {"size": "6"})
    assert not MeetupTables.objects.get(event=meetup).is_locked


def test_the_dashboard_is_for_planners_and_the_meetups_facilitators_only(client, world):
    editor = UserFactory(email="editor@council.gov.uk")
    editor.groups.add(Group.objects.get(name="Editors"))  # Wagtail's content editors
    client.force_login(editor)
    response = client.get(f"/admin/meetups/{world['meetup'].pk}/dashboard/")
    assert response.status_code == 404 and "Hidden Hannah" not in response.content.decode()


def test_facilitators_post_outcomes_back_into_the_thread_it_continued(client, world, conference):
    meetup, continued = world["meetup"], world["continued"]
    facilitator = UserFactory(email="facilitator@council.gov.uk")
    name_facilitator(event=meetup, email="facilitator@council.gov.uk")
    client.force_login(facilitator)
    early = client.post(f"/meetups/{meetup.pk}/outcome/", {"session": continued.pk, "body": "Too soon to say."})
    assert early.status_code == 400 and "once the meetup has started" in text(early)
    assert "once the meetup has started, you can post" in text(client.get(meetup.url))
    started(meetup)
    assert "Post an outcome back online" in text(client.get(meetup.url))
    response = client.post(
        f"/meetups/{meetup.pk}/outcome/",
        {"session": continued.pk, "body": "Our table will pilot a **trusted assessor** in two boroughs."},
        follow=True,
    )
    assert "From the Leeds meetup" in text(response)  # the factory's venue is in Leeds
    outcome = Contribution.objects.get(from_meetup=meetup)
    assert outcome.session == continued
    assert "From the Leeds meetup" in text(client.get(continued.url))
    other = make_session(conference, title="Not continued", start=london(conference.start_date, 15))
    refused = client.post(f"/meetups/{meetup.pk}/outcome/", {"session": other.pk, "body": "x"})
    assert refused.status_code == 400 and "does not continue that session" in text(refused)
    client.force_login(world["asha"].user)
    assert client.post(f"/meetups/{meetup.pk}/outcome/", {"session": continued.pk, "body": "x"}).status_code == 403
    assert Contribution.objects.filter(from_meetup=meetup).count() == 1  # still only the facilitator's


def test_an_outcome_can_come_from_one_table_and_says_so(client, world):
    meetup, continued = started(world["meetup"]), world["continued"]
    facilitator = UserFactory(email="facilitator@council.gov.uk")
    name_facilitator(event=meetup, email=facilitator.email)
    client.force_login(facilitator)
    response = client.post(
        f"/meetups/{meetup.pk}/outcome/",
        {"session": continued.pk, "table": "1", "body": "Table 1 will pilot weekend discharge."},
        follow=True,
    )
    assert "From the Leeds meetup, table 1" in text(response)
    assert Contribution.objects.get(from_meetup=meetup).from_table == 1
    no_such = client.post(f"/meetups/{meetup.pk}/outcome/", {"session": continued.pk, "table": "99", "body": "x"})
    assert no_such.status_code == 400 and "has no table 99" in text(no_such)


def test_the_findings_page_says_what_each_region_added(client, world):
    facilitator = UserFactory(is_superuser=True)

    post_meetup_outcome(
        event=world["meetup"],
        session=world["continued"],
        body="Pilot a trusted assessor.",
        by=facilitator,
        now=world["meetup"].end,
    )
    page = text(client.get(world["conference"].url + "findings/"))
    assert "What the regions added" in page and "North West meetup" in page and "Pilot a trusted assessor." in page


def test_a_meetup_with_no_bookings_or_continued_sessions_has_a_sensible_page(client, conference):
    empty = make_meetup(conference, title="Quiet meetup")
    page = text(client.get(empty.url))
    assert "Nobody has booked yet." in page
    assert "Where the online conference left off" not in page
    assert "Post an outcome" not in page


def test_a_hidden_delegate_appears_on_no_one_elses_page_feed_pdf_or_api(client, world, conference):
    hidden = world["hidden"]
    name = "Hidden Hannah"
    moderator = UserFactory(is_superuser=True)
    moderate_contribution(contribution=world["open_question"], moderator=moderator, action="finding")
    fellow = person(conference, "Fiona Fellow")
    for viewer in (None, fellow, world["asha"]):
        client.logout()
        if viewer:
            client.force_login(viewer.user)
        for path in [
            world["meetup"].url,
            world["continued"].url,
            f"/discussion/{world['busy'].pk}/",
            f"/discussion/{world['open_question'].pk}/",
            conference.url,
            conference.url + "findings/",
            "/delegates/?q=Hannah",
            "/search/?q=Hannah",
            f"/api/v2/pages/{world['meetup'].pk}/",
            "/api/v2/pages/?type=planner.RegionalEventPage&fields=*",
            f"/calendar/event/{world['meetup'].pk}.ics",
            f"/calendar/session/{world['continued'].pk}.ics",
            f"/calendar/conference/{conference.pk}/schedule.json",
        ]:
            response = client.get(path)
            assert response.status_code == 200, path
            assert name not in response.content.decode(), (viewer, path)
        pdf = client.get(conference.url + "findings/pdf/").content
        assert name not in " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    client.force_login(hidden.user)  # she sees herself
    assert name in text(client.get(world["meetup"].url)) or name in text(client.get(world["continued"].url))


def test_the_meetup_page_costs_the_same_queries_however_many_bookings_and_contributions(client, world, conference):
    meetup, continued = world["meetup"], world["continued"]
    viewer = world["asha"]
    few_anonymous = queries_for(client, meetup.url)
    client.force_login(viewer.user)
    few_signed_in = queries_for(client, meetup.url)
    for n in range(12):
        someone = person(conference, f"Booker {n}", Visibility.EVERYONE if n % 2 else Visibility.CONFERENCE)
        book_meetup(delegate=someone, event=meetup)
        thread = post_contribution(author=someone, session=continued, body=f"Point {n}", is_question=n % 3 == 0)
        post_contribution(author=viewer, session=continued, body="Agreed", parent=thread)
    respond_to_connection(
        connection=request_connection(requester=someone, recipient=viewer), responder=viewer, accept=True
    )
    assert queries_for(client, meetup.url) == few_signed_in
    client.logout()
    assert queries_for(client, meetup.url) == few_anonymous


def test_the_api_and_json_never_list_who_is_coming(client, world):
    data = json.loads(client.get(f"/api/v2/pages/{world['meetup'].pk}/").content)
    assert "Asha Patel" not in json.dumps(data)  # even people visible to everyone: the API lists no attendees


def test_the_meetup_editor_links_to_its_dashboard(planner_client, world):
    meetup = world["meetup"]
    response = planner_client.get(f"/admin/pages/{meetup.pk}/edit/")
    assert f"/admin/meetups/{meetup.pk}/dashboard/" in response.content.decode()
    session_editor = planner_client.get(f"/admin/pages/{world['continued'].pk}/edit/").content.decode()
    assert "/dashboard/" not in session_editor


def test_the_digests_cost_the_same_queries_however_busy_the_sessions(world, conference):
    sessions = continued_sessions(world["meetup"])
    with CaptureQueriesContext(connection) as quiet:
        collect_digests(sessions)
    for n in range(15):
        thread = post_contribution(
            author=world["asha"], session=world["continued"], body=f"More {n}", is_question=n % 2 == 0
        )
        post_contribution(author=world["tom"], session=world["continued"], body="Reply", parent=thread)
    with CaptureQueriesContext(connection) as busy:
        digests = collect_digests(sessions)
    assert len(busy) == len(quiet)
    assert len(digests[0].open_questions) == 3 and len(digests[0].most_replied) == 3  # cut in the database


def test_people_to_meet_passes_over_hidden_people_however_well_they_match(world, conference):
    """Candidates are ranked before the visibility rule is applied, a few at a time: a crowd
    of hidden people who share more threads with Asha must not push Tom off her list."""
    asha = world["asha"]
    mine = [
        post_contribution(author=asha, session=world["continued"], body=text)
        for text in ("Anyone pooled budgets for this?", "Who runs your discharge hub?")
    ]
    crowd = [person(conference, f"Hidden {n}", Visibility.HIDDEN) for n in range(10)]
    for delegate in crowd:
        book_meetup(delegate=delegate, event=world["meetup"])
        for thread in (world["busy"], *mine):
            post_contribution(author=delegate, session=world["continued"], body="Same here.", parent=thread)
    ranked = people_to_meet(world["meetup"], viewer=asha, limit=2)
    assert [s.delegate.name for s in ranked] == ["Tom Okafor"]
    assert ranked[0].reasons[0].text == "You both wrote in"


def test_the_shared_list_of_who_is_coming_follows_every_change_to_people(world, conference):
    """Delegates of one conference share one cached list; a rename, a registration and a
    flushed cache each give the next reader what is true now, and a person revealed to one
    viewer (by asking to connect) is added for that viewer only."""
    meetup = world["meetup"]
    first, second = (person(conference, name) for name in ("Viewer One", "Viewer Two"))
    hidden = person(conference, "Quiet Quentin", Visibility.HIDDEN)
    book_meetup(delegate=hidden, event=meetup)
    booked = attendee_ids(meetup)

    def names(viewer):
        return [p.name for p in visible_booked(meetup, viewer=viewer, booked=booked)]

    assert names(first) == names(second) and "Quiet Quentin" not in names(first)
    request_connection(requester=hidden, recipient=first)  # Quentin reveals himself to One only
    assert "Quiet Quentin" in names(first) and "Quiet Quentin" not in names(second)

    before = people_version()
    asha = world["asha"]
    asha.name = "Renamed Person"
    asha.save()
    assert people_version() != before
    assert "Renamed Person" in names(second)

    cache.clear()  # a flushed cache never brings back an old version
    assert people_version() != before
    assert "Renamed Person" in names(second)


def test_the_dashboard_lists_people_a_page_at_a_time_and_costs_the_same_queries(world, planner_client, conference):
    meetup = world["meetup"]
    dashboard = f"/admin/meetups/{meetup.pk}/dashboard/"
    few = queries_for(planner_client, dashboard)
    crowd = [person(conference, f"Crowd {n:03d}", Visibility.CONFERENCE) for n in range(PEOPLE_PER_PAGE + 5)]
    meetup.capacity = 500
    meetup.save_revision().publish()
    for delegate in crowd:
        book_meetup(delegate=delegate, event=meetup)
    assert queries_for(planner_client, dashboard) == few

    first = BeautifulSoup(planner_client.get(dashboard).content, "html.parser")
    booked = len(crowd) + 3  # the world's three
    assert f"Booked and waiting ({booked})" in first.get_text()
    rows = first.find(id="people").find_next("table").tbody.find_all("tr")
    assert len(rows) == PEOPLE_PER_PAGE
    assert f"Showing 1–{PEOPLE_PER_PAGE} of {booked}" in first.get_text()
    second = BeautifulSoup(planner_client.get(dashboard, {"people": 2}).content, "html.parser")
    names = [row.td.get_text() for row in second.find(id="people").find_next("table").tbody.find_all("tr")]
    assert names[-1] == "Crowd 104" and len(names) == booked - PEOPLE_PER_PAGE
    nonsense = planner_client.get(dashboard, {"people": "lots"})
    assert nonsense.status_code == 200 and "Page 1 of 2" in nonsense.content.decode()


def test_the_dashboards_kept_discussion_sections_show_a_new_thread_at_the_next_request(world, planner_client):
    dashboard = f"/admin/meetups/{world['meetup'].pk}/dashboard/"
    assert "Is the funding recurrent?" not in text(planner_client.get(dashboard))
    post_contribution(author=world["tom"], session=world["continued"], body="Is the funding recurrent?")
    page = BeautifulSoup(planner_client.get(dashboard).content, "html.parser")
    threads = page.find("h2", string="Threads they were active in").find_next("table")
    assert "Is the funding recurrent?" in threads.get_text()
