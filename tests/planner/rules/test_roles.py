"""Staff roles, each with the least it needs, and the boundaries between them: planners run
the programme and every meetup; discussion moderators moderate and nothing else; a
facilitator sees and acts on their own meetups only; delegates never reach the admin."""

from datetime import time

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from planner import services
from planner.models import Booking, Contribution, MeetupTables
from planner.packs.context import check_in_token
from planner.services.bookings import book_meetup
from planner.services.facilitation import name_facilitator
from tests.factories import DelegateFactory, UserFactory, make_meetup, make_session
from tests.planner.helpers import started
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_meetups(conference):
    """Meetups A and B, each continuing a session, with one booked delegate each."""

    session = make_session(conference, title="Hospital discharge")

    def agenda():
        return [
            services.AgendaItemPlan(
                title="Round table", start_time=time(10, 30), end_time=time(12), continues=[session]
            )
        ]

    a = make_meetup(conference, title="Meetup A", agenda=agenda())
    b = make_meetup(conference, title="Meetup B", agenda=agenda())
    ada, bo = DelegateFactory(name="Ada Attendee"), DelegateFactory(name="Bo Booker")
    book_meetup(delegate=ada, event=a)
    book_meetup(delegate=bo, event=b)
    return {"a": a, "b": b, "ada": ada, "bo": bo, "session": session}


def member(group: str, email: str):
    user = UserFactory(email=email)
    user.groups.add(Group.objects.get(name=group))
    return user


def browser_for(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def turned_away(browser, path: str, secret: str) -> None:
    """Wagtail turns the refusal away with its permission message, and ``secret`` (something
    only the allowed would see there) is not on the page the user ends up on."""
    page = browser.get(path, follow=True).content.decode()
    assert "do not have permission" in page or "You don't have permission" in page, path
    assert secret not in page, path


def dashboard(meetup) -> str:
    return f"/admin/meetups/{meetup.pk}/dashboard/"


def meetup_action(meetup, action: str) -> str:
    """Where the dashboard posts ``action`` (``tables/lock``, ``facilitators/add``...)."""
    return f"/admin/meetups/{meetup.pk}/{action}/"


def test_a_facilitator_sees_and_acts_on_their_own_meetup_only(two_meetups):
    a, b = two_meetups["a"], two_meetups["b"]
    facilitator = UserFactory(email="door@leeds.gov.uk")
    name_facilitator(event=a, email="door@leeds.gov.uk")
    browser = browser_for(facilitator)

    own = browser.get(dashboard(a))
    assert own.status_code == 200 and "Ada Attendee" in own.content.decode()
    other = browser.get(dashboard(b))
    assert other.status_code == 404 and "Bo Booker" not in other.content.decode()
    assert browser.get(f"/admin/meetups/{a.pk}/badges/")["Content-Type"] == "application/pdf"
    assert browser.get(f"/admin/meetups/{b.pk}/badges/").status_code == 404
    my_meetups = browser.get("/admin/my-meetups/").content.decode()
    assert "Meetup A" in my_meetups and "Meetup B" not in my_meetups

    theirs = Booking.objects.get(event=b)
    refused = browser.post(f"/checkin/{check_in_token(theirs.pk)}/")
    assert refused.status_code == 403 and "a meetup you do not facilitate" in refused.content.decode()
    theirs.refresh_from_db()
    assert theirs.attended_at is None
    mine = Booking.objects.get(event=a)
    browser.post(f"/checkin/{check_in_token(mine.pk)}/")
    mine.refresh_from_db()
    assert mine.attended_at is not None and mine.checked_in_by == facilitator

    browser.post(meetup_action(a, "tables/lock"), {"size": "6"})  # read-only for a facilitator
    assert not MeetupTables.objects.filter(event=a, locked_at__isnull=False).exists()
    turned_away(browser, f"/admin/conferences/{a.get_parent().pk}/programme/", "Regional meetups")


def test_a_facilitator_posts_outcomes_for_their_own_meetup_only(two_meetups):
    a, b, session = two_meetups["a"], two_meetups["b"], two_meetups["session"]
    facilitator = UserFactory(email="door@leeds.gov.uk")
    DelegateFactory(user=facilitator)
    name_facilitator(event=a, email="door@leeds.gov.uk")
    browser = browser_for(facilitator)
    started(a), started(b)
    browser.post(f"/meetups/{b.pk}/outcome/", {"session": session.pk, "body": "Not ours to say."})
    assert not Contribution.objects.exists()
    browser.post(f"/meetups/{a.pk}/outcome/", {"session": session.pk, "body": "Our table agreed a pilot."})
    assert Contribution.objects.get().from_meetup_id == a.pk


def test_planners_run_the_programme_and_every_meetup_but_do_not_moderate(two_meetups, conference):
    browser = browser_for(member("Planners", "planner@council.gov.uk"))
    programme = browser.get(f"/admin/conferences/{conference.pk}/programme/")
    assert programme.status_code == 200 and "Hospital discharge" in programme.content.decode()
    editor = browser.get(f"/admin/pages/{two_meetups['session'].pk}/edit/").content.decode()
    assert 'name="summary"' in editor and "Hospital discharge" in editor
    for meetup, name in ((two_meetups["a"], "Ada Attendee"), (two_meetups["b"], "Bo Booker")):
        assert name in browser.get(dashboard(meetup)).content.decode()
    turned_away(browser, "/admin/reported/", "Reported posts</h1>")


def test_discussion_moderators_moderate_and_see_nobodys_bookings(two_meetups, conference):
    browser = browser_for(member("Discussion moderators", "mod@council.gov.uk"))
    reported = browser.get("/admin/reported/")
    assert reported.status_code == 200 and "Reported posts" in reported.content.decode()
    assert browser.get(dashboard(two_meetups["a"])).status_code == 404
    turned_away(browser, "/admin/bookings/", "Ada Attendee")
    turned_away(browser, f"/admin/pages/{two_meetups['session'].pk}/edit/", 'name="summary"')
    turned_away(browser, f"/admin/conferences/{conference.pk}/programme/", "Regional meetups")


def test_delegates_never_reach_the_admin(two_meetups):
    browser = browser_for(two_meetups["ada"].user)
    for path in ("/admin/", dashboard(two_meetups["a"]), "/admin/my-meetups/"):
        response = browser.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_naming_a_facilitator_needs_an_existing_account(planner_client, two_meetups):
    response = planner_client.post(
        meetup_action(two_meetups["a"], "facilitators/add"), {"email": "nobody@nowhere.org"}, follow=True
    )
    assert "No active account has that email address" in response.content.decode()
    assert not two_meetups["a"].facilitations.exists()


def test_my_meetups_costs_the_same_queries_for_one_meetup_or_five(two_meetups, conference):
    facilitator = UserFactory(email="door@leeds.gov.uk")
    name_facilitator(event=two_meetups["a"], email="door@leeds.gov.uk")
    browser = browser_for(facilitator)
    one = queries_for(browser, "/admin/my-meetups/")
    for n in range(4):
        name_facilitator(event=make_meetup(conference, title=f"Meetup {n}"), email="door@leeds.gov.uk")
    assert queries_for(browser, "/admin/my-meetups/") == one
    assert browser.get("/admin/my-meetups/").content.decode().count("Dashboard</a>") == 5
