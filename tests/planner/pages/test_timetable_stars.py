"""Starring from the timetable: a plain form on each session (it works without JavaScript)
for a signed-in delegate, the starred ones marked, and nothing of it for anyone else."""

import re

import pytest

from planner.services.cancellations import cancel_page
from tests.factories import DelegateFactory, london, make_session
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions(conference):
    return [
        make_session(conference, title="Shared care records", start=london(conference.start_date, 9, 30)),
        make_session(conference, title="Town deals, year two", start=london(conference.start_date, 11, 0)),
    ]


def cell(body: str, session) -> str:
    start = body.index(f'id="session-{session.pk}"')
    return body[start : body.index("</article>", start)]


def test_a_delegate_stars_a_session_from_the_timetable_and_sees_it_marked(client, conference, sessions):
    client.force_login(DelegateFactory().user)
    first = cell(client.get(conference.url).content.decode(), sessions[0])
    assert "☆ Add to my programme" in first and 'name="action" value="star"' in first
    action = re.search(r'<form method="post" action="([^"]+)" class="star-form">', first).group(1)
    next_url = re.search(r'name="next" value="([^"]+)"', first).group(1)
    response = client.post(action, {"action": "star", "next": next_url})
    assert response["Location"] == f"{conference.url}#session-{sessions[0].pk}"
    body = client.get(conference.url).content.decode()
    assert "★ In your programme" in cell(body, sessions[0]) and 'value="unstar"' in cell(body, sessions[0])
    assert "★ In your programme" not in cell(body, sessions[1])


def test_signed_out_readers_get_no_star_forms_even_after_a_delegate_filled_the_cache(client, conference, sessions):
    client.force_login(DelegateFactory().user)
    client.get(conference.url)
    client.logout()
    body = client.get(conference.url).content.decode()
    assert (
        "Add to my programme" not in body
        and "relay:star" not in body
        and "csrfmiddlewaretoken" not in cell(body, sessions[0])
    )


def test_a_cancelled_session_can_be_unstarred_but_not_starred(client, conference, sessions):
    client.force_login(DelegateFactory().user)
    cancel_page(page=sessions[1], reason="The speaker is ill")
    assert "Add to my programme" not in cell(client.get(conference.url).content.decode(), sessions[1])


def test_stars_cost_the_same_queries_with_more_sessions(client, conference, sessions):
    client.force_login(DelegateFactory().user)
    few = queries_for(client, conference.url)
    for n in range(10):
        make_session(conference, title=f"Extra {n}", start=london(conference.start_date, 12 + n % 6, 0))
    assert queries_for(client, conference.url) == few
