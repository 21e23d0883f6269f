"""Batches of printed packs a planner generates for a meetup: one file per confirmed
delegate, made by the task queue, kept on private disk (never under MEDIA_URL)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from planner.models.people import Booking
from planner.models.programme import RegionalEventPage


class PackRun(models.Model):
    """One "Generate packs" for a meetup: which files, and how far the queue has got."""

    event = models.ForeignKey(RegionalEventPage, on_delete=models.CASCADE, related_name="pack_runs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Packs for {self.event} at {self.created_at:%Y-%m-%d %H:%M}"


class PackStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class PackFile(models.Model):
    """A delegate's pack in a run. ``digest`` is a hash of everything the pack was made from:
    the same inputs give the same file, which is then reused rather than drawn again."""

    run = models.ForeignKey(PackRun, on_delete=models.CASCADE, related_name="files")
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=PackStatus.choices, default=PackStatus.PENDING)
    digest = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["run", "booking"], name="one_pack_per_booking_per_run")]

    def __str__(self) -> str:
        return f"Pack {self.booking_id} in run {self.run_id} ({self.status})"
