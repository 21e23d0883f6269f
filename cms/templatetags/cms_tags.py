"""Template tags for the site shell: navigation from the page tree."""

from django import template
from wagtail.models import Site

register = template.Library()


@register.simple_tag(takes_context=True)
def site_menu(context) -> list[tuple]:
    """(page, is_current) for live pages under the site's root marked ‘show in menus’."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    current = context.get("page")
    current_path = getattr(current, "path", "")
    items = site.root_page.get_children().live().public().in_menu().only("title", "url_path", "path")
    return [(item, current_path.startswith(item.path)) for item in items]
