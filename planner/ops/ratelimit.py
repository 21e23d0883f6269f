"""Cache-backed rate limits: fixed windows counted with ``cache.incr``, which is atomic on
Redis (and within one process on the local-memory cache)."""

import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass
class Limited:
    """A refusal: how long to wait, and the rule that was hit, in words."""

    retry_after: int
    rule: str


def take(scope: str, key, limits: list[tuple[int, int]]) -> Limited | None:
    """Count one action by ``key`` against each (count, seconds) limit; a ``Limited`` for
    the first limit already used up, else None (and the action is counted)."""
    now = int(time.time())
    for count, seconds in limits:
        window = now // seconds
        cache_key = f"relay:rate:{scope}:{key}:{seconds}:{window}"
        cache.add(cache_key, 0, timeout=seconds + 5)
        try:
            used = cache.incr(cache_key)
        except ValueError:  # evicted between add and incr: start the window again
            cache.set(cache_key, 1, timeout=seconds + 5)
            used = 1
        if used > count:
            return Limited(retry_after=seconds - now % seconds, rule=f"{count} per {describe(seconds)}")
    return None


def describe(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return "hour" if hours == 1 else f"{hours} hours"
    if seconds % 60 == 0:
        minutes = seconds // 60
        return "minute" if minutes == 1 else f"{minutes} minutes"
    return f"{seconds} seconds"
