"""django-q2 entry points: ids in, one call, nothing else (see DESIGN.md). Tasks are queued by
these functions' dotted names (``planner.tasks.generate_pack``), so the names stay put."""

from planner.services import cancellations, emails, importing, packs
from venues import geocoding


def send_verification_email(user_id: int) -> None:
    emails.send_verification_email(user_id=user_id)


def send_signup_attempt_notice(user_id: int) -> None:
    emails.send_signup_attempt_notice(user_id=user_id)


def send_password_reset(user_id: int) -> None:
    emails.send_password_reset(user_id=user_id)


def send_promotion_email(booking_id: int) -> None:
    emails.send_promotion_email(booking_id=booking_id)


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
