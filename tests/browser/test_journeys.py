"""The journeys people take, in a real browser, asserting what they see."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from planner.models import Booking
from tests.browser.conftest import screenshot
from tests.factories import DelegateFactory

# Live-server tests commit for real; serialized rollback restores the home page and site
# that the migrations made, after each test empties the database.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def confirmation_path(message) -> str:
    return re.search(r"http://[^/\s]+(/account/confirm/\S+)", message.body).group(1)


def test_newcomer_finds_the_nearest_meetup_signs_up_and_books_or_queues(page, site):
    page.goto(site["url"] + "/")
    page.get_by_label("Find the meetup nearest you").fill("Bradford")
    page.get_by_role("button", name="Find meetups").first.click()
    expect(page.get_by_role("heading", name=re.compile(r"1 meetup within 80 km of Bradford"))).to_be_visible()
    expect(page.locator("ol.results strong")).to_have_text(re.compile(r"^\d+ km$"))
    page.get_by_role("link", name="Yorkshire meetup").click()
    page.locator(".action-panel").get_by_role("link", name="create an account").click()

    page.get_by_label("Full name").fill("Amira Shah")
    page.get_by_label("Email address").fill("amira@calderdale.gov.uk")
    page.get_by_label("Password").fill("plain english services")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    page.goto(site["url"] + confirmation_path(mail.outbox[-1]))
    expect(page.get_by_text("Your email address is confirmed")).to_be_visible()
    page.goto(site["url"] + site["meetup"].url)
    page.get_by_role("button", name="Book a place").click()
    expect(page.get_by_text("You have a place.", exact=True)).to_be_visible()
    screenshot(page, "journey1-booked")

    # The one place is taken: the next person joins the waiting list and sees where they are.
    other = DelegateFactory(user__email="next@leeds.gov.uk")
    page.get_by_role("button", name="Log out").click()
    page.goto(site["url"] + "/account/login/?next=" + site["meetup"].url)
    page.get_by_label("Email address").fill("next@leeds.gov.uk")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Join the waiting list").click()
    expect(page.get_by_text("You are number 1 on the waiting list.", exact=True)).to_be_visible()
    assert Booking.objects.get(delegate=other).status == "waitlisted"


def test_delegate_stars_sessions_sees_them_and_gets_a_calendar_address(delegate_page, site):
    tab, _delegate = delegate_page
    for session in site["sessions"]:
        tab.goto(site["url"] + session.url)
        tab.get_by_role("button", name="Add to my programme").click()
        expect(tab.get_by_text("In your programme.")).to_be_visible()
    tab.get_by_role("link", name="My programme").first.click()
    items = tab.locator("ol.agenda > li h2")
    expect(items).to_have_text(["Open data that residents use", "Town deals, year two"])
    tab.get_by_role("button", name="Get my calendar address").click()
    feed_url = tab.locator("code.feed-url").inner_text()
    assert re.fullmatch(r"http://[^/]+/calendar/me/[A-Za-z0-9_-]{43}\.ics", feed_url)
    body = tab.request.get(feed_url).text()
    assert "Open data that residents use" in body and "BEGIN:VCALENDAR" in body
    screenshot(tab, "journey2-calendar")


def test_the_first_journey_works_with_the_keyboard_alone_and_focus_shows(page, site):
    page.goto(site["url"] + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    assert skip.evaluate("el => getComputedStyle(el).left") == "0px"  # moved on screen when focused
    search = page.get_by_label("Find the meetup nearest you")
    for _ in range(40):
        page.keyboard.press("Tab")
        if search.evaluate("el => el === document.activeElement"):
            break
    expect(search).to_be_focused()
    page.keyboard.type("Leeds")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("within 80 km of Leeds"))).to_be_visible()
    link = page.get_by_role("link", name="Yorkshire meetup")
    for _ in range(40):
        page.keyboard.press("Tab")
        if link.evaluate("el => el === document.activeElement"):
            break
    expect(link).to_be_focused()
    background = link.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background == "rgb(255, 221, 0)"  # the yellow focus state
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Yorkshire meetup")).to_be_visible()
