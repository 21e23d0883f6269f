"""The outbox: every email Relay sends to a delegate about their bookings and programme,
written in the transaction that caused it and sent after it commits."""

from django.db import models
from django.utils import timezone

from planner.models.people import Booking, Delegate


class EmailKind(models.TextChoices):
    BOOKED = "booked", "Place confirmed"
    WAITING = "waiting", "Joined the waiting list"
    PROMOTED = "promoted", "Moved off the waiting list"
    CANCELLED = "cancelled", "Booking cancelled"
    CHANGED = "changed", "Time or place changed"
    MEETUP_REMINDER = "meetup_reminder", "Meetup reminder"
    SESSION_REMINDER = "session_reminder", "Session reminder"


class OutgoingEmail(models.Model):
    """One email to one delegate. ``key`` is unique, so the same email (this booking's
    confirmation, this meetup's 7-day reminder to this person) is written once however
    often its cause repeats, the scheduler runs or a worker restarts; ``sent_at`` is set
    when it went, so a retry never sends it twice. The message itself is composed from the
    ids when it is sent, never stored: no link or token waits in the table."""

    key = models.CharField(max_length=150, unique=True)
    kind = models.CharField(max_length=20, choices=EmailKind.choices)
    delegate = models.ForeignKey(Delegate, on_delete=models.CASCADE, related_name="emails")
    booking = models.ForeignKey(Booking, null=True, blank=True, on_delete=models.CASCADE, related_name="emails")
    page_id = models.PositiveIntegerField(null=True, blank=True, help_text="The session or meetup it is about.")
    details = models.JSONField(default=dict, blank=True, help_text="What changed, as the email shows it.")
    created_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True, help_text="A worker is sending it until then.")
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["sent_at", "id"], name="email_outbox")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.delegate}"
