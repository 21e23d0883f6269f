from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Speaker, Stream


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
