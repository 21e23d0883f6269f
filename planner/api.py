"""The Wagtail API v2 router, mounted at /api/v2/ (a public contract: see DESIGN.md)."""

import logging

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from rest_framework import status
from rest_framework.response import Response
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from cms.views import searchable
from planner.ops.outage import OUTAGE_ERRORS

logger = logging.getLogger(__name__)


class RefusesBadFilters:
    """For Wagtail's API endpoints: malformed filters, ids and offsets get a 400 with a
    message instead of a server error, and searches are cleaned as the site search cleans
    them."""

    def initialize_request(self, request, *args, **kwargs):
        if "search" in request.GET:
            query = request.GET.copy()
            query["search"] = searchable(query["search"])
            request.GET = query
        return super().initialize_request(request, *args, **kwargs)

    def handle_exception(self, exc):
        # A lost database is not the client's fault: it goes on to the outage middleware (503).
        refusable = isinstance(exc, ValidationError | ValueError | OverflowError | DatabaseError)
        if refusable and not isinstance(exc, OUTAGE_ERRORS):
            logger.info("API request refused: %s", exc)
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else "A filter value is not valid."
            return Response({"message": message}, status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)


class ProgrammePagesAPIViewSet(RefusesBadFilters, PagesAPIViewSet):
    """Wagtail's pages endpoint, loading each page type's related API fields in bulk, and
    answering malformed filters with a 400 and a message instead of a server error.

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


class ImagesEndpoint(RefusesBadFilters, ImagesAPIViewSet):
    """Wagtail's images endpoint, refusing malformed ids and offsets with a 400."""


class DocumentsEndpoint(RefusesBadFilters, DocumentsAPIViewSet):
    """Wagtail's documents endpoint, refusing malformed ids and offsets with a 400."""


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", ProgrammePagesAPIViewSet)
api_router.register_endpoint("images", ImagesEndpoint)
api_router.register_endpoint("documents", DocumentsEndpoint)
