"""Planners see, filter, export and manage bookings in the Wagtail admin."""

import csv
import io

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from planner.models import Booking
from planner.services.agenda import register_online
from planner.services.bookings import book_meetup
from tests.factories import DelegateFactory, make_conference, make_meetup
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_meetup(conference):
    meetup = make_meetup(conference, title="Leeds meetup", capacity=2)
    people = [
        DelegateFactory(name="Ann Able", organisation="Leeds City Council"),
        DelegateFactory(name="Bob Baker", organisation="Bradford Council"),
        DelegateFactory(name="Cat Cole", organisation="Leeds City Council"),
        DelegateFactory(name="Dev Dutt", organisation="Kirklees Council"),
    ]
    return meetup, [book_meetup(delegate=p, event=meetup) for p in people]


def test_bookings_list_filters_by_status_and_organisation_showing_queue_positions(planner_client, full_meetup):
    meetup, _ = full_meetup
    page = planner_client.get("/admin/bookings/", {"event": meetup.pk, "status": "waitlisted"}).content.decode()
    assert "Cat Cole" in page and "Dev Dutt" in page and "Ann Able" not in page
    leeds = planner_client.get("/admin/bookings/", {"organisation": "leeds"}).content.decode()
    assert "Ann Able" in leeds and "Cat Cole" in leeds and "Bob Baker" not in leeds


def test_bookings_export_as_csv_with_readable_headings(planner_client, full_meetup):
    response = planner_client.get("/admin/bookings/", {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [row["Name"] for row in rows] == ["Ann Able", "Bob Baker", "Cat Cole", "Dev Dutt"]
    assert rows[2]["Status"] == "waitlisted" and rows[0]["Meetup"] == "Leeds meetup"


def test_planner_cancels_with_a_reason_and_the_queue_moves(planner_client, full_meetup):
    meetup, bookings = full_meetup
    response = planner_client.post(f"/admin/bookings/{bookings[0].pk}/", {"action": "cancel", "reason": "Duplicate"})
    assert response.status_code == 302
    assert [b.status for b in Booking.objects.order_by("id")] == ["cancelled", "confirmed", "confirmed", "waitlisted"]
    assert Booking.objects.get(pk=bookings[0].pk).cancel_reason == "Duplicate"


def test_planner_must_give_a_reason(planner_client, full_meetup):
    _, bookings = full_meetup
    response = planner_client.post(f"/admin/bookings/{bookings[3].pk}/", {"action": "promote", "reason": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Booking.objects.get(pk=bookings[3].pk).status == "waitlisted"


def test_delegates_cannot_reach_the_bookings_admin(client, full_meetup):
    client.force_login(DelegateFactory().user)
    response = client.get("/admin/bookings/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_bookings_list_costs_the_same_with_4_and_40_bookings(planner_client, full_meetup):
    meetup, _ = full_meetup

    few = queries_for(planner_client, "/admin/bookings/")
    for person in DelegateFactory.create_batch(36):
        book_meetup(delegate=person, event=meetup)
    assert queries_for(planner_client, "/admin/bookings/") == few


def test_registrations_list_filters_by_conference_and_exports(planner_client, conference):
    other = make_conference(slug="other-conference")
    register_online(delegate=DelegateFactory(name="Here Hana"), conference=conference)
    register_online(delegate=DelegateFactory(name="There Theo"), conference=other)
    page = planner_client.get("/admin/registrations/", {"conference": conference.pk}).content.decode()
    assert "Here Hana" in page and "There Theo" not in page
    export = planner_client.get("/admin/registrations/", {"conference": conference.pk, "export": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert [(row["Name"], row["Conference"]) for row in rows] == [("Here Hana", conference.title)]


def test_registrations_list_costs_the_same_with_2_and_30_people(planner_client, conference):
    for person in DelegateFactory.create_batch(2):
        register_online(delegate=person, conference=conference)
    few = queries_for(planner_client, "/admin/registrations/")
    for person in DelegateFactory.create_batch(28):
        register_online(delegate=person, conference=conference)
    assert queries_for(planner_client, "/admin/registrations/") == few


def test_meetup_edit_page_shows_places_and_the_waiting_list(planner_client, full_meetup):
    meetup, _ = full_meetup
    page = " ".join(
        BeautifulSoup(planner_client.get(f"/admin/pages/{meetup.pk}/edit/").content, "html.parser")
        .get_text(" ")
        .split()
    )
    assert "Confirmed places 2 of 2" in page
    assert "On the waiting list 2" in page


def test_conference_edit_page_shows_how_many_registered(planner_client, conference):
    for person in DelegateFactory.create_batch(3):
        register_online(delegate=person, conference=conference)
    page = planner_client.get(f"/admin/pages/{conference.pk}/edit/").content.decode()
    assert "Registered to attend online" in page and ">3 · <" in page.replace("\n", "")


def xlsx_rows(response) -> list[dict]:
    """The rows of an XLSX export, read back with openpyxl, keyed by heading."""

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    headings, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(headings, row, strict=True)) for row in rows]


def test_bookings_export_as_xlsx_with_local_times_and_formula_safe_names(planner_client, full_meetup):
    meetup, bookings = full_meetup
    formula = '=HYPERLINK("http://evil.example")'
    bookings[0].delegate.name = formula
    bookings[0].delegate.save()
    response = planner_client.get("/admin/bookings/", {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = xlsx_rows(response)
    assert [row["Name"] for row in rows] == ["'" + formula, "Bob Baker", "Cat Cole", "Dev Dutt"]
    booked = bookings[1].created_at.astimezone(timezone.get_current_timezone()).replace(tzinfo=None)
    assert abs((rows[1]["Booked at"] - booked).total_seconds()) < 1
    assert rows[2]["Status"] == "waitlisted" and rows[0]["Meetup"] == "Leeds meetup"


def test_registrations_export_as_xlsx(planner_client, conference):
    register_online(delegate=DelegateFactory(name="Here Hana"), conference=conference)
    rows = xlsx_rows(planner_client.get("/admin/registrations/", {"export": "xlsx"}))
    assert [(row["Name"], row["Conference"]) for row in rows] == [("Here Hana", conference.title)]


def test_plain_editors_cannot_see_or_export_delegates(client, conference, django_user_model):
    editor = django_user_model.objects.create_user("editor", "editor@example.org", "pw")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get("/admin/registrations/", {"export": "csv"}).status_code in (302, 403)
    assert client.get("/admin/bookings/").status_code in (302, 403)
    assert "Bookings" not in client.get("/admin/").content.decode()
    planners = Group.objects.create(name="Event planners")
    planners.permissions.add(Permission.objects.get(codename="view_registration"))
    editor.groups.add(planners)
    assert client.get("/admin/registrations/").status_code == 200
