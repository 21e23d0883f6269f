"""A shared scene for the carry-forward and pack tests."""

from datetime import date

import pytest

from planner import services
from planner.models import Visibility
from planner.services.bookings import book_meetup
from planner.services.discussion import accept_answer, moderate_contribution, post_contribution
from tests.factories import UserFactory, london, make_meetup, make_session
from tests.factories import registered_person as person


@pytest.fixture
def world(conference):
    """A meetup continuing one session (of two) with a finding, an open question, an
    answered one and a busy thread; three booked delegates, one of them hidden."""
    continued = make_session(conference, title="Hospital discharge")
    other = make_session(conference, title="Town deals", start=london(conference.start_date, 11))
    meetup = make_meetup(
        conference,
        title="North West meetup",
        agenda=[
            services.AgendaItemPlan(
                title="Discharge round table",
                start_time=london(date(2027, 4, 14), 10, 30).time(),
                end_time=london(date(2027, 4, 14), 12).time(),
                continues=[continued],
            )
        ],
    )
    asha = person(conference, "Asha Patel", Visibility.EVERYONE, organisation="Salford City Council")
    tom = person(conference, "Tom Okafor")
    hidden = person(conference, "Hidden Hannah", Visibility.HIDDEN)
    for delegate in (asha, tom, hidden):
        book_meetup(delegate=delegate, event=meetup)
    moderator = UserFactory(is_superuser=True)
    busy = post_contribution(author=asha, session=continued, body="Trusted assessors cut our delays by a third.")
    for author in (tom, hidden):
        post_contribution(author=author, session=continued, body="We saw the same.", parent=busy)
    moderate_contribution(contribution=busy, moderator=moderator, action="finding")
    open_question = post_contribution(
        author=hidden, session=continued, body="Who funds step-down flats?", is_question=True
    )
    answered = post_contribution(author=tom, session=continued, body="Does weekend discharge work?", is_question=True)
    answer = post_contribution(author=asha, session=continued, body="Yes, with therapists on rota.", parent=answered)
    accept_answer(question=answered, answer=answer, by=tom)
    post_contribution(author=asha, session=other, body="Not carried to this meetup.")
    return {
        "meetup": meetup,
        "continued": continued,
        "asha": asha,
        "tom": tom,
        "hidden": hidden,
        "busy": busy,
        "open_question": open_question,
        "conference": conference,
    }
