"""Naming who facilitates a meetup. A facilitator gets the Facilitators group's permissions,
which the code limits to the meetups they are named on (``planner.rules.roles``)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from planner.models import Facilitation, RegionalEventPage


@transaction.atomic
def name_facilitator(*, event: RegionalEventPage, email: str) -> Facilitation:
    """Make the account with ``email`` a facilitator of ``event`` (idempotent)."""
    user = get_user_model().objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if user is None:
        raise ValidationError("No active account has that email address: ask them to sign up first.")
    user.groups.add(Group.objects.get(name="Facilitators"))
    facilitation, _ = Facilitation.objects.get_or_create(event=event, user=user)
    return facilitation


def remove_facilitator(*, event: RegionalEventPage, user_id: int) -> bool:
    """Stop ``user_id`` facilitating ``event`` (their other meetups are untouched)."""
    deleted, _ = Facilitation.objects.filter(event=event, user_id=user_id).delete()
    return bool(deleted)
