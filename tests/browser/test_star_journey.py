"""A delegate stars a session straight from the timetable, without JavaScript's help, finds
it marked there and in My programme, with no axe-core violations on the way."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations, screenshot

# Live-server tests commit for real; serialized rollback restores the home page and site
# that the migrations made, after each test empties the database.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_star_a_session_from_the_timetable_and_find_it_in_my_programme(delegate_page, site):
    tab, _delegate = delegate_page
    session = site["sessions"][0]
    tab.goto(site["url"] + site["conference"].url)
    cell = tab.locator(f"#session-{session.pk}")
    cell.get_by_role("button", name="☆ Add to my programme").click()
    tab.wait_for_url(f"**{site['conference'].url}#session-{session.pk}")
    cell = tab.locator(f"#session-{session.pk}")
    expect(cell.get_by_text("★ In your programme")).to_be_visible()
    expect(cell.get_by_role("button", name="Remove from my programme")).to_be_visible()
    assert axe_violations(tab) == []
    screenshot(tab, "timetable-starred-1280")
    tab.goto(site["url"] + "/my/programme/")
    expect(tab.get_by_role("link", name=session.title)).to_be_visible()
    assert axe_violations(tab) == []
