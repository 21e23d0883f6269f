"""Site search: a delegate finds sessions, speakers, meetups and pages by title, name or town,
typos and all, grouped and best first; nothing private or unpublished; no error on any input."""

from datetime import date

import pytest
from bs4 import BeautifulSoup
from wagtail.models import PageViewRestriction

from cms.models import StandardPage
from planner import services
from planner.services.cancellations import cancel_page
from tests.factories import SpeakerFactory, VenueFactory, london, make_conference, make_meetup, make_session
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db


def search(client, query, **params):
    return client.get("/search/", {"q": query, **params})


def soup(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def groups(response) -> list[tuple[str, int]]:
    """(heading, count) of each group of results, in the order shown."""
    return [
        (section.h2.contents[0].strip(), int(section.select_one(".search-count").contents[0]))
        for section in soup(response).select(".search-group")
    ]


def titles(response, group=None) -> list[str]:
    """Titles of the results shown, of every group or of the group with that heading."""
    page = soup(response)
    sections = [s for s in page.select(".search-group") if group is None or s.h2.contents[0].strip() == group]
    return [a.get_text(strip=True) for section in sections for a in section.select(".result-title a")]


def first_result(response) -> tuple[str, str]:
    """(group heading, title) of the first result on the page."""
    section = soup(response).select_one(".search-group")
    return section.h2.contents[0].strip(), section.select_one(".result-title a").get_text(strip=True)


def standard_page(title, *, intro="How the programme is run.", live=True):
    return services.default_home_page().add_child(
        instance=StandardPage(title=title, slug=title.lower().replace(" ", "-"), intro=intro, live=live)
    )


@pytest.fixture
def programme(conference):
    """Sessions, speakers and meetups with the words delegates searched for."""
    raman = SpeakerFactory(name="Priya Raman", role="Head of Digital Services", organisation="Leeds City Council")
    pritchard = SpeakerFactory(name="Gwen Pritchard", role="Chief Information Officer", organisation="Powys")
    make_session(conference, title="Giving residents a real say in how algorithms are used", speakers=[raman])
    make_session(
        conference,
        title="Shared care records across the region",
        start=london(date(2027, 3, 9), 10),
        speakers=[pritchard],
    )
    make_session(conference, title="Kinship care: supporting relatives who step in", start=london(date(2027, 3, 9), 11))
    make_session(conference, title="Lessons from Leeds on housing repairs", start=london(date(2027, 3, 10), 9))
    make_meetup(conference, title="North West meetup", venue=VenueFactory(town="Manchester"), day=date(2027, 4, 7))
    make_meetup(conference, title="Yorkshire meetup: designing with residents", venue=VenueFactory(town="Leeds"))
    return conference


@pytest.mark.parametrize(
    ("query", "group", "title"),
    [
        ("algoritm", "Sessions", "Giving residents a real say in how algorithms are used"),
        ("algorithms", "Sessions", "Giving residents a real say in how algorithms are used"),
        ("Leeds", "Meetups", "Yorkshire meetup: designing with residents"),
        ("leeds meetup", "Meetups", "Yorkshire meetup: designing with residents"),
        ("sharred care", "Sessions", "Shared care records across the region"),
        ("Pritchrd", "Speakers", "Gwen Pritchard"),
        ("Ramen", "Speakers", "Priya Raman"),
        ("yorkshire", "Meetups", "Yorkshire meetup: designing with residents"),
    ],
)
def test_search_puts_what_the_delegate_meant_first(client, programme, query, group, title):
    assert first_result(search(client, query)) == (group, title)


def test_a_meetup_in_the_town_searched_for_comes_before_sessions_that_name_it(client, programme):
    """Reported: ‘Leeds’ ranked a session above the Leeds meetup. The meetup's town is the query,
    so it comes first; a session with Leeds in its title next; one whose speaker works in Leeds
    (its body, not its title) after that."""
    response = search(client, "Leeds")
    assert [heading for heading, _count in groups(response)] == ["Meetups", "Sessions", "Speakers"]
    assert titles(response, "Meetups") == ["Yorkshire meetup: designing with residents"]
    assert titles(response, "Sessions") == [
        "Lessons from Leeds on housing repairs",
        "Giving residents a real say in how algorithms are used",
    ]


def test_a_typo_in_one_word_ranks_the_title_with_both_words_first(client, programme):
    assert titles(search(client, "sharred care"), "Sessions") == [
        "Shared care records across the region",
        "Kinship care: supporting relatives who step in",
    ]


def test_results_are_grouped_under_headings_with_counts_and_empty_groups_left_out(client, conference):
    speaker = SpeakerFactory(name="Ffion Evans", organisation="Resilience Partnership Wales")
    make_session(conference, title="Cyber resilience drills", speakers=[speaker])
    make_session(conference, title="Flood resilience", start=london(date(2027, 3, 9), 10))
    make_session(conference, title="Reablement at home", start=london(date(2027, 3, 9), 11))
    make_meetup(conference, title="Wales meetup: cyber resilience")
    standard_page("Resilience planning guide")
    # Titles before bodies; among titles, the one that is most nearly the query first.
    assert groups(search(client, "resilience")) == [("Sessions", 2), ("Pages", 1), ("Meetups", 1), ("Speakers", 1)]


def test_each_result_links_its_title_and_gives_one_line_of_context(client, conference):
    speaker = SpeakerFactory(name="Ffion Evans", role="Head of Digital", organisation="Resilience Partnership Wales")
    session = make_session(conference, title="Cyber resilience drills", speakers=[speaker])
    meetup = make_meetup(conference, title="Wales meetup: cyber resilience", venue=VenueFactory(town="Cardiff"))
    page = standard_page("Resilience planning guide", intro="What to do when the power goes.")
    page_soup = soup(search(client, "resilience"))
    lines = {
        item.select_one(".result-title a")["href"]: item.select_one(".result-context").get_text(" ", strip=True)
        for item in page_soup.select(".results li")
    }
    assert lines == {
        session.url: "Mon 8 Mar 2027, 09:30 GMT · Digital and data",
        meetup.url: "Wednesday 14 April 2027 · Cardiff",
        page.url: "What to do when the power goes.",
        f"{conference.url}speakers/ffion-evans/": "Head of Digital, Resilience Partnership Wales",
    }


def test_a_cancelled_session_says_so_in_its_line(client, conference):
    session = make_session(conference, title="Cyber resilience drills")
    cancel_page(page=session, reason="The speaker is unwell.")
    line = soup(search(client, "resilience")).select_one(".result-context").get_text(" ", strip=True)
    assert line.startswith("Cancelled · Mon 8 Mar 2027")


def test_search_finds_a_session_by_a_word_in_its_title(client, conference):
    make_session(conference, title="Procurement that builds local wealth")
    make_session(conference, title="Reablement at home", start=london(date(2027, 3, 9), 10))
    assert titles(search(client, "procurement")) == ["Procurement that builds local wealth"]


def test_search_finds_a_session_by_its_speaker(client, conference):
    make_session(conference, title="Cyber resilience drills", speakers=[SpeakerFactory(name="Gwen Pritchard")])
    assert titles(search(client, "Pritchard"), "Sessions") == ["Cyber resilience drills"]


def test_a_new_session_is_found_as_soon_as_it_is_published(client, conference):
    assert titles(search(client, "algorithms")) == []
    make_session(conference, title="Algorithms in the open")
    assert titles(search(client, "algoritms")) == ["Algorithms in the open"]


def test_unpublished_and_private_content_never_appears(client, conference):
    make_session(conference, title="Resilience in public")
    hidden_speaker = SpeakerFactory(name="Resilience Jones")
    draft = make_session(
        conference, title="Resilience draft session", start=london(date(2027, 3, 9), 10), speakers=[hidden_speaker]
    )
    draft.unpublish()
    private = make_session(conference, title="Resilience members only", start=london(date(2027, 3, 9), 11))
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    standard_page("Resilience unpublished page", live=False)
    secret = standard_page("Resilience private section")
    PageViewRestriction.objects.create(page=secret, restriction_type="login")
    secret.add_child(instance=StandardPage(title="Resilience inside the private section", slug="inside"))
    other = make_conference(slug="private-conference-2027")
    PageViewRestriction.objects.create(page=other, restriction_type="login")
    make_session(other, title="Resilience at the private conference")
    assert titles(search(client, "resilience")) == ["Resilience in public"]


def test_an_empty_search_shows_the_form_with_a_hint(client, conference):
    page = soup(search(client, ""))
    assert page.select_one("form.search-form input[name=q]")["value"] == ""
    assert "A word from a session’s title, a speaker’s name or a town" in page.select_one("#search-hint").get_text()
    assert page.select(".search-group") == [] and page.select_one(".search-summary") is None


def test_an_overlong_search_uses_its_first_200_characters_and_says_so(client, conference):
    make_session(conference, title="Procurement that builds local wealth")
    page = soup(search(client, "procurement " + "x" * 300))
    assert page.select_one("form.search-form input[name=q]")["value"] == ("procurement " + "x" * 300)[:200]
    assert "longer than 200 characters, so only the first 200 were used" in page.get_text()


def test_a_search_of_only_common_words_asks_for_a_better_one(client, conference):
    make_session(conference, title="The and of the")
    page = soup(search(client, "the and"))
    assert "has only very common words" in page.get_text() and page.select(".search-group") == []


def test_a_search_with_no_letters_or_numbers_says_so(client, conference):
    page = soup(search(client, "%%% ..."))
    assert "has no letters or numbers to search for" in page.get_text() and page.select(".search-group") == []


def test_search_with_no_matches_suggests_what_to_try(client, conference):
    text = soup(search(client, "zzzznothing")).get_text()
    assert "0 results for “zzzznothing”" in text and "Try fewer or different words" in text


@pytest.mark.parametrize(
    "query",
    [
        "<script>alert(1)</script>",
        "'; DROP TABLE wagtailcore_page; --",
        "x" * 5000,
        "%%%",
        '"',
        'care"',
        "NEAR(care OR)",
        "care & !(x) | y:*",
        "é́́́",
        "😀 care",
    ],
)
def test_search_survives_hostile_input_and_escapes_it(client, conference, query):
    make_session(conference, title="Care at home")
    response = search(client, query, page="not-a-number", **{"in": "sessions"})
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content


def test_each_group_shows_its_best_five_and_links_to_all_of_them(client, conference):
    for number in range(7):
        make_session(conference, title=f"Housing repairs {number}", start=london(date(2027, 3, 8), 8 + number))
    response = search(client, "housing")
    assert titles(response) == [f"Housing repairs {number}" for number in range(5)]
    more = soup(response).select_one(".search-more a")
    assert (more.get_text(), more["href"]) == ("All 7 sessions for “housing”", "?q=housing&in=sessions")


def test_one_groups_results_page_through_twenty_at_a_time(client, conference):
    for number in range(23):
        make_session(
            conference, title=f"Housing repairs {number}", start=london(date(2027, 3, 8 + number // 9), 8 + number % 9)
        )
    first = search(client, "housing", **{"in": "sessions"})
    second = search(client, "housing", **{"in": "sessions", "page": 2})
    assert len(titles(first)) == 20 and titles(second) == [f"Housing repairs {number}" for number in range(20, 23)]
    assert "Page 2 of 2" in soup(second).get_text()


def test_search_costs_the_same_queries_however_many_results(client, conference):
    speaker = SpeakerFactory(name="Ffion Evans", organisation="Resilience Partnership Wales")
    make_session(conference, title="Cyber resilience drills", speakers=[speaker])
    make_meetup(conference, title="Wales meetup: cyber resilience")
    standard_page("Resilience planning guide")
    few = queries_for(client, "/search/", q="resilience")
    for number in range(12):
        speakers = [SpeakerFactory(name=f"Speaker {number}", organisation="Resilience Forum")]
        start = london(date(2027, 3, 8 + number // 9), 8 + number % 9)
        make_session(conference, title=f"Flood resilience {number}", start=start, speakers=speakers)
        make_meetup(conference, title=f"Resilience meetup {number}", day=date(2027, 5, 1 + number))
        standard_page(f"Resilience guide {number}")
    assert queries_for(client, "/search/", q="resilience") == few
