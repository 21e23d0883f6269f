"""Logs that operators can search and that never hold personal data.

- ``RequestIdMiddleware`` gives each request an id (a proxy's ``X-Request-ID`` when it is
  well-formed, else a new one), returns it in the response header and puts it on every log
  line written while the request is handled, so an error report can be found from the id a
  person reads off the error page. It also writes the access line (``relay.requests``):
  method, path without tokens, status and duration; no address, no query string.
- ``RedactingFilter`` removes calendar and check-in tokens and email addresses from log
  messages: a personal feed address is a password, and logs outlive it.
- ``JsonFormatter`` writes one JSON object per line (time, level, logger, message,
  request_id, and the traceback for errors) and nothing else from the record: Django's
  ``django.request`` records carry the whole request object, which must not be logged.
"""

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

request_id: ContextVar[str] = ContextVar("request_id", default="-")
access_log = logging.getLogger("relay.requests")

WELL_FORMED_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
SECRETS = [
    (re.compile(r"(/calendar/me/)[^/\s?#\"']+"), r"\1[token]"),
    (re.compile(r"(/checkin/)[^/\s?#\"']+"), r"\1[token]"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[email]"),
]


def redact(text: str) -> str:
    """``text`` with personal feed and check-in tokens and email addresses replaced."""
    for pattern, replacement in SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RequestIdMiddleware:
    """Names each request; see the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if WELL_FORMED_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = rid
        token = request_id.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            access_log.info(
                "%s %s %s %sms",
                request.method,
                redact(request.path),
                response.status_code,
                duration_ms,
                extra={"status_code": response.status_code, "duration_ms": duration_ms},
            )
        finally:
            request_id.reset(token)
        response.headers["X-Request-ID"] = rid
        return response


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on each record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        rid = request_id.get()
        if rid == "-":  # Django logs 4xx and 5xx responses after the middleware has returned
            rid = getattr(getattr(record, "request", None), "request_id", "-")
        record.request_id = rid
        return True


class RedactingFilter(logging.Filter):
    """Rewrites each record's message without tokens or email addresses."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line; see the module docstring for the fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            entry["status"] = status
        if isinstance(getattr(record, "duration_ms", None), float):
            entry["duration_ms"] = record.duration_ms
        if record.exc_info:
            entry["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The development format: readable, with the request id."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        return redact(super().formatException(ei))
