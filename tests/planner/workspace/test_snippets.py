"""The programme's snippets in the admin: a posted choice that cannot be an id (words, or a
number too big for any column) gets a form error to fix, and what was typed is kept."""

import pytest

from planner.forms.ids import NOT_A_CHOICE
from tests.factories import SpeakerFactory

pytestmark = pytest.mark.django_db

HUGE = "9" * 20


def test_a_speaker_posted_with_a_photo_that_is_not_an_id_gets_an_error_not_a_crash(planner_client):
    speaker = SpeakerFactory(name="Asha Patel")
    response = planner_client.post(
        f"/admin/snippets/planner/speaker/edit/{speaker.pk}/",
        {"name": "Asha Patel-Jones", "role": "", "organisation": "", "bio": "", "photo": "not-an-image"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert NOT_A_CHOICE in page and "Asha Patel-Jones" in page  # what was typed is kept
    speaker.refresh_from_db()
    assert speaker.name == "Asha Patel"  # nothing saved


@pytest.mark.parametrize("kind", ["stream", "theme"])
@pytest.mark.parametrize("conference_id", [HUGE, "leeds", "-3"])
def test_a_stream_or_theme_posted_with_an_impossible_conference_gets_an_error(
    planner_client, conference, kind, conference_id
):
    row = conference.streams.first() if kind == "stream" else conference.themes.create(name="Housing")
    fields = {"name": "Renamed", "conference": conference_id}
    if kind == "stream":
        fields.update(slug=row.slug, description="", sort_order="0")
    response = planner_client.post(f"/admin/snippets/planner/{kind}/edit/{row.pk}/", fields)
    assert response.status_code == 200
    assert NOT_A_CHOICE in response.content.decode()
    row.refresh_from_db()
    assert row.name != "Renamed"
