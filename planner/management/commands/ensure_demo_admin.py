from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from planner.demo.people import DEMO_DELEGATE_PASSWORD
from planner.models import Booking

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "relay-demo"  # noqa: S105 - dev-only, refused unless DEBUG


class Command(BaseCommand):
    help = "Create the demo planner login (admin / relay-demo). Development only: refused unless DEBUG is on."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "The demo admin login is for development only (DEBUG is off); create real users instead."
            )
        User = get_user_model()
        if not User.objects.filter(username=DEMO_USERNAME).exists():
            User.objects.create_superuser(DEMO_USERNAME, "admin@relay.invalid", DEMO_PASSWORD)
        self.stdout.write(f"Planner (Wagtail admin at /admin/): user {DEMO_USERNAME}  password {DEMO_PASSWORD}")
        booking = Booking.objects.filter(status="confirmed").select_related("delegate__user").order_by("pk").first()
        if booking:
            email = booking.delegate.user.email
            self.stdout.write(f"Demo delegate (log in at /account/login/): {email}  password {DEMO_DELEGATE_PASSWORD}")
