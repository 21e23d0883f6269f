from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import views as cms_views
from planner.api import api_router
from planner.views import door, packs
from planner.views.health import healthz
from planner.views.nearby import near

handler500 = "planner.views.errors.server_error"

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", cms_views.search, name="search"),
    path("accessibility/", cms_views.accessibility_statement, name="accessibility"),
    path("api/v2/", api_router.urls),
    path("healthz", healthz, name="healthz"),
    path("near/", near, name="near"),
    path("checkin/<str:token>/", packs.check_in, name="check_in"),
    path("door/<id:event_id>/", door.door, name="door"),
    path("", include("planner.urls.account")),
    path("", include("planner.urls.discussion")),
    path("", include("planner.urls.calendar")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
