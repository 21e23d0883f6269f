"""Issue 25, the findings report, in a real browser: a planner writes the report in the Wagtail
editor (Draftail summary, StreamField blocks, the evidence chooser), publishes it, and a reader
sees the summary and the quotations it cites, on a phone and a desktop, with no axe violations."""

import re

import pytest
from playwright.sync_api import expect

from planner.models import FindingsReportPage, Visibility
from planner.services.discussion import moderate_contribution, post_contribution
from tests.browser.helpers import admin_tab, axe_violations, screenshot, watch_policy
from tests.factories import UserFactory, make_session
from tests.factories import registered_person as person

# Live-server tests commit for real; serialized rollback restores the home page and site
# that the migrations made, after each test empties the database.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

QUOTATIONS = (
    ("Priya Public", Visibility.EVERYONE, "Wigan Council", "Trusted assessors cut delays by a third."),
    ("Clara Conference", Visibility.CONFERENCE, "Bury Council", "Day-one referrals halved waits."),
    ("Hidden Hannah", Visibility.HIDDEN, "Bolton Council", "Step-down flats need their own budget."),
)


def cite(admin, finding, words: str) -> None:
    """In the key finding ``finding``, open the evidence chooser on its empty citation, search
    for ``words`` and choose the one row it finds."""
    finding.get_by_role("button", name="Cite a finding or outcome").click()
    chooser = admin.get_by_role("dialog")
    expect(chooser.get_by_role("heading", name="Cite a marked finding or meetup outcome")).to_be_visible()
    chooser.get_by_role("textbox", name="Search term").fill(words)
    row = chooser.get_by_role("link", name=re.compile(re.escape(f"“{words}” (finding, #")))
    expect(chooser.get_by_role("row")).to_have_count(2)  # the header and the one match
    row.click()
    expect(chooser).to_be_hidden()
    expect(finding.get_by_text(f"“{words}”")).to_be_visible()


def test_a_planner_writes_cites_and_publishes_the_findings_report(browser, site):
    conference = site["conference"]
    UserFactory(username="plannerpat", email="pat@council.gov.uk", is_superuser=True, is_staff=True)
    session = make_session(conference, title="Hospital discharge", stream=conference.streams.get(name="Care"))
    moderator = UserFactory(username="mod", email="mod@council.gov.uk", is_superuser=True, is_staff=True)
    for name, visibility, organisation, words in QUOTATIONS:
        author = person(conference, name, visibility, organisation=organisation)
        contribution = post_contribution(author=author, session=session, body=words)
        moderate_contribution(contribution=contribution, moderator=moderator, action="finding")

    context, admin, blocked = admin_tab(browser, site, "plannerpat")
    admin.goto(site["url"] + f"/admin/pages/add/planner/findingsreportpage/{conference.pk}/")
    admin.get_by_role("textbox", name="Title*").fill("What councils found")

    sections = admin.get_by_role("region", name="Streams and themes")
    sections.get_by_role("button", name="Insert a block").click()  # the one block type: a stream or theme
    section = sections.get_by_role("region", name="Stream or theme")
    section.get_by_role("textbox", name="Heading*").fill("Care and health")
    section.locator("[data-contentpath='summary']").get_by_role("textbox").click()  # Draftail: no label of its own
    admin.keyboard.type("Discharge works when ")
    admin.keyboard.press("Control+b")
    admin.keyboard.type("the first day counts")
    admin.keyboard.press("Control+b")
    admin.keyboard.type(", and step-down places are paid for.")

    finding = section.get_by_role("region", name="Key finding")
    finding.get_by_role("textbox", name="Finding*").fill("Refer on the first day, and fund step-down places.")
    for n, (_name, _visibility, _organisation, words) in enumerate(QUOTATIONS):
        if n:  # the first citation comes with the key finding; the others are added after the last
            finding.get_by_role("button", name="Add").last.click()
        cite(admin, finding, words)
    chosen = finding.get_by_text(re.compile(r"^“.+” \(finding, #\d+\)$"))
    expect(chosen).to_have_text([re.compile(re.escape(f"“{words}”")) for *_, words in QUOTATIONS])

    # Let Wagtail's autosave finish first: its create request racing the publish one makes the
    # page twice (Wagtail answers the second with a slug clash), as a person would not click
    # within the half second a loaded machine stretches that to.
    admin.wait_for_load_state("networkidle")
    admin.get_by_role("button", name="More actions").click()
    admin.get_by_role("button", name="Publish").click()
    # "created and published", or "has been published" once Wagtail's autosave has made a draft
    published = re.compile(r"Page 'What councils found' (created and|has been) published")
    expect(admin.get_by_role("status").get_by_text(published)).to_be_visible()
    report = FindingsReportPage.objects.get()
    assert report.live and report.get_parent().specific == conference
    cited = [words for *_, words in QUOTATIONS]
    assert [session.contributions.get(pk=pk).body for pk in report.evidence_ids()] == cited

    for width in (1280, 390):
        reader = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
        tab = reader.new_page()
        blocked_public = watch_policy(tab)
        tab.goto(site["url"] + report.url)
        expect(tab.get_by_role("heading", name="What councils found", level=1)).to_be_visible()
        expect(tab.get_by_role("heading", name="Care and health", level=2)).to_be_visible()
        summary = tab.locator(".report-text", has_text="Discharge works when")
        expect(summary).to_have_text("Discharge works when the first day counts, and step-down places are paid for.")
        expect(summary.locator("b, strong")).to_have_text("the first day counts")
        expect(tab.locator(".key-finding")).to_have_text(["Refer on the first day, and fund step-down places."])
        tab.get_by_text("The evidence: 3 contributions").click()  # the quotations fold away until asked for
        expect(tab.locator("blockquote")).to_have_text(cited)
        expect(tab.get_by_text("Priya Public")).to_be_visible()  # seen by everyone: named
        page_text = tab.locator("main").inner_text()
        assert "Clara Conference" not in page_text and "Hidden Hannah" not in page_text
        assert axe_violations(tab) == [], width
        screenshot(tab, f"findings-report-{width}")
        reader.close()
        assert not blocked_public, f"the Content Security Policy blocked: {blocked_public}"
    context.close()
    assert not blocked, f"the Content Security Policy blocked: {blocked}"
