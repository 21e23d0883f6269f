import pytest
from django.core.cache import cache

from tests.factories import make_conference


@pytest.fixture
def conference(db):
    """A published five-day conference with three streams, planned in Europe/London."""
    return make_conference()


@pytest.fixture
def planner_client(client, django_user_model):
    """A client logged in as a Wagtail superuser (a planner)."""
    user = django_user_model.objects.create_superuser("planner", "planner@example.org", "correct horse battery")
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters and cached feeds live in the cache: each test starts with none."""

    cache.clear()
    yield
    cache.clear()
