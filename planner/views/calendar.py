"""Calendar feeds at stable, id-based addresses (see DESIGN.md's public contracts). Views only
pick the entries and wrap the bytes calendars.py makes in an HTTP response with validators."""

import hashlib
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotFound
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_http_methods

from .. import calendars, queries
from ..models import CalendarEntry, CalendarToken, ConferencePage, Stream
from ..services.calendar import hash_token

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")
read_only = require_http_methods(["GET", "HEAD"])


def feed_domain() -> str:
    """The domain in every event UID: the site's configured address, not the request's Host."""
    return urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "relay.invalid"


def calendar_response(request, entries, *, name: str, description: str, filename: str, private: bool = False):
    """The feed as text/calendar with ETag and Last-Modified; 304 when the client is current."""
    entries = list(entries)
    info = calendars.FeedInfo(name=name, description=description, domain=feed_domain())
    body = calendars.serialize_calendar(calendars.build_calendar(entries, info=info))
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    modified = calendars.last_modified(entries)
    timestamp = int(modified.timestamp()) if modified else None
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
    entries = queries.feed_entries(conference_id=conference.pk, kind=CalendarEntry.Kind.SESSION)
    return calendar_response(
        request,
        entries,
        name=conference.title,
        description=f"Online sessions of {conference.title}. Times in {conference.time_zone}.",
        filename=f"conference-{conference.pk}.ics",
    )


@read_only
def stream_feed(request, conference_id: int, stream_slug: str):
    """The sessions of one stream of a conference."""
    stream = get_object_or_404(
        Stream.objects.select_related("conference"), conference_id=conference_id, slug=stream_slug
    )
    entries = queries.feed_entries(stream_id=stream.pk, kind=CalendarEntry.Kind.SESSION)
    return calendar_response(
        request,
        entries,
        name=f"{stream.conference.title}: {stream.name}",
        description=f"The {stream.name} stream of {stream.conference.title}.",
        filename=f"conference-{conference_id}-{stream.slug}.ics",
    )


@read_only
def event_feed(request, event_id: int):
    """One regional meetup (still answered for 30 days after it is cancelled)."""
    entries = list(queries.feed_entries(page_id=event_id, kind=CalendarEntry.Kind.MEETUP))
    if not entries:
        return HttpResponseNotFound("No such meetup.", content_type="text/plain; charset=utf-8")
    return calendar_response(
        request,
        entries,
        name=entries[0].title,
        description="A Relay regional meetup.",
        filename=f"event-{event_id}.ics",
    )


@read_only
def regional_feed(request):
    """Every regional meetup of every conference."""
    entries = queries.feed_entries(kind=CalendarEntry.Kind.MEETUP)
    return calendar_response(
        request,
        entries,
        name="Regional meetups",
        description="Every regional meetup, in each venue's local time.",
        filename="regional.ics",
    )


@read_only
def session_feed(request, session_id: int):
    """One session, for ‘add to calendar’."""
    entries = list(queries.feed_entries(page_id=session_id, kind=CalendarEntry.Kind.SESSION))
    if not entries:
        return HttpResponseNotFound("No such session.", content_type="text/plain; charset=utf-8")
    return calendar_response(
        request,
        entries,
        name=entries[0].title,
        description="A Relay online session.",
        filename=f"session-{session_id}.ics",
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
        queries.personal_feed_entries(owner.delegate),
        name="My Relay programme",
        description="Sessions you starred and meetups you booked.",
        filename="my-programme.ics",
        private=True,
    )
