"""A delegate looks someone up: from the conference to the speakers, by letter, to one
speaker's page and on to their session, with no axe-core violations on the way."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations, screenshot
from tests.factories import SpeakerFactory, london, make_session

# Live-server tests commit for real; serialized rollback restores the home page and site
# that the migrations made, after each test empties the database.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def speakers(site):
    conference = site["conference"]
    ngozi = SpeakerFactory(
        name="Ngozi Adebayo",
        role="Chief Data Officer",
        organisation="Kirklees Council",
        bio="Ngozi runs the council's open data service.",
        links="https://ngozi.example/",
    )
    amira = SpeakerFactory(name="Amira Shah", role="Head of Digital", organisation="Calderdale Council")
    make_session(
        conference, title="Bin days as open data", start=london(date(2027, 3, 10), 11), speakers=[ngozi, amira]
    )
    return {"ngozi": ngozi, "amira": amira}


def test_from_the_conference_by_letter_to_a_speaker_and_their_session(page, site, speakers):
    page.goto(site["url"] + site["conference"].url)
    page.get_by_role("link", name="Everyone speaking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Speakers$"))
    assert axe_violations(page) == []
    screenshot(page, "speakers-index-1280")

    az = page.get_by_role("navigation", name="Speakers by first letter")
    expect(az.get_by_role("link")).to_have_text(["A", "N"])
    az.get_by_role("link", name="N", exact=True).click()
    assert page.url.endswith("#letter-N")
    expect(page.get_by_role("heading", name="N", exact=True)).to_be_in_viewport()

    page.get_by_role("link", name="Ngozi Adebayo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Ngozi Adebayo$"))
    expect(page.get_by_text("Chief Data Officer, Kirklees Council")).to_be_visible()
    expect(page.get_by_role("link", name="ngozi.example")).to_have_attribute("rel", "me noopener")
    assert axe_violations(page) == []
    screenshot(page, "speaker-page-1280")

    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "speaker-page-390")
    page.get_by_role("link", name="Bin days as open data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Bin days as open data$"))
    expect(page.locator(".speaker-list").get_by_role("link", name="Ngozi Adebayo")).to_be_visible()


def test_the_speakers_index_at_phone_width_has_no_axe_violations(browser, site, speakers):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    tab = context.new_page()
    tab.goto(site["url"] + site["conference"].url + "speakers/")
    assert axe_violations(tab) == []
    screenshot(tab, "speakers-index-390")
    context.close()
