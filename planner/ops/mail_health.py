"""Is email getting out? A deployment check that the SMTP server answers, and the count of
sends that failed in the queue, for the admin home page.

Relay sends every email from the task queue, so a missing mail server never shows on the
page a delegate sees ("Check your email"): it shows here, at start and to planners."""

import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import checks
from django.utils import timezone
from django_q.models import Failure

from planner.ops.observability import redact

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# Every queued task that sends email (planner/tasks.py).
EMAIL_TASKS = (
    "planner.tasks.send_verification_email",
    "planner.tasks.send_signup_attempt_notice",
    "planner.tasks.send_password_reset",
    "planner.tasks.send_email",
    "planner.tasks.send_pending_emails",
    "planner.tasks.send_pending_emails_now",
    "planner.tasks.send_notification_digests",
    "planner.tasks.send_cancellation_notices",
)


def smtp_answers(host: str, port: int, *, timeout: float = 3) -> bool:
    """Whether something accepts a TCP connection at ``host``:``port`` within ``timeout``."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


@checks.register(checks.Tags.compatibility, deploy=True)
def check_smtp_host(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``check --deploy`` (run by ``make serve`` at start): warn when email goes by SMTP and
    the server does not answer, since every email would then fail silently in the worker."""
    if settings.EMAIL_BACKEND != SMTP_BACKEND or smtp_answers(settings.EMAIL_HOST, settings.EMAIL_PORT):
        return []
    return [
        checks.Warning(
            f"The mail server {settings.EMAIL_HOST}:{settings.EMAIL_PORT} does not answer: sign-up, password "
            "reset and booking emails will fail in the task queue.",
            hint="Set EMAIL_HOST and EMAIL_PORT (README: Configuration), or EMAIL_BACKEND to another backend.",
            id="relay.W001",
        )
    ]


@dataclass
class FailedSends:
    """Email tasks that failed for good in the last ``days``: how many, and the latest."""

    days: int
    count: int
    last_at: datetime | None = None
    last_error: str = ""


def failed_email_sends(*, days: int = 7) -> FailedSends:
    """Email tasks that failed (after their retries) in the last ``days`` days."""
    failures = Failure.objects.filter(func__in=EMAIL_TASKS, stopped__gte=timezone.now() - timedelta(days=days))
    latest = failures.order_by("-stopped").only("stopped", "result").first()
    if latest is None:
        return FailedSends(days=days, count=0)
    # The error's first line, with any address in it redacted: a refused recipient is personal data.
    # django-q2 keeps "<error> : <traceback>".
    first_line = (str(latest.result or "").strip().splitlines() or [""])[0]
    error = redact(first_line.split(" : Traceback")[0])[:200]
    return FailedSends(days=days, count=failures.count(), last_at=latest.stopped, last_error=error)
