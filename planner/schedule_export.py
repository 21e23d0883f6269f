"""Schedule interop: the conference as Frab/Pentabarf-style schedule.xml and C3VOC
schedule.json, for schedule apps (Giggity, EventFahrplan, ConfClerk). Rooms are streams.

``schedule_data`` gathers plain data (its queries are in queries.conference_sessions, and
the documents the materials name are read by the caller: ``material_document_ids``);
``render_schedule_xml`` and ``render_schedule_json`` only format it.

A session's materials go where both schemas put them: its documents as ``attachments``, its
links, recording (``media``) and captions as ``links``. The recording and captions, as on
the session's page, only once it has started and never when it is cancelled. The version is
``1.<changes>``: it moves on with each change recorded in the programme's changelog
(``planner.services.changes``)."""

import json
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urljoin

from django.utils.text import slugify

GENERATOR = "Relay"


def schedule_version(change_count: int) -> str:
    """‘1.4’ after four changes to the published programme: a new version with each."""
    return f"1.{change_count}"


@dataclass
class ScheduleLink:
    """A link or attachment of an event (the schemas' Reference): address, words, and one of
    the JSON schema's kinds (slides, paper, web, blog, article, media, related) or ''."""

    url: str
    title: str
    type: str = ""


@dataclass
class SchedulePerson:
    id: int
    guid: str
    name: str


@dataclass
class ScheduleEvent:
    id: int
    guid: str
    start: datetime  # aware, in the conference zone
    end: datetime
    room: str
    slug: str
    title: str
    track: str
    type: str
    abstract: str
    url: str
    persons: list[SchedulePerson]
    links: list[ScheduleLink] = field(default_factory=list)
    attachments: list[ScheduleLink] = field(default_factory=list)


@dataclass
class ScheduleDay:
    index: int
    date: date
    start: datetime
    end: datetime
    rooms: dict[str, list[ScheduleEvent]] = field(default_factory=dict)


@dataclass
class ScheduleData:
    title: str
    acronym: str
    description: str
    start: date
    end: date
    time_zone: str
    url: str
    version: str
    rooms: list[tuple[str, str]]  # (name, guid)
    days: list[ScheduleDay]
    recordings_due: datetime | None = None  # when a recording held back until its session starts is due


def stable_uuid(domain: str, kind: str, pk: int) -> str:
    """The same UUID for the same object on the same site, every time."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://{domain}/{kind}/{pk}"))


def acronym_for(conference) -> str:
    """‘connected_councils_2027’: letters, digits and underscores, as both schemas accept."""
    return slugify(conference.slug).replace("-", "_")[:60] or f"conference_{conference.pk}"


def material_document_ids(sessions: Iterable) -> set[int]:
    """The ids of the documents the sessions' materials name (read from the stored blocks:
    no query), for the caller to load at once."""
    return {block["value"] for s in sessions for block in s.materials.raw_data if block["type"] == "document"}


def recording_shown(session, *, now: datetime) -> bool:
    """Whether the session's recording and captions are out: it has started, and goes ahead."""
    return bool(session.recording_url or session.captions_url) and session.start <= now and not session.called_off


def materials_of(session, *, documents: Mapping, base_url: str, now: datetime) -> tuple[list, list]:
    """(links, attachments) of ``session``: its links, then its recording and captions once
    shown; its documents (``documents``: by id, as loaded) with absolute addresses."""
    links, attachments = [], []
    for block in session.materials.raw_data:
        value = block["value"]
        if block["type"] == "link" and value.get("url"):
            links.append(ScheduleLink(url=value["url"], title=value.get("title") or value["url"]))
        elif block["type"] == "document" and (document := documents.get(value)) is not None:
            attachments.append(ScheduleLink(url=urljoin(base_url, document.url), title=document.title))
    if recording_shown(session, now=now):
        if session.recording_url:
            links.append(ScheduleLink(url=session.recording_url, title="Recording", type="media"))
        if session.captions_url:
            links.append(ScheduleLink(url=session.captions_url, title="Captions and transcript", type="related"))
    return links, attachments


def schedule_data(
    conference, sessions, *, domain: str, version: str, now: datetime, documents: Mapping | None = None
) -> ScheduleData:
    """Plain schedule data for ``conference`` from its ``sessions`` (stream, speakers and
    cancellation loaded) as it stands at ``now``; ``documents``: those their materials name, by id."""
    documents = documents or {}
    base_url = conference.full_url or ""
    tz = conference.zone
    acronym = acronym_for(conference)
    streams = list(conference.streams.all())
    rooms = [(stream.name, stable_uuid(domain, "stream", stream.pk)) for stream in streams]
    days: dict[date, ScheduleDay] = {}
    for session in sessions:
        start, end = session.start.astimezone(tz), session.end.astimezone(tz)
        day = days.setdefault(start.date(), ScheduleDay(index=0, date=start.date(), start=start, end=end))
        day.start, day.end = min(day.start, start), max(day.end, end)
        links, attachments = materials_of(session, documents=documents, base_url=base_url, now=now)
        day.rooms.setdefault(session.stream.name, []).append(
            ScheduleEvent(
                id=session.pk,
                guid=stable_uuid(domain, "session", session.pk),
                start=start,
                end=end,
                room=session.stream.name,
                slug=f"{acronym}-{session.pk}-{slugify(session.title)[:50].strip('-') or 'session'}",
                title=session.title,
                track=session.stream.name,
                type=session.format,
                abstract=session.summary,
                url=session.full_url or "",
                persons=[
                    SchedulePerson(id=speaker.pk, guid=stable_uuid(domain, "speaker", speaker.pk), name=speaker.name)
                    for speaker in session.speakers.all()
                ],
                links=links,
                attachments=attachments,
            )
        )
    ordered = [days[key] for key in sorted(days)]
    for index, day in enumerate(ordered, start=1):
        day.index = index
    held_back = [
        s.start for s in sessions if s.start > now and (s.recording_url or s.captions_url) and not s.called_off
    ]
    return ScheduleData(
        title=conference.title,
        acronym=acronym,
        description=" ".join(conference.search_description.split()) if conference.search_description else "",
        start=conference.start_date,
        end=conference.end_date,
        time_zone=tz.key,
        url=conference.full_url or "",
        version=version,
        rooms=rooms,
        days=ordered,
        recordings_due=min(held_back, default=None),
    )


def duration(start: datetime, end: datetime) -> str:
    """‘00:50’."""
    minutes = int((end - start).total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def render_schedule_xml(data: ScheduleData) -> bytes:
    """Frab/Pentabarf-style schedule.xml."""
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", name=GENERATOR)
    ET.SubElement(root, "version").text = data.version
    conference = ET.SubElement(root, "conference")
    for tag, value in [
        ("title", data.title),
        ("acronym", data.acronym),
        ("start", data.start.isoformat()),
        ("end", data.end.isoformat()),
        ("days", str((data.end - data.start).days + 1)),
        ("timeslot_duration", "00:10"),
        ("time_zone_name", data.time_zone),
    ]:
        ET.SubElement(conference, tag).text = value
    if data.url:
        ET.SubElement(conference, "url").text = data.url
    for name, _guid in data.rooms:
        ET.SubElement(conference, "track", name=name)
    for day in data.days:
        day_el = ET.SubElement(
            root,
            "day",
            index=str(day.index),
            date=day.date.isoformat(),
            start=day.start.isoformat(),
            end=day.end.isoformat(),
        )
        for room_name, guid in data.rooms:
            events = day.rooms.get(room_name, [])
            if not events:
                continue
            room_el = ET.SubElement(day_el, "room", name=room_name, guid=guid)
            for event in events:
                event_el = ET.SubElement(room_el, "event", id=str(event.id), guid=event.guid)
                for tag, value in [
                    ("date", event.start.isoformat()),
                    ("start", f"{event.start:%H:%M}"),
                    ("duration", duration(event.start, event.end)),
                    ("room", event.room),
                    ("slug", event.slug),
                    ("title", event.title),
                    ("subtitle", ""),
                    ("track", event.track),
                    ("type", event.type),
                    ("language", "en"),
                    ("abstract", event.abstract),
                    ("description", ""),
                ]:
                    ET.SubElement(event_el, tag).text = value
                if event.url:
                    ET.SubElement(event_el, "url").text = event.url
                persons = ET.SubElement(event_el, "persons")
                for person in event.persons:
                    ET.SubElement(persons, "person", id=str(person.id), guid=person.guid).text = person.name
                links = ET.SubElement(event_el, "links")
                for link in event.links:
                    ET.SubElement(
                        links, "link", href=link.url, **({"type": link.type} if link.type else {})
                    ).text = link.title
                attachments = ET.SubElement(event_el, "attachments")
                for attachment in event.attachments:
                    ET.SubElement(attachments, "attachment", href=attachment.url).text = attachment.title
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8")


def reference(link: ScheduleLink) -> dict:
    """A link or attachment as the JSON schema's Reference."""
    return {"url": link.url, "title": link.title, **({"type": link.type} if link.type else {})}


def render_schedule_json(data: ScheduleData) -> bytes:
    """C3VOC schedule.json."""
    days = [
        {
            "index": day.index,
            "date": day.date.isoformat(),
            "day_start": day.start.isoformat(),
            "day_end": day.end.isoformat(),
            "rooms": {
                room: [
                    {
                        "guid": event.guid,
                        "id": event.id,
                        "date": event.start.isoformat(),
                        "start": f"{event.start:%H:%M}",
                        "end": event.end.isoformat(),
                        "duration": duration(event.start, event.end),
                        "room": event.room,
                        "slug": event.slug,
                        "url": event.url,
                        "title": event.title,
                        "subtitle": "",
                        "track": event.track,
                        "type": event.type,
                        "language": "en",
                        "abstract": event.abstract,
                        "description": "",
                        "persons": [{"guid": p.guid, "id": p.id, "name": p.name} for p in event.persons],
                        "links": [reference(link) for link in event.links],
                        "attachments": [reference(attachment) for attachment in event.attachments],
                    }
                    for event in day.rooms.get(room, [])
                ]
                for room, _guid in data.rooms
            },
        }
        for day in data.days
    ]
    document = {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": GENERATOR},
        "schedule": {
            "version": data.version,
            "conference": {
                "acronym": data.acronym,
                "title": data.title,
                "start": data.start.isoformat(),
                "end": data.end.isoformat(),
                "daysCount": (data.end - data.start).days + 1,
                "timeslot_duration": "00:10",
                "time_zone_name": data.time_zone,
                **({"url": data.url} if data.url else {}),
                "rooms": [{"name": name, "guid": guid} for name, guid in data.rooms],
                "tracks": [{"name": name, "slug": slugify(name)} for name, _guid in data.rooms],
                "days": days,
            },
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode()
