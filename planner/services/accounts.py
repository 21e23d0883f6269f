"""Delegate accounts: sign-up with email verification, profile, data export, erasure.

Sign-up answers the same way whether or not the address is known, so nobody can use it to
find out who is registered: a known address is sent a note instead of a second account.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from planner.models import Booking, Connection, Contribution, Delegate, Registration, SessionStar, Stream, Visibility
from planner.models.people import ACTIVE_STATUSES
from planner.queries.people import names_as_seen_by
from planner.services.bookings import cancel_booking
from planner.services.packs import withdraw_packs_naming
from planner.services.queue import enqueue_after_commit
from venues.gazetteer import locate_home

User = get_user_model()
# From seen by fewest to seen by most.
VISIBILITY_ORDER = [Visibility.HIDDEN, Visibility.CONFERENCE, Visibility.EVERYONE]


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens for the ‘confirm your email’ link; spent once the address is confirmed."""

    key_salt = "relay.email-verification"

    def _make_hash_value(self, user, timestamp):
        # The password and the confirmation time are in the hash, so a link dies once the
        # address is confirmed or a later sign-up replaces the password.
        delegate = getattr(user, "delegate", None)
        confirmed = delegate.email_verified_at if delegate else None
        return f"{user.pk}{user.is_active}{user.email}{user.password}{confirmed}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()


def normalise_email(email: str) -> str:
    """Addresses are compared without case or surrounding space."""
    return email.strip().lower()


@transaction.atomic
def sign_up_delegate(*, email: str, password: str, name: str, next_path: str = "") -> None:
    """Create an inactive account and send a confirmation link (that returns the newcomer to
    ``next_path``, a path on this site, once confirmed); or, for a known address, send its
    owner a note. Returns nothing, and does the same work either way (a password
    hash each time), so neither the answer nor its timing tells the two apart.

    An address never confirmed takes the latest sign-up's password and name: only the
    person who can read that inbox can confirm it, so an earlier, unconfirmed sign-up by
    someone else gains nothing."""
    email = normalise_email(email)
    hashed = make_password(password)
    existing = User.objects.filter(username=email).select_related("delegate").first()
    if existing is None:
        user = User.objects.create(username=email, email=email, password=hashed, is_active=False)
        Delegate.objects.create(user=user, name=name.strip())
        enqueue_after_commit("planner.tasks.send_verification_email", user.pk, next_path)
        return
    delegate = getattr(existing, "delegate", None)
    never_confirmed = not existing.is_active and delegate is not None and delegate.email_verified_at is None
    if never_confirmed:
        existing.password = hashed
        existing.save(update_fields=["password"])
        delegate.name = name.strip()
        delegate.save(update_fields=["name"])
        enqueue_after_commit("planner.tasks.send_verification_email", existing.pk, next_path)
    else:  # a confirmed account, or one an organiser switched off: a note, never a new link
        enqueue_after_commit("planner.tasks.send_signup_attempt_notice", existing.pk)


@transaction.atomic
def verify_email(*, user) -> Delegate:
    """Activate the account behind a valid confirmation link."""
    user.is_active = True
    user.save(update_fields=["is_active"])
    delegate = Delegate.objects.get(user=user)
    delegate.email_verified_at = timezone.now()
    delegate.save(update_fields=["email_verified_at"])
    return delegate


@dataclass
class ProfileUpdate:
    name: str
    organisation: str
    role: str
    home_town: str
    visibility: str
    time_zone: str
    interests: list[Stream]
    email_digest: bool = True
    email_reminders: bool = True


@transaction.atomic
def update_profile(*, delegate: Delegate, update: ProfileUpdate) -> Delegate:
    """Save the profile; the home town (or postcode, kept as its first half only) is matched
    to a gazetteer town, or left unmatched.
    A new name, organisation or role, or a narrower visibility, withdraws the packs already
    drawn that may print the person as they were."""
    shown_before = (delegate.name, delegate.organisation, delegate.role)
    narrower = VISIBILITY_ORDER.index(update.visibility) < VISIBILITY_ORDER.index(delegate.visibility)
    delegate.name = update.name.strip()
    delegate.organisation = update.organisation.strip()
    delegate.role = update.role.strip()
    home_town, home_place = locate_home(update.home_town)
    if home_town != delegate.home_town:
        delegate.home_town, delegate.home_place = home_town, home_place
    delegate.visibility = update.visibility
    delegate.time_zone = update.time_zone
    delegate.email_digest = update.email_digest
    delegate.email_reminders = update.email_reminders
    delegate.full_clean(exclude=["user"])
    delegate.save()
    delegate.interests.set(update.interests)
    if narrower or (delegate.name, delegate.organisation, delegate.role) != shown_before:
        withdraw_packs_naming(delegate=delegate)
    return delegate


def turn_off_optional_emails(*, delegate: Delegate) -> None:
    """Stop the reminders and digests (an email's one-click unsubscribe). Booking
    confirmations and notices of changes still go: they are the service itself."""
    Delegate.objects.filter(pk=delegate.pk).update(email_reminders=False, email_digest=False)


def export_delegate_data(*, delegate: Delegate) -> dict:
    """Everything Relay holds about ``delegate``, as plain JSON-ready data. The other side of
    each connection is named as the visibility rule lets ``delegate`` see them."""
    mine = Q(requester=delegate) | Q(recipient=delegate)
    connections = list(Connection.objects.filter(mine).select_related("requester", "recipient"))
    names = names_as_seen_by(delegate, [c.other(delegate) for c in connections])
    return {
        "profile": {
            "email": delegate.user.email,
            "name": delegate.name,
            "organisation": delegate.organisation,
            "role": delegate.role,
            "home_town": delegate.home_town,
            "home_town_matched_to": delegate.home_place.name if delegate.home_place else None,
            "interests": [stream.name for stream in delegate.interests.all()],
            "visibility": delegate.visibility,
            "time_zone": delegate.time_zone,
            "joined": delegate.created_at.isoformat(),
            "email_verified": delegate.email_verified_at.isoformat() if delegate.email_verified_at else None,
        },
        "registrations": [
            {"conference": r.conference.title, "mode": r.attendance_mode, "registered": r.created_at.isoformat()}
            for r in Registration.objects.filter(delegate=delegate).select_related("conference")
        ],
        "bookings": [
            {
                "meetup": b.event.title,
                "status": b.status,
                "booked": b.created_at.isoformat(),
                "cancelled": b.cancelled_at.isoformat() if b.cancelled_at else None,
            }
            for b in Booking.objects.filter(delegate=delegate).select_related("event")
        ],
        "contributions": [
            {
                "session": c.session.title,
                "written": c.created_at.isoformat(),
                "text": c.body,
                "question": c.is_question,
                "deleted": c.deleted_at.isoformat() if c.deleted_at else None,
            }
            for c in Contribution.objects.filter(author=delegate).select_related("session").order_by("created_at")
        ],
        "connections": [
            {"with": names[c.other(delegate).pk], "status": c.status, "asked": c.created_at.isoformat()}
            for c in connections
        ],
        "agenda": [
            {"session": s.session.title, "starts": s.session.start.isoformat(), "starred": s.created_at.isoformat()}
            for s in SessionStar.objects.filter(delegate=delegate).select_related("session")
        ],
    }


def delete_delegate_account(*, delegate: Delegate) -> None:
    """Erase the person: bookings are cancelled first (seats go to the waiting list), then
    the account and everything hanging from it is deleted. Their contributions stay in the
    discussions with no author ("a former delegate"), so threads keep their sense."""
    for booking in Booking.objects.filter(delegate=delegate, status__in=ACTIVE_STATUSES):
        cancel_booking(booking=booking, reason="Account deleted", notify=False)
    with transaction.atomic():
        withdraw_packs_naming(delegate=delegate)
        user = delegate.user
        Booking.objects.filter(delegate=delegate).delete()
        user.delete()
