"""Data for the failure tests, written into a throwaway database by ``manage.py shell``:
a published conference and one meetup with one booked delegate. Each function prints one
JSON line for the test to read."""

import json

from django_q.tasks import async_task

from planner.models import Booking, PackFile, PackRun
from planner.services.bookings import book_meetup
from tests.factories import make_conference, make_meetup, registered_person


def build_meetup_with_one_booking() -> None:
    """The conference, its meetup and one confirmed booking; prints their ids and the URL."""

    conference = make_conference()
    meetup = make_meetup(conference)
    delegate = registered_person(conference, "Asha Patel", organisation="Salford City Council")
    booking = book_meetup(delegate=delegate, event=meetup)
    print(json.dumps({"conference_url": conference.url, "meetup_id": meetup.pk, "booking_id": booking.pk}))


def queue_pack_stopping_once(*, meetup_id: int, marker_dir: str, stop_at: str) -> None:
    """A pack run for the meetup, its one file queued as ``start_pack_run`` queues it but
    through the test task that stops its first attempt; prints the file's id."""

    run = PackRun.objects.create(event_id=meetup_id, requested_by=None)
    pack_file = PackFile.objects.create(run=run, booking=Booking.objects.get(event_id=meetup_id))
    async_task("tests.production.slow_tasks.generate_pack_stopping_once", pack_file.pk, marker_dir, stop_at, save=False)
    print(json.dumps({"pack_file_id": pack_file.pk}))
