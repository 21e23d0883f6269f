"""An id too big for any column is a 404 in a path and ignored in a query string, never a
database overflow."""

import pytest

from tests.factories import DelegateFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/calendar/conference/99999999999999999999999.ics",
        "/calendar/conference/99999999999999999999999/schedule.xml",
        "/calendar/session/99999999999999999999.ics",
        "/sessions/99999999999999999999/star/",
    ],
)
def test_huge_ids_are_404_not_a_database_overflow(client, db, path):
    client.force_login(DelegateFactory().user)
    assert client.get(path).status_code in (404, 405)
    assert client.post(path).status_code in (404, 405)


def test_huge_ids_in_query_strings_are_ignored(client, planner_client, conference):
    assert client.get("/delegates/", {"interest": "9" * 30}).status_code == 200
    assert planner_client.get("/admin/bookings/", {"event": "9" * 30}).status_code == 200
    nul = client.get("/search/", {"q": "care\x00"})  # a 400 that says what to fix, never a 500
    assert nul.status_code == 400 and "NUL character" in nul.content.decode()
