"""Reading configuration from the environment, strictly.

A missing required variable or a malformed value stops start-up with ``ImproperlyConfigured``
naming the variable and what it should look like, so a mistyped deployment never half-starts
(a web process up with a worker that cannot reach its broker, say)."""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None or not value.strip() else value.strip()


def bad(name: str, value: str, expected: str) -> ImproperlyConfigured:
    """The error for a malformed variable: names it and says what was expected, never echoing
    a value that may be secret beyond its first characters."""
    shown = value if len(value) <= 12 else value[:8] + "…"
    return ImproperlyConfigured(f"{name} is set to {shown!r}, which is not {expected} (see README: Deploying).")


def env_str(name: str, default: str = "", *, required: bool = False) -> str:
    """A string variable; ``required`` stops start-up when it is unset or blank."""
    value = _raw(name)
    if value is None:
        if required:
            raise ImproperlyConfigured(f"{name} must be set in the environment (see README: Deploying).")
        return default
    return value


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """A whole number of at least ``minimum``."""
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise bad(name, value, f"a whole number (at least {minimum})") from None
    if number < minimum:
        raise bad(name, value, f"a whole number of at least {minimum}")
    return number


def env_bool(name: str, default: bool) -> bool:
    """true/false, yes/no, on/off or 1/0."""
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in TRUE | FALSE:
        return value.lower() in TRUE
    raise bad(name, value, "true or false")


def env_choice(name: str, default: str, choices: set[str]) -> str:
    """One of ``choices`` (compared case-insensitively, returned as listed)."""
    value = _raw(name)
    if value is None:
        return default
    for choice in choices:
        if value.lower() == choice.lower():
            return choice
    raise bad(name, value, "one of " + ", ".join(sorted(choices)))


def env_url(name: str, default: str = "", *, schemes: set[str]) -> str:
    """A URL with one of ``schemes`` and a host (or a path, for file-like schemes)."""
    value = _raw(name)
    if value is None:
        return default
    parts = urlsplit(value)
    if parts.scheme not in schemes or not (parts.netloc or parts.path.strip("/")):
        raise bad(name, value, "a URL starting " + " or ".join(f"{s}://" for s in sorted(schemes)))
    return value
