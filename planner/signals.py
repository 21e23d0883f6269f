"""Connects Wagtail's publishing to the seat ledger, which the page must not know about."""

from wagtail.signals import page_published

from .models import RegionalEventPage


def apply_published_capacity(sender, instance, **kwargs):
    """A published capacity change promotes from the waiting list (never cancels places)."""
    from .services.bookings import apply_capacity

    apply_capacity(event=instance)


def connect() -> None:
    page_published.connect(apply_published_capacity, sender=RegionalEventPage, dispatch_uid="relay-capacity")
