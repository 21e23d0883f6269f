"""The crowd for `make bench`'s load test: anonymous visitors, signed-in delegates, people
looking for a meetup near them, and calendar clients polling feeds, in the proportions below.

bench.load.measure_load runs it in a locust subprocess (gevent patches the whole process,
so it stays out of the bench's own) and hands it real addresses from the bench database in
RELAY_LOAD_PATHS: JSON mapping each kind below to a list of paths. Run by hand without it,
it visits only the addresses that need no page ids (WITHOUT_IDS):

    locust -f bench/locustfile.py --host http://127.0.0.1:8000

Each request is named "<group>: <kind>", so the bench can report a group and its pages. With
RELAY_LOAD_REPORT set, the final stats (with each name's response-time histogram, which the
bench merges into group percentiles) and the errors are written there as JSON on quitting.
"""

import json
import os
import random
from pathlib import Path

from locust import FastHttpUser, between, events
from locust.stats import StatsError

# (group, kind, weight): a crowd reads pages most, then polls feeds, then searches nearby.
MIX = [
    ("pages", "home", 3),
    ("pages", "timetable", 2),
    ("pages", "speakers", 1),
    ("pages", "session", 4),
    ("pages", "meetup", 2),
    ("pages", "search", 1),
    ("signed in", "my programme", 1),
    ("signed in", "timetable, signed in", 1),
    ("signed in", "session, signed in", 2),
    ("signed in", "meetup, signed in", 1),
    ("nearby", "near ?q=town", 2),
    ("nearby", "near lat/lon json", 1),
    ("feeds", "conference .ics", 2),
    ("feeds", "stream .ics", 1),
    ("feeds", "meetup .ics", 1),
    ("feeds", "regional .ics", 1),
    ("feeds", "session .ics", 1),
    ("feeds", "schedule.xml", 1),
    ("feeds", "schedule.json", 1),
]

WITHOUT_IDS = {
    "home": ["/"],
    "search": ["/search/?q=social+care"],
    "near ?q=town": ["/near/?q=Leeds"],
    "near lat/lon json": ["/near/?lat=53.8&lon=-1.55&radius_km=500&format=json"],
    "regional .ics": ["/calendar/regional.ics"],
}


COOKIES = json.loads(os.environ.get("RELAY_LOAD_COOKIES", "[]"))


def visit(name: str, paths: list[str]):
    """A locust task that GETs one of ``paths`` at random, recorded under ``name``; the
    "signed in" group as one of the delegates whose session cookies the bench made."""

    def task(user):
        signed_in = name.startswith("signed in: ") and COOKIES
        headers = {"Cookie": random.choice(COOKIES)} if signed_in else None
        user.client.get(random.choice(paths), name=name, headers=headers)

    task.__name__ = name
    return task


def crowd_tasks(paths_by_kind: dict[str, list[str]]) -> dict:
    """Weighted tasks for every kind in MIX that has at least one path (and, signed in, a cookie)."""
    return {
        visit(f"{group}: {kind}", paths_by_kind[kind]): weight
        for group, kind, weight in MIX
        if paths_by_kind.get(kind) and (group != "signed in" or COOKIES)
    }


class Visitor(FastHttpUser):
    """Someone with the site open: a request, a short pause, the next (near the server's limit)."""

    wait_time = between(0.05, 0.25)
    tasks = crowd_tasks(json.loads(os.environ["RELAY_LOAD_PATHS"]) if "RELAY_LOAD_PATHS" in os.environ else WITHOUT_IDS)


@events.quitting.add_listener
def write_report(environment, **_kwargs):
    """Save every stats entry and error for bench (locust's own CSV lags by a second)."""
    if path := os.environ.get("RELAY_LOAD_REPORT"):
        stats = environment.runner.stats
        errors = [
            {"name": error.name, "error": StatsError.parse_error(error.error), "occurrences": error.occurrences}
            for error in stats.errors.values()
        ]
        entries = [entry.serialize() for entry in stats.entries.values() if entry.num_requests]
        Path(path).write_text(json.dumps({"entries": entries, "errors": errors}))
