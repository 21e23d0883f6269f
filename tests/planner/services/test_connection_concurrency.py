"""Two delegates who ask each other to connect at the same moment end up connected, with
one row, on PostgreSQL, however the requests interleave.

Run with the pair's unique index dropped, the same race leaves duplicate rows, which shows
this test can catch it. (SQLite serialises writers, so the race needs PostgreSQL.)"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from planner.models import Connection
from planner.services.agenda import register_online
from planner.services.connections import request_connection
from tests.factories import DelegateFactory, make_conference

PAIRS = 20

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the race needs PostgreSQL's concurrent writers"),
]


def race() -> list:
    conference = make_conference()
    people = DelegateFactory.create_batch(PAIRS * 2, visibility="conference")
    for person in people:
        register_online(delegate=person, conference=conference)
    pairs = [(people[2 * n], people[2 * n + 1]) for n in range(PAIRS)]
    start = threading.Event()

    def ask(requester, recipient):
        start.wait()
        try:
            return request_connection(requester=requester, recipient=recipient).status
        except Exception as error:  # the outcome under test: errors are counted, not raised
            return error
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=PAIRS * 2) as pool:
        futures = [pool.submit(ask, a, b) for a, b in pairs] + [pool.submit(ask, b, a) for a, b in pairs]
        start.set()
        return [future.result() for future in futures]


def test_people_asking_each_other_at_once_get_one_connection_per_pair():
    outcomes = race()
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    assert Connection.objects.count() == PAIRS
    assert set(Connection.objects.values_list("status", flat=True)) == {"accepted"}  # both asked: connected


def test_without_the_pair_index_the_same_race_leaves_duplicates():
    constraint = next(c for c in Connection._meta.constraints if c.name == "one_connection_per_pair")
    with connection.schema_editor() as editor:
        editor.remove_constraint(Connection, constraint)
    try:
        race()
        duplicates = Connection.objects.count() - PAIRS
    finally:
        Connection.objects.all().delete()
        with connection.schema_editor() as editor:
            editor.add_constraint(Connection, constraint)
    # Two requests that each saw no row both insert one. No duplicate would mean a blind test.
    assert duplicates > 0
