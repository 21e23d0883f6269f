"""Planners get clear form errors, never a 500, for programmes that cannot happen."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from planner import services
from planner.models import ConferencePage, RegionalEventPage, SessionPage
from tests.factories import SpeakerFactory, VenueFactory, london, make_conference, make_meetup, make_session
from tests.planner.helpers import conference_form, session_form

pytestmark = pytest.mark.django_db


def add_session(client, conference, **overrides):
    return client.post(f"/admin/pages/add/planner/sessionpage/{conference.pk}/", session_form(conference, **overrides))


def test_a_valid_session_is_saved_from_the_admin(planner_client, conference):
    response = add_session(planner_client, conference)
    assert response.status_code == 302
    session = SessionPage.objects.get(slug="data-sharing-without-the-fear")
    assert session.get_parent().pk == conference.pk
    assert session.start == london(date(2027, 3, 8), 9, 30)


def test_session_ending_before_it_starts_is_refused_with_a_message(planner_client, conference):
    response = add_session(planner_client, conference, end="2027-03-08 09:00")
    assert response.status_code == 200
    assert "The session must end after it starts." in response.content.decode()
    assert not SessionPage.objects.filter(slug="data-sharing-without-the-fear").exists()


def test_session_outside_the_conference_dates_is_refused(planner_client, conference):
    response = add_session(planner_client, conference, start="2027-03-15 09:30", end="2027-03-15 10:20")
    assert response.status_code == 200
    assert "The session must take place during the conference" in response.content.decode()
    assert "Monday 8 March 2027 to Friday 12 March 2027" in response.content.decode()


def test_session_running_past_midnight_on_the_last_day_is_refused(conference):
    with pytest.raises(ValidationError) as error:
        services.add_session(
            conference=conference,
            title="Late night",
            slug="late-night",
            stream=conference.streams.first(),
            start=london(date(2027, 3, 12), 23, 30),
            end=london(date(2027, 3, 13), 0, 30),
            format="talk",
            summary="Too late.",
        )
    assert "start" in error.value.message_dict


def test_speaker_in_two_sessions_at_once_is_refused_naming_the_other_session(planner_client, conference):
    speaker = SpeakerFactory(name="Priya Raman")
    make_session(conference, title="Open data in practice", speakers=[speaker], start=london(date(2027, 3, 8), 9, 0))
    response = add_session(planner_client, conference, speakers=[speaker])
    body = response.content.decode()
    assert response.status_code == 200
    assert "Priya Raman is already speaking in “Open data in practice” at that time" in body


def test_speaker_may_speak_back_to_back(planner_client, conference):
    speaker = SpeakerFactory()
    make_session(conference, title="Before", speakers=[speaker], start=london(date(2027, 3, 8), 8, 40))
    response = add_session(planner_client, conference, speakers=[speaker])
    assert response.status_code == 302


def test_editing_a_session_does_not_clash_with_itself(planner_client, conference):
    speaker = SpeakerFactory()
    session = make_session(conference, title="Only once", speakers=[speaker])
    data = session_form(conference, title="Only once, renamed", slug=session.slug, speakers=[speaker])
    response = planner_client.post(f"/admin/pages/{session.pk}/edit/", data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.get_latest_revision().as_object().title == "Only once, renamed"


def test_stream_from_another_conference_is_refused_by_the_service(conference):
    other = make_conference(slug="other-conference")
    with pytest.raises(ValidationError) as error:
        make_session(conference, title="Wrong stream", stream=other.streams.first())
    assert "belongs to another conference" in error.value.message_dict["stream"][0]


def test_admin_offers_only_this_conferences_streams(planner_client, conference):
    other = make_conference(slug="other-conference", streams=("Elsewhere only",))
    form_page = planner_client.get(f"/admin/pages/add/planner/sessionpage/{conference.pk}/").content.decode()
    assert "Digital and data" in form_page
    assert "Elsewhere only" not in form_page
    response = add_session(planner_client, conference, stream=other.streams.first().pk)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_conference_ending_before_it_starts_is_refused(planner_client, conference):
    home = conference.get_parent()
    response = planner_client.post(
        f"/admin/pages/add/planner/conferencepage/{home.pk}/", conference_form(end_date="2027-03-01")
    )
    assert response.status_code == 200
    assert "The conference must end on or after the day it starts." in response.content.decode()
    assert not ConferencePage.objects.filter(slug="connected-councils").exists()


def test_conference_with_an_unknown_time_zone_is_refused(planner_client, conference):
    home = conference.get_parent()
    response = planner_client.post(
        f"/admin/pages/add/planner/conferencepage/{home.pk}/", conference_form(time_zone="Europe/Londres")
    )
    assert response.status_code == 200
    assert "is not a time zone we know" in response.content.decode()


def test_shortening_a_conference_that_would_strand_sessions_is_refused(planner_client, conference):
    make_session(conference, title="Friday close", start=london(date(2027, 3, 12), 15, 30))
    data = conference_form(title=conference.title, slug=conference.slug, end_date="2027-03-10")
    response = planner_client.post(f"/admin/pages/{conference.pk}/edit/", data)
    assert response.status_code == 200
    assert "1 session would fall outside these dates (“Friday close”). Move them first." in response.content.decode()


def meetup_form(conference, venue, *, agenda=(), continues=(), **overrides):
    data = {
        "title": "Yorkshire meetup",
        "slug": "yorkshire-meetup",
        "venue": venue.pk,
        "start": "2027-04-14 10:00",
        "end": "2027-04-14 16:00",
        "capacity": "60",
        "intro": rich_text(""),
        "agenda_items": inline_formset(list(agenda)),
        "comments": inline_formset([]),
    }
    data.update(overrides)
    flat = nested_form_data(data)
    for index, sessions in enumerate(continues):
        flat[f"agenda_items-{index}-continues"] = [session.pk for session in sessions]
    return flat


def agenda_item(title, start, end):
    return {"title": title, "start_time": start, "end_time": end, "description": ""}


def test_meetup_with_an_agenda_continuing_sessions_is_saved(planner_client, conference):
    session = make_session(conference, title="Community wealth building")
    data = meetup_form(
        conference, VenueFactory(), agenda=[agenda_item("Wealth workshop", "10:30", "12:00")], continues=[[session]]
    )
    response = planner_client.post(f"/admin/pages/add/planner/regionaleventpage/{conference.pk}/", data)
    assert response.status_code == 302
    meetup = RegionalEventPage.objects.get(slug="yorkshire-meetup")
    assert [list(item.continues.all()) for item in meetup.agenda_items.all()] == [[session]]


def test_meetup_ending_before_it_starts_is_refused(planner_client, conference):
    data = meetup_form(conference, VenueFactory(), end="2027-04-14 09:00")
    response = planner_client.post(f"/admin/pages/add/planner/regionaleventpage/{conference.pk}/", data)
    assert response.status_code == 200
    assert "The meetup must end after it starts." in response.content.decode()


def test_meetup_with_no_places_is_refused(planner_client, conference):
    data = meetup_form(conference, VenueFactory(), capacity="0")
    response = planner_client.post(f"/admin/pages/add/planner/regionaleventpage/{conference.pk}/", data)
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()


def test_agenda_item_outside_the_meetup_hours_is_refused(planner_client, conference):
    data = meetup_form(conference, VenueFactory(), agenda=[agenda_item("Evening social", "17:00", "19:00")])
    response = planner_client.post(f"/admin/pages/add/planner/regionaleventpage/{conference.pk}/", data)
    assert response.status_code == 200
    assert "“Evening social” must fit inside the meetup, 10:00 to 16:00 BST." in response.content.decode()


def test_agenda_item_continuing_another_conferences_session_is_refused(conference):
    other = make_conference(slug="other-conference")
    foreign = make_session(other, title="Somebody else's session")
    plan = services.AgendaItemPlan(
        title="Borrowed thread",
        start_time=london(date(2027, 4, 14), 11).time(),
        end_time=london(date(2027, 4, 14), 12).time(),
        continues=[foreign],
    )
    with pytest.raises(ValidationError) as error:
        make_meetup(conference, agenda=[plan])
    assert "only continue sessions of this meetup’s own conference: “Somebody else's session”" in str(error.value)


def test_database_refuses_a_session_that_ends_before_it_starts_even_without_the_form(conference):
    session = make_session(conference, title="Constraint check")
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionPage.objects.filter(pk=session.pk).update(end=session.start - timedelta(minutes=5))


def test_meetup_times_are_typed_in_the_venues_own_zone(planner_client, conference):
    venue = VenueFactory(name="Queens Library", town="New York", time_zone="America/New_York")
    data = meetup_form(conference, venue, agenda=[agenda_item("Afternoon round table", "15:00", "16:00")])
    response = planner_client.post(f"/admin/pages/add/planner/regionaleventpage/{conference.pk}/", data)
    assert response.status_code == 302
    meetup = RegionalEventPage.objects.get(slug="yorkshire-meetup")
    assert meetup.start == datetime(2027, 4, 14, 14, 0, tzinfo=UTC)  # 10:00 EDT
    edit_form = planner_client.get(f"/admin/pages/{meetup.pk}/edit/").content.decode()
    assert 'value="2027-04-14 10:00"' in edit_form


def test_session_times_are_typed_in_the_conferences_zone(planner_client, db):
    tokyo = services.add_conference(
        parent=services.default_home_page(),
        title="Tokyo digital week",
        slug="tokyo",
        start_date=date(2027, 3, 8),
        end_date=date(2027, 3, 12),
        time_zone="Asia/Tokyo",
    )
    services.add_stream(conference=tokyo, name="Digital", slug="digital")
    response = add_session(planner_client, tokyo)
    assert response.status_code == 302
    assert SessionPage.objects.get(slug="data-sharing-without-the-fear").start == datetime(
        2027, 3, 8, 0, 30, tzinfo=UTC
    )
