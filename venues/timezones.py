"""Time zone names planners can pick from, and a check that a name is one of them."""

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError


@cache
def known_time_zones() -> frozenset[str]:
    """Every IANA zone name this machine knows (read once; the list is costly to build)."""
    return frozenset(zoneinfo.available_timezones())


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    """Every IANA zone name as (value, label), sorted, for model and form choices."""
    return [(name, name.replace("_", " ")) for name in sorted(known_time_zones())]


def validate_time_zone(value: str) -> None:
    """Raise ValidationError unless ``value`` is an IANA zone name such as Europe/London."""
    if value not in known_time_zones():
        raise ValidationError(
            "“%(value)s” is not a time zone we know. Use a name such as Europe/London.",
            params={"value": value},
        )
