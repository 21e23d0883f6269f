"""Regression tests for what a second review (delegates and feeds) found."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.utils import timezone
from wagtail.models import PageViewRestriction

from planner.models import Booking, CalendarEntry
from planner.services.bookings import book_meetup, cancel_booking
from planner.services.calendar import issue_calendar_token
from tests.factories import DelegateFactory, make_meetup, make_session
from tests.planner.test_accounts import link_in, sign_up

pytestmark = pytest.mark.django_db


def test_a_later_sign_up_for_an_unconfirmed_address_replaces_the_earlier_password(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, password="attackers-own-passphrase", name="Not Amira")
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, password="amiras-real-passphrase", name="Amira Shah")
    assert client.get(link_in(mail.outbox[0])).status_code == 400  # the first link is dead
    client.get(link_in(mail.outbox[1]))
    client.logout()
    attacker = client.post(
        "/account/login/", {"username": "amira.shah@calderdale.gov.uk", "password": "attackers-own-passphrase"}
    )
    assert attacker.status_code == 200
    owner = client.post(
        "/account/login/", {"username": "amira.shah@calderdale.gov.uk", "password": "amiras-real-passphrase"}
    )
    assert owner.status_code == 302
    assert client.get("/account/profile/").context["delegate"].name == "Amira Shah"


def test_a_deactivated_account_is_not_reactivated_by_signing_up_again(client, django_capture_on_commit_callbacks):
    delegate = DelegateFactory(user__email="gone@leeds.gov.uk", email_verified_at=timezone.now())
    delegate.user.is_active = False
    delegate.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, email="gone@leeds.gov.uk")
    assert "You already have one" in mail.outbox[0].body
    delegate.user.refresh_from_db()
    assert not delegate.user.is_active


@pytest.mark.parametrize(
    "path",
    [
        "/calendar/conference/99999999999999999999999.ics",
        "/calendar/conference/99999999999999999999999/schedule.xml",
        "/calendar/session/99999999999999999999.ics",
        "/sessions/99999999999999999999/star/",
    ],
)
def test_huge_ids_are_404_not_a_database_overflow(client, db, path):
    client.force_login(DelegateFactory().user)
    assert client.get(path).status_code in (404, 405)
    assert client.post(path).status_code in (404, 405)


def test_huge_ids_in_query_strings_are_ignored(client, planner_client, conference):
    assert client.get("/delegates/", {"interest": "9" * 30}).status_code == 200
    assert planner_client.get("/admin/bookings/", {"event": "9" * 30}).status_code == 200
    nul = client.get("/search/", {"q": "care\x00"})  # a 400 that says what to fix, never a 500
    assert nul.status_code == 400 and "NUL character" in nul.content.decode()


def test_a_meetup_with_bookings_cannot_be_deleted_silently(planner_client, conference):
    meetup = make_meetup(conference)
    book_meetup(delegate=DelegateFactory(), event=meetup)
    response = planner_client.post(f"/admin/pages/{meetup.pk}/delete/", follow=True)
    assert "has 1 active booking" in response.content.decode()
    assert Booking.objects.filter(event=meetup).count() == 1


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


def test_export_neutralises_spreadsheet_formulas(planner_client, conference):
    meetup = make_meetup(conference)
    book_meetup(delegate=DelegateFactory(name='=HYPERLINK("http://evil.example","x")'), event=meetup)
    response = planner_client.get("/admin/bookings/", {"export": "csv"})
    [row] = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert row["Name"].startswith("'=")


def test_private_sessions_never_reach_a_feed(client, conference):
    secret = make_session(conference, title="Members only")
    PageViewRestriction.objects.create(page=secret, restriction_type="password", password="x")
    assert client.get(f"/calendar/session/{secret.pk}.ics").status_code == 404
    assert b"Members only" not in client.get(f"/calendar/conference/{conference.pk}.ics").content


def test_if_modified_since_sees_a_new_star_in_the_personal_feed(client, conference):
    delegate = DelegateFactory()
    token = issue_calendar_token(delegate=delegate)
    url = f"/calendar/me/{token}.ics"
    first = client.get(url)
    session = make_session(conference, title="Starred later")
    from planner.services.agenda import set_star

    set_star(delegate=delegate, session=session, starred=True)
    again = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 200 and b"Starred later" in again.content


def test_calendar_names_with_commas_survive_every_parser(client, conference):
    import vobject

    stream = conference.streams.first()
    stream.name = "Data, digital; and AI"
    stream.save()
    body = client.get(f"/calendar/conference/{conference.pk}/stream/{stream.slug}.ics").content.decode()
    assert vobject.readOne(body).contents["x-wr-calname"][0].value.endswith("Data, digital; and AI")


def test_directory_search_does_not_match_the_town_as_typed(client, db):
    DelegateFactory(name="Private Pat", home_town="Flat 3, 12 Acacia Avenue", visibility="everyone")
    assert "Private Pat" not in client.get("/delegates/", {"q": "Acacia"}).content.decode()


def test_cancelling_a_place_at_a_past_meetup_promotes_and_emails_nobody(conference, django_capture_on_commit_callbacks):
    meetup = make_meetup(conference, capacity=1)
    first = book_meetup(delegate=DelegateFactory(), event=meetup)
    waiting = book_meetup(delegate=DelegateFactory(), event=meetup)
    meetup.start, meetup.end = timezone.now() - timedelta(days=2), timezone.now() - timedelta(days=1)
    meetup.save()
    with django_capture_on_commit_callbacks(execute=True):
        cancel_booking(booking=first)
    waiting.refresh_from_db()
    assert waiting.status == "waitlisted" and mail.outbox == []


def test_feed_entries_are_not_in_a_feed_when_their_page_is_restricted_later(client, conference):
    session = make_session(conference, title="Restricted later")
    assert CalendarEntry.objects.filter(page_id=session.pk).exists()
    PageViewRestriction.objects.create(page=conference, restriction_type="login")
    assert client.get(f"/calendar/session/{session.pk}.ics").status_code == 404
