"""Template tags for the site shell: navigation from the page tree, read from the cache."""

from django import template

from cms.caching import breadcrumb_links, find_site, menu_links

register = template.Library()


@register.simple_tag(takes_context=True)
def site_menu(context) -> list[tuple]:
    """(link, is_current) for live public pages under the site's root marked ‘show in menus’."""
    request = context.get("request")
    site = find_site(request) if request else None
    if site is None:
        return []
    current_path = getattr(context.get("page"), "path", "")
    return [(link, current_path.startswith(link.path)) for link in menu_links(request, site)]


@register.simple_tag(takes_context=True)
def breadcrumb_trail(context, page) -> list:
    """Links to the ancestors of ``page`` below the tree's root, the home page first."""
    request = context.get("request")
    if request is None or not getattr(page, "pk", None):
        return []
    return breadcrumb_links(request, page)
