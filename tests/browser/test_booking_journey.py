"""From booking to the door, in a real browser: a delegate books, reads the email, opens the
ticket on her phone; the facilitator finds her by name at the door and checks her in; and
cancelling goes through a confirmation that works from the keyboard."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from planner.models import Booking
from planner.services.facilitation import name_facilitator
from tests.browser import helpers
from tests.browser.helpers import axe_violations, screenshot
from tests.factories import DelegateFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "correct horse battery"  # the factories' password


def signed_in(browser, site, email: str, width: int):
    return helpers.signed_in(browser, site, email, width, PASSWORD)


def link_in(message, label: str) -> str:
    return re.search(rf"{label}: http://[^/\s]+(/\S+)", message.body).group(1)


def test_book_read_the_email_open_the_ticket_and_get_checked_in_at_the_door(browser, site):
    amira = DelegateFactory(name="Amira Khan", user__email="amira@calderdale.gov.uk", organisation="Calderdale Council")
    meetup = site["meetup"]
    context, tab, blocked = signed_in(browser, site, "amira@calderdale.gov.uk", 390)
    tab.goto(site["url"] + meetup.url)
    tab.get_by_role("button", name="Book a place").click()
    expect(tab.get_by_text("You have a place.", exact=True)).to_be_visible()

    [email] = [m for m in mail.outbox if m.to == ["amira@calderdale.gov.uk"]]
    assert email.subject == f"Your place at {meetup.title} is confirmed"
    tab.goto(site["url"] + link_in(email, "Your ticket"))
    expect(tab.get_by_role("heading", level=1)).to_contain_text(meetup.title)
    expect(tab.get_by_role("img", name=re.compile("check-in code", re.I))).to_be_visible()
    screenshot(tab, "ticket-390")
    assert axe_violations(tab) == []
    context.close()
    assert not blocked, blocked

    UserFactory(email="fay@leeds.gov.uk")
    name_facilitator(event=meetup, email="fay@leeds.gov.uk")
    context, tab, blocked = signed_in(browser, site, "fay@leeds.gov.uk", 390)
    tab.goto(f"{site['url']}/door/{meetup.pk}/")
    expect(tab.get_by_text(re.compile(r"0 arrived of 1 expected"))).to_be_visible()
    tab.get_by_label(re.compile("name", re.I)).first.fill("amira")
    tab.keyboard.press("Enter")
    row = tab.locator("li", has_text="Amira Khan").first
    row.get_by_role("button", name=re.compile("Check in")).click()
    expect(tab.get_by_text(re.compile(r"1 arrived of 1 expected"))).to_be_visible()
    screenshot(tab, "door-390")
    assert axe_violations(tab) == []
    assert Booking.objects.get(delegate=amira).attended_at is not None
    context.close()
    assert not blocked, blocked


def test_cancelling_asks_first_and_works_from_the_keyboard(browser, site):
    DelegateFactory(name="Ben Cole", user__email="ben@york.gov.uk")
    meetup = site["meetup"]
    context, tab, blocked = signed_in(browser, site, "ben@york.gov.uk", 1280)
    tab.goto(site["url"] + meetup.url)
    tab.get_by_role("button", name="Book a place").click()
    tab.get_by_role("link", name="Cancel my booking").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text(f"Cancel your place at {meetup.title}?")
    expect(tab.locator("#what-happens")).to_contain_text("Your place becomes free for someone else to book.")
    screenshot(tab, "cancel-confirm-1280")
    assert axe_violations(tab) == []
    tab.get_by_role("button", name="Yes, cancel my place").focus()
    tab.keyboard.press("Enter")
    expect(tab.get_by_text(f"Your booking for {meetup.title} is cancelled.")).to_be_visible()
    assert Booking.objects.get(delegate__user__email="ben@york.gov.uk").status == "cancelled"
    assert [m.subject for m in mail.outbox if m.to == ["ben@york.gov.uk"]][-1] == (
        f"Your booking for {meetup.title} is cancelled"
    )
    context.close()
    assert not blocked, blocked
