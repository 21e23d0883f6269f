"""How Relay writes dates and times for people: always in a named zone, never ambiguous."""

import zoneinfo
from datetime import date, datetime

from django.conf import settings


def zone(name: str | None) -> zoneinfo.ZoneInfo:
    """The ZoneInfo for ``name``, or the default viewer zone when it is empty or unknown."""
    try:
        return zoneinfo.ZoneInfo(name or settings.RELAY_DEFAULT_VIEWER_TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.RELAY_DEFAULT_VIEWER_TIME_ZONE)


def long_date(day: date) -> str:
    """‘Monday 12 October 2026’."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def clock(moment: datetime, tz: zoneinfo.ZoneInfo) -> str:
    """‘09:30’ in ``tz``."""
    return f"{moment.astimezone(tz):%H:%M}"


def time_range(start: datetime, end: datetime, tz: zoneinfo.ZoneInfo) -> str:
    """‘09:30 to 10:15 BST’: both ends in ``tz`` with its abbreviation written out."""
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    if local_start.date() != local_end.date():
        return (
            f"{long_date(local_start.date())} {local_start:%H:%M} to {long_date(local_end.date())} {local_end:%H:%M %Z}"
        )
    return f"{local_start:%H:%M} to {local_end:%H:%M %Z}"


def when(start: datetime, end: datetime, tz: zoneinfo.ZoneInfo) -> str:
    """‘Monday 12 October 2026, 09:30 to 10:15 BST (Europe/London)’."""
    local_start = start.astimezone(tz)
    if local_start.date() != end.astimezone(tz).date():
        return f"{time_range(start, end, tz)} ({tz.key})"
    return f"{long_date(local_start.date())}, {time_range(start, end, tz)} ({tz.key})"


def date_range(first: date, last: date) -> str:
    """‘8 to 12 March 2027’, ‘30 March to 3 April 2027’, or one day in full."""
    if first == last:
        return long_date(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day} to {last.day} {last:%B %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%B} to {last.day} {last:%B %Y}"
    return f"{first.day} {first:%B %Y} to {last.day} {last:%B %Y}"
