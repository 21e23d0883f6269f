"""The Wagtail API v2 router, mounted at /api/v2/ (a public contract: see DESIGN.md)."""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet


class ProgrammePagesAPIViewSet(PagesAPIViewSet):
    """Wagtail's pages endpoint, loading each page type's related API fields in bulk.

    A page model may declare ``api_select_related`` and ``api_prefetch_related``; they apply
    when a listing is filtered to that type (``?type=planner.SessionPage``), so a page of
    results costs the same number of queries however many speakers or agenda items it has.
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        model = queryset.model
        if select := getattr(model, "api_select_related", ()):
            queryset = queryset.select_related(*select)
        if prefetch := getattr(model, "api_prefetch_related", ()):
            queryset = queryset.prefetch_related(*prefetch)
        return queryset


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", ProgrammePagesAPIViewSet)
api_router.register_endpoint("images", ImagesAPIViewSet)
api_router.register_endpoint("documents", DocumentsAPIViewSet)
