"""Planners fixing a meetup's discussion tables: lock today's suggestion (at a chosen size),
move someone to another table, or unlock to go back to live suggestions."""

from django.db import transaction
from django.utils import timezone

from planner.models import MeetupTables, RegionalEventPage
from planner.queries.carry_forward import attendee_ids
from planner.queries.tables import meetup_tables


class TablesRefused(Exception):
    """A change to the tables that cannot be made; the message says why."""


@transaction.atomic
def lock_tables(*, event: RegionalEventPage, size: int, by) -> MeetupTables:
    """Fix the tables suggested now (at ``size`` a table) so bookings no longer reshuffle them."""

    if not 2 <= size <= 20:
        raise TablesRefused("Tables need between 2 and 20 people.")
    saved, _ = MeetupTables.objects.select_for_update().get_or_create(event=event)
    saved.table_size, saved.locked_at = size, None
    saved.save(update_fields=["table_size", "locked_at"])
    tables, _ = meetup_tables(event, size=size)
    saved.plan = [
        {
            "number": t.number,
            "label": t.label,
            "reason": t.reason,
            "members": t.members,
            "question": t.question,
            "seats": {str(pk): why for pk, why in t.seats.items()},
        }
        for t in tables
    ]
    saved.locked_at, saved.locked_by = timezone.now(), by
    saved.save(update_fields=["plan", "locked_at", "locked_by"])
    return saved


@transaction.atomic
def unlock_tables(*, event: RegionalEventPage, size: int | None = None) -> None:
    """Back to live suggestions (the adjustments are dropped)."""
    saved, _ = MeetupTables.objects.select_for_update().get_or_create(event=event)
    saved.locked_at, saved.locked_by, saved.plan = None, None, []
    if size is not None:
        if not 2 <= size <= 20:
            raise TablesRefused("Tables need between 2 and 20 people.")
        saved.table_size = size
    saved.save()


@transaction.atomic
def move_to_table(*, event: RegionalEventPage, delegate_id: int, table_number: int) -> None:
    """Seat a booked delegate at another table of a locked plan (or seat a newcomer)."""

    saved = MeetupTables.objects.select_for_update().filter(event=event).first()
    if saved is None or not saved.is_locked:
        raise TablesRefused("Lock the tables before adjusting them.")
    if delegate_id not in set(attendee_ids(event)):
        raise TablesRefused("That delegate has no confirmed place at this meetup.")
    if table_number not in {t["number"] for t in saved.plan}:
        raise TablesRefused(f"There is no table {table_number}.")
    for table in saved.plan:
        table["members"] = [pk for pk in table["members"] if pk != delegate_id]
        table.get("seats", {}).pop(str(delegate_id), None)
        if table["number"] == table_number:
            table["members"].append(delegate_id)
            table.setdefault("seats", {})[str(delegate_id)] = "Seated here by the organisers"
    saved.save(update_fields=["plan"])
