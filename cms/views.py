"""Site search across every published page."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.shortcuts import render
from wagtail.models import Page

from cms.caching import public

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


def searchable(text: str) -> str:
    """The query as the search backend can take it: bounded, and with quotes only in pairs
    (an unpaired ‘"’ is a syntax error to the database's full-text parser)."""
    # NUL and other control characters cannot be stored or searched by the database.
    text = "".join(ch for ch in text if ch >= " " or ch in "\t").strip()[:MAX_QUERY_LENGTH]
    if text.count('"') % 2:
        text = text.replace('"', " ").strip()
    return text


def search(request):
    """Search live, public pages; ``?q=`` the words, ``?page=`` the results page."""
    query = searchable(request.GET.get("q", ""))
    results = None
    if query:
        matches = public(Page.objects.live()).specific().search(query)
        paginator = Paginator(matches, RESULTS_PER_PAGE)
        try:
            results = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            results = paginator.page(1)
        except EmptyPage:
            results = paginator.page(paginator.num_pages)
    return render(request, "cms/search.html", {"query": query, "results": results})


def accessibility_statement(request):
    """The accessibility statement UK public bodies publish (Public Sector Bodies Accessibility
    Regulations 2018): what works, what does not yet, how to report a problem."""
    return render(request, "cms/accessibility.html")
