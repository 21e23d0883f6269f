from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from planner.demo.people import DEMO_DELEGATE_PASSWORD, persona
from planner.queries.people import waitlist_positions

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "relay-demo"  # noqa: S105 - dev-only, refused unless DEBUG


class Command(BaseCommand):
    help = (
        "Create the demo planner login (admin / relay-demo) and print it with the demo's three delegate "
        "logins. Development only: refused unless DEBUG is on."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "The demo admin login is for development only (DEBUG is off); create real users instead."
            )
        User = get_user_model()
        if not User.objects.filter(username=DEMO_USERNAME).exists():
            User.objects.create_superuser(DEMO_USERNAME, "admin@relay.invalid", DEMO_PASSWORD)
        self.stdout.write(f"Planner (Wagtail admin at /admin/): user {DEMO_USERNAME}  password {DEMO_PASSWORD}")
        self.stdout.write(f"Delegates (log in at /account/login/ with password {DEMO_DELEGATE_PASSWORD}):")
        for key, what in (
            ("booked", "booked at {meetup}, with a table, people to meet and a pack"),
            ("facilitator", "facilitator of {meetup}: its dashboard, check-in and outcomes"),
            ("waiting", "on the waiting list for {meetup}{position}"),
        ):
            delegate = persona(key)
            if delegate is None:
                continue
            booking = (
                delegate.bookings.filter(status__in=["confirmed", "waitlisted"]).select_related("event__venue").first()
            )
            facilitation = delegate.user.facilitations.select_related("event__venue").first()
            meetup = booking.event if booking else facilitation.event if facilitation else None
            position = waitlist_positions([booking]).get(booking.pk) if booking else None
            about = what.format(
                meetup=f"the {meetup.venue.town} meetup on {meetup.start:%-d %B}" if meetup else "a meetup",
                position=f" (no. {position})" if position else "",
            )
            self.stdout.write(f"  {delegate.user.email:<22} {delegate.name}, {about}")
