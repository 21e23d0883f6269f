from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from venues.models import Venue


class VenueViewSet(SnippetViewSet):
    model = Venue
    icon = "site"
    menu_label = "Venues"
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["name", "town", "postcode", "time_zone"]
    list_filter = ["town"]
    search_fields = ["name", "town"]


register_snippet(VenueViewSet)
