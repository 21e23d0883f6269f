"""Who may see and do what at a regional meetup.

Planners (the *Planners* group, or anyone with ``planner.view_booking``) see every meetup's
people. A facilitator (the *Facilitators* group's permissions) acts only at the meetups they
are named on (``Facilitation``): check people in, see the delegate list, post outcomes. Each
check here is one query at most, so views can call them freely."""

from planner.models import Facilitation


def sees_every_meetup(user) -> bool:
    """A planner: every meetup's bookings, dashboard, packs and badges."""
    return user.is_active and user.has_perm("planner.view_booking")


def facilitates(user, event) -> bool:
    """``user`` is named as a facilitator of ``event``."""
    return user.is_authenticated and Facilitation.objects.filter(user_id=user.pk, event_id=event.pk).exists()


def can_see_meetup_people(user, event) -> bool:
    """May see ``event``'s delegate list (names, organisations, emails, check-in)."""
    return sees_every_meetup(user) or (user.is_active and facilitates(user, event))


def can_check_in(user, event) -> bool:
    """May mark delegates attended at ``event``."""
    return (
        user.is_active
        and user.has_perm("planner.check_in_delegate")
        and (sees_every_meetup(user) or facilitates(user, event))
    )


def can_post_outcome(user, event) -> bool:
    """May post ``event``'s table outcomes back into the online threads."""
    return (
        user.is_active
        and user.has_perm("planner.post_outcome")
        and (sees_every_meetup(user) or facilitates(user, event))
    )
