"""A gunicorn access logger that never writes a personal calendar or check-in token.

Calendar apps cannot log in, so the token in /calendar/me/<token>.ics is a password; access
logs are the usual place such secrets leak. gunicorn.conf.py selects this logger."""

from gunicorn.glogging import Logger

from planner.ops.observability import redact


def redact_tokens(text):
    """``text`` with tokens and email addresses replaced, as in the application's own logs."""
    return redact(text) if isinstance(text, str) else text


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        # Every atom: the path also reaches the request line, the referer and environ copies.
        return {key: redact_tokens(value) for key, value in super().atoms(resp, req, environ, request_time).items()}
