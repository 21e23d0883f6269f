"""Site search across the programme and every published page (the rules: cms/search.py)."""

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page as ResultsPage
from django.core.paginator import Paginator
from django.shortcuts import render

from cms import search as site_search
from cms.caching import find_site
from cms.search import searchable  # noqa: F401 -- planner.api imports it from here

RESULTS_PER_GROUP = 5  # on the page of every group
RESULTS_PER_PAGE = 20  # on one group's own pages


@dataclass(frozen=True)
class Section:
    """One group as the results page shows it: ``shown`` its results on this page, ``more``
    when the group has more than are shown (a link to all of them)."""

    key: str
    heading: str
    count: int
    shown: list
    more: bool


def search(request):
    """Search sessions, speakers, meetups and pages: ``?q=`` the words, ``?in=`` one group's
    results only (a key such as ``sessions``), ``?page=`` a page of those."""
    find_site(request)  # from the cache: the results' addresses need it
    query = site_search.parse_query(request.GET.get("q", ""))
    found = site_search.search(query)
    only = next((group for group in found if group.group.key == request.GET.get("in")), None)
    results_page: ResultsPage | None = None
    if only is not None:
        results_page = Paginator(only.hits, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        chosen = [(only, list(results_page.object_list), False)]
    else:
        chosen = [(group, group.hits[:RESULTS_PER_GROUP], group.count > RESULTS_PER_GROUP) for group in found]
    sections = [
        Section(group.group.key, group.group.heading, group.count, site_search.load_shown(group, hits, request), more)
        for group, hits, more in chosen
    ]
    return render(
        request,
        "cms/search.html",
        {
            "query": query.text,
            "searched": bool(query.terms),
            "no_words": bool(query.text) and not query.has_words,
            "too_common": query.has_words and not query.terms,
            "trimmed": query.trimmed,
            "max_length": site_search.MAX_QUERY_LENGTH,
            "total": sum(group.count for group in found),
            "sections": sections,
            "only": only.group if only else None,
            "results_page": results_page,
            "viewer_zone": settings.RELAY_DEFAULT_VIEWER_TIME_ZONE,
        },
    )


def accessibility_statement(request):
    """The accessibility statement UK public bodies publish (Public Sector Bodies Accessibility
    Regulations 2018): what works, what does not yet, how to report a problem."""
    return render(request, "cms/accessibility.html")
