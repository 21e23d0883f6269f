"""Writes. Keyword-only functions named verb_noun; transactions and locks live here."""

from planner.services.programme import (
    AgendaItemPlan,
    add_conference,
    add_meetup,
    add_session,
    add_stream,
    default_home_page,
    publish_child,
    raise_problems,
)

__all__ = [
    "AgendaItemPlan",
    "add_conference",
    "add_meetup",
    "add_session",
    "add_stream",
    "default_home_page",
    "publish_child",
    "raise_problems",
]
