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
from django.utils.http import urlencode, urlsafe_base64_encode

from planner import timefmt
from planner.models import (
    Delegate,
    Notification,
    RegionalEventPage,
)
from planner.queries.discussion import contribution_path
from planner.queries.people import visible_delegates
from planner.services.accounts import email_verification_token
from planner.services.letters import absolute

User = get_user_model()


def send_templated(*, to: str, template: str, context: dict) -> None:
    """Render ``account/email/<template>_subject.txt`` and ``..._body.txt`` and send them."""
    context = {"site_name": "Relay", **context}
    subject = " ".join(render_to_string(f"account/email/{template}_subject.txt", context).split())
    body = render_to_string(f"account/email/{template}_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def uid_and_link(user, token_generator, url_name: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return absolute(reverse(url_name, kwargs={"uidb64": uid, "token": token_generator.make_token(user)}))


def confirmation_link(user, *, next_path: str = "") -> str:
    """The absolute one-use confirmation address for ``user``, returning to ``next_path``
    (a path on this site, checked by the sign-up view) once confirmed."""
    link = uid_and_link(user, email_verification_token, "account:verify")
    return f"{link}?{urlencode({'next': next_path})}" if next_path else link


def send_verification_email(*, user_id: int, next_path: str = "") -> None:
    """Send the ‘confirm your email address’ link to a new, inactive account (nothing once it
    is confirmed or deleted: the task may run after either)."""
    user = User.objects.filter(pk=user_id, is_active=False).select_related("delegate").first()
    if user is None:
        return
    link = confirmation_link(user, next_path=next_path)
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


def cancellation_email(*, cancellation, delegate_id: int) -> None:
    """The email telling a delegate that a session they starred, or a meetup they booked, is
    cancelled, with the reason and where to find the rest of the programme."""

    delegate = Delegate.objects.select_related("user").get(pk=delegate_id)
    page = cancellation.page.specific
    meetup = isinstance(page, RegionalEventPage)
    zone = page.zone if meetup else timefmt.zone(delegate.time_zone)
    send_templated(
        to=delegate.user.email,
        template="cancelled",
        context={
            "name": delegate.name,
            "page": page,
            "meetup": meetup,
            "when": timefmt.when(page.start, page.end, zone),
            "reason": cancellation.reason,
            "link": absolute(page.url or "/"),
            "programme": absolute(reverse("account:my_programme")),
        },
    )


def send_notification_digests() -> int:
    """Email each delegate one digest of what happened since their last: replies, answers,
    accepted answers and connection requests. Each delegate's digest is its own transaction:
    the rows are marked sent only if the email went, so a failure is retried on the next
    run and never half-sent. Returns how many digests went."""

    # Delegates who switched digests off: their waiting notifications are dropped, not saved up.
    Notification.objects.filter(emailed_at=None, recipient__email_digest=False).update(emailed_at=timezone.now())
    recipients = (
        Notification.objects.filter(emailed_at=None).values_list("recipient_id", flat=True).distinct().order_by()
    )
    sent, failures = 0, []
    for recipient_id in list(recipients):
        try:
            sent += send_digest(delegate=Delegate.objects.select_related("user").get(pk=recipient_id))
        except Exception as error:  # one bad address must not hold up everyone else's digest
            failures.append(f"{recipient_id}: {error.__class__.__name__}")
    if failures:
        raise RuntimeError(f"{len(failures)} digest(s) not sent, to be retried: {', '.join(failures[:10])}")
    return sent


def send_digest(*, delegate) -> int:
    """Send ``delegate`` their waiting notifications in one email; 1 if one went, else 0."""

    with transaction.atomic():
        waiting = list(
            Notification.objects.select_for_update(of=("self",))
            .filter(recipient=delegate, emailed_at=None)
            .select_related("actor", "contribution__session", "contribution__author")
            .order_by("created_at", "id")[:100]
        )
        if not waiting or not delegate.user.is_active:
            return 0
        seen = set(
            visible_delegates(delegate, among={n.actor_id for n in waiting if n.actor_id}).values_list("pk", flat=True)
        )
        items = [
            {
                "who": notification.actor.name if notification.actor_id in seen else "A delegate",
                "what": notification.get_kind_display(),
                "where": notification.contribution.session.title if notification.contribution_id else "",
                "link": absolute(
                    contribution_path(notification.contribution)
                    if notification.contribution_id
                    else reverse("discussion:connections")
                ),
            }
            for notification in waiting
        ]
        send_templated(
            to=delegate.user.email,
            template="digest",
            context={
                "name": delegate.name,
                "items": items,
                "profile": absolute(reverse("account:profile")),
            },
        )
        Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(emailed_at=timezone.now())
    return 1
