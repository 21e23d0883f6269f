"""Read-only admin panels: live attendance on a conference or meetup's edit page, and panels
a page type draws through its ``page_views`` (the findings report's evidence and warnings)."""

from django.template.loader import render_to_string
from django.urls import reverse
from wagtail.admin.panels import Panel
from wagtail.models import Page


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


class PageViewsPanel(Panel):
    """A read-only panel drawn by the page type's ``page_views``: ``page_views.<method>(page,
    request, parent)`` returns ``(template, context)``, or None to hide the panel. The models
    never import the layers above them; ``page_views`` is set on the page class at start-up."""

    def __init__(self, method: str, **kwargs):
        super().__init__(**kwargs)
        self.method = method

    def clone_kwargs(self):
        return {**super().clone_kwargs(), "method": self.method}

    class BoundPanel(Panel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.drawn = None
            if self.instance is not None and self.request is not None:
                parent = self.instance.get_parent() if self.instance.pk else self._parent_being_created()
                self.drawn = getattr(self.instance.page_views, self.panel.method)(self.instance, self.request, parent)

        def _parent_being_created(self):
            """The page a new page is being added under (Wagtail's create view names it)."""
            parent_id = (self.request.resolver_match.kwargs if self.request.resolver_match else {}).get(
                "parent_page_id"
            )
            return Page.objects.filter(pk=parent_id).specific().first() if parent_id else None

        def is_shown(self):
            return self.drawn is not None

        def render_html(self, parent_context=None):
            template, context = self.drawn
            return render_to_string(template, context, request=self.request)
