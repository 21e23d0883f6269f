"""django-q2 entry points: ids in, one call, nothing else (see DESIGN.md)."""

from planner.services import emails


def send_verification_email(user_id: int) -> None:
    emails.send_verification_email(user_id=user_id)


def send_signup_attempt_notice(user_id: int) -> None:
    emails.send_signup_attempt_notice(user_id=user_id)


def send_password_reset(user_id: int) -> None:
    emails.send_password_reset(user_id=user_id)


def send_promotion_email(booking_id: int) -> None:
    emails.send_promotion_email(booking_id=booking_id)


def geocode_venue(venue_id: int) -> None:
    from venues.geocoding import geocode_venue as locate

    locate(venue_id=venue_id)


def send_notification_digests() -> None:
    emails.send_notification_digests()


def queue_pack_files(run_id: int) -> None:
    from planner.services.packs import queue_pack_files as queue

    queue(run_id=run_id)


def generate_pack(pack_file_id: int) -> None:
    from planner.services.packs import generate_pack as make

    make(pack_file_id=pack_file_id)


def send_cancellation_notices(cancellation_id: int) -> None:
    from planner.services.cancellations import send_cancellation_notices as send

    send(cancellation_id=cancellation_id)


def apply_import_run(run_id: int) -> None:
    from planner.services.importing import apply_import_run as apply

    apply(run_id=run_id)
