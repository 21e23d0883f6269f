from django.core.management.base import BaseCommand, CommandError

from planner.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo (idempotent): 5 days, 3 streams, 90 sessions, 36 speakers, 5 regional meetups, "
        "1,200 delegates with registrations, stars and bookings, 1,150 contributions and 320 connections."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="Seed for the random parts (default 1).")
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Multiply the people and their discussions: 1,200 delegates × N (default 1; 100 for load tests).",
        )

    def handle(self, *args, seed, scale, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        summary = load_demo(seed=seed, scale=scale)
        made = ", ".join(
            f"{count} {kind}{'s' if count != 1 else ''}" for kind, count in summary.created.items() if count
        )
        self.stdout.write(
            self.style.SUCCESS(f"Demo programme ready: {summary.conference.title} ({made or 'nothing new to add'}).")
        )
