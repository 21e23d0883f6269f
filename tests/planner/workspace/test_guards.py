"""The page tree's guards: what a planner may not do to a programme by moving or deleting pages."""

import pytest

from planner.models import Booking
from planner.services.bookings import book_meetup
from tests.factories import DelegateFactory, make_meetup

pytestmark = pytest.mark.django_db


def test_a_meetup_with_bookings_cannot_be_deleted_silently(planner_client, conference):
    meetup = make_meetup(conference)
    book_meetup(delegate=DelegateFactory(), event=meetup)
    response = planner_client.post(f"/admin/pages/{meetup.pk}/delete/", follow=True)
    assert "has 1 active booking" in response.content.decode()
    assert Booking.objects.filter(event=meetup).count() == 1
