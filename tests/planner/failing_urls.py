"""The site's own URLs plus one view that fails, to see what a real server error does."""

from django.urls import path

from planner.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("the printer caught fire for someone@example.org")


handler500 = "planner.views.errors.server_error"
urlpatterns = [path("broken/", broken), *site_urlpatterns]
