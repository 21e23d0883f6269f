"""What may be done to a contribution: its author edits it for a while after posting;
moderators (a permission, not a role name) hide, pin and mark findings."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from planner.models import Contribution, Delegate

MODERATE_PERMISSION = "planner.moderate_contribution"


def edit_window() -> timedelta:
    """How long an author may edit a contribution after posting it."""
    return timedelta(minutes=settings.RELAY_EDIT_WINDOW_MINUTES)


def can_edit(contribution: Contribution, delegate: Delegate | None) -> bool:
    """Whether ``delegate`` may still edit ``contribution``: their own, not removed, in the window."""
    return (
        delegate is not None
        and contribution.author_id == delegate.pk
        and not contribution.is_removed
        and timezone.now() - contribution.created_at <= edit_window()
    )
