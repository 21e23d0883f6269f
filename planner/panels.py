"""An admin panel that shows a planner live attendance on a conference or meetup's edit page."""

from django.urls import reverse
from wagtail.admin.panels import Panel


def attendance_lines(page) -> list[tuple[str, str, str]]:
    """(label, value, link) rows for ``page``: registrations for a conference, places and the
    waiting list for a meetup."""
    if not page.pk:
        return []
    if hasattr(page, "delegate_count"):
        link = f"{reverse('planner_registrations')}?conference={page.pk}"
        return [("Registered to attend online", f"{page.delegate_count:,}", link)]
    confirmed, waiting = page.seat_counts()
    link = f"{reverse('planner_bookings')}?event={page.pk}"
    return [
        ("Confirmed places", f"{confirmed:,} of {page.capacity:,}", f"{link}&status=confirmed"),
        ("Places left", f"{page.places_left:,}", link),
        ("On the waiting list", f"{waiting:,}", f"{link}&status=waitlisted"),
    ]


class AttendancePanel(Panel):
    """Live counts with links to the registrations or bookings list (read-only)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "planner/workspace/attendance_panel.html"

        def is_shown(self):
            return bool(self.instance and self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["lines"] = attendance_lines(self.instance)
            return context
