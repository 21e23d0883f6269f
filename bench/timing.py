"""Timing a request the way a server sees it: median milliseconds and query count."""

import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def measure(client, url: str, repeat: int) -> tuple[float, int, int]:
    """Median milliseconds, query count and status for ``url`` over ``repeat`` requests."""

    client.get(url)  # warm per-process caches, as a running server would have them
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return statistics.median(timings), len(captured), response.status_code


def measure_posts(delegates, path: str, data: dict | None = None) -> tuple[float, int]:
    """Median server time, and the first request's queries, for each delegate in turn
    POSTing ``data`` to ``path`` (each a new person, as a crowd would)."""

    timings, queries = [], 0
    for index, delegate in enumerate(delegates):
        client = Client()
        client.force_login(delegate.user)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.post(path, data or {})
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 302, (path, response.status_code)
        if index == 0:
            queries = len(captured)
    return statistics.median(timings), queries


RESULTS: dict[str, dict] = {}


def row(name: str, median: float, queries="", last="") -> None:
    """Print one line of the bench and keep its figures for ``bench.compare``."""
    print(f"{name:<28}{median:>10.1f}{queries!s:>9}{last!s:>8}")
    RESULTS[name.strip()] = {"ms": round(median, 1), "queries": queries if isinstance(queries, int) else None}
