from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from planner.admin_views import StreamFilterSet, ThemeFilterSet
from planner.models import Booking, Cancellation, ConferencePage, RegionalEventPage, SessionPage, Speaker, Stream, Theme
from planner.models.people import ACTIVE_STATUSES

# SNIPPET_SEARCH: the snippet lists search their few rows in the database (icontains), not
# through the search backend: on SQLite, Wagtail's backend turned a search restricted to
# ``name`` into an FTS query naming a column its index does not have ("no such column: name",
# a 500 for any search), and it cannot sort results by a column that is not a FilterField.


class StreamViewSet(SnippetViewSet):
    model = Stream
    icon = "list-ul"
    menu_label = "Streams"
    list_display = ["name", "conference", "slug", "sort_order"]
    filterset_class = StreamFilterSet
    search_fields = ["name"]
    search_backend_name = None  # see SNIPPET_SEARCH
    ordering = ["conference", "sort_order", "name"]

    def get_queryset(self, request):
        return Stream.objects.select_related("conference")


class SpeakerViewSet(SnippetViewSet):
    model = Speaker
    icon = "user"
    menu_label = "Speakers"
    list_display = ["name", "role", "organisation"]
    search_fields = ["name", "organisation"]
    search_backend_name = None  # see SNIPPET_SEARCH


class ThemeViewSet(SnippetViewSet):
    """Themes moderators tag contributions with; the findings are grouped by them."""

    model = Theme
    icon = "tag"
    menu_label = "Discussion themes"
    list_display = ["name", "conference"]
    filterset_class = ThemeFilterSet
    search_fields = ["name"]
    search_backend_name = None  # see SNIPPET_SEARCH
    ordering = ["conference", "name"]

    def get_queryset(self, request):
        return Theme.objects.select_related("conference")


class ProgrammeViewSetGroup(SnippetViewSetGroup):
    items = (StreamViewSet, SpeakerViewSet, ThemeViewSet)
    menu_icon = "calendar"
    menu_label = "Programme"
    menu_order = 200


register_snippet(ProgrammeViewSetGroup)


PINNED_TYPES = (SessionPage, RegionalEventPage)
PINNED_MESSAGE = (
    "“{title}” cannot move to another conference: its stream and carried-forward sessions belong "
    "to the one it is in. Create it in the other conference instead."
)


def refuse(request, message: str, page):
    messages.error(request, message)
    return redirect("wagtailadmin_explore", page.get_parent().pk if page.depth > 1 else page.pk)


@hooks.register("before_move_page")
def keep_sessions_and_meetups_in_their_conference(request, page_to_move, destination):
    """Refuse to move a session or meetup to another conference: its stream and the sessions
    its agenda continues belong to the one it is in, so the move would break the programme."""
    if page_to_move.specific_class in PINNED_TYPES and destination.pk != page_to_move.get_parent().pk:
        return refuse(request, PINNED_MESSAGE.format(title=page_to_move.get_admin_display_title()), page_to_move)
    return None


@hooks.register("before_copy_page")
def keep_copies_in_their_conference(request, page):
    """A copy of a session or meetup must stay in its conference, for the same reason."""
    destination = request.POST.get("new_parent_page") if request.method == "POST" else None
    if page.specific_class in PINNED_TYPES and destination and str(page.get_parent().pk) != destination:
        return refuse(request, PINNED_MESSAGE.format(title=page.get_admin_display_title()), page)
    return None


def deletion_problem(page) -> str | None:
    """Why ``page`` cannot be deleted yet: a conference whose sessions would go with it, or a
    meetup whose delegates still hold places (deleting would drop their bookings silently)."""
    if page.specific_class is ConferencePage:
        count = SessionPage.objects.child_of(page).count()
        if count:
            return (
                f"“{page.get_admin_display_title()}” still has {count} session{'s' if count != 1 else ''}. "
                "Delete them first, so a whole programme is never removed by one click."
            )
    if page.specific_class is RegionalEventPage:
        count = Booking.objects.filter(event_id=page.pk, status__in=ACTIVE_STATUSES).count()
        if count:
            return (
                f"“{page.get_admin_display_title()}” has {count} active booking{'s' if count != 1 else ''}. "
                "Unpublish it to withdraw it (subscribers see it cancelled), or cancel the bookings "
                "under Bookings first; deleting would drop them without telling anyone."
            )
    return None


@hooks.register("before_delete_page")
def keep_programmes_and_bookings(request, page):
    if problem := deletion_problem(page):
        return refuse(request, problem, page)
    return None


@hooks.register("before_bulk_action")
def guard_bulk_moves_and_deletes(request, action_type, objects, action):
    """Bulk actions skip the single-page hooks above, so apply the same rules here."""
    for page in objects:
        if not isinstance(page, Page):
            continue
        if action_type == "move" and page.specific_class in PINNED_TYPES:
            return refuse(request, PINNED_MESSAGE.format(title=page.get_admin_display_title()), page)
        if action_type == "delete" and (problem := deletion_problem(page)):
            return refuse(request, problem, page)
    return None


@hooks.register("register_admin_urls")
def booking_admin_urls():
    from planner.admin_views import (
        BookingsReportView,
        RegistrationsReportView,
        ReportedContributionsView,
        geography,
        manage_booking,
        meetup_dashboard,
    )
    from planner.views.packs import badges, pack_run_download

    return [
        path("meetups/<id:event_id>/dashboard/", meetup_dashboard, name="planner_meetup_dashboard"),
        path("meetups/<id:event_id>/badges/", badges, name="planner_badges"),
        path(
            "meetups/<id:event_id>/packs/<id:run_id>/<str:kind>/",
            pack_run_download,
            name="planner_pack_run_download",
        ),
        path("reported/", ReportedContributionsView.as_view(), name="planner_reported"),
        path(
            "reported/results/", ReportedContributionsView.as_view(results_only=True), name="planner_reported_results"
        ),
        path("geography/", geography, name="planner_geography"),
        path("registrations/", RegistrationsReportView.as_view(), name="planner_registrations"),
        path(
            "registrations/results/",
            RegistrationsReportView.as_view(results_only=True),
            name="planner_registrations_results",
        ),
        path("bookings/", BookingsReportView.as_view(), name="planner_bookings"),
        path("bookings/results/", BookingsReportView.as_view(results_only=True), name="planner_bookings_results"),
        path("bookings/<id:booking_id>/", manage_booking, name="planner_booking_manage"),
    ]


@hooks.register("register_admin_urls")
def programme_admin_urls():
    from planner.admin_programme import cancel, move, programme
    from planner.admin_views import my_meetups

    return [
        path("conferences/<id:conference_id>/programme/", programme, name="planner_programme"),
        path("sessions/<id:session_id>/move/", move, name="planner_move_session"),
        path("pages/<id:page_id>/cancel/", cancel, name="planner_cancel_page"),
        path("my-meetups/", my_meetups, name="planner_my_meetups"),
    ]


@hooks.register("register_page_header_buttons")
def programme_buttons(page, user, view_name=None, next_url=None):
    """"Programme" on a conference; "Move" on a session; "Cancel" or "Reinstate" on a session
    or meetup, for those who may publish it."""
    from wagtail.admin.widgets import Button

    specific = page.specific_deferred
    if isinstance(specific, ConferencePage) and page.permissions_for_user(user).can_edit():
        yield Button("Programme", reverse("planner_programme", args=[page.pk]), icon_name="date", priority=5)
    if isinstance(specific, SessionPage) and page.permissions_for_user(user).can_edit():
        yield Button("Move", reverse("planner_move_session", args=[page.pk]), icon_name="time", priority=20)
    if isinstance(specific, SessionPage | RegionalEventPage) and page.permissions_for_user(user).can_publish():
        label = "Reinstate" if Cancellation.objects.filter(page_id=page.pk).exists() else "Cancel"
        yield Button(label, reverse("planner_cancel_page", args=[page.pk]), icon_name="warning", priority=30)


class FacilitatorMenuItem(MenuItem):
    """"My meetups", for someone named as a meetup's facilitator (planners have Bookings)."""

    def is_shown(self, request):
        from planner.models import Facilitation

        return Facilitation.objects.filter(user_id=request.user.pk).exists()


@hooks.register("register_admin_menu_item")
def my_meetups_menu_item():
    return FacilitatorMenuItem("My meetups", reverse("planner_my_meetups"), icon_name="group", order=240)


class PermissionMenuItem(MenuItem):
    """A menu item shown only to users holding ``permission``."""

    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_menu_item")
def bookings_menu_item():
    return PermissionMenuItem(
        "Bookings", reverse("planner_bookings"), icon_name="group", order=250, permission="planner.view_booking"
    )


@hooks.register("register_admin_menu_item")
def registrations_menu_item():
    return PermissionMenuItem(
        "Registrations",
        reverse("planner_registrations"),
        icon_name="user",
        order=260,
        permission="planner.view_registration",
    )


@hooks.register("register_admin_menu_item")
def reported_menu_item():
    return PermissionMenuItem(
        "Reported posts",
        reverse("planner_reported"),
        icon_name="warning",
        order=270,
        permission="planner.moderate_contribution",
    )


@hooks.register("register_reports_menu_item")
def geography_menu_item():
    return PermissionMenuItem(
        "Delegate geography",
        reverse("planner_geography"),
        icon_name="site",
        order=700,
        permission="planner.view_registration",
    )


@hooks.register("register_page_header_buttons")
def meetup_dashboard_button(page, user, view_name=None, next_url=None):
    """A "Meetup dashboard" button on each regional meetup's admin pages."""
    from wagtail.admin.widgets import Button

    if isinstance(page.specific_deferred, RegionalEventPage) and user.has_perm("planner.view_booking"):
        yield Button(
            "Meetup dashboard", reverse("planner_meetup_dashboard", args=[page.pk]), icon_name="group", priority=10
        )


@hooks.register("construct_homepage_panels")
def conference_dashboard_panels(request, panels):
    """A panel per live conference on the admin home page, for planners (see planner.dashboard)."""
    from planner.dashboard import conference_panels

    panels.extend(conference_panels(request))


@hooks.register("construct_homepage_panels")
def email_failure_panel(request, panels):
    """A warning panel for planners while emails fail in the queue (planner.ops.mail_health)."""
    from planner.dashboard import email_failure_panels

    panels.extend(email_failure_panels(request))


@hooks.register("register_admin_urls")
def programme_files_admin_urls():
    """Import and export of a conference programme, and a meetup's delegate list (planner/admin_import.py)."""
    from planner.admin_import import (
        export_delegates,
        export_programme,
        import_programme,
        import_run_page,
        import_template,
        programme_files,
    )

    return [
        path("programme-files/", programme_files, name="planner_programme_files"),
        path("programme-files/<id:conference_id>/import/", import_programme, name="planner_import"),
        path("programme-files/runs/<id:run_id>/", import_run_page, name="planner_import_run"),
        path("programme-files/<id:conference_id>/template.csv", import_template, name="planner_import_template"),
        path("programme-files/<id:conference_id>/programme.csv", export_programme, name="planner_export_programme"),
        path("meetups/<id:event_id>/delegates.csv", export_delegates, name="planner_export_delegates"),
    ]


@hooks.register("register_admin_menu_item")
def programme_files_menu_item():
    from planner.admin_import import ProgrammeFilesMenuItem

    url = reverse("planner_programme_files")
    return ProgrammeFilesMenuItem("Import or export", url, icon_name="download", order=210)


@hooks.register("register_page_header_buttons")
def programme_files_buttons(page, user, view_name=None, next_url=None):
    """Import and export on each conference's admin pages; the delegate list on each meetup's."""
    from wagtail.admin.widgets import Button

    from planner.admin_import import can_export, can_import
    from planner.rules.roles import can_see_meetup_people

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
