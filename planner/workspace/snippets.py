"""The programme's snippets in the admin: streams, speakers and discussion themes."""

from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from planner.models import Speaker, Stream, Theme
from planner.workspace.filters import StreamFilterSet, ThemeFilterSet

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
