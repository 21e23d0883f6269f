"""What several planner test modules share: signing up and following an emailed link, and
the admin's page forms as a browser posts them."""

import re
from datetime import timedelta

from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from planner.models import RegionalEventPage


def link_in(message) -> str:
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


def sign_up(client, email="amira.shah@calderdale.gov.uk", password="plain-english-services", name="Amira Shah"):
    return client.post("/account/signup/", {"email": email, "password": password, "name": name})


def session_form(conference, *, speakers=(), **overrides):
    data = {
        "title": "Data sharing without the fear",
        "slug": "data-sharing-without-the-fear",
        "stream": conference.streams.first().pk,
        "start": "2027-03-08 09:30",
        "end": "2027-03-08 10:20",
        "format": "talk",
        "summary": "How three councils wrote information sharing agreements people use.",
        "join_url": "",
        "materials": streamfield([]),
        "recording_url": "",
        "captions_url": "",
        "comments": inline_formset([]),
    }
    data.update(overrides)
    # nested_form_data turns lists into formsets, so multiple choices are added afterwards.
    return {**nested_form_data(data), "speakers": [speaker.pk for speaker in speakers]}


def conference_form(**overrides):
    data = {
        "title": "Connected Councils",
        "slug": "connected-councils",
        "start_date": "2027-03-08",
        "end_date": "2027-03-12",
        "time_zone": "Europe/London",
        "intro": rich_text(""),
        "comments": inline_formset([]),
    }
    data.update(overrides)
    return nested_form_data(data)


def started(meetup):
    """``meetup`` moved to have started an hour ago (its bookings stay), for what can only
    happen on the day, such as posting outcomes."""
    RegionalEventPage.objects.filter(pk=meetup.pk).update(start=timezone.now() - timedelta(hours=1))
    meetup.refresh_from_db()
    return meetup
