"""The public pages are kept in the cache between requests (``cms.caching``): what planners
change shows on the next request, and what one viewer sees never reaches another."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.models import SiteSettings
from planner import services
from planner.services.bookings import book_meetup
from planner.services.cancellations import cancel_page
from planner.services.discussion import accept_answer, moderate_contribution, post_contribution
from planner.services.programme import move_session
from tests.factories import (
    DelegateFactory,
    SpeakerFactory,
    UserFactory,
    london,
    make_meetup,
    make_session,
    registered_person,
)
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(conference):
    return make_session(
        conference,
        title="Shared care records",
        start=london(conference.start_date, 9, 30),
        speakers=[SpeakerFactory(name="Priya Speaker")],
    )


def public_urls(conference, session) -> dict[str, str]:
    return {
        "timetable": conference.url,
        "session": session.url,
        "speakers": conference.url + "speakers/",
        "schedule.xml": f"/calendar/conference/{conference.pk}/schedule.xml",
        "schedule.json": f"/calendar/conference/{conference.pk}/schedule.json",
        "feed": f"/calendar/conference/{conference.pk}.ics",
    }


def text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def warm(client, urls):
    for url in urls:
        text(client, url)


def test_the_pages_pretalx_also_has_cost_at_most_ten_queries(client, conference, session):
    for name, url in public_urls(conference, session).items():
        assert queries_for(client, url) <= 10, name


def test_the_timetable_costs_the_same_queries_with_a_cold_cache_at_10_and_60_sessions(client, conference):
    def cold_queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(conference.url).status_code == 200
        return len(captured)

    client.get(conference.url)  # the site's settings are written on the first request ever
    streams = list(conference.streams.all())
    for n in range(10):
        make_session(
            conference, title=f"Talk {n}", stream=streams[n % 3], start=london(conference.start_date, 8 + n % 9)
        )
    with_ten = cold_queries()
    for n in range(10, 60):
        day = conference.start_date + timedelta(days=n % 5)
        make_session(conference, title=f"Talk {n}", stream=streams[n % 3], start=london(day, 8 + n % 9, 10))
    assert cold_queries() == with_ten


def test_cancelling_a_session_shows_on_every_cached_page_at_the_next_request(client, conference, session):
    urls = public_urls(conference, session)
    warm(client, urls.values())
    assert "Cancelled" not in text(client, urls["timetable"])

    cancel_page(page=session, reason="The speaker is unwell.")

    assert "Cancelled" in text(client, urls["timetable"])
    assert "The speaker is unwell." in text(client, urls["session"])
    assert "STATUS:CANCELLED" in text(client, urls["feed"])


def test_moving_a_session_shows_its_new_time_at_the_next_request(client, conference, session):
    urls = public_urls(conference, session)
    warm(client, urls.values())
    assert "09:30" in text(client, urls["timetable"])

    new_start = london(conference.start_date + timedelta(days=2), 14, 5)
    move_session(session=session, start=new_start, end=new_start + timedelta(minutes=50), stream=session.stream)

    timetable = text(client, urls["timetable"])
    assert "14:05" in timetable and "09:30" not in timetable
    assert "14:05" in text(client, urls["session"])
    assert "14:05" in text(client, urls["schedule.xml"])
    assert "14:05" in text(client, urls["speakers"])


def test_an_unpublished_session_leaves_the_cached_timetable_and_its_url(client, conference, session):
    urls = public_urls(conference, session)
    warm(client, urls.values())

    session.unpublish()

    assert "Shared care records" not in text(client, urls["timetable"])
    assert "Shared care records" not in text(client, urls["schedule.json"])
    assert client.get(urls["session"]).status_code == 404


def test_a_renamed_speaker_shows_at_the_next_request(client, conference, session):
    urls = public_urls(conference, session)
    warm(client, urls.values())
    speaker = session.speakers.get()
    speaker.name = "Priya Renamed"
    speaker.save()

    assert "Priya Renamed" in text(client, urls["speakers"])
    assert "Priya Renamed" in text(client, urls["session"])
    assert "Priya Renamed" in text(client, urls["schedule.xml"])


def test_a_new_contribution_counts_on_the_cached_timetable_at_once(client, conference, session):
    author = registered_person(conference, "Wendy Writer", visibility="everyone")
    text(client, conference.url)
    post_contribution(author=author, session=session, body="We share records weekly.")
    assert "1 contribution<" in text(client, conference.url)
    post_contribution(author=author, session=session, body="And monthly audits.")
    assert "2 contributions<" in text(client, conference.url)


def test_one_viewers_part_never_reaches_another_through_the_cache(client, conference, session):
    delegate = registered_person(conference, "Rita Registered", visibility="conference")
    urls = [conference.url, session.url]
    signed_in = client.__class__()
    signed_in.force_login(delegate.user)
    for url in urls:  # the signed-in delegate fills the cache first...
        assert "You are registered" in text(signed_in, conference.url)
        text(signed_in, url)
    for url in urls:  # ...and an anonymous reader sees none of it
        page = text(client, url)
        assert "You are registered" not in page
        assert "Rita Registered" not in page
        assert "Log out" not in page
        assert "Add to my programme" not in page
    # The other way round: the anonymous reader filled the cache; the delegate still sees theirs.
    cache_filled_by_anonymous = text(signed_in, session.url)
    assert "Add to my programme" in cache_filled_by_anonymous


def test_a_preview_of_a_draft_never_fills_the_cache(planner_client, client, conference):
    conference.title = "Draft title nobody has published"
    conference.save_revision()
    response = planner_client.get(f"/admin/pages/{conference.pk}/edit/preview/")
    assert response.status_code in (200, 405)  # Wagtail previews by POSTing the form
    assert "Draft title nobody has published" not in text(client, conference.url)


def test_site_settings_are_read_from_the_cache_and_an_edit_shows(client, conference):
    text(client, "/")
    settings = SiteSettings.objects.get()
    settings.site_name = "Councils Together"
    settings.save()
    assert "Councils Together" in text(client, conference.url)


def test_a_new_conference_page_in_the_menu_shows_at_once(client, conference):
    text(client, "/")
    conference.show_in_menus = True
    conference.save_revision().publish()
    assert f'href="{conference.url}"' in text(client, "/")


def test_add_session_shows_a_new_session_at_the_next_request(client, conference, session):
    text(client, conference.url)
    services.add_session(
        conference=conference,
        title="A late addition",
        slug="a-late-addition",
        stream=conference.streams.first(),
        start=london(conference.start_date, 15),
        end=london(conference.start_date, 16),
        format="talk",
        summary="Added after the timetable was cached.",
        speakers=[],
    )
    assert "A late addition" in text(client, conference.url)


def test_the_signed_out_discussion_shows_each_change_at_the_next_request(client, conference, session):
    public = registered_person(conference, "Paula Public", visibility="everyone")
    quiet = registered_person(conference, "Quentin Quiet", visibility="conference")
    moderator = UserFactory(is_superuser=True)
    question = post_contribution(author=public, session=session, body="Who holds the record?", is_question=True)
    page = text(client, session.url)
    assert "Who holds the record?" in page and "Paula Public" in page

    answer = post_contribution(author=quiet, session=session, body="The GP practice does.", parent=question)
    page = text(client, session.url)
    assert "The GP practice does." in page and "Quentin Quiet" not in page  # not visible to everyone

    quiet.visibility = "everyone"
    quiet.save()
    assert "Quentin Quiet" in text(client, session.url)

    accept_answer(question=question, answer=answer, by=public)
    assert "Accepted answer" in text(client, session.url)

    moderate_contribution(contribution=answer, moderator=moderator, action="hide")
    assert "The GP practice does." not in text(client, session.url)


def test_the_cached_signed_out_discussion_holds_no_form_or_token(client, conference, session):
    author = registered_person(conference, "Paula Public", visibility="everyone")
    post_contribution(author=author, session=session, body="We share records weekly.")
    text(client, session.url)
    page = text(client, session.url)
    assert "We share records weekly." in page
    assert "csrfmiddlewaretoken" not in page
    assert "Log in</a> or" in page


def test_meetup_cards_show_places_left_then_full_then_cancelled_at_the_next_request(client, conference):
    meetup = make_meetup(conference, title="Yorkshire meetup", capacity=2)
    home = conference.get_parent().url
    assert "2 places left" in text(client, conference.url) and "2 places left" in text(client, home)
    book_meetup(event=meetup, delegate=DelegateFactory())
    assert "1 place left" in text(client, conference.url)
    book_meetup(event=meetup, delegate=DelegateFactory())
    assert "Full – waiting list" in text(client, conference.url) and "Full – waiting list" in text(client, home)
    cancel_page(page=meetup, reason="Venue flooded")
    for url in (conference.url, home):
        card = text(client, url).split("Yorkshire meetup", 1)[1]
        assert "Cancelled" in card.split("</li>", 1)[0]


def test_the_home_page_shows_the_next_six_meetups_and_links_to_all_at_constant_cost(client, conference):
    for n in range(3):
        make_meetup(conference, title=f"Meetup {n}", day=conference.start_date + timedelta(days=40 + n))
    few = queries_for(client, "/")
    for n in range(3, 9):
        make_meetup(conference, title=f"Meetup {n}", day=conference.start_date + timedelta(days=40 + n))
    body = text(client, "/")
    assert [f"Meetup {n}" in body for n in range(9)] == [True] * 6 + [False] * 3
    assert f"All 9 upcoming meetups of {conference.title}" in body
    assert queries_for(client, "/") == few
