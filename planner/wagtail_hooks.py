from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import RegionalEventPage, SessionPage, Speaker, Stream


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


@hooks.register("before_move_page")
def keep_sessions_and_meetups_in_their_conference(request, page_to_move, destination):
    """Refuse to move a session or meetup to another conference: its stream and the sessions
    its agenda continues belong to the one it is in, so the move would break the programme."""
    specific_class = page_to_move.specific_class
    if specific_class not in (SessionPage, RegionalEventPage):
        return None
    if destination.pk == page_to_move.get_parent().pk:
        return None
    messages.error(
        request,
        f"“{page_to_move.get_admin_display_title()}” cannot move to another conference: its stream and "
        "carried-forward sessions belong to this one. Copy it into the other conference and edit the copy instead.",
    )
    return redirect("wagtailadmin_explore", page_to_move.get_parent().pk)
