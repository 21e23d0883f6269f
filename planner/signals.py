"""Connects Wagtail's publishing to the seat ledger and the feeds, which the page must not know
about, and changes to people to the caches that hold their names."""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from wagtail.signals import page_published, page_unpublished

from planner.models import Contribution, Delegate, RegionalEventPage, Registration, SessionPage
from planner.queries import discussion
from planner.queries.people import bump_people_version
from planner.services import changes
from planner.services.bookings import apply_capacity
from planner.services.calendar import cancel_calendar_entry, sync_calendar_entry
from planner.services.indexing import index_saved_session, unindex_deleted_session
from planner.services.queue import enqueue_after_commit
from venues.models import Venue


def apply_published_capacity(sender, instance, **kwargs):
    """A published capacity change promotes from the waiting list (never cancels places)."""

    apply_capacity(event=instance)


def connect() -> None:
    page_published.connect(apply_published_capacity, sender=RegionalEventPage, dispatch_uid="relay-capacity")
    connect_calendar()
    connect_changelog()
    post_save.connect(index_saved_session, sender=SessionPage, dispatch_uid="relay-index-session")
    post_delete.connect(unindex_deleted_session, sender=SessionPage, dispatch_uid="relay-unindex-session")
    for model in (Delegate, Registration):  # a name, a privacy choice, who shares a conference
        for signal in (post_save, post_delete):
            signal.connect(people_changed, sender=model, dispatch_uid=f"relay-people-{model.__name__}-{signal}")
    for signal in (post_save, post_delete):  # what the timetable counts
        signal.connect(discussion_changed, sender=Contribution, dispatch_uid=f"relay-discussion-{signal}")


def connect_changelog() -> None:
    """Every publication, unpublication and deletion of a session reaches the changelog
    (``planner.services.changes``), however it was made: admin, service or import."""
    pre_save.connect(remember_public_times, sender=SessionPage, dispatch_uid="relay-changes-before")
    page_published.connect(record_publication, sender=SessionPage, dispatch_uid="relay-changes-published")
    page_unpublished.connect(record_unpublished, sender=SessionPage, dispatch_uid="relay-changes-unpublished")
    pre_delete.connect(record_deleted, sender=SessionPage, dispatch_uid="relay-changes-deleted")


def remember_public_times(sender, instance, update_fields=None, **kwargs):
    if update_fields is None:  # publishing writes the whole row; saving a draft's bookkeeping does not
        changes.remember_public_times(page=instance)


def record_publication(sender, instance, **kwargs):
    changes.record_publication(page=instance)


def record_unpublished(sender, instance, **kwargs):
    changes.record_withdrawal(page=instance)


def record_deleted(sender, instance, origin=None, **kwargs):
    changes.record_withdrawal(page=instance, deleted=True, origin=origin)


def people_changed(sender, **kwargs):
    """Someone's name, job, organisation, visibility or registrations changed: caches of names
    keyed by ``people_version`` are retired."""
    bump_people_version()


def discussion_changed(sender, instance, **kwargs):
    """A contribution was written, edited, hidden or deleted: its session's discussion and
    the counts are read again."""
    discussion.discussion_changed(instance)


def sync_feed_entry(sender, instance, **kwargs):
    sync_calendar_entry(page=instance)


def cancel_feed_entry(sender, instance, **kwargs):
    cancel_calendar_entry(page_id=instance.pk)


def resync_meetups_at_venue(sender, instance, **kwargs):
    """A venue's new address or position reaches the feeds of its live meetups; a venue
    saved without a position is looked up in the background."""

    if not instance.has_position:
        enqueue_after_commit("planner.tasks.geocode_venue", instance.pk)

    for meetup in RegionalEventPage.objects.live().filter(venue=instance):
        sync_calendar_entry(page=meetup)


def connect_calendar() -> None:

    for model in (SessionPage, RegionalEventPage):
        page_published.connect(sync_feed_entry, sender=model, dispatch_uid=f"relay-feed-sync-{model.__name__}")
        page_unpublished.connect(cancel_feed_entry, sender=model, dispatch_uid=f"relay-feed-unpub-{model.__name__}")
        pre_delete.connect(cancel_feed_entry, sender=model, dispatch_uid=f"relay-feed-delete-{model.__name__}")
    post_save.connect(resync_meetups_at_venue, sender=Venue, dispatch_uid="relay-feed-venue")
