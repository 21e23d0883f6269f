"""Site search finds sessions by title, summary, speaker and stream; it never errors on odd input."""

from datetime import date

import pytest
from bs4 import BeautifulSoup

from tests.factories import SpeakerFactory, london, make_session

pytestmark = pytest.mark.django_db


def result_titles(response):
    return [a.get_text(strip=True) for a in BeautifulSoup(response.content, "html.parser").select(".results h2 a")]


def test_search_finds_a_session_by_a_word_in_its_title(client, conference):
    make_session(conference, title="Procurement that builds local wealth")
    make_session(conference, title="Reablement at home", start=london(date(2027, 3, 9), 10))
    assert result_titles(client.get("/search/", {"q": "procurement"})) == ["Procurement that builds local wealth"]


def test_search_finds_a_session_by_its_speaker(client, conference):
    make_session(conference, title="Cyber resilience drills", speakers=[SpeakerFactory(name="Gwen Pritchard")])
    assert "Cyber resilience drills" in result_titles(client.get("/search/", {"q": "Pritchard"}))


def test_search_with_no_matches_suggests_what_to_try(client, conference):
    response = client.get("/search/", {"q": "zzzznothing"})
    assert "0 results for “zzzznothing”" in response.content.decode()
    assert "Try fewer or different words" in response.content.decode()


@pytest.mark.parametrize(
    "query", ["<script>alert(1)</script>", "'; DROP TABLE wagtailcore_page; --", "x" * 5000, "%%%", '"', 'care"']
)
def test_search_survives_hostile_input_and_escapes_it(client, conference, query):
    response = client.get("/search/", {"q": query, "page": "not-a-number"})
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content


def test_search_pages_through_many_results(client, conference):
    for number in range(12):
        make_session(conference, title=f"Housing repairs {number}", start=london(date(2027, 3, 8), 8 + number % 9))
    first, second = client.get("/search/", {"q": "housing"}), client.get("/search/", {"q": "housing", "page": 2})
    assert len(result_titles(first)) == 10 and len(result_titles(second)) == 2
    assert "Page 2 of 2" in second.content.decode()
