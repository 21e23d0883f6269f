"""Parts of a public page that are the same for every viewer, rendered once per content version.

A part is kept under the page, the request's scheme and host (parts hold absolute feed
links) and whatever else it varies by (``name``: the zone, the day...). Any edit, move,
publication or cancellation retires it (``cms.caching``); a preview, which shows a draft,
always renders afresh."""

from django.template.loader import render_to_string
from django.template.response import TemplateResponse

from cms.caching import cached


def page_fragment(page, request, name: str, template: str, build_context) -> str:
    """``template`` rendered with ``build_context()``, kept for this content version."""

    def render() -> str:
        return render_to_string(template, build_context(), request=request)

    if getattr(request, "is_preview", False) or not page.pk:
        return render()
    return cached(f"fragment:{page.pk}:{request.scheme}:{request.get_host()}:{name}", render)


def render_route(page, request, template: str, **context) -> TemplateResponse:
    """A sub-page of the conference with only the context it needs: ``get_context`` builds
    the whole timetable, which these pages do not show."""
    return TemplateResponse(request, template, {"page": page, "self": page, "request": request, **context})
