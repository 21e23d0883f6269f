"""Lock-outs and throttles count the address our own proxies wrote, never one the client forged."""

import pytest
from axes.models import AccessLog
from django.test import Client

from planner.ops.client_address import client_address


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "client"),
    [
        (0, "203.0.113.5", "10.0.0.9"),  # no proxy in front: the header is the client's own words
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "198.51.100.7, 203.0.113.5", "203.0.113.5"),  # a forged entry to the left is ignored
        (2, "198.51.100.7, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (1, "", "10.0.0.9"),
        (1, "not-an-address", "10.0.0.9"),
        (2, "203.0.113.5", "10.0.0.9"),  # fewer hops than proxies: did not come through them
    ],
)
def test_the_client_address_is_the_one_our_own_proxies_wrote(rf, settings, proxies, forwarded_for, client):
    settings.RELAY_PROXY_COUNT = proxies
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded_for, REMOTE_ADDR="10.0.0.9")
    assert client_address(request) == client


def test_signing_in_a_request_with_no_address_is_logged_not_refused(db, django_user_model):
    """force_login and scripts build requests with no REMOTE_ADDR: axes still logs them."""

    user = django_user_model.objects.create_user("nobody-in-particular", password="x")
    Client().force_login(user)
    assert AccessLog.objects.filter(username="nobody-in-particular").exists()
