"""When something breaks, people get a calm page with a way back, not a traceback."""

import pytest
from django.test import Client
from django.urls import path

from planner.urls import urlpatterns as relay_urls


def broken_view(request):
    raise RuntimeError("simulated failure")


urlpatterns = [path("broken/", broken_view), *relay_urls]


@pytest.mark.urls(__name__)
def test_server_error_shows_the_sorry_page_without_details(db):
    response = Client(raise_request_exception=False).get("/broken/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in body
    assert "simulated failure" not in body and "Traceback" not in body
    assert 'href="/"' in body
