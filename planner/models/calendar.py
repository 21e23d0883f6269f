"""What calendar feeds are built from: one entry per session or meetup, kept in step with
publishing, so a feed is one query, reproducible, and still carries a cancelled event (with
STATUS:CANCELLED) for 30 days after its page was unpublished or deleted."""

from django.db import models
from django.utils import timezone

from planner.models.people import Delegate


class CalendarEntry(models.Model):
    """A feed's view of one session or meetup page, with its change history."""

    class Kind(models.TextChoices):
        SESSION = "session", "Online session"
        MEETUP = "meetup", "Regional meetup"

    page_id = models.PositiveIntegerField(unique=True, help_text="Not a foreign key: it outlives the page.")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    conference_id = models.PositiveIntegerField(db_index=True)
    stream_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    title = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    start = models.DateTimeField()
    end = models.DateTimeField()
    time_zone = models.CharField(max_length=64)
    location = models.TextField(blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    join_url = models.URLField(blank=True)
    page_url = models.CharField(max_length=500, blank=True)
    organiser_note = models.CharField(max_length=255, blank=True, help_text="Stream or venue, for the description.")
    fingerprint = models.CharField(max_length=64, help_text="Hash of what a subscriber's calendar shows.")
    sequence = models.PositiveIntegerField(default=0)
    last_modified = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start", "page_id"]
        indexes = [models.Index(fields=["conference_id", "kind", "start"], name="calendar_by_conference")]

    def __str__(self) -> str:
        return f"{self.title} ({self.kind})"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class CalendarToken(models.Model):
    """The secret in a delegate's personal feed address. Only its SHA-256 is stored; the token
    itself is shown once, when made."""

    delegate = models.OneToOneField(Delegate, on_delete=models.CASCADE, related_name="calendar_token")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar token for delegate {self.delegate_id}"
