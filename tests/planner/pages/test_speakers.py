"""The speakers' pages: the index (cards under an A–Z) and each speaker's own page, linked
from the timetable and the session pages, kept in the cache and cheap to serve."""

import io
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.files.images import ImageFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as PillowImage
from wagtail.images import get_image_model

from planner import services
from planner.pages.speakers import initials, speaker_links, speaker_url
from planner.queries.speakers import speaker_conference_urls
from planner.services.cancellations import cancel_page
from tests.factories import SpeakerFactory, london, make_conference, make_session
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db

RED, BLUE = (220, 30, 30), (30, 30, 220)


def soup(client, url, **params) -> BeautifulSoup:
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return BeautifulSoup(response.content, "html.parser")


def text_of(node) -> str:
    return " ".join(node.get_text(" ").split())


@pytest.fixture
def amira(conference):
    amira = SpeakerFactory(
        name="Dr Amira Shah",
        slug="amira-shah",
        role="Head of Digital",
        organisation="Calderdale Council",
        bio="Amira leads digital services.\n\nShe chairs the Yorkshire data group.",
        links="https://www.amira.example/\njavascript:alert(1)\nnot a link\n  https://social.example/@amira  ",
    )
    make_session(conference, title="Open data that residents use", speakers=[amira])
    return amira


@pytest.fixture
def photo(settings, tmp_path):
    """A 600×400 photo, red on the left and blue on the right, with its focal point (the face)
    on the blue; stored under a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path
    picture = PillowImage.new("RGB", (600, 400), RED)
    picture.paste(BLUE, (300, 0, 600, 400))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG")
    return get_image_model().objects.create(
        title="Amira Shah",
        file=ImageFile(buffer, name="amira.jpg"),
        focal_point_x=450,
        focal_point_y=200,
        focal_point_width=100,
        focal_point_height=100,
    )


def test_the_speaker_page_shows_their_photo_as_2x_renditions_round_its_focal_point(client, conference, amira, photo):
    amira.photo = photo
    amira.save()
    img = soup(client, speaker_url(conference, amira)).select_one("img.portrait")
    assert img["alt"] == "Photo of Dr Amira Shah"
    assert (img["width"], img["height"]) == ("240", "240")
    one, two = (entry.split() for entry in img["srcset"].split(", "))
    assert one == [img["src"], "1x"] and two[1] == "2x"
    assert ".fill-240x240-c100.format-webp." in one[0] and ".fill-480x480-c100.format-webp." in two[0]
    rendition = photo.get_rendition("fill-240x240-c100|format-webp")
    assert rendition.url == img["src"]
    with rendition.file.open() as cropped:  # round the face, not the middle (half red)
        red, _green, blue = PillowImage.open(cropped).convert("RGB").getpixel((60, 120))
    assert blue > 200 and red < 60


def test_the_speaker_page_without_a_photo_shows_initials_hidden_from_screen_readers(client, conference, amira):
    page = soup(client, speaker_url(conference, amira))
    placeholder = page.select_one(".speaker-profile .portrait--initials")
    assert (placeholder.get_text(), placeholder["aria-hidden"]) == ("AS", "true")
    assert page.select("img.portrait") == []


def test_the_speaker_page_shows_affiliation_bio_and_only_web_links_named_by_host(client, conference, amira):
    page = soup(client, speaker_url(conference, amira))
    assert text_of(page.h1) == f"Speaker at {conference.title} Dr Amira Shah"
    assert text_of(page.select_one(".speaker-profile .lead")) == "Head of Digital, Calderdale Council"
    assert [text_of(p) for p in page.select(".speaker-bio p")] == [
        "Amira leads digital services.",
        "She chairs the Yorkshire data group.",
    ]
    links = [(a["href"], a.get_text(), a["rel"]) for a in page.select(".speaker-links a")]
    assert links == [
        ("https://www.amira.example/", "amira.example", ["me", "noopener"]),
        ("https://social.example/@amira", "social.example", ["me", "noopener"]),
    ]
    assert "javascript:" not in str(page)


def test_links_sharing_a_host_are_told_apart_by_their_paths():
    links = speaker_links("https://github.com/amira\nhttps://github.com/calderdale/\nftp://files.example/a")
    assert [link.text for link in links] == ["github.com/amira", "github.com/calderdale"]


def test_initials_leave_out_a_title_and_middle_names():
    assert [initials(n) for n in ("Dr Amira Shah", "Cllr Jo van der Berg", "Ngozi", "Émile Zola")] == [
        "AS",
        "JB",
        "N",
        "ÉZ",
    ]


def test_the_speaker_page_lists_only_this_conferences_sessions_in_the_viewers_zone(client, conference, amira):
    second = make_session(
        conference, title="Town deals, year two", start=london(date(2027, 3, 9), 14), speakers=[amira]
    )
    cancel_page(page=second, reason="The speaker is unwell.")
    other = make_conference(slug="housing-2027")
    make_session(other, title="Retrofit at scale", start=london(date(2027, 3, 10), 15), speakers=[amira])
    page = soup(client, speaker_url(conference, amira), tz="America/New_York")
    sessions = [text_of(li) for li in page.select(".speaker-sessions li")]
    assert sessions == [
        "Open data that residents use Monday 8 March 2027, 04:30 to 05:20 EST (America/New_York) "
        "Digital and data · Talk",
        "Town deals, year two Cancelled Tuesday 9 March 2027, 09:00 to 09:50 EST (America/New_York) "
        "Digital and data · Talk",
    ]
    assert "Retrofit at scale" not in str(page)


def test_a_speaker_of_another_conference_is_not_found_under_this_one(client, conference):
    other = make_conference(slug="housing-2027")
    visitor = SpeakerFactory(name="Visiting Speaker", slug="visiting-speaker")
    make_session(other, title="Retrofit at scale", speakers=[visitor])
    assert client.get(speaker_url(other, visitor)).status_code == 200
    response = client.get(speaker_url(conference, visitor))
    assert (response.status_code, b"Visiting Speaker" in response.content) == (404, False)


def test_an_unknown_slug_or_a_speaker_with_only_a_draft_session_is_not_found(client, conference, amira):
    assert client.get(conference.url + "speakers/no-such-person/").status_code == 404
    draft = SpeakerFactory(name="Drafted Speaker", slug="drafted-speaker")
    make_session(conference, title="Not yet announced", speakers=[draft]).unpublish()
    assert client.get(speaker_url(conference, draft)).status_code == 404


def test_the_speaker_page_has_breadcrumbs_to_the_conference_and_the_speakers(client, conference, amira):
    crumbs = soup(client, speaker_url(conference, amira)).select(".breadcrumbs a")
    assert [(a.get_text(), a["href"]) for a in crumbs][-2:] == [
        (conference.title, conference.url),
        ("Speakers", conference.url + "speakers/"),
    ]


def test_the_index_groups_speakers_under_letters_linked_from_the_a_to_z(client, conference, amira):
    for name in ("Ben Okafor", "Bea Lund", "Zoë Ward"):
        make_session(conference, title=f"A talk by {name}", speakers=[SpeakerFactory(name=name)])
    page = soup(client, conference.url + "speakers/")
    az = page.select_one("nav.az-nav")
    assert [(a.get_text(), a["href"]) for a in az.select("a")] == [
        ("A", "#letter-A"),
        ("B", "#letter-B"),
        ("Z", "#letter-Z"),
    ]
    assert [span.get_text() for span in az.select("span")] == list("CDEFGHIJKLMNOPQRSTUVWXY")
    groups = {
        h2.get_text(): [a.get_text() for a in h2.find_parent("section").select("h3 a")]
        for h2 in page.select("h2.speaker-group__letter")
    }
    assert groups == {"A": ["Dr Amira Shah"], "B": ["Bea Lund", "Ben Okafor"], "Z": ["Zoë Ward"]}
    assert [h2["id"] for h2 in page.select("h2.speaker-group__letter")] == ["letter-A", "letter-B", "letter-Z"]


def test_the_index_links_each_name_to_its_page_with_affiliation_and_cancelled_sessions(client, conference, amira):
    cancel_page(page=amira.sessions.get(), reason="Postponed.")
    card = soup(client, conference.url + "speakers/").select_one(".speaker-card")
    assert card.select_one("h3 a")["href"] == f"{conference.url}speakers/amira-shah/"
    assert text_of(card.select_one(".speaker-card__text > p")) == "Head of Digital, Calderdale Council"
    assert text_of(card.select_one(".speaker-card__sessions li")).startswith("Open data that residents use Cancelled")
    assert text_of(card.select_one(".portrait--initials")) == "AS"


def test_the_session_page_links_its_speakers_to_their_pages(client, conference, amira):
    session = amira.sessions.get()
    links = soup(client, session.url).select(".speaker-list h3 a")
    assert [(a.get_text(), a["href"]) for a in links] == [("Dr Amira Shah", f"{conference.url}speakers/amira-shah/")]


def test_the_timetable_links_speaker_names_to_their_pages(client, conference, amira):
    ngozi = SpeakerFactory(name="Ngozi Adebayo", slug="ngozi-adebayo")
    make_session(conference, title="Panel on data", start=london(date(2027, 3, 8), 11), speakers=[amira, ngozi])
    links = {a.get_text(): a["href"] for a in soup(client, conference.url).select(".timetable article p a")}
    assert links == {
        "Dr Amira Shah": f"{conference.url}speakers/amira-shah/",
        "Ngozi Adebayo": f"{conference.url}speakers/ngozi-adebayo/",
    }


def add_speakers_and_sessions(conference, speaker, count: int, *, offset: int = 0) -> None:
    """``count`` sessions, each with ``speaker``, a new speaker with a photo-less card, and one without."""
    streams = list(conference.streams.all())
    for index in range(offset, offset + count):
        start = london(conference.start_date + timedelta(days=index % 5), 11) + timedelta(minutes=50 * (index // 5))
        make_session(
            conference,
            title=f"Session number {index}",
            stream=streams[index % 3],
            start=start,
            speakers=[speaker, SpeakerFactory()],
        )


def test_the_speaker_page_and_the_index_cost_the_same_few_queries_with_1_and_40_sessions(
    client, conference, amira, photo
):
    amira.photo = photo
    amira.save()
    urls = [speaker_url(conference, amira), conference.url + "speakers/"]
    with_one = [queries_for(client, url) for url in urls]
    add_speakers_and_sessions(conference, amira, 39)
    assert [queries_for(client, url) for url in urls] == with_one
    assert max(with_one) <= 10


def test_the_speaker_page_costs_the_same_queries_with_an_empty_cache_at_1_and_40_sessions(
    client, conference, amira, photo
):
    amira.photo = photo
    amira.save()
    url = speaker_url(conference, amira)

    def cold() -> int:
        client.get(url)  # renditions are made once, on the first view
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    with_one = cold()  # Wagtail's site, routing and settings, then the speaker, sessions and photo
    add_speakers_and_sessions(conference, amira, 39)
    assert cold() == with_one


def test_a_renamed_speaker_shows_on_their_page_and_the_index_at_the_next_request(client, conference, amira):
    url = speaker_url(conference, amira)
    assert "Dr Amira Shah" in text_of(soup(client, url))
    text_of(soup(client, conference.url + "speakers/"))
    amira.name = "Professor Amira Shah-Jones"
    amira.save()
    assert text_of(soup(client, url).h1).endswith("Professor Amira Shah-Jones")
    assert soup(client, url).title.get_text().startswith("Professor Amira Shah-Jones – ")
    assert "Professor Amira Shah-Jones" in text_of(soup(client, conference.url + "speakers/"))


def test_a_new_slug_moves_the_page_at_the_next_request(client, conference, amira):
    old = speaker_url(conference, amira)
    soup(client, old)
    amira.slug = "amira-shah-jones"
    amira.save()
    assert client.get(old).status_code == 404
    assert text_of(soup(client, speaker_url(conference, amira)).h1).endswith("Dr Amira Shah")


def test_speaker_conference_urls_gives_each_speaker_their_first_conference_they_speak_at(conference, amira):
    earlier = services.add_conference(
        parent=conference.get_parent().specific,
        title="Spring warm-up",
        slug="spring-warm-up",
        start_date=date(2027, 2, 1),
        end_date=date(2027, 2, 2),
        time_zone="Europe/London",
    )
    services.add_stream(conference=earlier, name="Plenary", slug="plenary", sort_order=0)
    make_session(earlier, title="Warm-up talk", start=london(date(2027, 2, 1), 10), speakers=[amira])
    only_later = SpeakerFactory(name="Later Only", slug="later-only")
    make_session(conference, title="Late talk", start=london(date(2027, 3, 10), 10), speakers=[only_later])
    unseen = SpeakerFactory(name="Draft Only", slug="draft-only")
    make_session(earlier, title="Draft talk", start=london(date(2027, 2, 2), 10), speakers=[unseen]).unpublish()
    assert speaker_conference_urls([amira.pk, only_later.pk, unseen.pk]) == {
        amira.pk: "/spring-warm-up/speakers/amira-shah/",
        only_later.pk: f"{conference.url}speakers/later-only/",
    }
