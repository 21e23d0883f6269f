"""Wiring only: Relay's admin screens, menu items, buttons, home panels, snippets and page-tree
guards, each defined in planner.workspace, registered with Wagtail here."""

from django.urls import include, path
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from planner.workspace import guards, home, menu
from planner.workspace.evidence import evidence_chooser
from planner.workspace.snippets import ProgrammeViewSetGroup

register_snippet(ProgrammeViewSetGroup)
hooks.register("register_admin_viewset", lambda: evidence_chooser)

hooks.register("before_move_page", guards.keep_sessions_and_meetups_in_their_conference)
hooks.register("before_copy_page", guards.keep_copies_in_their_conference)
hooks.register("before_delete_page", guards.keep_programmes_and_bookings)
hooks.register("before_bulk_action", guards.guard_bulk_moves_and_deletes)

hooks.register("register_page_header_buttons", menu.programme_buttons)
hooks.register("register_page_header_buttons", menu.meetup_dashboard_button)
hooks.register("register_page_header_buttons", menu.programme_files_buttons)
hooks.register("register_reports_menu_item", menu.geography_report_item)

hooks.register("construct_homepage_panels", home.add_conference_panels)
hooks.register("construct_homepage_panels", home.add_email_failure_panel)

for item in menu.MENU_ITEMS:
    hooks.register("register_admin_menu_item", item)


@hooks.register("register_admin_urls")
def workspace_urls():
    """Every workspace screen under /admin/ (planner.workspace.urls)."""
    return [path("", include("planner.workspace.urls"))]
