"""Calendar feeds at stable, id-based addresses (see DESIGN.md's public contracts). Views only
pick the entries and wrap the bytes calendars.py makes in an HTTP response with validators."""

import hashlib
import re
import time
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseNotFound
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_http_methods
from wagtail.documents import get_document_model

from cms.caching import DAY, cached, versioned
from planner import calendars
from planner.models import CalendarEntry, CalendarToken, ConferencePage, Stream
from planner.queries import calendar as calendar_queries
from planner.queries import programme as queries
from planner.schedule_export import (
    material_document_ids,
    render_schedule_json,
    render_schedule_xml,
    schedule_data,
    schedule_version,
)
from planner.services.calendar import hash_token

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")
read_only = require_http_methods(["GET", "HEAD"])


def feed_domain() -> str:
    """The domain in every event UID: the site's configured address, not the request's Host."""
    return urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "relay.invalid"


FEED_CACHE_SECONDS = 60 * 60


def feed_body(entries, *, info: calendars.FeedInfo, cache_id: str) -> tuple[bytes, int]:
    """The feed's bytes, and when its content last changed.

    Both are cached under a digest of what the feed is made of (each entry's id, sequence,
    last change and cancellation), so any edit, star or booking gives a new digest. The time
    a feed's digest last changed is its Last-Modified: a star or an entry ageing out changes
    the feed without changing any entry, and a client asking If-Modified-Since must see it."""
    state = list(entries.values_list("page_id", "sequence", "last_modified", "cancelled_at"))
    digest = hashlib.sha256(f"{cache_id}|{info}|{state}".encode()).hexdigest()
    body = cache.get(f"relay:feed:{digest}")
    if body is None:
        body = calendars.serialize_calendar(calendars.build_calendar(list(entries), info=info))
        cache.set(f"relay:feed:{digest}", body, FEED_CACHE_SECONDS)
    current_key = "relay:feed-current:" + hashlib.sha256(f"{cache_id}|{info}".encode()).hexdigest()
    current = cache.get(current_key)
    if current is None or current[0] != digest:
        newest = max((row[2] for row in state), default=None)
        if current is None:  # first sight (or the cache was emptied): the newest entry's change
            since = int(newest.timestamp()) if newest else int(time.time())
        else:  # changed since last served: now, and always later than before (HTTP dates are whole seconds)
            since = max(int(time.time()), current[1] + 1)
        current = (digest, since)
        cache.set(current_key, current, None)
    return body, current[1]


def calendar_response(
    request,
    entries,
    *,
    name: str,
    description: str,
    filename: str,
    cache_id: str,
    private: bool = False,
    tentative: frozenset[int] = frozenset(),
    join_urls: tuple[tuple[int, str], ...] = (),
):
    """The feed as text/calendar with ETag and Last-Modified; 304 when the client is current.
    ``tentative``: pages shown as TENTATIVE (waiting-list meetups in a personal feed);
    ``join_urls``: (page id, link) of the join links only this (private) feed may carry."""
    info = calendars.FeedInfo(
        name=name, description=description, domain=feed_domain(), tentative=tentative, join_urls=join_urls
    )
    body, timestamp = feed_body(entries, info=info, cache_id=cache_id)
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is None:
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["ETag"] = etag
    if timestamp:
        response["Last-Modified"] = http_date(timestamp)
    if private:
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
    else:
        response["Cache-Control"] = "public, max-age=300"
    return response


@read_only
def conference_feed(request, conference_id: int):
    """Every online session of a conference."""
    conference = get_object_or_404(ConferencePage.objects.live(), pk=conference_id)
    entries = calendar_queries.feed_entries(conference_id=conference.pk, kind=CalendarEntry.Kind.SESSION)
    return calendar_response(
        request,
        entries,
        name=conference.title,
        description=f"Online sessions of {conference.title}. Times in {conference.time_zone}.",
        filename=f"conference-{conference.pk}.ics",
        cache_id=f"conference-{conference.pk}",
    )


@read_only
def stream_feed(request, conference_id: int, stream_slug: str):
    """The sessions of one stream of a conference."""
    stream = get_object_or_404(
        Stream.objects.select_related("conference"), conference_id=conference_id, slug=stream_slug
    )
    entries = calendar_queries.feed_entries(stream_id=stream.pk, kind=CalendarEntry.Kind.SESSION)
    return calendar_response(
        request,
        entries,
        name=f"{stream.conference.title}: {stream.name}",
        description=f"The {stream.name} stream of {stream.conference.title}.",
        filename=f"conference-{conference_id}-{stream.slug}.ics",
        cache_id=f"stream-{stream.pk}",
    )


@read_only
def event_feed(request, event_id: int):
    """One regional meetup (still answered for 30 days after it is cancelled)."""
    entries = calendar_queries.feed_entries(page_id=event_id, kind=CalendarEntry.Kind.MEETUP)
    first = entries.first()
    if first is None:
        return HttpResponseNotFound("No such meetup.", content_type="text/plain; charset=utf-8")
    return calendar_response(
        request,
        entries,
        name=first.title,
        description="A Relay regional meetup.",
        filename=f"event-{event_id}.ics",
        cache_id=f"event-{event_id}",
    )


@read_only
def regional_feed(request):
    """Every regional meetup of every conference."""
    entries = calendar_queries.feed_entries(kind=CalendarEntry.Kind.MEETUP)
    return calendar_response(
        request,
        entries,
        name="Regional meetups",
        description="Every regional meetup, in each venue's local time.",
        filename="regional.ics",
        cache_id="regional",
    )


@read_only
def session_feed(request, session_id: int):
    """One session, for ‘add to calendar’."""
    entries = calendar_queries.feed_entries(page_id=session_id, kind=CalendarEntry.Kind.SESSION)
    first = entries.first()
    if first is None:
        return HttpResponseNotFound("No such session.", content_type="text/plain; charset=utf-8")
    return calendar_response(
        request,
        entries,
        name=first.title,
        description="A Relay online session.",
        filename=f"session-{session_id}.ics",
        cache_id=f"session-{session_id}",
    )


def unknown_token() -> HttpResponse:
    """A plain 404 that Django does not log, so no token reaches a log file."""
    response = HttpResponseNotFound("No such calendar.", content_type="text/plain; charset=utf-8")
    response._has_been_logged = True  # django.request would otherwise log the path (the token)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@read_only
def personal_feed(request, token: str):
    """A delegate's starred sessions and booked meetups; the token in the address is the password."""
    if not TOKEN_PATTERN.match(token):
        return unknown_token()
    owner = CalendarToken.objects.select_related("delegate").filter(token_hash=hash_token(token)).first()
    if owner is None:
        return unknown_token()
    return calendar_response(
        request,
        calendar_queries.personal_feed_entries(owner.delegate),
        name="My Relay programme",
        description="Sessions you starred and meetups you booked.",
        filename="my-programme.ics",
        cache_id=f"delegate-{owner.delegate_id}",
        private=True,
        tentative=calendar_queries.waiting_meetup_ids(owner.delegate),
        join_urls=calendar_queries.private_join_urls(owner.delegate),
    )


def schedule_response(request, conference_id: int, *, fmt: str):
    """The conference's schedule as ``fmt`` (xml or json), written once per content version
    (an edit, move or cancellation retires it: ``cms.caching``), and again when a session
    whose recording it held back starts, with an ETag."""

    def build() -> tuple[bytes, str, datetime | None]:
        conference = ConferencePage.objects.live().filter(pk=conference_id).first()
        if conference is None:
            return b"", "", None
        sessions = list(queries.conference_sessions(conference))
        ids = material_document_ids(sessions)
        data = schedule_data(
            conference,
            sessions,
            domain=feed_domain(),
            version=schedule_version(conference.schedule_changes.count()),
            now=timezone.now(),
            documents=get_document_model().objects.in_bulk(ids) if ids else {},
        )
        body = render_schedule_xml(data) if fmt == "xml" else render_schedule_json(data)
        return body, f'"{hashlib.sha256(body).hexdigest()[:32]}"', data.recordings_due

    key = f"schedule:{conference_id}:{fmt}"
    body, etag, rebuild_at = cached(key, build)
    if rebuild_at and rebuild_at <= timezone.now():
        body, etag, rebuild_at = rebuilt = build()
        cache.set(versioned(key), rebuilt, DAY)
    if not body:
        raise Http404("No such conference.")
    content_type = "application/xml; charset=utf-8" if fmt == "xml" else "application/json; charset=utf-8"
    response = get_conditional_response(request, etag=etag) or HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"  # schedule apps and web viewers fetch it cross-origin
    return response


@read_only
def schedule_xml(request, conference_id: int):
    """Frab/Pentabarf-style schedule for schedule apps."""
    return schedule_response(request, conference_id, fmt="xml")


@read_only
def schedule_json(request, conference_id: int):
    """C3VOC schedule.json."""
    return schedule_response(request, conference_id, fmt="json")
