"""The online discussion and the people it connects: contributions on sessions, themes and
findings, reports, connections between delegates, blocks, and the notifications that go
out as an email digest.

Write only through planner.services.discussion and planner.services.connections."""

from django import forms
from django.conf import settings
from django.db import models
from django.db.models.functions import Greatest, Least
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from planner.models.people import Delegate
from planner.models.programme import ConferencePage, RegionalEventPage, SessionPage

BODY_MAX_LENGTH = 5000


class Theme(index.Indexed, models.Model):
    """A theme moderators tag contributions with, such as ‘Workforce’; findings are grouped by it."""

    conference = models.ForeignKey(ConferencePage, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    # A plain select, not the page chooser: conferences are few, and Wagtail's chooser fails
    # (a 500) re-displaying a form posted with a conference id that is not a number.
    panels = [FieldPanel("conference", widget=forms.Select), FieldPanel("name"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["conference", "name"], name="theme_name_unique_per_conference")]

    def __str__(self) -> str:
        return self.name


class Contribution(models.Model):
    """A post in a session's discussion: a thread (no parent) or a reply to one.

    Deleting leaves the row as a placeholder (``deleted_at``) so replies keep their context;
    an erased account leaves its contributions with no author."""

    session = models.ForeignKey(SessionPage, on_delete=models.CASCADE, related_name="contributions")
    author = models.ForeignKey(Delegate, null=True, blank=True, on_delete=models.SET_NULL, related_name="contributions")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        help_text="The thread replied to.",
    )
    body = models.TextField(max_length=BODY_MAX_LENGTH, help_text="Markdown, as the delegate wrote it.")
    body_html = models.TextField(help_text="The body rendered and sanitised; safe to show as it is.")
    is_question = models.BooleanField(default=False)
    accepted_answer = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="On a question: its answer.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now, help_text="On a thread: its newest reply or edit.")
    reply_count = models.PositiveIntegerField(default=0, help_text="On a thread: replies still shown.")
    pinned = models.BooleanField(default=False)
    locked_at = models.DateTimeField(null=True, blank=True, help_text="A locked thread takes no more replies.")
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finding_at = models.DateTimeField(null=True, blank=True, help_text="Marked as a finding by a moderator.")
    finding_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="contributions")
    from_meetup = models.ForeignKey(
        RegionalEventPage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outcomes",
        help_text="An outcome a facilitator brought back from this meetup's table.",
    )
    from_table = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="On a meetup outcome: the discussion table it came from, if one."
    )

    class Meta:
        ordering = ["id"]
        permissions = [
            ("moderate_contribution", "Can moderate discussions"),
            ("post_outcome", "Can post meetup outcomes back to the online threads"),
        ]
        indexes = [
            # A session's threads, pinned first then newest activity: the discussion's first page.
            models.Index(
                fields=["session", "-pinned", "-last_activity_at", "-id"],
                condition=models.Q(parent__isnull=True),
                name="contribution_threads",
            ),
            models.Index(fields=["parent", "id"], name="contribution_replies"),
            models.Index(fields=["author", "created_at"], name="contribution_by_author"),
            models.Index(
                fields=["finding_at"], condition=models.Q(finding_at__isnull=False), name="contribution_findings"
            ),
            # Counting what each session shows (the timetable, the findings) reads only this index.
            models.Index(
                fields=["session", "created_at"],
                condition=models.Q(deleted_at__isnull=True, hidden_at__isnull=True),
                name="contribution_shown",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(parent=models.F("id")), name="contribution_not_own_parent"),
        ]

    def __str__(self) -> str:
        return f"Contribution {self.pk} on {self.session_id}"

    @property
    def is_thread(self) -> bool:
        return self.parent_id is None

    @property
    def is_removed(self) -> bool:
        """Deleted by its author or hidden by a moderator: others see a placeholder."""
        return self.deleted_at is not None or self.hidden_at is not None

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def is_finding(self) -> bool:
        return self.finding_at is not None


class Report(models.Model):
    """A delegate's report that a contribution breaks the rules; moderators resolve it."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(Delegate, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["contribution", "reporter"], name="one_report_per_reporter"),
        ]

    def __str__(self) -> str:
        return f"Report on {self.contribution_id}"


class ConnectionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a reply"
    ACCEPTED = "accepted", "Connected"
    DECLINED = "declined", "Declined"


class Connection(models.Model):
    """Two delegates who asked, or agreed, to be in touch. One row per pair, whichever way
    it was asked (a unique index on the unordered pair); contact details pass only once
    it is accepted."""

    requester = models.ForeignKey(Delegate, on_delete=models.CASCADE, related_name="connections_requested")
    recipient = models.ForeignKey(Delegate, on_delete=models.CASCADE, related_name="connections_received")
    status = models.CharField(max_length=20, choices=ConnectionStatus.choices, default=ConnectionStatus.PENDING)
    via = models.ForeignKey(
        Contribution, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="Asked from here."
    )
    created_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Least("requester", "recipient"), Greatest("requester", "recipient"), name="one_connection_per_pair"
            ),
            models.CheckConstraint(condition=~models.Q(requester=models.F("recipient")), name="no_connection_to_self"),
        ]
        indexes = [
            models.Index(fields=["recipient", "status"], name="connection_inbox"),
            models.Index(fields=["requester", "status"], name="connection_outbox"),
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.recipient} ({self.status})"

    def other(self, delegate: Delegate) -> Delegate:
        """The delegate on the other side from ``delegate``."""
        return self.recipient if self.requester_id == delegate.pk else self.requester


class Block(models.Model):
    """``blocker`` no longer hears from ``blocked``: no connection requests, no replies to their threads."""

    blocker = models.ForeignKey(Delegate, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(Delegate, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["blocker", "blocked"], name="one_block_per_pair")]

    def __str__(self) -> str:
        return f"{self.blocker} blocks {self.blocked}"


class NotificationKind(models.TextChoices):
    REPLY = "reply", "replied to your contribution"
    ANSWER = "answer", "answered your question"
    ACCEPTED = "accepted", "accepted your answer"
    CONNECTION_REQUEST = "connection_request", "asked to connect with you"
    CONNECTION_ACCEPTED = "connection_accepted", "accepted your request to connect"


class Notification(models.Model):
    """Something a delegate would want to hear about; sent in the next email digest."""

    recipient = models.ForeignKey(Delegate, on_delete=models.CASCADE, related_name="notifications")
    actor = models.ForeignKey(Delegate, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    contribution = models.ForeignKey(Contribution, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["emailed_at", "recipient"], name="notification_outbox")]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.get_kind_display()}"


class MeetupTables(models.Model):
    """A meetup's discussion tables once a planner locks them (adjusted or not). Until then
    the tables are suggested afresh from the bookings each time they are shown."""

    event = models.OneToOneField(RegionalEventPage, on_delete=models.CASCADE, related_name="tables")
    table_size = models.PositiveSmallIntegerField(default=6)
    plan = models.JSONField(default=list, help_text="[{number, label, reason, members: [delegate ids]}]")
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "meetup tables"

    def __str__(self) -> str:
        return f"Tables for {self.event}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None
