"""Checking a delegate in at the meetup's door."""

from django.utils import timezone

from planner.models import Booking


def check_in(*, booking: Booking, by, at=None) -> bool:
    """Record that ``booking``'s delegate arrived, checked in by ``by`` (``at`` a moment other
    than now, for the demo's past meetups); False when someone already had (the first
    check-in stands, so a second scan changes nothing)."""
    return bool(
        Booking.objects.filter(pk=booking.pk, attended_at__isnull=True).update(
            attended_at=at or timezone.now(), checked_in_by=by
        )
    )
