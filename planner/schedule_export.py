"""Schedule interop: the conference as Frab/Pentabarf-style schedule.xml and C3VOC
schedule.json, for schedule apps (Giggity, EventFahrplan, ConfClerk). Rooms are streams.

``schedule_data`` gathers plain data (its queries are in queries.conference_sessions);
``render_schedule_xml`` and ``render_schedule_json`` only format it."""

import json
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.text import slugify

GENERATOR = "Relay"
SCHEDULE_VERSION_PREFIX = "relay"


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


def stable_uuid(domain: str, kind: str, pk: int) -> str:
    """The same UUID for the same object on the same site, every time."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://{domain}/{kind}/{pk}"))


def acronym_for(conference) -> str:
    """‘connected_councils_2027’: letters, digits and underscores, as both schemas accept."""
    return slugify(conference.slug).replace("-", "_")[:60] or f"conference_{conference.pk}"


def schedule_data(conference, sessions, *, domain: str) -> ScheduleData:
    """Plain schedule data for ``conference`` from its ``sessions`` (stream and speakers loaded)."""
    tz = conference.zone
    acronym = acronym_for(conference)
    streams = list(conference.streams.all())
    rooms = [(stream.name, stable_uuid(domain, "stream", stream.pk)) for stream in streams]
    days: dict[date, ScheduleDay] = {}
    for session in sessions:
        start, end = session.start.astimezone(tz), session.end.astimezone(tz)
        day = days.setdefault(start.date(), ScheduleDay(index=0, date=start.date(), start=start, end=end))
        day.start, day.end = min(day.start, start), max(day.end, end)
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
            )
        )
    ordered = [days[key] for key in sorted(days)]
    for index, day in enumerate(ordered, start=1):
        day.index = index
    last_change = max((s.last_published_at or s.latest_revision_created_at for s in sessions), default=None)
    version = f"{SCHEDULE_VERSION_PREFIX}-{last_change:%Y%m%d%H%M%S}" if last_change else SCHEDULE_VERSION_PREFIX
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
                ET.SubElement(event_el, "links")
                ET.SubElement(event_el, "attachments")
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8")


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
                        "links": [],
                        "attachments": [],
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
