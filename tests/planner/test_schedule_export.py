"""schedule.xml and schedule.json for schedule apps: rooms are streams, people, durations, links.

Both are checked against the C3VOC XSD and JSON schema (shared/specs, beside the repository):
in full with ``jsonschema`` and ``xmlschema`` where they are installed, and always for the
parts Relay fills in (an event's fields, its links and attachments) by reading the schemas."""

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from defusedxml import ElementTree as ET
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model

from planner.models import ConferencePage, SessionPage
from planner.services.cancellations import cancel_page, reinstate_page
from planner.services.changes import SETTLING
from planner.services.programme import move_session
from tests.factories import SpeakerFactory, london, make_session
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db

SPECS = Path(__file__).resolve().parents[3] / "shared" / "specs" / "c3voc-schedule"
XSD = "{http://www.w3.org/2001/XMLSchema}"


@pytest.fixture
def programme(conference):
    digital, communities, _ = conference.streams.all()
    amira = SpeakerFactory(name="Amira Shah")
    first = make_session(conference, title="Open data", stream=digital, speakers=[amira], format="panel")
    second = make_session(conference, title="Town deals", stream=communities, start=london(date(2027, 3, 9), 14, 0))
    return conference, first, second, amira


def test_schedule_xml_groups_events_by_day_and_room(client, programme):
    conference, first, second, amira = programme
    response = client.get(f"/calendar/conference/{conference.pk}/schedule.xml")
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.findtext("conference/acronym") == "digital_councils_2027"
    assert root.findtext("conference/time_zone_name") == "Europe/London"
    days = root.findall("day")
    assert [(d.get("index"), d.get("date")) for d in days] == [("1", "2027-03-08"), ("2", "2027-03-09")]
    [room] = days[0].findall("room")
    assert room.get("name") == "Digital and data"
    event = room.find("event")
    assert event.get("id") == str(first.pk)
    assert (event.findtext("start"), event.findtext("duration"), event.findtext("type")) == ("09:30", "00:50", "panel")
    assert event.findtext("date") == "2027-03-08T09:30:00+00:00"
    assert [p.text for p in event.findall("persons/person")] == ["Amira Shah"]
    assert event.findtext("url") == first.full_url
    assert days[1].find("room").get("name") == "Communities"


def test_schedule_json_matches_the_xml(client, programme):
    conference, first, second, _ = programme
    data = json.loads(client.get(f"/calendar/conference/{conference.pk}/schedule.json").content)
    schedule = data["schedule"]["conference"]
    assert schedule["daysCount"] == 5 and schedule["acronym"] == "digital_councils_2027"
    assert [room["name"] for room in schedule["rooms"]] == ["Digital and data", "Communities", "Care"]
    [event] = schedule["days"][0]["rooms"]["Digital and data"]
    assert (event["id"], event["title"], event["duration"], event["persons"][0]["name"]) == (
        first.pk,
        "Open data",
        "00:50",
        "Amira Shah",
    )
    assert event["end"] == "2027-03-08T10:20:00+00:00"
    assert schedule["days"][1]["rooms"]["Communities"][0]["id"] == second.pk


def test_guids_are_stable_between_requests(client, programme):
    conference = programme[0]
    url = f"/calendar/conference/{conference.pk}/schedule.json"
    assert client.get(url).content == client.get(url).content


def test_schedule_costs_the_same_with_2_and_20_sessions(client, programme):
    conference = programme[0]
    url = f"/calendar/conference/{conference.pk}/schedule.xml"
    few = queries_for(client, url)
    for index in range(18):
        make_session(
            conference,
            title=f"Extra {index}",
            start=london(date(2027, 3, 10 + index % 3), 8 + index % 6),
            speakers=[SpeakerFactory()],
        )
    assert queries_for(client, url) == few


def test_unknown_conference_schedule_is_404(client, db):
    assert client.get("/calendar/conference/424242/schedule.json").status_code == 404


# Versions, materials and the schemas


def schedule_urls(conference) -> dict[str, str]:
    return {fmt: f"/calendar/conference/{conference.pk}/schedule.{fmt}" for fmt in ("xml", "json")}


def versions(client, conference) -> tuple[str, str]:
    urls = schedule_urls(conference)
    xml = ET.fromstring(client.get(urls["xml"]).content).findtext("version")
    return xml, json.loads(client.get(urls["json"]).content)["schedule"]["version"]


def made_public(conference) -> None:
    ConferencePage.objects.filter(pk=conference.pk).update(first_published_at=timezone.now() - 2 * SETTLING)


def test_the_version_moves_on_with_each_change_to_the_public_programme(client, programme):
    conference, first, second, _ = programme
    assert versions(client, conference) == ("1.0", "1.0")  # the programme as first published
    made_public(conference)
    move_session(
        session=second,
        start=second.start + timedelta(hours=2),
        end=second.end + timedelta(hours=2),
        stream=second.stream,
    )
    assert versions(client, conference) == ("1.1", "1.1")
    cancel_page(page=first, reason="The speaker is ill.")
    assert versions(client, conference) == ("1.2", "1.2")
    reinstate_page(page=first)
    assert versions(client, conference) == ("1.3", "1.3")


def document(title: str, name: str):
    return get_document_model().objects.create(title=title, file=ContentFile(b"%PDF-1.7", name=name))


@pytest.fixture
def with_materials(settings, tmp_path, programme):
    """The first session, started an hour ago, with slides, a link, a recording and captions."""
    settings.MEDIA_ROOT = tmp_path
    conference, first, _, _ = programme
    slides = document("Open data slides", "open-data.pdf")
    page = first.get_latest_revision_as_object()
    page.materials = [("document", slides), ("link", {"title": "Data strategy", "url": "https://example.gov.uk/data"})]
    page.recording_url = "https://youtu.be/dQw4w9WgXcQ"
    page.captions_url = "https://captions.example.org/open-data.vtt"
    page.save_revision().publish()
    now = timezone.now()
    SessionPage.objects.filter(pk=first.pk).update(start=now - timedelta(hours=1), end=now - timedelta(minutes=10))
    return conference, first, slides


def test_materials_are_links_and_attachments_in_schedule_json(client, with_materials):
    conference, first, slides = with_materials
    data = json.loads(client.get(schedule_urls(conference)["json"]).content)
    [event] = [
        e
        for day in data["schedule"]["conference"]["days"]
        for r in day["rooms"].values()
        for e in r
        if e["id"] == first.pk
    ]
    assert event["attachments"] == [{"url": f"http://localhost{slides.url}", "title": "Open data slides"}]
    assert event["links"] == [
        {"url": "https://example.gov.uk/data", "title": "Data strategy"},
        {"url": "https://youtu.be/dQw4w9WgXcQ", "title": "Recording", "type": "media"},
        {"url": "https://captions.example.org/open-data.vtt", "title": "Captions and transcript", "type": "related"},
    ]


def test_materials_are_links_and_attachments_in_schedule_xml(client, with_materials):
    conference, first, slides = with_materials
    root = ET.fromstring(client.get(schedule_urls(conference)["xml"]).content)
    event = root.find(f".//event[@id='{first.pk}']")
    assert [(a.get("href"), a.text) for a in event.findall("attachments/attachment")] == [
        (f"http://localhost{slides.url}", "Open data slides")
    ]
    assert [(link.get("href"), link.get("type"), link.text) for link in event.findall("links/link")] == [
        ("https://example.gov.uk/data", None, "Data strategy"),
        ("https://youtu.be/dQw4w9WgXcQ", "media", "Recording"),
        ("https://captions.example.org/open-data.vtt", "related", "Captions and transcript"),
    ]


def test_a_recording_is_left_out_before_its_session_starts_and_once_cancelled(client, programme, with_materials):
    conference, first, _ = with_materials
    second = programme[2]
    page = second.get_latest_revision_as_object()
    page.recording_url = "https://vimeo.com/76979871"
    page.save_revision().publish()
    cancel_page(page=first, reason="The speaker is ill.")
    data = json.loads(client.get(schedule_urls(conference)["json"]).content)
    links = {
        e["id"]: e["links"] for day in data["schedule"]["conference"]["days"] for r in day["rooms"].values() for e in r
    }
    assert links[second.pk] == []  # not started
    assert links[first.pk] == [{"url": "https://example.gov.uk/data", "title": "Data strategy"}]  # cancelled


def test_a_recording_held_back_appears_once_its_session_starts(client, programme, monkeypatch):
    conference, first, _, _ = programme
    page = first.get_latest_revision_as_object()
    page.recording_url = "https://vimeo.com/76979871"
    page.save_revision().publish()
    url = schedule_urls(conference)["json"]
    client.get(url)  # the first request writes the site's default settings, a content change
    assert "vimeo" not in client.get(url).content.decode()
    after_start = first.start + timedelta(minutes=5)  # the clock passes the start; no edit retires the schedule
    monkeypatch.setattr(timezone, "now", lambda: after_start)
    assert "https://vimeo.com/76979871" in client.get(url).content.decode()


def load_specs() -> tuple[dict, object]:
    if not SPECS.is_dir():
        pytest.skip(f"The C3VOC schemas are not at {SPECS}")
    return json.loads((SPECS / "schedule.schema.json").read_text()), ET.parse(SPECS / "schedule.xml.xsd")


def json_event_problems(document: dict, schema: dict) -> list[str]:
    """What the JSON schema's Event and Reference definitions refuse in ``document``'s events."""
    event_def, reference = schema["definitions"]["Event"], schema["definitions"]["Reference"]
    problems = []
    for day in document["schedule"]["conference"]["days"]:
        for events in day["rooms"].values():
            for event in events:
                problems += [f"unknown {k}" for k in event if k not in event_def["properties"]]
                problems += [f"missing {k}" for k in event_def["required"] if k not in event]
                for ref in event["links"] + event["attachments"]:
                    problems += [f"reference has {k}" for k in ref if k not in reference["properties"]]
                    if "url" not in ref:
                        problems.append("reference without url")
                    if "type" in ref and ref["type"] not in reference["properties"]["type"]["enum"]:
                        problems.append(f"reference of type {ref['type']}")
    return problems


def xml_event_problems(root, xsd) -> list[str]:
    """What the XSD's event type refuses in ``root``'s events: unknown or missing children,
    links and attachments with attributes it does not define."""
    event_type = xsd.find(f"{XSD}complexType[@name='event']")
    allowed = {e.get("name"): e.get("minOccurs") != "0" for e in event_type.find(f"{XSD}all")}
    link_attrs = {a.get("name") for a in xsd.find(f"{XSD}complexType[@name='links']").iter(f"{XSD}attribute")}
    file_attrs = {a.get("name") for a in xsd.find(f"{XSD}complexType[@name='attachments']").iter(f"{XSD}attribute")}
    problems = []
    for event in root.iter("event"):
        children = [child.tag for child in event]
        problems += [f"unknown {tag}" for tag in children if tag not in allowed]
        problems += [f"twice {tag}" for tag in set(children) if children.count(tag) > 1]
        problems += [f"missing {name}" for name, required in allowed.items() if required and name not in children]
        problems += [f"link has {a}" for link in event.iter("link") for a in link.attrib if a not in link_attrs]
        problems += [f"attachment has {a}" for f in event.iter("attachment") for a in f.attrib if a not in file_attrs]
    return problems


def test_both_files_keep_to_the_c3voc_schemas_with_materials(client, with_materials):
    schema, xsd = load_specs()
    conference = with_materials[0]
    urls = schedule_urls(conference)
    document, xml = json.loads(client.get(urls["json"]).content), client.get(urls["xml"]).content
    assert json_event_problems(document, schema) == []
    assert xml_event_problems(ET.fromstring(xml), xsd.getroot()) == []


def test_both_files_validate_in_full_against_the_c3voc_schemas(client, with_materials):
    jsonschema = pytest.importorskip("jsonschema")
    xmlschema = pytest.importorskip("xmlschema")
    load_specs()
    urls = schedule_urls(with_materials[0])
    jsonschema.validate(
        json.loads(client.get(urls["json"]).content), json.loads((SPECS / "schedule.schema.json").read_text())
    )
    xmlschema.XMLSchema(str(SPECS / "schedule.xml.xsd")).validate(client.get(urls["xml"]).content.decode())
