"""The demo's meetup page in a real browser, as the three people ``make run`` prints logins for:
the booked delegate (her day first, short enough for a phone), the one on the waiting list
and the facilitator. Screenshots at 390 and 1280 px land in var/browser-artefacts/."""

from datetime import date

import pytest
from django.core.management import call_command

from planner.demo.people import DEMO_DELEGATE_PASSWORD
from planner.models import RegionalEventPage
from tests.browser import helpers
from tests.browser.helpers import axe_violations, restore_migrated_data, screenshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

DAY = date(2026, 12, 3)
PHONE_HEIGHT_BUDGET = 6000  # px at 390 px wide, before anything is expanded


@pytest.fixture
def demo_site(migrated_snapshot, live_server):
    restore_migrated_data(migrated_snapshot)
    call_command("load_demo", "--allow-demo-accounts", "--today", DAY.isoformat())
    leeds = RegionalEventPage.objects.get(slug="yorkshire-leeds")
    return {"url": live_server.url, "leeds": leeds.url}


def signed_in(browser, site, email: str, width: int):
    return helpers.signed_in(browser, site, email, width, DEMO_DELEGATE_PASSWORD)


def test_the_three_demo_people_each_find_their_day_on_the_meetup_page(browser, demo_site):
    for width in (390, 1280):
        context, tab, blocked = signed_in(browser, demo_site, "amira@relay.invalid", width)
        tab.goto(demo_site["url"] + demo_site["leeds"])
        screenshot(tab, f"meetup-day-booked-{width}")
        if width == 390:
            height = tab.evaluate("document.documentElement.scrollHeight")
            assert height <= PHONE_HEIGHT_BUDGET, f"{height} px tall on a phone"
            assert tab.evaluate("document.documentElement.scrollWidth") <= 390
        assert axe_violations(tab) == []
        headings = tab.locator("main h2:visible").all_inner_texts()
        assert headings[:2] == ["On this page", "Your place"]
        assert headings[2].startswith("Your table: table ") and headings[3] == "People to meet"
        assert tab.locator("#your-table ~ ul.seats li").first.inner_text().startswith("You – ")
        assert tab.locator("section[aria-labelledby=people-to-meet] ul.people > li").count() >= 3
        digest = tab.locator("details.digest").first
        assert not digest.evaluate("d => d.open")
        digest.locator("summary").click()  # folded sections open by a click (no script of ours)
        assert digest.evaluate("d => d.open") and digest.get_by_text("Read the thread").first.is_visible()
        context.close()
        assert not blocked

    context, tab, blocked = signed_in(browser, demo_site, "amira@relay.invalid", 1280)
    tab.goto(demo_site["url"] + demo_site["leeds"])
    cards = tab.locator("section[aria-labelledby=people-to-meet] ul.people > li")
    card = cards.filter(has=tab.get_by_role("button", name="Connect")).first
    name = card.locator("h3").inner_text()
    card.get_by_role("button", name="Connect").click()
    assert tab.get_by_text(f"Request sent: {name}").is_visible()
    context.close()

    context, tab, blocked = signed_in(browser, demo_site, "jo@relay.invalid", 390)
    tab.goto(demo_site["url"] + demo_site["leeds"])
    screenshot(tab, "meetup-day-waiting-390")
    assert "on the waiting list" in tab.locator("#your-place").inner_text()
    assert tab.locator("#your-table").count() == 0
    assert axe_violations(tab) == []
    context.close()

    context, tab, blocked = signed_in(browser, demo_site, "tom@relay.invalid", 1280)
    tab.goto(demo_site["url"] + demo_site["leeds"])
    screenshot(tab, "meetup-day-facilitator-1280")
    assert tab.locator("#outcome").count() == 1  # the facilitator can bring a table's outcome back
    tab.locator("details.all-tables summary").click()
    assert tab.locator("ol.tables > li").count() >= 8
    labels = tab.locator("ol.tables > li > p:first-of-type").all_inner_texts()
    assert len(set(labels)) == len(labels)  # each table starts from its own thread
    assert axe_violations(tab) == []
    context.close()
    assert not blocked
