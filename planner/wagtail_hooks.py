from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import ConferencePage, RegionalEventPage, SessionPage, Speaker, Stream


class StreamViewSet(SnippetViewSet):
    model = Stream
    icon = "list-ul"
    menu_label = "Streams"
    list_display = ["name", "conference", "slug", "sort_order"]
    list_filter = ["conference"]
    search_fields = ["name"]
    ordering = ["conference", "sort_order", "name"]

    def get_queryset(self, request):
        return Stream.objects.select_related("conference")


class SpeakerViewSet(SnippetViewSet):
    model = Speaker
    icon = "user"
    menu_label = "Speakers"
    list_display = ["name", "role", "organisation"]
    search_fields = ["name", "organisation"]


class ProgrammeViewSetGroup(SnippetViewSetGroup):
    items = (StreamViewSet, SpeakerViewSet)
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


def conference_still_holding_sessions(page) -> str | None:
    """Why ``page`` cannot be deleted yet: a conference whose sessions would block it."""
    if page.specific_class is not ConferencePage:
        return None
    count = SessionPage.objects.child_of(page).count()
    if not count:
        return None
    return (
        f"“{page.get_admin_display_title()}” still has {count} session{'s' if count != 1 else ''}. "
        "Delete them first, so a whole programme is never removed by one click."
    )


@hooks.register("before_delete_page")
def keep_conferences_with_sessions(request, page):
    if problem := conference_still_holding_sessions(page):
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
        if action_type == "delete" and (problem := conference_still_holding_sessions(page)):
            return refuse(request, problem, page)
    return None


@hooks.register("register_admin_urls")
def booking_admin_urls():
    from .admin_views import BookingsReportView, RegistrationsReportView, manage_booking

    return [
        path("registrations/", RegistrationsReportView.as_view(), name="planner_registrations"),
        path(
            "registrations/results/",
            RegistrationsReportView.as_view(results_only=True),
            name="planner_registrations_results",
        ),
        path("bookings/", BookingsReportView.as_view(), name="planner_bookings"),
        path("bookings/results/", BookingsReportView.as_view(results_only=True), name="planner_bookings_results"),
        path("bookings/<int:booking_id>/", manage_booking, name="planner_booking_manage"),
    ]


@hooks.register("register_admin_menu_item")
def bookings_menu_item():
    return MenuItem("Bookings", reverse("planner_bookings"), icon_name="group", order=250)


@hooks.register("register_admin_menu_item")
def registrations_menu_item():
    return MenuItem("Registrations", reverse("planner_registrations"), icon_name="user", order=260)
