"""The conference panel on the Wagtail admin home page: what a planner sees there, who does
not get it, what it costs, and the activity grid it draws."""

import re
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from defusedxml import ElementTree
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.caching import content_changed
from planner.models import Booking, Contribution, PackFile, PackRun, PackStatus
from planner.queries.discussion import ActivityTable, count_activity
from planner.services.bookings import book_meetup
from planner.services.cancellations import cancel_page
from planner.services.discussion import post_contribution
from planner.workspace.activity_grid import SHADES, activity_grid_svg
from tests.factories import UserFactory, VenueFactory, london, make_conference, make_meetup, make_session
from tests.factories import registered_person as person
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def panel(response, conference):
    """The conference's panel on the admin home page, or None."""
    page = BeautifulSoup(response.content, "html.parser")
    return page.find(id=f"relay-conference-{conference.pk}-section")


def grid_of(response, conference):
    """The conference's activity grid, parsed as XML from the page's own bytes."""
    found = re.search(
        rf'<svg [^>]*aria-labelledby="relay-activity-{conference.pk}-title".*?</svg>', response.content.decode(), re.S
    )
    return ElementTree.fromstring(found.group(0))


def figures(section) -> dict[str, str]:
    return {
        div.dt.get_text(strip=True): div.dd.get_text(" ", strip=True) for div in section.select(".relay-figures > div")
    }


def meetup_rows(section) -> dict[str, list[str]]:
    """Each meetup's row by title: its cells' text."""
    rows = {}
    for row in section.select("tbody tr"):
        if row.th and row.th.a and "/dashboard/" in row.th.a["href"]:
            rows[row.th.a.get_text(strip=True)] = [row.th.get_text(" ", strip=True)] + [
                cell.get_text(" ", strip=True) for cell in row.find_all("td")
            ]
    return rows


def grid_cells(root) -> list[str]:
    """The numbers drawn in the grid's shaded cells, row by row."""
    texts = root.findall(f"{SVG}text")
    shaded = {(rect.get("x"), rect.get("y")) for rect in root.findall(f"{SVG}rect")}
    numbers = [text for text in texts if text.get("fill") != "currentColor"]
    assert len(numbers) == len(shaded)
    return ["".join(text.itertext()) for text in numbers]


def written_on(contributions, day: date, hour: int = 12) -> None:
    Contribution.objects.filter(pk__in=[c.pk for c in contributions]).update(created_at=london(day, hour))


def run_of(meetup, statuses, *, minutes_ago=0):
    """A pack run for ``meetup`` with a file per confirmed booking, in ``statuses`` order."""
    run = PackRun.objects.create(event=meetup, created_at=timezone.now() - timedelta(minutes=minutes_ago))
    bookings = Booking.objects.filter(event=meetup, status="confirmed").order_by("pk")
    PackFile.objects.bulk_create(
        [PackFile(run=run, booking=booking, status=status) for booking, status in zip(bookings, statuses, strict=False)]
    )
    return run


def test_a_planner_sees_bookings_checkins_discussion_questions_and_packs_for_each_conference(
    planner_client, world, conference
):
    meetup = world["meetup"]
    small = make_meetup(conference, title="Tiny Truro meetup", venue=VenueFactory(town="Truro"), capacity=1)
    for name in ("Kim Walker", "Lee Jones"):
        book_meetup(delegate=person(conference, name), event=small)  # one place, one waiting
    Booking.objects.filter(event=meetup, delegate=world["tom"]).update(attended_at=timezone.now())
    run_of(meetup, [PackStatus.DONE, PackStatus.DONE, PackStatus.FAILED])
    run_of(meetup, [PackStatus.FAILED] * 3, minutes_ago=60)  # an older run, saved later: not the one shown
    first, second = conference.streams.order_by("sort_order")[:2]
    written_on(Contribution.objects.filter(session=world["continued"]), conference.start_date + timedelta(days=1))
    care = make_session(conference, title="Care at home", stream=second, start=london(conference.start_date, 14))
    written_on(
        [post_contribution(author=world["asha"], session=care, body=f"Point {n}") for n in range(2)],
        conference.start_date + timedelta(days=2),
    )
    Contribution.objects.filter(session__title="Town deals").delete()  # keep "Before" out of the grid

    response = planner_client.get("/admin/")
    section = panel(response, conference)

    assert section.h2.get_text(strip=True) == conference.title
    assert figures(section) == {
        "Registered online": "5",
        "Meetup places": "4 of 61",
        "On waiting lists": "1",
        "Checked in": "1",
        "Contributions": "8",
        "Open questions": "1",
    }
    rows = meetup_rows(section)
    assert rows["North West meetup"][2:] == ["3 of 60", "0", "1", "2 done, 1 failed of 3"]
    assert rows["Tiny Truro meetup"][2:] == ["1 of 1", "1", "0", "None yet"]
    assert [link["href"] for link in section.select("th a")][:2] == [
        f"/admin/meetups/{meetup.pk}/dashboard/",
        f"/admin/meetups/{small.pk}/dashboard/",
    ]
    findings = f"{conference.url}findings/"
    assert section.find("a", string="1")["href"] == findings  # the open question leads to the findings
    assert section.find("a", string="Findings page")["href"] == findings
    assert section.find("a", string="Sessions and meetups in the page tree")["href"] == f"/admin/pages/{conference.pk}/"
    # Six in the first stream on Tuesday, two in the second on Wednesday, in the grid ...
    grid = grid_of(response, conference)
    assert grid_cells(grid) == ["0", "6", "0", "0", "0", "0", "0", "2", "0", "0", "0", "0", "0", "0", "0"]
    assert grid.find(f"{SVG}title").text == (
        "Contributions per day and stream. 8 contributions; busiest day Tue 9 with 6, "
        "busiest stream Digital and data with 6."
    )
    # ... and in the table beside it, for anyone who cannot see the grid.
    table = section.find("caption", string=lambda text: text and "Contributions per stream and day" in text).parent
    assert [cell.get_text(strip=True) for cell in table.select("tbody tr")[1].find_all(["th", "td"])] == [
        second.name,
        "0",
        "0",
        "2",
        "0",
        "0",
        "2",
    ]
    assert first.name in table.get_text()


def test_moderators_and_editors_without_bookings_do_not_get_the_conference_panel(client, world, conference):
    moderator = UserFactory(email="moderator@council.gov.uk")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    editor = UserFactory(email="editor@council.gov.uk")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    for user in (moderator, editor):
        client.force_login(user)
        response = client.get("/admin/")
        assert "Dashboard" in response.content.decode()  # the home page itself, served
        assert panel(response, conference) is None
        assert "North West meetup" not in response.content.decode()


def test_a_planner_given_only_view_booking_gets_the_panel_without_edit_links(client, world, conference):
    planner = UserFactory(email="planner@council.gov.uk")
    planner.user_permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_booking")
    )
    client.force_login(planner)
    section = panel(client.get("/admin/"), conference)
    assert figures(section)["Meetup places"] == "3 of 60"
    assert section.find("a", string="Programme") is None  # the grid is for those who may edit it
    assert section.find("a", string="Registrations") is None  # needs view_registration


def test_a_cancelled_meetup_is_marked_with_its_reason_and_left_out_of_the_totals(planner_client, world, conference):
    spare = make_meetup(conference, title="Leeds meetup", venue=VenueFactory(town="Leeds"), capacity=20)
    book_meetup(delegate=world["asha"], event=spare)
    cancel_page(page=world["meetup"], reason="The venue flooded; we are looking for another.", by=None)

    section = panel(planner_client.get("/admin/"), conference)

    rows = meetup_rows(section)
    assert "Cancelled The venue flooded; we are looking for another." in rows["North West meetup"][0]
    assert "Cancelled" not in rows["Leeds meetup"][0]
    assert figures(section)["Meetup places"] == "1 of 20"


def test_the_admin_home_costs_the_same_whatever_the_meetups_sessions_and_contributions(
    planner_client, world, conference
):
    run_of(world["meetup"], [PackStatus.DONE])
    one = queries_for(planner_client, "/admin/")

    streams = list(conference.streams.all())
    for number in range(4):
        meetup = make_meetup(
            conference, title=f"Meetup {number}", venue=VenueFactory(), day=date(2027, 4, 15 + number), capacity=2
        )
        for name in ("A", "B", "C"):
            book_meetup(delegate=person(conference, f"{name} {number}"), event=meetup)
        run_of(meetup, [PackStatus.DONE, PackStatus.FAILED])
        run_of(meetup, [PackStatus.DONE])
        session = make_session(
            conference,
            title=f"Session {number}",
            stream=streams[number % 3],
            start=london(conference.start_date + timedelta(days=number), 10),
        )
        thread = post_contribution(author=world["asha"], session=session, body="A thread", is_question=True)
        for reply in range(5):
            post_contribution(author=world["tom"], session=session, body=f"Reply {reply}", parent=thread)
    cancel_page(page=meetup, reason="Too few people.", by=None)

    assert queries_for(planner_client, "/admin/") == one


def test_the_panel_costs_one_query_once_counted_whatever_the_number_of_conferences(planner_client, db):
    without = queries_for(planner_client, "/admin/")

    conference = make_conference()
    make_meetup(conference)
    with_one = queries_for(planner_client, "/admin/")
    make_meetup(make_conference(slug="second-conference"), title="Another meetup")
    with_two = queries_for(planner_client, "/admin/")
    # The counts and the drawn panels come from the cache for a minute: only which
    # conferences the planner may edit is read on each visit.
    assert with_one - without == 1
    assert with_two == with_one


def recount_queries(client) -> int:
    """Queries for the admin home when it counts again: warm once, then retire what is cached
    under the content version (the counts among it; each conference's day-by-stream counts
    keep their own five minutes) and count the next request."""
    client.get("/admin/")
    content_changed()
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/admin/")
    assert response.status_code == 200
    return len(captured)


def add_conference_with_booked_meetups(number: int, meetups: int = 1) -> None:
    conference = make_conference(slug=f"conference-{number}")
    for index in range(meetups):
        meetup = make_meetup(
            conference, title=f"Meetup {number}-{index}", venue=VenueFactory(), day=date(2027, 4, 14 + index)
        )
        for name in ("A", "B", "C"):  # two places: two confirmed, one waiting
            book_meetup(delegate=person(conference, f"{name} {number}-{index}"), event=meetup)
        Booking.objects.filter(event=meetup, status="confirmed").update(attended_at=timezone.now())
        run_of(meetup, [PackStatus.DONE, PackStatus.FAILED])
    make_session(conference, title=f"Session {number}")


def test_counting_the_admin_home_costs_the_same_for_one_and_five_conferences_with_booked_meetups(planner_client, db):
    add_conference_with_booked_meetups(0)
    one = (recount_queries(planner_client), queries_for(planner_client, "/admin/"))

    for number in range(1, 5):
        add_conference_with_booked_meetups(number, meetups=3)
    five = (recount_queries(planner_client), queries_for(planner_client, "/admin/"))

    assert five == one
    assert one[0] > one[1]  # the recount did count


def test_the_counts_are_kept_a_minute_and_say_when_they_were_counted(planner_client, world, conference):
    section = panel(planner_client.get("/admin/"), conference)
    assert (figures(section)["Registered online"], figures(section)["Meetup places"]) == ("3", "3 of 60")
    assert re.search(r"Counted at \d\d:\d\d\.", section.get_text(" ", strip=True))

    book_meetup(delegate=person(conference, "Kim Walker"), event=world["meetup"])
    kept = panel(planner_client.get("/admin/"), conference)
    assert (figures(kept)["Registered online"], figures(kept)["Meetup places"]) == ("3", "3 of 60")

    cache.clear()  # the minute is up (the cache's own timeout, which a test cannot wait for)
    recounted = panel(planner_client.get("/admin/"), conference)
    assert (figures(recounted)["Registered online"], figures(recounted)["Meetup places"]) == ("4", "4 of 60")


def test_a_meetup_cancelled_since_the_count_shows_as_cancelled_at_once(planner_client, world, conference):
    assert "Cancelled" not in meetup_rows(panel(planner_client.get("/admin/"), conference))["North West meetup"][0]

    cancel_page(page=world["meetup"], reason="The venue flooded.", by=None)  # moves the content version on

    section = panel(planner_client.get("/admin/"), conference)
    assert "Cancelled The venue flooded." in meetup_rows(section)["North West meetup"][0]
    assert figures(section)["Meetup places"] == "0 of 0"


def test_a_panel_drawn_for_one_planner_does_not_give_another_their_links(planner_client, world, conference):
    drawn = panel(planner_client.get("/admin/"), conference)  # drawn once, kept for the minute
    assert drawn.find("a", string="Registrations")["href"].endswith(f"?conference={conference.pk}")

    planner = UserFactory(email="planner@council.gov.uk")
    planner.user_permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_booking")
    )
    other = Client()
    other.force_login(planner)
    section = panel(other.get("/admin/"), conference)

    assert section.find("a", string="Registrations") is None
    assert section.find("a", string="Programme") is None
    assert figures(section)["Meetup places"] == "3 of 60"


def test_the_activity_grid_is_well_formed_svg_that_says_what_it_shows():
    table = ActivityTable(
        columns=["Mon 8", "Tue 9", "After"],
        rows=[("Data & <digital>", [3, 40, 1], 44), ("Care", [0, 2, 0], 2)],
        column_totals=[3, 42, 1],
        total=46,
    )
    root = ElementTree.fromstring(str(activity_grid_svg(table, id_prefix="grid-7")))
    assert root.get("role") == "img" and root.get("aria-labelledby") == "grid-7-title"
    title = root.find(f"{SVG}title")
    assert title.get("id") == "grid-7-title"
    assert title.text == (
        "Contributions per day and stream. 46 contributions; busiest day Tue 9 with 42, "
        "busiest stream Data & <digital> with 44."
    )
    texts = ["".join(text.itertext()) for text in root.iter(f"{SVG}text")]
    assert texts[:4] == ["Mon 8", "Tue 9", "After", "Total"]
    assert "Data & <digital>" in texts and "All streams" in texts
    fills = [rect.get("fill") for rect in root.iter(f"{SVG}rect")]
    assert fills[1] == SHADES[-1][0] and fills[3] == SHADES[0][0]  # busiest darkest, none lightest


def test_a_conference_with_no_contributions_still_draws_a_grid_that_says_so(conference):
    table = count_activity(conference, tz=conference.zone)
    root = ElementTree.fromstring(str(activity_grid_svg(table, id_prefix="empty")))
    assert root.find(f"{SVG}title").text == "Contributions per day and stream. No contributions yet."
    assert {rect.get("fill") for rect in root.iter(f"{SVG}rect")} == {SHADES[0][0]}
    assert len(list(root.iter(f"{SVG}rect"))) == 15  # three streams by five days, all at zero
    assert int(root.get("height")) > 0 and int(root.get("width")) > 0


def contrast(first: str, second: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_every_shade_of_the_grid_keeps_its_numbers_readable():
    assert all(contrast(fill, ink) >= 4.5 for fill, ink in SHADES)
