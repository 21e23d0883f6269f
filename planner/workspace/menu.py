"""Relay's items in the admin menu and the buttons on its pages' headers, each shown only to
those who may use what it leads to."""

from django.urls import reverse
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.permissions import page_permission_policy

from planner.models import Cancellation, ConferencePage, Facilitation, RegionalEventPage, SessionPage
from planner.rules.roles import can_see_meetup_people
from planner.workspace.programme_files import can_export, can_import


class FacilitatorMenuItem(MenuItem):
    """ "My meetups", for someone named as a meetup's facilitator (planners have Bookings)."""

    def is_shown(self, request):
        return Facilitation.objects.filter(user_id=request.user.pk).exists()


class PermissionMenuItem(MenuItem):
    """A menu item shown only to users holding ``permission``."""

    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


class ProgrammeFilesMenuItem(MenuItem):
    """‘Import or export’, for people who work on pages (the exports include drafts)."""

    def is_shown(self, request):
        return page_permission_policy.user_has_any_permission(request.user, {"add", "change", "publish"})


def import_export_item() -> MenuItem:
    """‘Import or export’, for people who work on pages."""
    url = reverse("planner_programme_files")
    return ProgrammeFilesMenuItem("Import or export", url, icon_name="download", order=210)


def my_meetups_item() -> MenuItem:
    """‘My meetups’, for facilitators."""
    return FacilitatorMenuItem("My meetups", reverse("planner_my_meetups"), icon_name="group", order=240)


def bookings_item() -> MenuItem:
    """‘Bookings’, for planners who may see them."""
    return PermissionMenuItem(
        "Bookings", reverse("planner_bookings"), icon_name="group", order=250, permission="planner.view_booking"
    )


def registrations_item() -> MenuItem:
    """‘Registrations’, for planners who may see them."""
    return PermissionMenuItem(
        "Registrations",
        reverse("planner_registrations"),
        icon_name="user",
        order=260,
        permission="planner.view_registration",
    )


def reported_item() -> MenuItem:
    """‘Reported posts’, for moderators."""
    return PermissionMenuItem(
        "Reported posts",
        reverse("planner_reported"),
        icon_name="warning",
        order=270,
        permission="planner.moderate_contribution",
    )


#: The admin menu's Relay entries (each a factory: Wagtail asks one hook for one item).
MENU_ITEMS = (import_export_item, my_meetups_item, bookings_item, registrations_item, reported_item)


def geography_report_item() -> MenuItem:
    """‘Delegate geography’ under Reports."""
    return PermissionMenuItem(
        "Delegate geography",
        reverse("planner_geography"),
        icon_name="site",
        order=700,
        permission="planner.view_registration",
    )


def programme_buttons(page, user, view_name=None, next_url=None):
    """ "Programme" on a conference; "Move" on a session; "Cancel" or "Reinstate" on a session
    or meetup, for those who may publish it."""
    specific = page.specific_deferred
    if isinstance(specific, ConferencePage) and page.permissions_for_user(user).can_edit():
        yield Button("Programme", reverse("planner_programme", args=[page.pk]), icon_name="date", priority=5)
    if isinstance(specific, SessionPage) and page.permissions_for_user(user).can_edit():
        yield Button("Move", reverse("planner_move_session", args=[page.pk]), icon_name="time", priority=20)
    if isinstance(specific, SessionPage | RegionalEventPage) and page.permissions_for_user(user).can_publish():
        label = "Reinstate" if Cancellation.objects.filter(page_id=page.pk).exists() else "Cancel"
        yield Button(label, reverse("planner_cancel_page", args=[page.pk]), icon_name="warning", priority=30)


def meetup_dashboard_button(page, user, view_name=None, next_url=None):
    """A "Meetup dashboard" button on each regional meetup's admin pages."""
    if isinstance(page.specific_deferred, RegionalEventPage) and user.has_perm("planner.view_booking"):
        yield Button(
            "Meetup dashboard", reverse("planner_meetup_dashboard", args=[page.pk]), icon_name="group", priority=10
        )


def programme_files_buttons(page, user, view_name=None, next_url=None):
    """Import and export on each conference's admin pages; the delegate list on each meetup's."""
    specific = page.specific_deferred
    if isinstance(specific, ConferencePage):
        if can_import(user, page):
            yield Button("Import programme", reverse("planner_import", args=[page.pk]), icon_name="upload", priority=20)
        if can_export(user, page):
            export_url = reverse("planner_export_programme", args=[page.pk])
            yield Button("Export programme (CSV)", export_url, icon_name="download", priority=21)
    if isinstance(specific, RegionalEventPage) and can_see_meetup_people(user, specific):
        delegates_url = reverse("planner_export_delegates", args=[page.pk])
        yield Button("Delegate list (CSV)", delegates_url, icon_name="download", priority=11)
