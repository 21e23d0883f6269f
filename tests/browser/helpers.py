"""What the browser tests share beyond fixtures: where axe-core and the screenshots live,
running axe on a tab, signing in to the admin, and watching the Content Security Policy."""

from pathlib import Path

from django.core.management import call_command
from django.db import connection
from wagtail.models import Site

ROOT = Path(__file__).resolve().parents[2]

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

ARTEFACTS = ROOT / "var" / "browser-artefacts"

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def watch_policy(tab) -> list[str]:
    """Collects what the Content Security Policy blocked on ``tab`` (chromium reports each as
    a console error starting "Refused to"); the fixtures fail the test if anything was."""
    blocked: list[str] = []
    tab.on("console", lambda message: blocked.append(message.text) if message.text.startswith("Refused to") else None)
    return blocked


def admin_tab(browser, site, username: str):
    """A new browser context signed in to the Wagtail admin as ``username`` (the factories'
    password), with the policy watcher on: (context, tab, what the policy blocked)."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-GB")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    blocked = watch_policy(tab)  # the admin's own policy must still let Wagtail work
    tab.goto(site["url"] + "/admin/login/")
    tab.get_by_label("Username").fill(username)
    tab.get_by_label("Password").fill("correct horse battery")
    tab.get_by_role("button", name="Sign in").click()
    return context, tab, blocked


def screenshot(tab, name: str) -> None:
    """Save a full-page PNG under var/browser-artefacts/ (git-ignored) for people to look at."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def axe_violations(tab) -> list[dict]:
    # Evaluated through the DevTools protocol: a <script> tag would be (rightly) refused by
    # the page's Content Security Policy, which allows no inline script.
    tab.evaluate(AXE.read_text())
    result = tab.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:3]} for v in result["violations"]
    ]


def restore_migrated_data(snapshot: str) -> None:
    """Put the migrations' rows back if an earlier live-server test's flush removed them.
    (pytest-django's serialized rollback does this when live-server tests run alone, but
    not reliably after ordinary tests in the same run; this is Django's same mechanism.)"""

    if not Site.objects.exists():
        # Empty it again without post_migrate, whose fresh content types would clash.
        call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
        connection.creation.deserialize_db_from_string(snapshot)


def signed_in(browser, site, email: str, width: int, password: str):
    """A new browser context ``width`` px wide, logged in on the site as ``email``, with the
    policy watcher on: (context, tab, what the policy blocked)."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    blocked = watch_policy(tab)
    tab.goto(site["url"] + "/account/login/")
    tab.get_by_label("Email address").fill(email)
    tab.get_by_label("Password").fill(password)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_load_state()
    return context, tab, blocked
