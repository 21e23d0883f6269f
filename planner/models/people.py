"""Delegates and what they do with the programme: register, book meetups, star sessions.

High-volume, delegate-written data: plain Django models, not pages.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from planner.models.programme import ConferencePage, RegionalEventPage, SessionPage, Stream
from venues.timezones import validate_time_zone


class Visibility(models.TextChoices):
    HIDDEN = "hidden", "Hidden: only you and the organisers see your profile"
    CONFERENCE = "conference", "Visible to delegates of the same conference"
    EVERYONE = "everyone", "Visible to everyone, including people not signed in"


class Delegate(models.Model):
    """A person attending the programme; one per user account. Hidden from others by default."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delegate")
    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=200, blank=True)
    home_town = models.CharField(max_length=200, blank=True, help_text="As the delegate typed it.")
    home_place = models.ForeignKey(
        "venues.Place",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The gazetteer town matched to home_town; coarse, used only to suggest meetups.",
    )
    interests = models.ManyToManyField(Stream, blank=True, related_name="interested_delegates")
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.HIDDEN)
    time_zone = models.CharField(max_length=64, default="Europe/London", validators=[validate_time_zone])
    email_verified_at = models.DateTimeField(null=True, blank=True)
    email_digest = models.BooleanField(
        default=True,
        verbose_name="Email me a digest",
        help_text="Replies to you, answers to your questions and requests to connect, at most once an hour.",
    )
    email_reminders = models.BooleanField(
        default=True,
        verbose_name="Email me reminders",
        help_text="A week and a day before a meetup you booked, and an hour before each session you starred.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        # The directory lists visible delegates by name: walking this index in order lets the
        # database stop after one page instead of sorting every visible delegate.
        indexes = [models.Index(fields=["name", "id"], name="delegate_by_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def town(self) -> str:
        """The matched gazetteer town, else the town as typed."""
        return self.home_place.name if self.home_place_id else self.home_town


class Registration(models.Model):
    """A delegate's place at the online conference (online places are not limited)."""

    class Mode(models.TextChoices):
        ONLINE = "online", "Online"

    delegate = models.ForeignKey(Delegate, on_delete=models.CASCADE, related_name="registrations")
    conference = models.ForeignKey(ConferencePage, on_delete=models.CASCADE, related_name="registrations")
    attendance_mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.ONLINE)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["delegate", "conference"], name="one_registration_per_conference")
        ]

    def __str__(self) -> str:
        return f"{self.delegate} at {self.conference}"


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    WAITLISTED = "waitlisted", "On the waiting list"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_STATUSES = [BookingStatus.CONFIRMED, BookingStatus.WAITLISTED]


class Booking(models.Model):
    """A delegate's place, or place in the queue, at a regional meetup.

    Write only through planner.services.bookings, which keeps EventSeats in step.
    The waiting list is first come, first served: by id, assigned under the event's lock.
    """

    delegate = models.ForeignKey(Delegate, on_delete=models.CASCADE, related_name="bookings")
    event = models.ForeignKey(RegionalEventPage, on_delete=models.CASCADE, related_name="bookings")
    status = models.CharField(max_length=20, choices=BookingStatus.choices)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    promoted_at = models.DateTimeField(null=True, blank=True, help_text="When it moved off the waiting list.")
    attended_at = models.DateTimeField(null=True, blank=True, help_text="Checked in at the door.")
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        permissions = [("check_in_delegate", "Can check delegates in at a meetup")]
        constraints = [
            models.UniqueConstraint(
                fields=["delegate", "event"],
                condition=models.Q(status__in=ACTIVE_STATUSES),
                name="one_active_booking_per_delegate_per_meetup",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "id"], name="booking_queue")]

    def __str__(self) -> str:
        return f"{self.delegate} at {self.event} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class SessionStar(models.Model):
    """A session a delegate starred for their own programme."""

    delegate = models.ForeignKey(Delegate, on_delete=models.CASCADE, related_name="stars")
    session = models.ForeignKey(SessionPage, on_delete=models.CASCADE, related_name="stars")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["delegate", "session"], name="one_star_per_session")]

    def __str__(self) -> str:
        return f"{self.delegate} ★ {self.session}"
