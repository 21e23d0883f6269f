"""The journeys people take, in a real browser, asserting what they see."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from playwright.sync_api import expect

from planner.models import Booking, Connection, RegionalEventPage, SessionPage
from planner.services.agenda import register_online
from tests.browser.helpers import admin_tab, axe_violations, screenshot, watch_policy
from tests.factories import DelegateFactory, UserFactory, VenueFactory, london

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

    # The link opens a page with a button (mail scanners open links), which brings her back.
    page.goto(site["url"] + confirmation_path(mail.outbox[-1]))
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_text("Your email address is confirmed")).to_be_visible()
    assert page.url == site["url"] + site["meetup"].url
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
    items = tab.locator("ol.agenda > li h3")
    expect(items).to_have_text(["Open data that residents use", "Town deals, year two"])
    tab.get_by_role("button", name="Get my calendar address").click()
    feed_url = tab.locator("code.feed-url").inner_text()
    assert re.fullmatch(r"http://[^/]+/calendar/me/[A-Za-z0-9_-]{43}\.ics", feed_url)
    body = tab.request.get(feed_url).text()
    assert "Open data that residents use" in body and "BEGIN:VCALENDAR" in body
    screenshot(tab, "journey2-calendar")
    # Registered for the conference, she downloads her pack from My programme.

    register_online(delegate=_delegate, conference=site["conference"])
    tab.goto(site["url"] + "/my/programme/")
    with tab.expect_download() as download:
        tab.get_by_role("link", name="download the PDF").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF") and b"DejaVuSans" in pdf


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


def test_delegate_joins_the_discussion_replies_and_connects_with_who_answered(delegate_page, site):
    tab, delegate = delegate_page
    session = site["sessions"][0]
    tab.goto(site["url"] + session.url)
    discussion = tab.locator("section.discussion")
    expect(discussion.get_by_text("Bin days and planning, by a mile.")).to_be_visible()
    expect(discussion.locator(".contribution--answer")).to_contain_text("Accepted answer")
    expect(discussion.get_by_text("Quiet Quentin")).to_have_count(0)  # hidden: shown as "a delegate"

    # Not registered yet: one click registers and brings her back to the discussion.
    discussion.get_by_role("button", name="Register to attend online").click()
    tab.get_by_text("Start a new thread").click()
    tab.get_by_label("Your contribution").fill("We publish **gritting routes** too; see https://example.org/routes")
    tab.get_by_role("button", name="Post", exact=True).click()
    expect(tab.get_by_text("Your contribution is posted.")).to_be_visible()
    mine = tab.locator("article.contribution--thread").filter(has_text="gritting routes").first
    expect(mine.locator("strong", has_text="gritting routes")).to_be_visible()
    expect(mine.get_by_role("link", name="https://example.org/routes")).to_have_attribute(
        "rel", "nofollow ugc noopener"
    )

    question = tab.locator("li.thread").filter(has_text="Which open data do residents actually use?")
    question.get_by_text("Reply to this thread").click()
    question.get_by_label("Your reply").fill("Thanks, we'll try bin days first.")
    question.get_by_role("button", name="Post reply").click()
    expect(tab.get_by_text("Your reply is posted.")).to_be_visible()
    expect(
        tab.locator("li.thread").filter(has_text="Which open data").get_by_text("Thanks, we'll try bin days first.")
    ).to_be_visible()

    # Asking the person who answered to connect, then seeing her contact details once she accepts.
    answer = tab.locator("article").filter(has_text="Bin days and planning")
    answer.get_by_role("button", name="Connect with Asha Patel").click()
    expect(tab.get_by_text("Request sent: Asha Patel can accept it")).to_be_visible()

    # Asha, in her own browser, sees the request and accepts it.
    connection = Connection.objects.get(requester=delegate)
    other = tab.context.browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    asha = other.new_page()
    asha.goto(site["url"] + "/account/login/?next=/my/connections/")
    asha.get_by_label("Email address").fill(connection.recipient.user.email)
    asha.get_by_label("Password").fill("correct horse battery")
    asha.get_by_role("button", name="Log in").click()
    expect(asha.get_by_role("heading", name="Waiting for your answer")).to_be_visible()
    asha.get_by_role("button", name="Accept Priya Raman").click()
    expect(asha.get_by_text("You are connected with Priya Raman.")).to_be_visible()
    other.close()
    tab.get_by_role("link", name="Connections").click()
    expect(tab.get_by_role("heading", name="Connected (1)")).to_be_visible()
    expect(tab.get_by_role("link", name=connection.recipient.user.email)).to_be_visible()
    screenshot(tab, "journey5-connections")


def test_a_planner_shares_the_findings_as_a_page_and_a_pdf(page, site):
    page.goto(site["url"] + site["conference"].url)
    page.get_by_role("link", name="What delegates found").click()
    expect(page.get_by_role("heading", name=re.compile("Findings: Digital Councils 2027"))).to_be_visible()
    expect(page.get_by_text("Publishing bin days as open data cut calls.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    screenshot(page, "findings-1280")


def test_a_planner_adds_a_meetup_in_the_admin_and_it_appears_in_nearby_search_and_the_feed(browser, site):
    """Journey 4: Wagtail admin → new regional meetup at a venue, continuing an online session,
    published → found by nearby search and in the regional calendar feed."""

    get_user_model().objects.create_superuser("planner", "planner@example.org", "correct horse battery")
    VenueFactory(
        name="Bradford City Hall", town="Bradford", postcode="BD1 1HY", latitude="53.7926", longitude="-1.7519"
    )
    context, admin, blocked = admin_tab(browser, site, "planner")
    admin.goto(site["url"] + f"/admin/pages/add/planner/regionaleventpage/{site['conference'].pk}/")
    admin.get_by_role("textbox", name="Title*").fill("West Yorkshire meetup")
    admin.get_by_role("button", name="Choose venue").click()
    admin.get_by_role("link", name="Bradford City Hall").click()
    admin.get_by_role("textbox", name="Start*").fill("2027-05-12 10:00")
    admin.get_by_role("textbox", name="End*").fill("2027-05-12 15:30")
    admin.get_by_role("spinbutton", name="Capacity*").fill("40")
    admin.get_by_role("button", name="Add agenda item").click()
    admin.locator("input[name='agenda_items-0-title']").fill("Open data, face to face")
    admin.locator("input[name='agenda_items-0-start_time']").fill("10:30")
    admin.locator("input[name='agenda_items-0-end_time']").fill("12:00")
    admin.locator("select[name='agenda_items-0-continues']").select_option(label=site["sessions"][0].title)
    admin.get_by_role("button", name="More actions").click()
    admin.get_by_role("button", name="Publish").click()
    expect(admin.get_by_text("Page 'West Yorkshire meetup' created and published.")).to_be_visible()
    screenshot(admin, "journey4-admin-published")
    meetup = RegionalEventPage.objects.get(title="West Yorkshire meetup")
    assert meetup.live and [s.title for s in meetup.agenda_items.get().continues.all()] == [site["sessions"][0].title]

    visitor = context.new_page()
    blocked_public = watch_policy(visitor)
    visitor.goto(site["url"] + "/near/?q=Bradford")
    expect(visitor.get_by_role("link", name="West Yorkshire meetup")).to_be_visible()
    feed = visitor.request.get(site["url"] + "/calendar/regional.ics").text()
    assert "SUMMARY:West Yorkshire meetup" in feed and "Bradford City Hall" in feed
    visitor.goto(site["url"] + meetup.url)
    expect(visitor.get_by_role("heading", name="Where the online conference left off")).to_be_visible()
    context.close()
    assert not blocked and not blocked_public, f"the Content Security Policy blocked: {blocked + blocked_public}"


def tab_to(page, target, *, limit: int = 120) -> None:
    """Press Tab until ``target`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    expect(target).to_be_focused()


def test_starring_and_discussing_work_with_the_keyboard_alone(delegate_page, site):
    """Journeys 2 and 3 without a mouse: star a session, open the new-thread box, post."""
    tab, delegate = delegate_page

    register_online(delegate=delegate, conference=site["conference"])
    tab.goto(site["url"] + site["sessions"][0].url)
    star = tab.get_by_role("button", name="Add to my programme")
    tab_to(tab, star)
    tab.keyboard.press("Enter")
    expect(tab.get_by_text("In your programme.")).to_be_visible()
    opener = tab.get_by_text("Start a new thread")
    tab_to(tab, opener)
    tab.keyboard.press("Enter")
    box = tab.get_by_label("Your contribution")
    tab_to(tab, box)
    tab.keyboard.type("Typed without a mouse: our bins data is open too.")
    post = tab.get_by_role("button", name="Post", exact=True)
    tab_to(tab, post)
    expect(post).to_have_css("background-color", "rgb(255, 221, 0)")  # the yellow focus state
    tab.keyboard.press("Enter")
    expect(tab.get_by_text("Your contribution is posted.")).to_be_visible()
    expect(tab.get_by_text("Typed without a mouse: our bins data is open too.")).to_be_visible()


def test_journey_5_a_planner_moves_and_cancels_sessions_from_the_programme(browser, site):
    """Journey 5: a planner (the Planners group, not a superuser) opens the conference's
    programme from its admin page, moves a session, cancels another with a reason, and a
    visitor sees both on the public timetable and the session page."""

    planner = UserFactory(username="plannerpat", email="pat@council.gov.uk")
    planner.groups.add(Group.objects.get(name="Planners"))
    opening, second = site["sessions"]
    context, admin, blocked = admin_tab(browser, site, "plannerpat")
    admin.goto(site["url"] + f"/admin/pages/{site['conference'].pk}/edit/")
    admin.get_by_role("button", name="Actions", exact=True).click()  # the page header's "…" menu
    admin.get_by_role("menuitem", name="Programme").or_(admin.get_by_role("link", name="Programme")).first.click()
    expect(admin.get_by_role("heading", name=f"Programme: {site['conference'].title}")).to_be_visible()
    expect(admin.get_by_text("2 live, 0 draft, 0 cancelled")).to_be_visible()

    admin.locator(".programme-session", has_text=second.title).get_by_role("link", name="Move").click()
    admin.get_by_label("Day").select_option(label="Wednesday 10 March 2027")
    admin.get_by_label("Starts").fill("14:00")
    admin.get_by_label("Ends").fill("14:50")
    admin.get_by_role("button", name="Move the session").click()
    expect(admin.get_by_text(f"Moved “{second.title}” and published it")).to_be_visible()
    second.refresh_from_db()
    assert second.start == london(second.start.date().replace(day=10), 14)

    admin.locator(".programme-session", has_text=opening.title).get_by_role("link", name="Cancel").click()
    admin.get_by_label("Reason").fill("The panel could not travel; the discussion continues online.")
    admin.get_by_role("button", name=f"Cancel “{opening.title}”").click()
    expect(admin.get_by_text(f"“{opening.title}” is cancelled.")).to_be_visible()
    expect(admin.locator(".programme-session.is-cancelled", has_text=opening.title)).to_be_visible()
    screenshot(admin, "journey5-admin-programme")
    assert SessionPage.objects.get(pk=opening.pk).called_off is not None

    visitor = context.new_page()
    blocked_public = watch_policy(visitor)
    visitor.goto(site["url"] + site["conference"].url)
    cell = visitor.locator("article.session", has_text=opening.title)
    expect(cell.locator(".tag--cancelled")).to_have_text("Cancelled")
    visitor.goto(site["url"] + opening.url)
    expect(visitor.get_by_role("status")).to_contain_text("The panel could not travel")
    assert axe_violations(visitor) == []
    screenshot(visitor, "journey5-cancelled-session")
    context.close()
    assert not blocked and not blocked_public, f"the Content Security Policy blocked: {blocked + blocked_public}"


def test_journey_6_a_planner_runs_a_meetup_from_its_dashboard(browser, site):
    """Journey 6: a planner opens a meetup's dashboard, locks its tables, unlocks them, names a
    facilitator by email and removes them again; each button posts to its own action and comes
    back to the dashboard saying what happened."""
    meetup = site["meetup"]
    Booking.objects.create(delegate=DelegateFactory(name="Nia Newcomer"), event=meetup, status="confirmed")
    planner = UserFactory(username="plannerpat", email="pat@council.gov.uk")
    planner.groups.add(Group.objects.get(name="Planners"))
    UserFactory(username="doorkeeper", email="door@leeds.gov.uk")
    _context, admin, blocked = admin_tab(browser, site, "plannerpat")
    admin.goto(site["url"] + f"/admin/meetups/{meetup.pk}/dashboard/")
    expect(admin.get_by_role("heading", name=f"Dashboard: {meetup.title}")).to_be_visible()

    admin.get_by_role("button", name="Lock this table of 6").click()
    expect(admin.get_by_text("Tables locked: new bookings no longer reshuffle them.")).to_be_visible()
    admin.get_by_role("button", name="Unlock and suggest again").click()
    expect(admin.get_by_text("Tables unlocked: they follow the bookings again.")).to_be_visible()

    admin.get_by_label("Add a facilitator by the email address of their account").fill("door@leeds.gov.uk")
    admin.get_by_role("button", name="Add", exact=True).click()
    expect(admin.get_by_text("door@leeds.gov.uk now facilitates this meetup.")).to_be_visible()
    screenshot(admin, "journey6-meetup-dashboard")
    admin.get_by_role("button", name="Remove").click()
    expect(admin.get_by_text("Removed: they no longer see this meetup's people.")).to_be_visible()
    assert not meetup.facilitations.exists()
    assert blocked == []
