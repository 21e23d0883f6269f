"""django-q2 entry points: ids in, one call, nothing else (see DESIGN.md). Tasks are queued by
these functions' dotted names (``planner.tasks.generate_pack``), so the names stay put."""

from datetime import timedelta

from planner.services import cancellations, emails, importing, outbox, packs
from venues import geocoding


def send_verification_email(user_id: int, next_path: str = "") -> None:
    emails.send_verification_email(user_id=user_id, next_path=next_path)


def send_signup_attempt_notice(user_id: int) -> None:
    emails.send_signup_attempt_notice(user_id=user_id)


def send_password_reset(user_id: int) -> None:
    emails.send_password_reset(user_id=user_id)


def send_email(email_id: int) -> None:
    outbox.send_email(email_id=email_id)


def send_pending_emails() -> None:
    outbox.send_pending_emails()


def send_pending_emails_now() -> None:
    outbox.send_pending_emails(older_than=timedelta(0))


def plan_reminders() -> None:
    outbox.plan_reminders()


def geocode_venue(venue_id: int) -> None:
    geocoding.geocode_venue(venue_id=venue_id)


def send_notification_digests() -> None:
    emails.send_notification_digests()


def queue_pack_files(run_id: int) -> None:
    packs.queue_pack_files(run_id=run_id)


def generate_pack(pack_file_id: int) -> None:
    packs.generate_pack(pack_file_id=pack_file_id)


def send_cancellation_notices(cancellation_id: int) -> None:
    cancellations.send_cancellation_notices(cancellation_id=cancellation_id)


def apply_import_run(run_id: int) -> None:
    importing.apply_import_run(run_id=run_id)
