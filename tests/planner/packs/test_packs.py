"""Delegate packs, badges and check-in: what a delegate and a facilitator get, read back from
the PDFs with pypdf, and who may see what."""

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone
from django_q.models import Success
from pypdf import PdfReader

from planner.models import Booking, PackFile, PackRun, Visibility
from planner.packs.context import check_in_token, pack_context
from planner.packs.pack import render_pack
from planner.services import packs
from planner.services.agenda import register_online, set_star
from planner.services.bookings import book_meetup
from planner.services.facilitation import name_facilitator
from planner.services.packs import WITHDRAWN, start_pack_run
from tests.factories import DelegateFactory, UserFactory, make_meetup, make_session
from tests.factories import registered_person as person

pytestmark = pytest.mark.django_db


def words(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_pack_holds_the_name_agenda_venue_carried_findings_and_people_to_meet(client, world):
    tom = world["tom"]
    tom.name = "Siân Łukasz Nguyễn"
    tom.save()
    set_star(delegate=tom, session=world["continued"], starred=True)
    client.force_login(tom.user)
    response = client.get(f"/my/pack/{world['meetup'].pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = words(response.content)
    assert "Siân Łukasz Nguyễn" in text  # DejaVu, embedded
    assert "Discharge round table" in text and "Hospital discharge" in text
    assert "Leeds" in text and "Step-free entrance" in text
    assert "Trusted assessors cut our delays by a third." in text  # a carried finding
    assert "Who funds step-down flats?" in text  # an open question
    assert "Asha Patel" in text  # someone to meet: they wrote in the same threads
    assert "Hidden Hannah" not in text
    fonts = {
        str(font.get_object()["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()
    }
    assert any("DejaVuSans" in name for name in fonts)
    assert 3 <= len(reader.pages) <= 12
    assert reader.metadata.title == f"Delegate pack: Siân Łukasz Nguyễn, {world['meetup'].title}"
    assert [item.title for item in reader.outline][:6] == [  # the delegate's day, in the meetup page's order
        world["meetup"].title,
        "Your table",
        "People to meet",
        "Your agenda",
        "Where the online conference left off",
        "Getting there",
    ]
    assert f"Page 1 of {len(reader.pages)}" in reader.pages[0].extract_text()


def test_the_web_version_says_the_same_for_screen_readers(client, world):
    client.force_login(world["tom"].user)
    page = BeautifulSoup(client.get(f"/my/pack/{world['meetup'].pk}/").content, "html.parser")
    assert page.h1.get_text(" ", strip=True).endswith(world["meetup"].title)
    headings = [h.get_text() for h in page.select("main h2")]
    assert headings == [
        "Your table",
        "People to meet",
        "Your agenda",
        "Where the online conference left off",
        "Getting there",
    ]
    assert "Trusted assessors cut our delays by a third." in page.get_text()
    assert page.find("a", string="Download the PDF to print")["href"].endswith("/pdf/")


def test_nobody_gets_someone_elses_pack(client, world, conference):
    stranger = person(conference, "Sam Stranger")
    client.force_login(stranger.user)
    for path in (f"/my/pack/{world['meetup'].pk}/pdf/", f"/my/pack/{world['meetup'].pk}/"):
        response = client.get(path)
        assert response.status_code == 404
        assert not response.content.startswith(b"%PDF") and b"Asha Patel" not in response.content
    client.logout()
    response = client.get(f"/my/pack/{world['meetup'].pk}/pdf/")
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")


def test_a_hidden_delegate_never_appears_in_another_persons_pack(world):
    for reader in (world["asha"], world["tom"]):
        pdf = render_pack(pack_context(delegate=reader, event=world["meetup"]))
        assert "Hidden Hannah" not in words(pdf)


def test_someone_with_nothing_yet_still_gets_a_sensible_pack(conference):
    newcomer = DelegateFactory(name="Nell Newcomer", visibility=Visibility.HIDDEN)
    register_online(delegate=newcomer, conference=conference)
    online = words(render_pack(pack_context(delegate=newcomer, conference=conference)))
    assert "Nell Newcomer" in online and "None yet: star sessions on the programme" in online

    quiet = make_meetup(conference, title="Quiet meetup")
    book_meetup(delegate=newcomer, event=quiet)
    text = words(render_pack(pack_context(delegate=newcomer, event=quiet)))
    assert "This meetup does not continue an online session." in text
    assert "No suggestions yet" in text


def test_the_qr_code_checks_a_delegate_in_only_for_a_facilitator(client, world):
    booking = Booking.objects.get(delegate=world["tom"], event=world["meetup"])
    url = f"/checkin/{check_in_token(booking.pk)}/"
    client.force_login(world["asha"].user)
    assert "Show this code at the welcome desk" in client.get(url).content.decode()
    assert client.post(url).status_code == 200 and Booking.objects.get(pk=booking.pk).attended_at is None
    facilitator = UserFactory(email="door@council.gov.uk")
    name_facilitator(event=world["meetup"], email="door@council.gov.uk")
    client.force_login(facilitator)
    page = client.get(url).content.decode()
    assert "Tom Okafor" in page and "Check Tom Okafor in" in page
    client.post(url)
    client.post(url)  # twice at a busy door changes nothing
    booking.refresh_from_db()
    assert booking.attended_at is not None and booking.checked_in_by == facilitator
    assert "1 checked in so far" in client.get(url).content.decode()
    assert client.get("/checkin/forged-token/").status_code == 404


def test_attendance_shows_on_the_dashboard_and_the_findings_page(client, world, planner_client):
    Booking.objects.filter(delegate=world["tom"]).update(attended_at=timezone.now())
    dashboard = planner_client.get(f"/admin/meetups/{world['meetup'].pk}/dashboard/").content.decode()
    assert "1 checked in" in dashboard
    findings = client.get(world["conference"].url + "findings/").content.decode()
    assert "North West meetup (Leeds): 1 checked in of 3 with a place" in findings


def test_badge_sheets_hold_every_confirmed_name_eight_or_four_to_a_page(planner_client, world, conference):
    for n in range(6):
        book_meetup(delegate=person(conference, f"Badge Person {n}"), event=world["meetup"])
    eight = planner_client.get(f"/admin/meetups/{world['meetup'].pk}/badges/?layout=8up")
    reader = PdfReader(io.BytesIO(eight.content))
    assert len(reader.pages) == 2  # 9 people, 8 to a sheet
    text = words(eight.content)
    assert all(name in text for name in ("Asha Patel", "Tom Okafor", "Hidden Hannah", "Badge Person 5"))
    four = planner_client.get(f"/admin/meetups/{world['meetup'].pk}/badges/?layout=4up")
    assert len(PdfReader(io.BytesIO(four.content)).pages) == 3


def test_badges_are_for_planners_only(client, world):
    client.force_login(world["asha"].user)
    response = client.get(f"/admin/meetups/{world['meetup'].pk}/badges/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert not response.content.startswith(b"%PDF")


def test_a_long_programme_keeps_the_pack_readable(world, conference):
    for n in range(25):
        session = make_session(conference, title=f"A starred session with a long descriptive title number {n}")
        set_star(delegate=world["asha"], session=session, starred=True)
    reader = PdfReader(io.BytesIO(render_pack(pack_context(delegate=world["asha"], event=world["meetup"]))))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "number 24" in text and len(reader.pages) <= 14


def test_the_first_pages_render_to_pictures_for_people_to_look_at(world, tmp_path):
    """pdftoppm (Debian's poppler-utils) turns the pack into PNGs under var/test-artefacts/."""

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:  # `make test` installs it first where it can
        pytest.fail("pdftoppm is missing: sudo apt-get install poppler-utils")
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(render_pack(pack_context(delegate=world["asha"], event=world["meetup"])))
    out = Path(__file__).resolve().parents[3] / "var" / "test-artefacts"
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([pdftoppm, "-r", "60", "-png", "-l", "2", str(pdf), str(out / "pack")], check=True, timeout=60)
    pictures = sorted(out.glob("pack-*.png"))
    assert len(pictures) >= 2 and all(p.stat().st_size > 5000 for p in pictures)  # not blank pages


@pytest.fixture
def pack_dir(settings, tmp_path):
    settings.RELAY_PACK_DIR = tmp_path / "packs"
    return settings.RELAY_PACK_DIR


def test_generating_a_meetups_packs_through_the_queue_gives_one_pdf_and_a_zip(
    planner_client, world, pack_dir, django_capture_on_commit_callbacks
):
    dashboard = f"/admin/meetups/{world['meetup'].pk}/dashboard/"
    with django_capture_on_commit_callbacks(execute=True):
        planner_client.post(f"/admin/meetups/{world['meetup'].pk}/packs/generate/")
    assert set(PackFile.objects.values_list("status", flat=True)) == {"done"}
    # The run's files record the outcome; the queue keeps no success row per pack (its
    # monitor would re-read every kept result for each of a meetup's 1,200 tasks).
    assert not Success.objects.filter(func="planner.tasks.generate_pack").exists()
    page = planner_client.get(dashboard).content.decode()
    assert "3 done</strong>, of 3." in page
    run = PackFile.objects.first().run
    combined = planner_client.get(f"/admin/meetups/{world['meetup'].pk}/packs/{run.pk}/combined/")
    reader = PdfReader(io.BytesIO(combined.content))
    singles = sorted(pack_dir.rglob("*.pdf"))
    assert len(singles) == 3 and not list(pack_dir.rglob(".partial-*"))
    assert len(reader.pages) == sum(len(PdfReader(str(path)).pages) for path in singles)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert all(name in text for name in ("Asha Patel", "Tom Okafor", "Hidden Hannah"))  # each their own pack
    archive = zipfile.ZipFile(
        io.BytesIO(planner_client.get(f"/admin/meetups/{world['meetup'].pk}/packs/{run.pk}/zip/").content)
    )
    assert len(archive.namelist()) == 3


def test_packs_are_remade_only_when_what_they_show_changes(world, pack_dir, django_capture_on_commit_callbacks):
    planner = UserFactory(is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        start_pack_run(event=world["meetup"], by=planner)
    first = {path.name: path.stat().st_mtime_ns for path in pack_dir.rglob("*.pdf")}
    with django_capture_on_commit_callbacks(execute=True):
        start_pack_run(event=world["meetup"], by=planner)
    assert {path.name: path.stat().st_mtime_ns for path in pack_dir.rglob("*.pdf")} == first  # reused, not redrawn
    set_star(delegate=world["tom"], session=world["continued"], starred=True)  # shows in Tom's pack only
    with django_capture_on_commit_callbacks(execute=True):
        start_pack_run(event=world["meetup"], by=planner)
    assert len(list(pack_dir.rglob("*.pdf"))) == 4  # only Tom's pack was drawn again
    assert PackFile.objects.filter(status="done").count() == 9


def test_a_worker_dying_mid_write_leaves_no_half_file_and_the_retry_finishes(world, pack_dir, monkeypatch):
    run = PackRun.objects.create(event=world["meetup"])
    pack_file = PackFile.objects.create(run=run, booking=Booking.objects.get(delegate=world["asha"]))

    def killed(*args):
        raise SystemExit("worker killed")  # what a timeout kill looks like inside the task

    monkeypatch.setattr(packs.os, "replace", killed)
    with pytest.raises(SystemExit):
        packs.generate_pack(pack_file_id=pack_file.pk)
    assert list(pack_dir.rglob("*")) == [pack_dir / f"meetup-{world['meetup'].pk}"]  # no file, no partial
    monkeypatch.undo()
    packs.generate_pack(pack_file_id=pack_file.pk)  # the queue's retry
    pack_file.refresh_from_db()
    assert pack_file.status == "done" and pack_file.attempts == 2
    assert len(list(pack_dir.rglob("*.pdf"))) == 1


def test_pack_downloads_are_for_planners_only(client, world, pack_dir):
    run = PackRun.objects.create(event=world["meetup"])
    client.force_login(world["asha"].user)
    for kind in ("combined", "zip"):
        response = client.get(f"/admin/meetups/{world['meetup'].pk}/packs/{run.pk}/{kind}/")
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("change", ["rename", "turn hidden"])
def test_packs_drawn_before_a_delegate_renames_or_hides_are_withdrawn_not_served(
    planner_client, world, pack_dir, django_capture_on_commit_callbacks, change
):
    meetup, asha = world["meetup"], world["asha"]
    with django_capture_on_commit_callbacks(execute=True):
        planner_client.post(f"/admin/meetups/{meetup.pk}/packs/generate/")
    run = PackFile.objects.first().run
    assert len(list(pack_dir.rglob("*.pdf"))) == 3
    profile = {
        "name": "Asha Renamed" if change == "rename" else "Asha Patel",
        "organisation": "Salford City Council",
        "visibility": Visibility.HIDDEN if change == "turn hidden" else Visibility.EVERYONE,
        "time_zone": "Europe/London",
        "email_digest": "on",
    }
    delegate = Client()
    delegate.force_login(asha.user)
    with django_capture_on_commit_callbacks(execute=True):
        assert delegate.post("/account/profile/", profile).status_code == 302

    assert list(pack_dir.rglob("*.pdf")) == []
    assert set(PackFile.objects.values_list("status", "error")) == {("failed", WITHDRAWN)}
    assert planner_client.get(f"/admin/meetups/{meetup.pk}/packs/{run.pk}/combined/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        planner_client.post(f"/admin/meetups/{meetup.pk}/packs/generate/")
    fresh = PackFile.objects.filter(status="done").select_related("run").first().run
    combined = planner_client.get(f"/admin/meetups/{meetup.pk}/packs/{fresh.pk}/combined/")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(combined.content)).pages)
    assert "Asha Patel" not in text if change == "rename" else "Asha Patel" in text  # her own pack


def test_a_waiting_delegates_pack_says_so_and_carries_no_check_in_code(client, world, conference):
    meetup = world["meetup"]
    meetup.capacity = 3
    meetup.save_revision().publish()
    late = person(conference, "Late Lou")
    book_meetup(delegate=late, event=meetup)
    ctx = pack_context(delegate=late, event=meetup.specific, base_url="https://relay.example")
    assert ctx.status == "Waiting list – no. 1, not a place yet." and ctx.check_in_url == ""
    text = words(render_pack(ctx))
    assert "Waiting list – no. 1, not a place yet." in text and "welcome desk" not in text
    assert "Tables are set once your place is confirmed." in text


def test_a_confirmed_pack_leads_with_the_table_its_question_and_why_each_person_sits_there(world):
    ctx = pack_context(delegate=world["asha"], event=world["meetup"].specific, base_url="https://relay.example")
    text = words(render_pack(ctx))
    assert text.index("Your table") < text.index("People to meet") < text.index("Your agenda")
    assert "First question: Who funds step-down flats?" in text
    assert "• You – Wrote in this thread" in text and "Hidden Hannah" not in text
    assert "And 1 other who keeps their profile private." in text
