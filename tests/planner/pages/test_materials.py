"""A session's materials on its page: documents with their type and size, links, and the
recording, embedded from YouTube or Vimeo without the server calling anyone (planner.embeds),
shown only once the session has started and never when it is cancelled."""

import socket
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.embeds.models import Embed
from wagtail.test.utils.form_data import streamfield

from planner.embeds import player_for
from planner.models import SessionPage
from planner.services.cancellations import cancel_page
from tests.factories import make_session
from tests.planner.helpers import session_form

pytestmark = pytest.mark.django_db

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
CAPTIONS = "https://captions.example.org/shared-care-records.vtt"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to reach another machine fails the test (the network, not our code, is replaced)."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"The page tried to use the network: {args[1:]}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture
def session(conference):
    return make_session(conference, title="Shared care records")


def document(title: str, name: str, size: int):
    return get_document_model().objects.create(title=title, file=ContentFile(b"%" * size, name=name))


def published_with(session, **fields) -> SessionPage:
    """``session`` with ``fields`` changed and published, as a planner would."""
    page = session.get_latest_revision_as_object()
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return SessionPage.objects.get(pk=session.pk)


def started(session) -> SessionPage:
    """``session`` moved to have started ten minutes ago (before its page is first shown)."""
    now = timezone.now()
    SessionPage.objects.filter(pk=session.pk).update(start=now - timedelta(minutes=10), end=now + timedelta(minutes=40))
    return SessionPage.objects.get(pk=session.pk)


def materials(client, session) -> BeautifulSoup | None:
    """The page's Materials section, or None when it has none."""
    return BeautifulSoup(client.get(session.url).content, "html.parser").select_one("section.materials")


def text(element) -> str:
    return " ".join(element.get_text(" ").replace("\xa0", " ").split())


def test_documents_are_listed_with_their_type_and_size_and_links_by_title(client, session):
    slides = document("Slides", "slides.pdf", 1_258_291)
    notes = document("Speaker notes", "notes.docx", 20_480)
    session = published_with(
        session,
        materials=[
            ("document", slides),
            ("link", {"title": "The council's data strategy", "url": "https://example.gov.uk/data-strategy"}),
            ("document", notes),
        ],
    )
    section = materials(client, session)
    assert [(text(a), a["href"]) for a in section.select(".materials-list a")] == [
        ("Slides (PDF, 1.2 MB)", slides.url),
        ("The council's data strategy", "https://example.gov.uk/data-strategy"),
        ("Speaker notes (DOCX, 20.0 KB)", notes.url),
    ]


def test_a_deleted_document_drops_out_of_the_list(client, session):
    gone = document("Old slides", "old.pdf", 100)
    session = published_with(
        session, materials=[("document", gone), ("link", {"title": "Blog", "url": "https://a.example/"})]
    )
    gone.delete()
    assert [text(a) for a in materials(client, session).select(".materials-list a")] == ["Blog"]


def test_a_session_without_materials_or_a_shown_recording_has_no_materials_section(client, session):
    session = published_with(session, recording_url=YOUTUBE)  # not started yet
    assert materials(client, session) is None


def test_a_youtube_recording_is_embedded_privately_with_its_captions_and_no_network(client, session, no_network):
    session = started(published_with(session, recording_url=YOUTUBE, captions_url=CAPTIONS))
    section = materials(client, session)
    iframe = section.select_one(".video iframe")
    assert iframe["src"] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert iframe["title"] == "Recording, played on YouTube"
    assert [(text(a), a["href"]) for a in section.select(".recording-links a")] == [
        ("Watch the recording", YOUTUBE),  # for when a browser blocks the player
        ("Captions and transcript", CAPTIONS),
    ]


def test_a_vimeo_recording_is_embedded_without_tracking_or_network(client, session, no_network):
    session = started(published_with(session, recording_url="https://vimeo.com/76979871"))
    iframe = materials(client, session).select_one(".video iframe")
    assert (iframe["src"], iframe["title"]) == (
        "https://player.vimeo.com/video/76979871?dnt=1",
        "Recording, played on Vimeo",
    )


def test_any_other_recording_address_is_a_plain_link_and_nothing_is_fetched(client, session, no_network):
    dailymotion = "https://www.dailymotion.com/video/x7tgad0"  # an oEmbed provider Wagtail would ask
    session = started(published_with(session, recording_url=dailymotion, captions_url=CAPTIONS))
    section = materials(client, session)
    assert section.select("iframe") == []
    assert [(text(a), a["href"]) for a in section.select(".recording-links a")] == [
        ("Watch the recording", dailymotion),
        ("Captions and transcript", CAPTIONS),
    ]
    assert Embed.objects.count() == 0


def test_the_recording_and_captions_are_hidden_until_the_session_starts(client, session):
    session = published_with(
        session,
        recording_url=YOUTUBE,
        captions_url=CAPTIONS,
        materials=[("link", {"title": "Agenda", "url": "https://example.gov.uk/agenda"})],
    )
    section = materials(client, session)
    assert [text(a) for a in section.select("a")] == ["Agenda"]
    assert "youtube" not in str(section) and CAPTIONS not in str(section)


def test_a_cancelled_session_shows_no_recording(client, session):
    session = started(published_with(session, recording_url=YOUTUBE, captions_url=CAPTIONS))
    cancel_page(page=session, reason="The speaker is ill.")
    assert materials(client, session) is None


def test_the_recording_appears_once_the_session_starts_after_its_page_was_seen(client, session):
    session = published_with(session, recording_url=YOUTUBE)
    client.get(session.url)  # the first request writes the site's default settings, a content change
    assert materials(client, session) is None
    session = started(session)  # time passes: no edit moves the content version
    assert materials(client, session).select_one("iframe")["src"].endswith("dQw4w9WgXcQ")


def test_a_planner_adds_a_link_in_the_admin_and_it_is_shown(planner_client, client, conference, session):
    data = session_form(
        conference,
        title=session.title,
        slug=session.slug,
        materials=streamfield([("link", {"title": "Workshop board", "url": "https://board.example.org/care"})]),
    )
    response = planner_client.post(f"/admin/pages/{session.pk}/edit/", {**data, "action-publish": "action-publish"})
    assert response.status_code == 302
    links = materials(client, SessionPage.objects.get(pk=session.pk)).select(".materials-list a")
    assert [(text(a), a["href"]) for a in links] == [("Workshop board", "https://board.example.org/care")]


@pytest.mark.parametrize(
    ("url", "player"),
    [
        (YOUTUBE, "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ?t=42", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        (
            "https://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://www.youtube.com/live/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        ("https://vimeo.com/76979871/8f3a2b1c9d", "https://player.vimeo.com/video/76979871?dnt=1&h=8f3a2b1c9d"),
        ("https://player.vimeo.com/video/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        ("https://vimeo.com/channels/staffpicks/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        ("https://www.youtube.com/watch?v=too-short", None),
        ("https://www.youtube.com/@councilchannel", None),
        ("https://vimeo.com/about", None),
        ("https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ", None),
        ("javascript:alert(1)//youtu.be/dQw4w9WgXcQ", None),
        ("https://example.org/recording.mp4", None),
    ],
)
def test_player_addresses_are_written_from_the_address_alone(url, player):
    found = player_for(url)
    assert (found.src if found else None) == player
