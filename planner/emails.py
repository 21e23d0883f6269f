"""Emails Relay sends. Each builds its message from ids at send time, so no token or link
ever waits in the task queue, and each says plainly why the delegate is getting it."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import Booking, BookingStatus

User = get_user_model()


def absolute(path: str) -> str:
    """The public address of ``path`` on this site."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def send_templated(*, to: str, template: str, context: dict) -> None:
    """Render ``account/email/<template>_subject.txt`` and ``..._body.txt`` and send them."""
    context = {"site_name": "Relay", **context}
    subject = " ".join(render_to_string(f"account/email/{template}_subject.txt", context).split())
    body = render_to_string(f"account/email/{template}_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def uid_and_link(user, token_generator, url_name: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return absolute(reverse(url_name, kwargs={"uidb64": uid, "token": token_generator.make_token(user)}))


def send_verification_email(*, user_id: int) -> None:
    """Send the ‘confirm your email address’ link to a new, inactive account."""
    from .services.accounts import email_verification_token

    user = User.objects.filter(pk=user_id, is_active=False).first()
    if user is None:  # confirmed or deleted since the task was queued
        return
    link = uid_and_link(user, email_verification_token, "account:verify")
    send_templated(to=user.email, template="verify", context={"link": link, "name": user.delegate.name})


def send_signup_attempt_notice(*, user_id: int) -> None:
    """Tell the owner of a known address that someone tried to sign up with it."""
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        send_templated(
            to=user.email,
            template="signup_attempt",
            context={"login": absolute(reverse("account:login")), "reset": absolute(reverse("account:password_reset"))},
        )


def send_password_reset(*, user_id: int) -> None:
    """Send a password reset link (Django's own token: spent once the password changes)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None and user.has_usable_password():
        link = uid_and_link(user, default_token_generator, "account:password_reset_confirm")
        send_templated(to=user.email, template="password_reset", context={"link": link})


def send_promotion_email(*, booking_id: int) -> None:
    """Tell a delegate they moved off the waiting list; sent at most once per booking."""
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update()
            .select_related("event", "event__venue", "delegate__user")
            .filter(pk=booking_id)
            .first()
        )
        if booking is None or booking.promotion_emailed_at or booking.status != BookingStatus.CONFIRMED:
            return
        from . import timefmt

        event = booking.event
        send_templated(
            to=booking.delegate.user.email,
            template="promoted",
            context={
                "name": booking.delegate.name,
                "event": event,
                "when": timefmt.when(event.start, event.end, timefmt.zone(event.venue.time_zone)),
                "link": absolute(event.url or "/"),
                "programme": absolute(reverse("account:my_programme")),
            },
        )
        booking.promotion_emailed_at = timezone.now()
        booking.save(update_fields=["promotion_emailed_at"])
