from argparse import ArgumentTypeError
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from planner.demo.programme import load_demo
from planner.models import ConferencePage

OLD_DEMO_SLUG = "connected-councils-2027"  # the demo before its dates followed the day it is loaded


class Command(BaseCommand):
    help = (
        "Load the demo (idempotent): an online conference of 5 days, 3 streams, 90 sessions and 36 speakers "
        "that ended about three weeks ago, with 1,200 delegates, about 1,150 contributions and 320 connections; "
        "two regional meetups since (check-ins and outcomes) and three to come (one full, with a waiting list)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="Seed for the random parts (default 1).")
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Multiply the people and their discussions: 1,200 delegates × N (default 1; 100 for load tests).",
        )

        parser.add_argument(
            "--today",
            type=day,
            default=None,
            help="Tell the story as of this day (YYYY-MM-DD) instead of today: for tests and screenshots.",
        )
        parser.add_argument(
            "--allow-demo-accounts",
            action="store_true",
            help="Load it even with DEBUG off. The demo's 1,200 delegates are active accounts with a published "
            "password: never on a site that real people use.",
        )

    def handle(self, *args, seed, scale, today, allow_demo_accounts, **options):
        if not (settings.DEBUG or allow_demo_accounts):
            raise CommandError(
                "The demo creates 1,200 active delegate accounts with a published password, so it is refused "
                "with DEBUG off. On a throwaway site, add --allow-demo-accounts."
            )
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        if ConferencePage.objects.filter(slug=OLD_DEMO_SLUG).exists():
            self.stderr.write(
                "This database holds the old demo (fixed dates in March 2027). Its people belong to it, so the new "
                "story would be empty: run `make clean-db` and then `make run` to rebuild it as of today."
            )
            return
        summary = load_demo(seed=seed, scale=scale, today=today)
        made = ", ".join(
            f"{count} {kind}{'s' if count != 1 else ''}" for kind, count in summary.created.items() if count
        )
        self.stdout.write(
            self.style.SUCCESS(f"Demo programme ready: {summary.conference.title} ({made or 'nothing new to add'}).")
        )


def day(value: str) -> date:
    """``--today``'s value as a date, or a message saying what was expected."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(f"{value!r} is not a day: write it as YYYY-MM-DD, e.g. 2026-12-03.") from None
