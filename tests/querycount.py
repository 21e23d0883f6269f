"""Counting the queries a page costs, for the tests that hold list views constant."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for(client, url, **params) -> int:
    """Queries for a third request to ``url``: the first two warm the caches a running server
    has warm (the first may also write defaults, such as the site's settings, which retires
    what it cached: ``cms.caching``)."""
    client.get(url, params)
    client.get(url, params)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return len(captured)
