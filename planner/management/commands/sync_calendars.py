from django.core.management.base import BaseCommand

from planner.services.calendar import sync_all_calendar_entries


class Command(BaseCommand):
    help = "Rebuild calendar feed entries for every live session and meetup (after upgrading to feeds)."

    def handle(self, *args, **options):
        count = sync_all_calendar_entries()
        self.stdout.write(self.style.SUCCESS(f"Calendar entries up to date for {count} pages."))
