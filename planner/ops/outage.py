"""When the database cannot be reached (PostgreSQL restarting, a failover), people get a short
"try again in a minute" page with ``503 Service Unavailable`` and ``Retry-After`` instead of a
500; API and JSON clients get ``{"error": ...}``; the log gets one WARNING line per request
instead of an error with a traceback.

The page is drawn without the database: templates/503.html stands alone (the site's base
template reads site settings and the menu from the database) and is rendered without the
request, so no context processor runs.

A database error raised by a view or while its template renders reaches
``process_exception``. One raised inside another middleware (a session saved after the view,
say) has already been turned into a 500 by Django when that response comes back out here;
``note_database_outage`` marks such a request so its 500 is replaced too. So this middleware
must sit outside every middleware that can touch the database.
"""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

OUTAGE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 60
MESSAGE = "Relay is briefly unavailable, try again in a minute."


class DatabaseOutageMiddleware:
    """Answers 503 when the database cannot be reached; see the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        error = getattr(request, "database_outage", None)
        if error is not None and response.status_code == 500:
            return unavailable(request, error)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, OUTAGE_ERRORS):
            return unavailable(request, exception)
        return None


@receiver(got_request_exception)
def note_database_outage(sender, request=None, **kwargs):
    """Marks ``request`` when the exception Django is turning into a 500 is an outage."""
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, OUTAGE_ERRORS):
        request.database_outage = error


def unavailable(request: HttpRequest, error: Exception) -> HttpResponse:
    """The 503 for ``request``: JSON for API and JSON clients, else the short page."""
    # The driver's first line says what failed (refused, closed, timed out) and holds no
    # personal data; the path is left out, as it may hold a calendar or check-in token.
    first_line = (str(error).strip().splitlines() or [""])[0]
    logger.warning("Database unreachable, answered 503: %s: %s", type(error).__name__, first_line[:200])
    if wants_json(request):
        response = JsonResponse({"error": MESSAGE}, status=503)
    else:
        reference = getattr(request, "request_id", "")
        response = HttpResponse(render_to_string("503.html", {"reference": reference}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    # Logged above in one line: without this flag Django logs every 503 again as an ERROR.
    response._has_been_logged = True
    return response


def wants_json(request: HttpRequest) -> bool:
    """True for the API, the JSON feeds and formats, and clients that prefer JSON."""
    return (
        request.path.startswith("/api/")
        or request.path.endswith(".json")
        or request.GET.get("format") == "json"
        or request.get_preferred_type(["text/html", "application/json"]) == "application/json"
    )
