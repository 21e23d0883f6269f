"""A delegate's own programme: registering for the online conference and starring sessions."""

from django.db import IntegrityError, transaction

from planner.models import ConferencePage, Delegate, Registration, SessionPage, SessionStar


def register_online(*, delegate: Delegate, conference: ConferencePage) -> Registration:
    """Register ``delegate`` to attend ``conference`` online; registering twice changes nothing."""
    try:
        with transaction.atomic():
            registration, _ = Registration.objects.get_or_create(delegate=delegate, conference=conference)
    except IntegrityError:  # a concurrent double click
        registration = Registration.objects.get(delegate=delegate, conference=conference)
    return registration


def cancel_registration(*, delegate: Delegate, conference: ConferencePage) -> None:
    """Withdraw from the online conference."""
    Registration.objects.filter(delegate=delegate, conference=conference).delete()


def set_star(*, delegate: Delegate, session: SessionPage, starred: bool) -> bool:
    """Star or unstar ``session`` for ``delegate``; returns whether it is now starred."""
    if starred:
        try:
            with transaction.atomic():
                SessionStar.objects.get_or_create(delegate=delegate, session=session)
        except IntegrityError:
            pass
    else:
        SessionStar.objects.filter(delegate=delegate, session=session).delete()
    return starred
