"""A gunicorn access logger that never writes a personal calendar token.

Calendar apps cannot log in, so the token in /calendar/me/<token>.ics is a password; access
logs are the usual place such secrets leak. gunicorn.conf.py selects this logger."""

import re

from gunicorn.glogging import Logger

PERSONAL_FEED = re.compile(r"(/calendar/me/)[^/\s?#\"]+")


def redact_tokens(text):
    """``text`` with any personal feed token replaced by ‘[token]’."""
    return PERSONAL_FEED.sub(r"\1[token]", text) if isinstance(text, str) else text


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        # Every atom: the path also reaches the request line, the referer and environ copies.
        return {key: redact_tokens(value) for key, value in super().atoms(resp, req, environ, request_time).items()}
