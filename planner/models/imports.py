"""A confirmed programme import, applied by the task queue rather than in the request (900
sessions take longer to publish than gunicorn waits)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from planner.models.programme import ConferencePage


class ImportStatus(models.TextChoices):
    PENDING = "pending", "Waiting to start"
    RUNNING = "running", "Importing"
    DONE = "done", "Done"
    FAILED = "failed", "Not imported"


class ImportRun(models.Model):
    """One confirmed dry run: the uploaded file itself (the cache it waited in may expire before
    the queue gets to it), the dry run's fingerprint, and how applying it went."""

    conference = models.ForeignKey(ConferencePage, on_delete=models.CASCADE, related_name="import_runs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=255)
    content = models.BinaryField()
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    added = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    speakers_added = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import of {self.name} into {self.conference} ({self.status})"

    @property
    def in_progress(self) -> bool:
        return self.status in (ImportStatus.PENDING, ImportStatus.RUNNING)
