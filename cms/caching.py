"""What every public page needs from Wagtail, read from the cache instead of the database.

Wagtail finds a page by asking the database for the site, then each page along the URL, then
the view restrictions of the page and its ancestors, then the site settings, the menu and the
breadcrumbs: about ten queries before a page has shown anything of its own. All of that
changes only when an editor saves or moves a page, a restriction, a site or its settings,
so it is cached under ``content_version()``, a number that every such save moves on.

The number moves twice for each write: at once, so the writer's next read in the same
request or test sees its change, and again when the transaction commits, so a reader that
cached the old rows between the two never has them served under the new number.
"""

import hashlib
import threading
import time
from dataclasses import dataclass

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

FOREVER = None  # the version numbers themselves
DAY = 24 * 60 * 60  # entries keyed by a version: retired by the number, and gone a day later at most

_content_models: set[type] = {Page, PageViewRestriction, Site, BaseSiteSetting}
_pending = threading.local()


class Version:
    """A number kept in the cache under ``key`` that changes whenever what it covers changes:
    part of the key of every cache entry built from that, which retires them all at once. It
    starts from the clock, so a flushed or evicted cache never brings back an old number."""

    def __init__(self, key: str):
        self.key = key

    def current(self) -> int:
        """The number now."""
        return cache.get_or_set(self.key, time.time_ns, timeout=FOREVER)

    def bump(self) -> None:
        """Move the number on, retiring every entry keyed by the old one."""
        try:
            cache.incr(self.key)
        except ValueError:  # not set yet, or evicted: a new number all the same
            cache.set(self.key, time.time_ns(), timeout=FOREVER)

    def bump_now_and_at_commit(self) -> None:
        """Move the number on now, and again when the current transaction commits, so an entry
        built in between from rows not yet committed never outlives the change."""
        self.bump()
        transaction.on_commit(self.bump)


CONTENT = Version("relay:content-version")


def content_version() -> int:
    """Changes whenever published content may have changed: part of the key of every cache
    that holds pages, their places in the tree, or what a page shows of them."""
    return CONTENT.current()


def _bump() -> None:
    CONTENT.bump()


def _bump_after_commit() -> None:
    _pending.waiting = False
    _bump()


def content_changed() -> None:
    """Retire every cache keyed by ``content_version``: now, and again when the current
    transaction commits (once per transaction, however many rows it writes)."""
    _bump()
    if not getattr(_pending, "waiting", False):
        _pending.waiting = True
        transaction.on_commit(_bump_after_commit)
        if not transaction.get_connection().in_atomic_block:
            _pending.waiting = False  # on_commit ran at once


def watch(*models) -> None:
    """Treat saves and deletes of ``models`` (and of their subclasses) as content changes."""
    _content_models.update(models)


def _saved(sender, instance=None, **kwargs) -> None:
    if isinstance(instance, tuple(_content_models)):
        content_changed()


def _m2m_changed(sender, instance=None, action="", **kwargs) -> None:
    if action.startswith("post_") and isinstance(instance, tuple(_content_models)):
        content_changed()


def _page_event(sender, **kwargs) -> None:
    content_changed()


def connect() -> None:
    """Move the version on every write to content (called once, from the app's ``ready``)."""
    post_save.connect(_saved, dispatch_uid="relay-content-saved")
    post_delete.connect(_saved, dispatch_uid="relay-content-deleted")
    m2m_changed.connect(_m2m_changed, dispatch_uid="relay-content-m2m")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_page_event, dispatch_uid=f"relay-content-{id(signal)}")


def versioned(key: str) -> str:
    """``key`` within this content version."""
    return f"relay:c:{content_version()}:{key}"


def cached(key: str, build, timeout=DAY):
    """``build()``, kept under ``key`` for this content version."""
    versioned_key = versioned(key)
    found = cache.get(versioned_key)
    if found is None:
        found = build()
        cache.set(versioned_key, found, timeout)
    return found


# The site


def _site_key(request) -> str | None:
    try:
        return versioned(f"site:{request.get_host().split(':')[0]}:{request.get_port()}")
    except Exception:  # noqa: BLE001 -- a disallowed host: Wagtail's own lookup answers for it
        return None


def remember_site(request) -> None:
    """Keep the site Wagtail found for ``request`` (with its root page loaded, so routing
    starts without a query) for the next request to the same host."""
    site = getattr(request, "_wagtail_site", None)
    if site is not None and not getattr(request, "_relay_site_cached", False) and (key := _site_key(request)):
        site.root_page = site.root_page.specific
        cache.set(key, site, DAY)
        request._relay_site_cached = True


def find_site(request) -> Site | None:
    """The site serving ``request`` (Wagtail's rule), from the cache when it is there."""
    if not hasattr(request, "_wagtail_site"):
        prime_site(request)
    if not hasattr(request, "_wagtail_site"):
        Site.find_for_request(request)  # sets request._wagtail_site
        remember_site(request)
    return request._wagtail_site


def prime_site(request) -> None:
    """Hand Wagtail the request's site from the cache, if it is there (it reads
    ``request._wagtail_site`` before asking the database). Never queries."""
    key = _site_key(request)
    site = cache.get(key) if key else None
    if site is not None:
        request._wagtail_site = site
        request._relay_site_cached = True


class SiteFromCacheMiddleware:
    """Hands Wagtail the request's site from the cache; a request that finds none there
    (the first, or a view that never asks) touches nothing, not even the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        prime_site(request)
        return self.get_response(request)


# Routing


def cached_route(root, request, path_components: list[str], route):
    """``route(request, path_components)`` (Wagtail's walk down the tree from ``root``, a
    query per page), remembering which page the URL reached so the next request loads just
    that page. The page's own ``route`` still runs, so sub-routes and its live check stand."""
    path = hashlib.sha256("/".join(path_components).encode()).hexdigest()[:32]  # any length of URL
    key = versioned(f"route:{root.pk}:{path}")
    found = cache.get(key)
    if found:
        label, pk, depth = found
        model = apps.get_model(label)
        # No ORDER BY (Wagtail's manager orders by path): Django hashes every selected column
        # of an ordered query, a few milliseconds for a page's forty.
        rows = model._default_manager.filter(pk=pk).select_related(*model.serve_related).order_by()
        page = next(iter(rows), None)
        if page is not None:
            return page.route(request, path_components[depth:])
    remember_site(request)
    result = route(request, path_components)
    page = result[0]
    if page.pk != root.pk:
        cache.set(key, (page._meta.label, page.pk, page.depth - root.depth), DAY)
    return result


def parent_page(page):
    """``page.get_parent().specific``, from the cache for this content version."""
    return cached(f"parent:{page.pk}", lambda: page.get_parent().specific)


# View restrictions


@dataclass(frozen=True)
class Restrictions:
    """Every view restriction's page (id, path, depth), and the paths of alias pages."""

    restricted: tuple[tuple[int, str, int], ...]
    alias_paths: tuple[str, ...]


def restrictions() -> Restrictions:
    """The site's view restrictions and aliases, for this content version."""

    def build():
        return Restrictions(
            restricted=tuple(PageViewRestriction.objects.values_list("page_id", "page__path", "page__depth")),
            alias_paths=tuple(Page.objects.filter(alias_of__isnull=False).values_list("path", flat=True)),
        )

    return cached("restrictions", build)


def public(queryset):
    """``queryset.public()``: the pages outside any private section, without reading the
    restrictions from the database on each request."""
    restricted = restrictions().restricted
    if not restricted:
        return queryset
    private = Q()
    for _pk, path, depth in restricted:
        private |= Q(path__startswith=path, depth__gte=depth)
    return queryset.exclude(private)


class CachedPlumbingMixin:
    """For every page type of the site: its view restrictions from the cache (Wagtail asks for
    them on every request) and, on the site's root page, routing from the cache.
    ``serve_related``: what the page's own template reads of its relations, loaded with it."""

    serve_related: tuple[str, ...] = ()

    def get_view_restrictions(self):
        """The restrictions on this page and its ancestors, as Wagtail's; no query when the
        page has none (almost always). Pages under an alias take Wagtail's own path."""
        found = restrictions()
        if self.alias_of_id or any(self.path.startswith(path) for path in found.alias_paths):
            return super().get_view_restrictions()
        ids = [pk for pk, path, _depth in found.restricted if self.path.startswith(path)]
        return PageViewRestriction.objects.filter(page_id__in=ids) if ids else PageViewRestriction.objects.none()


# The site's furniture


@dataclass(frozen=True)
class Link:
    title: str
    url: str
    path: str


def menu_links(request, site: Site) -> list[Link]:
    """Live public pages under the site's root marked ‘show in menus’, as links."""

    def build():
        items = public(site.root_page.get_children().live().in_menu()).only("title", "url_path", "path")
        return [Link(item.title, item.get_url(request), item.path) for item in items]

    return cached(f"menu:{site.pk}", build)


def breadcrumb_links(request, page) -> list[Link]:
    """The ancestors of ``page`` below the tree's root, as links."""

    def build():
        ancestors = page.get_ancestors().filter(depth__gt=1).only("title", "url_path", "path")
        return [Link(a.title, a.get_url(request), a.path) for a in ancestors]

    site = find_site(request)
    return cached(f"crumbs:{site.pk if site else 0}:{page.path}", build)


def site_setting(model, site: Site):
    """``model.for_site(site)`` for a site setting, from the cache."""
    return cached(f"setting:{model._meta.label}:{site.pk}", lambda: model.for_site(site))
