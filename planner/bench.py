"""`make bench`: server-side median time and query count for Relay's public pages.

Builds the demo programme in a throwaway SQLite file under var/ (or the database named by
BENCH_DATABASE_URL), then requests each page repeatedly through Django's test client, which
measures the server's work without a network in between. Usage:

    python -m planner.bench [--repeat 30] [--scale N]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path


def configure(database_url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "planner.settings.test"
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()


def measure(client, url: str, repeat: int) -> tuple[float, int, int]:
    """Median milliseconds, query count and status for ``url`` over ``repeat`` requests."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm per-process caches, as a running server would have them
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return statistics.median(timings), len(captured), response.status_code


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--scale", type=int, default=1, help="multiplies people and contributions (later issues)")
    args = parser.parse_args(argv)

    var = Path(__file__).resolve().parent.parent / "var"
    var.mkdir(exist_ok=True)
    db_file = var / f"bench-scale{args.scale}.sqlite3"
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{db_file}"
    configure(url)

    from django.core.management import call_command
    from django.test import Client

    from planner.demo import load_demo
    from planner.models import ConferencePage, Delegate, RegionalEventPage, SessionPage

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    load_demo(seed=1, scale=args.scale)
    load_seconds = time.perf_counter() - started

    conference = ConferencePage.objects.live().first()
    session = SessionPage.objects.live().child_of(conference).order_by("start").first()
    meetup = RegionalEventPage.objects.live().child_of(conference).order_by("start").first()
    pages = [
        ("home", "/"),
        ("conference (timetable)", conference.url),
        ("conference speakers", conference.url + "speakers/"),
        ("session", session.url),
        ("regional meetup", meetup.url),
        ("search ‘social care’", "/search/?q=social+care"),
        ("API sessions (20)", "/api/v2/pages/?type=planner.SessionPage&fields=start,end,stream,speakers"),
        ("healthz", "/healthz"),
    ]
    client = Client()
    print(
        f"Relay bench · scale {args.scale} · {SessionPage.objects.count()} sessions · "
        f"{Delegate.objects.count():,} delegates · {url.split('://')[0]}"
    )
    print(f"demo load (or check, if already built): {load_seconds:.1f} s")
    print(f"{'page':<28}{'median ms':>10}{'queries':>9}{'status':>8}")
    for name, path in pages:
        median, queries, status = measure(client, path, args.repeat)
        print(f"{name:<28}{median:>10.1f}{queries:>9}{status:>8}")

    delegate = Delegate.objects.filter(bookings__status="confirmed", stars__isnull=False).distinct().first()
    client.force_login(delegate.user)
    for name, path in [("my programme", "/my/programme/"), ("directory page 1 (signed in)", "/delegates/")]:
        median, queries, status = measure(client, path, args.repeat)
        print(f"{name:<28}{median:>10.1f}{queries:>9}{status:>8}")
    median, queries = measure_booking(meetup, args.repeat)
    print(f"{'book a place (POST)':<28}{median:>10.1f}{queries:>9}{302:>8}")
    return 0


def measure_booking(meetup, repeat: int) -> tuple[float, int]:
    """Median server time and queries for a delegate booking ``meetup`` (each a new delegate)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from planner.models import Delegate

    bookers = list(Delegate.objects.exclude(bookings__event=meetup).order_by("-pk")[: repeat + 1])
    timings, queries = [], 0
    for index, delegate in enumerate(bookers):
        client = Client()
        client.force_login(delegate.user)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            client.post(f"/meetups/{meetup.pk}/book/")
            timings.append((time.perf_counter() - started) * 1000)
        if index == 0:
            queries = len(captured)
    return statistics.median(timings), queries


if __name__ == "__main__":
    sys.exit(main())
