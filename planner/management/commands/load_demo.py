from django.core.management.base import BaseCommand

from planner.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo programme (idempotent): 5 days, 3 streams, 90 sessions, 36 speakers, 5 regional meetups."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="Seed for the random parts (default 1).")

    def handle(self, *args, seed, **options):
        summary = load_demo(seed=seed)
        made = ", ".join(
            f"{count} {kind}{'s' if count != 1 else ''}" for kind, count in summary.created.items() if count
        )
        self.stdout.write(
            self.style.SUCCESS(f"Demo programme ready: {summary.conference.title} ({made or 'nothing new to add'}).")
        )
