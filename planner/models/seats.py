"""The seat ledger of each regional meetup: the row bookings lock, and the database's own
guarantee that confirmed places never exceed the ceiling."""

from django.db import models

from planner.models.programme import RegionalEventPage


class EventSeats(models.Model):
    """Counters for one meetup, kept apart from the page so publishing a revision never
    rewinds them. ``ceiling`` is the planner's capacity, or the confirmed count if a planner
    lowered capacity below it (confirmed places are never cancelled for that)."""

    event = models.OneToOneField(RegionalEventPage, on_delete=models.CASCADE, primary_key=True, related_name="seats")
    ceiling = models.PositiveIntegerField()
    confirmed = models.PositiveIntegerField(default=0)
    waitlisted = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "event seats"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confirmed__lte=models.F("ceiling")), name="meetup_never_oversold"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.confirmed}/{self.ceiling} at {self.event_id}"
