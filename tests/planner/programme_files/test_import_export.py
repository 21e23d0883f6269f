"""Planners import a programme from CSV, pretalx or Sessionize after a dry run, all rows or
none, and export the programme and a meetup's delegate list as formula-safe CSV."""

import csv
import io
import re
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection, transaction
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from wagtail.actions.publish_page_revision import PublishPagePermissionError
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from planner.models import (
    CalendarEntry,
    Cancellation,
    Facilitation,
    ImportRun,
    ImportStatus,
    SessionPage,
    Speaker,
)
from planner.programme_files.plan import plan_import
from planner.programme_files.readers import CSV_COLUMNS, read_programme_file
from planner.services.bookings import book_meetup
from planner.services.calendar import sync_calendar_entry
from planner.services.importing import CRASHED, ImportRefused, apply_import, apply_import_run, request_import_run
from tests.factories import DelegateFactory, SpeakerFactory, UserFactory, london, make_meetup, make_session
from tests.planner.helpers import session_form

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
HEADER = ",".join(CSV_COLUMNS)


@pytest.fixture
def speakers(db):
    return {name: SpeakerFactory(name=name) for name in ("Asha Patel", "Tom Okafor", "Priya Shah", "Gareth Hughes")}


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def import_url(conference) -> str:
    return f"/admin/programme-files/{conference.pk}/import/"


def upload(client, conference, content: bytes, name="programme.csv"):
    return client.post(import_url(conference), {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


def page_text(response) -> str:
    """The page's words, one space apart (none before punctuation after a closing tag)."""
    text = " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())
    return re.sub(r" ([:.,;)])", r"\1", text)


def outcomes(response) -> list[tuple[int, str]]:
    """(row number, outcome) for each row of the dry run's tables (changes first, unchanged folded away)."""
    tables = BeautifulSoup(response.content, "html.parser").find_all("table", class_="relay-plan")
    return sorted(
        (int(tr.find_all("td")[0].get_text(strip=True)), tr.find_all("td")[1].get_text(strip=True))
        for table in tables
        for tr in table.tbody.find_all("tr")
    )


def confirm(client, conference, dry_run, *, run_tasks=True):
    """Press the dry run's confirm button; with ``run_tasks``, the queued apply runs (synchronously
    in tests) as the request's transaction commits."""
    form = BeautifulSoup(dry_run.content, "html.parser")
    fields = {name: form.find("input", {"name": name})["value"] for name in ("token", "digest")}
    with TestCase.captureOnCommitCallbacks(execute=run_tasks):
        return client.post(import_url(conference), fields)


def can_confirm(response) -> bool:
    return BeautifulSoup(response.content, "html.parser").find("input", {"name": "token"}) is not None


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def row(id="X-1", title="Adult social care reform", day="2027-03-08", start="09:30", end="10:15", **cells) -> str:
    values = {
        "stream": "Care",
        "format": "talk",
        "speakers": "",
        "summary": "What the reforms mean for charging.",
        "join_url": "",
        **cells,
    }
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([id, title, day, start, end, *(values[c] for c in CSV_COLUMNS[5:])])
    return buffer.getvalue()


def import_file(client, conference, content: bytes, name="programme.csv"):
    dry_run = upload(client, conference, content, name)
    assert can_confirm(dry_run), page_text(dry_run)
    return confirm(client, conference, dry_run)


def revision_counts(conference) -> dict[str, int]:
    return {
        session.external_id: Revision.page_revisions.filter(object_id=str(session.pk)).count()
        for session in SessionPage.objects.child_of(conference)
    }


# The dry run and applying it ----------------------------------------------------------------


def test_csv_dry_run_shows_each_row_to_be_added_and_writes_nothing(planner_client, conference, speakers):
    response = upload(planner_client, conference, sample("programme.csv"))

    assert outcomes(response) == [(n, "Add") for n in range(2, 8)]
    text = page_text(response)
    assert "6 to add 0 to update 0 unchanged 0 refused" in text
    assert "Import: add 6, update 0" in text
    assert not SessionPage.objects.exists()


def test_confirming_publishes_the_sessions_with_their_speakers(planner_client, conference, speakers):
    response = import_file(planner_client, conference, sample("programme.csv"))

    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/programme-files/runs/{run.pk}/"
    assert (run.status, run.added, run.updated, run.unchanged) == (ImportStatus.DONE, 6, 0, 0)
    progress = planner_client.get(response["Location"])
    assert "Imported programme.csv into Digital Councils 2027: 6 sessions added, 0 updated, 0 unchanged." in page_text(
        progress
    )
    soup = BeautifulSoup(progress.content, "html.parser")
    assert soup.find("a", string="See the programme")["href"] == f"/admin/conferences/{conference.pk}/programme/"
    assert soup.find("meta", attrs={"http-equiv": "refresh"}) is None
    sessions = {s.external_id: s for s in SessionPage.objects.child_of(conference).live()}
    assert sorted(sessions) == ["DC-101", "DC-102", "DC-103", "DC-104", "DC-105", "DC-106"]
    warm_spaces = sessions["DC-103"]
    assert warm_spaces.title == "Warm spaces, one winter on"
    assert (warm_spaces.start, warm_spaces.end) == (
        london(conference.start_date, 10, 30),
        london(conference.start_date, 11, 30),
    )
    assert warm_spaces.stream.name == "Communities" and warm_spaces.format == "panel"
    assert sorted(s.name for s in warm_spaces.speakers.all()) == ["Asha Patel", "Gareth Hughes"]
    assert warm_spaces.join_url == "https://meet.example.org/dc-103"
    assert sessions["DC-104"].format == "discussion"  # written as its label, ‘Discussion’
    assert warm_spaces.live_revision.user.username == "planner"


def test_importing_the_same_file_again_changes_nothing(planner_client, conference, speakers):
    import_file(planner_client, conference, sample("programme.csv"))
    before = revision_counts(conference)

    again = upload(planner_client, conference, sample("programme.csv"))

    assert outcomes(again) == [(n, "Unchanged") for n in range(2, 8)]
    assert "Nothing to import: every session is already as the file says." in page_text(again)
    assert not can_confirm(again)
    programme = read_programme_file(sample("programme.csv"), conference=conference)
    apply_import(conference=conference, programme=programme, user=None)
    assert revision_counts(conference) == before
    assert SessionPage.objects.count() == 6


def test_a_changed_row_updates_only_that_session(planner_client, conference, speakers):
    import_file(planner_client, conference, sample("programme.csv"))
    before = revision_counts(conference)
    edited = sample("programme.csv").replace(
        b"Open data for planning applications,2027-03-09,11:00,11:45", b"Open planning data,2027-03-09,12:00,12:45"
    )

    dry_run = upload(planner_client, conference, edited)

    assert dict(outcomes(dry_run))[6] == "Update"
    assert (
        "Changes: title, start, end. Currently: “Open data for planning applications”; Tue 9 Mar, 11:00–11:45."
        in page_text(dry_run)
    )
    confirm(planner_client, conference, dry_run)
    after = revision_counts(conference)
    assert after == {**before, "DC-105": before["DC-105"] + 1}
    moved = SessionPage.objects.get(external_id="DC-105")
    assert (moved.title, moved.start) == ("Open planning data", london(conference.start_date + timedelta(days=1), 12))
    assert SessionPage.objects.count() == 6


def test_one_bad_row_means_nothing_is_imported(planner_client, conference, speakers):
    bad = sample("programme.csv") + row(id="DC-107", stream="Housing").encode() + b"\n"

    dry_run = upload(planner_client, conference, bad)

    assert dict(outcomes(dry_run))[8] == "Refused" and not can_confirm(dry_run)
    assert "Nothing will be imported until this row is fixed." in page_text(dry_run)
    with pytest.raises(ImportRefused) as refusal:
        apply_import(conference=conference, programme=read_programme_file(bad, conference=conference), user=None)
    assert "Nothing was imported: 1 row cannot be imported as it stands." in str(refusal.value)
    assert not SessionPage.objects.exists()


@contextmanager
def database_fails_at(table: str):
    """The database refuses every insert into ``table``: a failure midway through a write."""

    def refuse(execute, sql, params, many, context):
        if sql.startswith(f'INSERT INTO "{table}"'):
            raise OperationalError("the database went away")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield


def written_rows() -> dict[str, int]:
    """How many rows an import can write: pages, their history, indexes and feed entries, speakers."""
    return {
        model.__name__: model.objects.count()
        for model in (Page, SessionPage, Revision, PageLogEntry, ReferenceIndex, IndexEntry, CalendarEntry, Speaker)
    }


def test_a_failure_halfway_through_leaves_nothing_behind(conference, speakers):
    """The write is one transaction: when the database fails at the feed entries, after the
    changed session was republished and the new one's page, revision and history written,
    both go, and the conference's place in the tree is as it was."""
    apply_import(
        conference=conference, programme=read_programme_file(sample("programme.csv"), conference=conference), user=None
    )
    edited = sample("programme.csv").replace(b"Open data for planning applications", b"Open planning data") + (
        row(id="DC-107", title="Reablement at home", day="2027-03-11").encode() + b"\n"
    )
    programme = read_programme_file(edited, conference=conference)
    before = written_rows()

    with database_fails_at("planner_calendarentry"), pytest.raises(OperationalError):
        apply_import(conference=conference, programme=programme, user=None)

    assert written_rows() == before
    assert SessionPage.objects.get(external_id="DC-105").title == "Open data for planning applications"
    conference.refresh_from_db()
    assert conference.numchild == conference.get_children().count() == 6


def test_a_failure_after_new_speakers_were_added_takes_them_away_too(conference, speakers):
    programme = read_programme_file(sample("pretalx-schedule.json"), conference=conference)
    before = written_rows()

    with database_fails_at("wagtailcore_revision"), pytest.raises(OperationalError):
        apply_import(conference=conference, programme=programme, user=None)

    assert written_rows() == before
    assert not Speaker.objects.filter(name="Siobhan Kelly").exists()


def test_imported_sessions_are_searchable_indexed_once_each_and_references_recorded(conference, speakers):
    """The search and reference indexes are written for all the new sessions at once, after
    the rows, one search entry each; a session a later import changes is indexed again."""
    programme = read_programme_file(sample("programme.csv"), conference=conference)
    apply_import(conference=conference, programme=programme, user=None)
    sessions = list(SessionPage.objects.child_of(conference))
    entries = IndexEntry.objects.filter(content_type=ContentType.objects.get_for_model(SessionPage))
    assert sorted(entries.values_list("object_id", flat=True)) == sorted(str(s.pk) for s in sessions)  # once each
    found = SessionPage.objects.live().search("Warm spaces")
    assert [s.title for s in found][:1] == ["Warm spaces, one winter on"]
    assert sorted(s.title for s in SessionPage.objects.live().search("Gareth Hughes")) == [
        "Open data for planning applications",
        "Warm spaces, one winter on",
    ]
    stream_references = ReferenceIndex.get_references_to(sessions[0].stream)
    assert {ref.object_id for ref in stream_references} >= {
        str(s.pk) for s in sessions if s.stream == sessions[0].stream
    }

    edited = sample("programme.csv").replace(b"Open data for planning applications", b"Open planning data")
    apply_import(conference=conference, programme=read_programme_file(edited, conference=conference), user=None)
    assert [s.external_id for s in SessionPage.objects.live().search("Open planning data")][:1] == ["DC-105"]
    assert entries.count() == len(sessions)


def test_a_session_saved_outside_an_import_is_indexed_at_once(conference):
    session = make_session(conference, title="Trusted assessors in practice")
    assert [s.pk for s in SessionPage.objects.live().search("Trusted assessors")] == [session.pk]


# What an import writes, as the admin, the site, search and the feeds see it ------------------


def test_imported_sessions_are_live_pages_with_a_revision_and_a_history_naming_the_importer(
    planner_client, conference, speakers
):
    import_file(planner_client, conference, sample("programme.csv"))

    sessions = list(SessionPage.objects.child_of(conference).select_related("live_revision__user"))
    assert len(sessions) == 6
    for session in sessions:
        assert (session.live, session.has_unpublished_changes) == (True, False)
        [revision] = Revision.page_revisions.filter(object_id=str(session.pk))
        assert session.live_revision_id == session.latest_revision_id == revision.pk
        assert revision.user.username == "planner"
        assert revision.as_object().title == session.title
        history = PageLogEntry.objects.filter(page=session).order_by("pk")
        assert [(entry.action, entry.user.username, entry.revision_id) for entry in history] == [
            ("wagtail.create", "planner", None),
            ("wagtail.publish", "planner", revision.pk),
        ]
    warm_spaces = next(s for s in sessions if s.external_id == "DC-103")
    history = page_text(planner_client.get(f"/admin/pages/{warm_spaces.pk}/history/"))
    assert "Published" in history and "Created" in history and "planner" in history
    editor = BeautifulSoup(planner_client.get(f"/admin/pages/{warm_spaces.pk}/edit/").content, "html.parser")
    assert editor.find("input", {"name": "title"})["value"] == "Warm spaces, one winter on"
    assert warm_spaces.title in page_text(planner_client.get(warm_spaces.url))  # its public page


def test_imported_sessions_are_in_the_conference_feed_as_publishing_them_would_put_them(client, conference, speakers):
    apply_import(
        conference=conference, programme=read_programme_file(sample("programme.csv"), conference=conference), user=None
    )
    sessions = SessionPage.objects.child_of(conference).select_related("stream")

    calendar = icalendar.Calendar.from_ical(client.get(f"/calendar/conference/{conference.pk}.ics").content)
    assert {str(event["UID"]): str(event["SUMMARY"]) for event in calendar.walk("VEVENT")} == {
        f"relay-session-{session.pk}@testserver": session.title for session in sessions
    }
    for session in sessions:  # publishing again finds each entry as publishing would have written it
        entry = CalendarEntry.objects.get(page_id=session.pk)
        again = sync_calendar_entry(page=session)
        assert (again.sequence, again.last_modified, again.fingerprint) == (0, entry.last_modified, entry.fingerprint)


def test_an_import_leaves_the_page_tree_consistent_for_the_next_page_added(planner_client, conference, speakers):
    planned = make_session(
        conference, title="Already planned", start=london(conference.start_date + timedelta(days=4), 9)
    )
    import_file(planner_client, conference, sample("programme.csv"))

    conference.refresh_from_db()
    children = list(conference.get_children().specific())
    assert conference.numchild == len(children) == 7
    assert children[0].pk == planned.pk  # the new sessions come after the pages already there
    assert all(child.url_path == f"{conference.url_path}{child.slug}/" for child in children)
    assert Page.find_problems() == ([], [], [], [], [])
    form = session_form(conference, title="Added after the import", slug="added-after-the-import")
    response = planner_client.post(
        f"/admin/pages/add/planner/sessionpage/{conference.pk}/", {**form, "action-publish": "action-publish"}
    )
    assert response.status_code == 302
    added = SessionPage.objects.get(slug="added-after-the-import")
    conference.refresh_from_db()
    assert added.live and added.path > children[-1].path and conference.numchild == 8
    assert Page.find_problems() == ([], [], [], [], [])


def test_imported_sessions_show_on_the_cached_public_pages_at_the_next_request(client, conference, speakers):
    """The public pages are cached until content changes (``cms.caching``); sessions written in
    bulk send no signals, so the import retires those caches itself."""
    urls = [conference.url, f"/calendar/conference/{conference.pk}/schedule.json"]
    for url in urls:
        assert "Warm spaces" not in client.get(url).content.decode()

    apply_import(
        conference=conference, programme=read_programme_file(sample("programme.csv"), conference=conference), user=None
    )

    for url in urls:
        assert "Warm spaces, one winter on" in client.get(url).content.decode(), url


def test_a_planner_who_may_no_longer_publish_there_imports_nothing(conference, speakers):
    facilitator = member_of("Facilitators")
    programme = read_programme_file(sample("programme.csv"), conference=conference)
    before = written_rows()

    with pytest.raises(PublishPagePermissionError):
        apply_import(conference=conference, programme=programme, user=facilitator)

    assert written_rows() == before


# Bad input: a clear answer, nothing written ------------------------------------------------

BAD_FILES = {
    "columns": (
        csv_file("X-1,Title,2027-03-08,09:30", header="id,title,date,time,end,stream,format,speakers,summary,join_url"),
        "Missing: day, start. Not recognised: date, time.",
    ),
    "day": (csv_file(row(day="2027-13-40")), "Row 2: day ‘2027-13-40’ is not a date: write it as YYYY-MM-DD"),
    "time": (csv_file(row(start="9.30am")), "Row 2: start ‘9.30am’ is not a time: write it as HH:MM"),
    "order": (csv_file(row(start="11:00", end="10:00")), "Row 2: The session must end after it starts."),
    "dates": (
        csv_file(row(day="2027-03-15")),
        "Row 2: The session must take place during the conference, Monday 8 March 2027 to Friday 12 March 2027",
    ),
    "stream": (
        csv_file(row(stream="Housing")),
        "Row 2: Stream ‘Housing’ does not exist in this conference (its streams: Care, Communities, Digital and data).",
    ),
    "speaker": (
        csv_file(row(speakers="Asha Patel; Dr Nobody")),
        "Row 2: Speaker ‘Dr Nobody’ is not in Relay: add them under Programme › Speakers first",
    ),
    "format": (csv_file(row(format="keynote")), "Row 2: format ‘keynote’ is not one of: talk, panel,"),
    "summary": (csv_file(row(summary="")), "Row 2: summary is empty."),
    "url": (csv_file(row(join_url="teams meeting")), "Row 2: join_url: Enter a valid URL."),
    "no id": (csv_file(row(id="")), "Row 2: id is empty."),
    "duplicate id": (
        csv_file(row(id="X-1"), row(id="X-1", title="Another", start="11:00", end="11:30")),
        "Row 3: It repeats the id ‘X-1’ of row 2: each session needs its own.",
    ),
    "duplicate row": (
        csv_file(row(id="X-1"), row(id="X-2")),
        "Row 3: It repeats row 2 (same title, stream and start) under another id.",
    ),
    "clash in file": (
        csv_file(
            row(id="X-1", speakers="Asha Patel"),
            row(id="X-2", title="Other", start="10:00", end="10:30", speakers="Asha Patel"),
        ),
        "Row 3: Asha Patel is already speaking in “Adult social care reform” at that time "
        "(row 2 of this file, 09:30 to 10:15 GMT).",
    ),
    "cells": (csv_file(row() + ",extra"), "Row 2: It has 11 cells but the first row names 10 columns"),
    "encoding": (csv_file(row(title="Café culture in Môn")).decode().encode("latin-1"), "Save the file as UTF-8 CSV"),
    "workbook": (b"PK\x03\x04" + b"\x00" * 200, "This is a spreadsheet workbook, not a CSV file."),
    "json": (b'{"schedule": {"conference": ', "The file is not valid JSON (line 1, column 29"),
    "json shape": (b'{"talks": []}', "This JSON file is neither a pretalx schedule nor a Sessionize export."),
    "pretalx shape": (b'{"schedule": {"conference": {"days": {}}}}', "it has no schedule › conference › days list."),
    "empty": (b"", "The file is empty."),
    "blank": (b"\xef\xbb\xbf  \r\n", "The file is empty."),
    "header only": (csv_file(), "The file has no sessions in it."),
    "too many": (csv_file(*[row(id=f"X-{n}") for n in range(5001)]), "The file has more than 5,000 sessions."),
    "too big": (b"x" * (2 * 1024 * 1024 + 1), "The file is larger than 2 MB."),
}


@pytest.mark.parametrize("content, message", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_files_get_a_message_and_nothing_is_written(planner_client, conference, speakers, content, message):
    response = upload(planner_client, conference, content)

    assert response.status_code == 200
    assert message in page_text(response)
    assert not can_confirm(response)
    assert not SessionPage.objects.exists() and Speaker.objects.count() == 4


def test_no_file_chosen_is_asked_for(planner_client, conference):
    response = planner_client.post(import_url(conference), {})
    assert "Choose a file to upload." in page_text(response)


def test_a_clash_with_a_session_already_planned_is_worded_as_the_session_form_words_it(
    planner_client, conference, speakers
):
    make_session(conference, title="Hospital discharge", speakers=[speakers["Asha Patel"]])

    response = upload(planner_client, conference, csv_file(row(start="10:00", end="10:45", speakers="Asha Patel")))

    assert (
        "Row 2: Asha Patel is already speaking in “Hospital discharge” at that time "
        "(Monday 8 March 2027, 09:30 to 10:20 GMT (Europe/London))." in page_text(response)
    )


def test_excel_files_with_a_byte_order_mark_semicolons_and_uk_dates_are_read(planner_client, conference, speakers):
    content = (
        "\ufeff"
        + HEADER.replace(",", ";")
        + "\n"
        + "X-1;Adult social care reform;08/03/2027;9:30;10:15:00;care;Case study;asha patel;What the reforms mean.;\n"
    )

    response = import_file(planner_client, conference, content.encode())

    assert response.status_code == 302
    session = SessionPage.objects.get(external_id="X-1")
    assert session.start == london(conference.start_date, 9, 30) and session.format == "case-study"
    assert [s.name for s in session.speakers.all()] == ["Asha Patel"]


# pretalx and Sessionize --------------------------------------------------------------------


def test_a_pretalx_schedule_imports_with_its_new_speakers(planner_client, conference, speakers):
    dry_run = upload(planner_client, conference, sample("pretalx-schedule.json"), "schedule.json")

    text = page_text(dry_run)
    assert "pretalx file schedule.json: 4 sessions." in text
    assert "Will add speaker Siobhan Kelly." in text and "Will add speaker Asha Patel." not in text
    assert "New speakers to add: Siobhan Kelly, Dr Emeka Nwosu, Rhian Morgan." in text
    assert "Its type ‘Lightning talk’ is imported as Talk." in text
    confirm(planner_client, conference, dry_run)

    sessions = {s.external_id: s for s in SessionPage.objects.child_of(conference).live()}
    assert sorted(sessions) == ["PX8KQA", "RW2MTB", "TZ4NVC", "VB6PXD"]
    workshop = sessions["RW2MTB"]
    assert (workshop.stream.name, workshop.format) == ("Digital and data", "workshop")
    assert (workshop.start, workshop.end) == (london(conference.start_date, 14), london(conference.start_date, 15, 30))
    assert sorted(s.name for s in workshop.speakers.all()) == ["Asha Patel", "Siobhan Kelly"]
    assert Speaker.objects.get(name="Rhian Morgan").bio == "Carers’ lead at a Welsh county council."
    found = get_search_backend().search("Rhian Morgan", Speaker)  # as the admin's speaker search finds them
    assert [s.name for s in found][:1] == ["Rhian Morgan"]
    assert Speaker.objects.filter(name="Asha Patel").count() == 1
    assert outcomes(upload(planner_client, conference, sample("pretalx-schedule.json"), "schedule.json")) == [
        (n, "Unchanged") for n in range(1, 5)
    ]


def test_a_sessionize_export_imports_by_track_leaving_out_breaks(planner_client, conference, speakers):
    dry_run = upload(planner_client, conference, sample("sessionize-all-data.json"), "all-data.json")

    text = page_text(dry_run)
    assert "1 service session (breaks, lunch) left out." in text
    assert "New speakers to add: Fiona MacLeod, Daniel Price." in text
    confirm(planner_client, conference, dry_run)

    transfer = SessionPage.objects.get(external_id="612202")
    assert (transfer.stream.name, transfer.format) == ("Communities", "panel")
    assert transfer.start == london(conference.start_date + timedelta(days=2), 10, 30)
    assert transfer.join_url == "https://meet.example.org/asset-transfer"
    assert sorted(s.name for s in transfer.speakers.all()) == ["Fiona MacLeod", "Tom Okafor"]
    assert Speaker.objects.get(name="Daniel Price").role == "Passenger Transport Manager, Powys County Council"
    assert SessionPage.objects.get(external_id="612204").format == "case-study"
    assert not SessionPage.objects.filter(title="Lunch and networking").exists()


def test_a_file_without_tracks_uses_the_room_as_the_stream(planner_client, conference):
    content = sample("sessionize-all-data.json").replace(b'"title": "Track"', b'"title": "Level"')

    response = upload(planner_client, conference, content, "all-data.json")

    assert "Row 1: Stream ‘Main stage’ does not exist in this conference" in page_text(response)


# Export ------------------------------------------------------------------------------------


def test_exporting_then_importing_the_programme_changes_nothing(planner_client, conference, speakers):
    care = conference.streams.get(name="Care")
    make_session(conference, title='=HYPERLINK("http://evil.example")', speakers=[speakers["Asha Patel"]])
    make_session(conference, title="Reablement", stream=care, start=london(conference.start_date, 11), format="panel")
    called_off = make_session(
        conference, title="Town deals", start=london(conference.start_date + timedelta(days=1), 14)
    )
    Cancellation.objects.create(page=called_off, reason="The speaker is ill.")
    draft = make_session(conference, title="- bullet points first", start=london(conference.start_date, 15))
    draft.unpublish()
    before = revision_counts(conference)

    exported = planner_client.get(f"/admin/programme-files/{conference.pk}/programme.csv")

    assert exported["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert list(rows[0]) == [*CSV_COLUMNS, "status"]
    by_title = {r["title"]: r for r in rows}
    assert by_title['\'=HYPERLINK("http://evil.example")']["speakers"] == "Asha Patel"
    assert by_title["Town deals"]["status"] == "cancelled" and by_title["'- bullet points first"]["status"] == "draft"
    assert by_title["Reablement"] == {
        **by_title["Reablement"],
        "day": "2027-03-08",
        "start": "11:00",
        "end": "11:50",
        "stream": "Care",
        "format": "panel",
        "status": "live",
    }
    again = upload(planner_client, conference, exported.content, "programme.csv")
    assert [outcome for _, outcome in outcomes(again)] == ["Unchanged"] * 4
    assert revision_counts(conference) == before


def test_a_status_changed_in_the_file_is_pointed_out_not_applied(planner_client, conference):
    make_session(conference, title="Reablement")
    exported = planner_client.get(f"/admin/programme-files/{conference.pk}/programme.csv").content
    edited = exported.replace(b",live\r\n", b",cancelled\r\n")

    response = upload(planner_client, conference, edited)

    assert outcomes(response) == [(2, "Unchanged")]
    assert "The status column says ‘cancelled’, but importing does not change status: it stays live." in page_text(
        response
    )
    assert SessionPage.objects.get(title="Reablement").called_off is None


def test_the_template_imports_cleanly_into_its_conference(planner_client, conference):
    template = planner_client.get(f"/admin/programme-files/{conference.pk}/template.csv")

    assert template.content.decode("utf-8-sig").splitlines()[0] == HEADER
    assert [outcome for _, outcome in outcomes(upload(planner_client, conference, template.content))] == ["Add"] * 2


@pytest.fixture
def booked_meetup(conference):
    meetup = make_meetup(conference, title="Leeds meetup", capacity=1)
    people = [
        DelegateFactory(name="=cmd|' /C calc'!A0", organisation="+44 113 000 0000"),
        DelegateFactory(name="Bob Baker", organisation="@Bradford Council"),
    ]
    for person in people:
        book_meetup(delegate=person, event=meetup)
    return meetup


def member_of(group: str):
    """A user in one of the roles the migrations set up (Planners, Facilitators, Discussion moderators)."""
    user = UserFactory()
    user.groups.add(Group.objects.get(name=group))
    return user


def test_the_delegate_list_is_a_formula_safe_csv_for_planners(planner_client, booked_meetup):
    response = planner_client.get(f"/admin/meetups/{booked_meetup.pk}/delegates.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "name",
        "organisation",
        "email",
        "booking status",
        "booked at (Europe/London)",
        "checked in at (Europe/London)",
    ]
    assert [r[:2] + r[3:4] for r in rows[1:]] == [
        ["'=cmd|' /C calc'!A0", "'+44 113 000 0000", "Confirmed"],
        ["Bob Baker", "'@Bradford Council", "On the waiting list"],
    ]
    assert rows[1][2].endswith("@council.gov.uk") and rows[1][5] == ""
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_the_delegate_list_is_for_planners_and_that_meetups_facilitators_only(client, conference, booked_meetup):
    other = make_meetup(conference, title="Bristol meetup", day=booked_meetup.start.date() + timedelta(days=7))
    facilitator, elsewhere = member_of("Facilitators"), member_of("Facilitators")
    Facilitation.objects.create(event=booked_meetup, user=facilitator)
    Facilitation.objects.create(event=other, user=elsewhere)
    url = f"/admin/meetups/{booked_meetup.pk}/delegates.csv"

    for allowed in (facilitator, member_of("Planners")):
        client.force_login(allowed)
        assert "Bob Baker" in client.get(url).content.decode("utf-8-sig")
    for refused in (elsewhere, member_of("Discussion moderators")):
        client.force_login(refused)
        response = client.get(url)
        assert response.status_code == 403 and b"Bob Baker" not in response.content
        assert "Only planners and this meetup’s own facilitators can download its delegate list." in page_text(response)
    client.force_login(DelegateFactory().user)
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# Permissions and confirmation --------------------------------------------------------------


def test_only_those_who_work_on_the_conference_may_import_or_export_it(client, conference, speakers):
    client.force_login(member_of("Facilitators"))

    refused = client.get(import_url(conference))
    assert refused.status_code == 403
    assert "You cannot import sessions into Digital Councils 2027" in page_text(refused)
    response = upload(client, conference, sample("programme.csv"))
    assert response.status_code == 403 and not SessionPage.objects.exists()
    assert "You cannot add and publish sessions here." in page_text(client.get("/admin/programme-files/"))
    make_session(conference, title="Unannounced keynote").unpublish()
    export = client.get(f"/admin/programme-files/{conference.pk}/programme.csv")
    assert export.status_code == 403 and b"Unannounced keynote" not in export.content

    client.force_login(member_of("Planners"))
    assert import_file(client, conference, sample("programme.csv")).status_code == 302
    assert SessionPage.objects.filter(external_id__startswith="DC-").count() == 6


def test_a_dry_run_cannot_be_confirmed_by_someone_else_or_with_a_forged_token(
    planner_client, client, conference, speakers, django_user_model
):
    dry_run = upload(planner_client, conference, sample("programme.csv"))
    other = django_user_model.objects.create_superuser("other", "other@example.org", "correct horse battery")
    client.force_login(other)

    stolen = confirm(client, conference, dry_run)
    forged = planner_client.post(import_url(conference), {"token": "guess", "digest": "0" * 64})

    for response in (stolen, forged):
        assert response.status_code == 302
    assert "That dry run is no longer available" in page_text(planner_client.get(import_url(conference)))
    assert not SessionPage.objects.exists()


def test_a_programme_changed_since_the_dry_run_is_shown_again_not_imported(planner_client, conference, speakers):
    dry_run = upload(planner_client, conference, sample("programme.csv"))
    make_session(
        conference,
        title="Council tax reminders that people act on",
        speakers=[speakers["Tom Okafor"]],
        start=london(conference.start_date, 10, 45),
    )

    response = confirm(planner_client, conference, dry_run)

    assert ImportRun.objects.get().status == ImportStatus.FAILED
    text = page_text(planner_client.get(response["Location"]))
    assert "Nothing was imported: 1 row cannot be imported as it stands." in text
    assert "Tom Okafor is already speaking in “Council tax reminders that people act on”" in text
    assert "Upload the file again" in text
    assert SessionPage.objects.count() == 1


def test_the_progress_page_reloads_itself_until_the_import_has_run(planner_client, conference, speakers):
    dry_run = upload(planner_client, conference, sample("programme.csv"))

    response = confirm(planner_client, conference, dry_run, run_tasks=False)

    waiting = BeautifulSoup(planner_client.get(response["Location"]).content, "html.parser")
    assert waiting.find("meta", attrs={"http-equiv": "refresh"})["content"] == "3"
    assert "Waiting to start importing programme.csv." in " ".join(waiting.get_text(" ").split())
    assert not SessionPage.objects.exists()
    apply_import_run(run_id=ImportRun.objects.get().pk)
    assert SessionPage.objects.child_of(conference).live().count() == 6


def test_a_run_whose_dry_run_no_longer_matches_fails_with_a_message_and_writes_nothing(
    planner_client, conference, speakers
):
    with TestCase.captureOnCommitCallbacks(execute=True):
        run = request_import_run(
            conference=conference,
            user=None,
            name="programme.csv",
            content=sample("programme.csv"),
            fingerprint="0" * 64,
        )

    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED and run.finished_at is not None
    assert run.error == (
        "Nothing was imported: the programme changed between your dry run and the import. "
        "Upload the file again to see a fresh dry run, then confirm that."
    )
    assert "Upload the file again to see a fresh dry run" in page_text(
        planner_client.get(f"/admin/programme-files/runs/{run.pk}/")
    )
    assert not SessionPage.objects.exists() and Speaker.objects.count() == 4


def test_a_run_delivered_twice_is_applied_once(planner_client, conference, speakers):
    import_file(planner_client, conference, sample("programme.csv"))
    run = ImportRun.objects.get()
    before = revision_counts(conference)

    apply_import_run(run_id=run.pk)

    assert revision_counts(conference) == before and SessionPage.objects.count() == 6
    run.refresh_from_db()
    assert (run.status, run.added) == (ImportStatus.DONE, 6)


def test_a_run_left_running_by_a_killed_worker_is_applied_by_the_retry(conference, speakers):
    """The worker's transaction rolled back, so the retry finds it still running and applies it."""
    programme = read_programme_file(sample("programme.csv"), conference=conference)
    fingerprint = plan_import(conference=conference, programme=programme).fingerprint
    run = ImportRun.objects.create(
        conference=conference,
        name="programme.csv",
        content=sample("programme.csv"),
        fingerprint=fingerprint,
        status=ImportStatus.RUNNING,
    )

    apply_import_run(run_id=run.pk)

    run.refresh_from_db()
    assert (run.status, run.added) == (ImportStatus.DONE, 6)
    assert SessionPage.objects.child_of(conference).live().count() == 6


def test_a_crash_while_applying_is_recorded_and_raised_for_the_queue(conference, speakers):
    programme = read_programme_file(sample("programme.csv"), conference=conference)
    fingerprint = plan_import(conference=conference, programme=programme).fingerprint
    run = ImportRun.objects.create(
        conference=conference, name="programme.csv", content=sample("programme.csv"), fingerprint=fingerprint
    )

    with database_fails_at("wagtailcore_revision"), pytest.raises(OperationalError):
        apply_import_run(run_id=run.pk)

    run.refresh_from_db()
    assert (run.status, run.error) == (ImportStatus.FAILED, CRASHED)
    assert not SessionPage.objects.exists()


def test_an_import_run_is_shown_only_to_those_who_may_import_into_its_conference(
    planner_client, client, conference, speakers
):
    import_file(planner_client, conference, sample("programme.csv"))
    url = f"/admin/programme-files/runs/{ImportRun.objects.get().pk}/"
    client.force_login(member_of("Facilitators"))

    response = client.get(url)

    assert response.status_code == 403
    text = page_text(response)
    assert "Only people who may import sessions into Digital Councils 2027 can see its imports." in text
    assert "programme.csv" not in text


def test_the_conference_header_offers_import_and_export(planner_client, conference):
    page = page_text(planner_client.get(f"/admin/pages/{conference.pk}/"))
    assert "Import programme" in page and "Export programme (CSV)" in page


# Cost --------------------------------------------------------------------------------------


def programme_of(size: int, conference) -> bytes:
    """``size`` rows over the days and streams, each with a speaker, none clashing."""
    streams = ["Digital and data", "Communities", "Care"]
    names = ["Asha Patel", "Tom Okafor", "Priya Shah"]
    rows = []
    for n in range(size):
        day = conference.start_date + timedelta(days=n % 5)
        hour = 9 + n // 15
        rows.append(
            row(
                id=f"Q-{n}",
                title=f"Session {n}",
                day=f"{day}",
                start=f"{hour}:00",
                end=f"{hour}:45",
                stream=streams[n % 3],
                speakers=names[n % 3],
            )
        )
    return csv_file(*rows)


def dry_run_queries(client, conference, content: bytes) -> int:
    upload(client, conference, content)  # warm per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = upload(client, conference, content)
    assert can_confirm(response)
    return len(captured)


def test_the_dry_run_itself_is_five_queries(conference, speakers, django_assert_num_queries):
    """Streams, speakers by name, the sessions the ids match and their speakers, and the
    sessions those speakers already speak in: whatever the size of the file."""
    first = read_programme_file(programme_of(3, conference), conference=conference)
    apply_import(conference=conference, programme=first, user=None)
    programme = read_programme_file(programme_of(45, conference), conference=conference)
    with django_assert_num_queries(5):
        plan = plan_import(conference=conference, programme=programme)
    assert (plan.count("create"), plan.count("unchanged")) == (42, 3)


def test_a_dry_run_costs_the_same_queries_for_3_and_45_rows(planner_client, conference, speakers):
    import_file(planner_client, conference, programme_of(3, conference))  # so some rows are updates

    few = dry_run_queries(planner_client, conference, programme_of(3, conference).replace(b"45,", b"50,"))
    many = dry_run_queries(planner_client, conference, programme_of(45, conference))

    assert many == few


class RolledBack(Exception):
    pass


def import_queries(conference, content: bytes, user) -> int:
    """Queries to apply ``content``, undone afterwards so the next count starts from the same programme."""
    programme = read_programme_file(content, conference=conference)
    with CaptureQueriesContext(connection) as captured:
        try:
            with transaction.atomic():
                apply_import(conference=conference, programme=programme, user=user)
                raise RolledBack
        except RolledBack:
            pass
    return len(captured)


def test_importing_40_new_sessions_costs_about_the_queries_of_10(conference, speakers, django_user_model):
    """New sessions are written a table at a time: 30 more rows may start a second batch of an
    insert or two (SQLite takes 999 values a statement), never cost queries of their own."""
    user = django_user_model.objects.create_superuser("importer", "importer@example.org", "correct horse battery")
    import_queries(conference, programme_of(10, conference), user)  # warm per-process caches

    few = import_queries(conference, programme_of(10, conference), user)
    many = import_queries(conference, programme_of(40, conference), user)

    assert many - few <= 3, (few, many)
    assert few <= 40, few


def test_export_neutralises_spreadsheet_formulas(planner_client, conference):
    meetup = make_meetup(conference)
    book_meetup(delegate=DelegateFactory(name='=HYPERLINK("http://evil.example","x")'), event=meetup)
    response = planner_client.get("/admin/bookings/", {"export": "csv"})
    [row] = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert row["Name"].startswith("'=")
