"""`make bench`: server-side median time and query count for Relay's public pages.

Builds the demo programme in a throwaway SQLite file under var/ (or the database named by
BENCH_DATABASE_URL), then requests each page repeatedly through Django's test client, which
measures the server's work without a network in between. Usage:

    python -m bench [--repeat 30] [--scale N] [--keep] [--only meetups,discussions]
"""

import argparse
import os
import sys
from pathlib import Path

import django

PARTS = ("pages", "nearby", "personal", "discussions", "meetups", "workspace", "packs", "import", "reminders", "load")


def configure(database_url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "planner.settings.test"
    os.environ["DATABASE_URL"] = database_url

    django.setup()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--scale", type=int, default=1, help="1,200 x N delegates (100 gives 120,000)")
    parser.add_argument("--keep", action="store_true", help="reuse the bench database instead of building it afresh")
    parser.add_argument("--packs", type=int, default=1200, help="packs to make through the queue (0 to skip)")
    parser.add_argument("--load-seconds", type=int, default=20, help="locust load test against gunicorn (0 to skip)")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated parts to run, of: " + ", ".join(PARTS) + " (default: all)",
    )
    args = parser.parse_args(argv)

    var = Path(__file__).resolve().parent.parent / "var"
    var.mkdir(exist_ok=True)
    db_file = var / f"bench-scale{args.scale}.sqlite3"
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{db_file}"
    if not args.keep and not os.environ.get("BENCH_DATABASE_URL"):
        for stale in var.glob(f"{db_file.name}*"):
            stale.unlink()
    configure(url)
    from bench.run import run  # noqa: PLC0415 -- after django.setup: it imports models

    only = {part.strip() for part in args.only.split(",") if part.strip()}
    if unknown := only - set(PARTS):
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")
    return run(
        url=url,
        scale=args.scale,
        repeat=args.repeat,
        packs=args.packs,
        load_seconds=args.load_seconds,
        only=only or set(PARTS),
        keep=args.keep,
    )


if __name__ == "__main__":
    sys.exit(main())
