"""A small demo-like programme for the sweeps, built through the services users go through.

``build_world()`` makes it and returns a ``World``: one conference (two sessions with a
speaker, a theme), one meetup continuing a session (four bookings: three confirmed, one
waiting), a busy discussion (a finding, an accepted answer, a reported post), connections,
a facilitator, a delegate with a personal calendar token, a finished pack run, an import
run and the findings report. The four people the sweeps act as are ``world.users[role]`` for ``ROLES``:

- ``anonymous``: nobody (``None``);
- ``delegate``: Dee Delegate, booked at the meetup, registered, with a star, a calendar
  token, her own question, a request waiting for her answer and an accepted connection;
- ``facilitator``: Fay, a delegate named facilitator of the meetup (``name_facilitator``);
- ``planner``: a superuser (no delegate profile).

Fixtures: ``world`` (per test, for tests that write) and ``world_for_module`` (built once per
module inside a transaction rolled back at the end; tests that use it must not change it,
e.g. roll each request back as test_bad_input.py does)."""

from dataclasses import dataclass, field
from datetime import date

import pytest
from django.db import transaction
from django.test.utils import override_settings
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from planner import services
from planner.models import Connection, Contribution, PackRun, Visibility
from planner.packs.context import check_in_token
from planner.services.accounts import email_verification_token
from planner.services.agenda import set_star
from planner.services.bookings import book_meetup
from planner.services.calendar import issue_calendar_token
from planner.services.carry_forward import lock_tables
from planner.services.connections import request_connection, respond_to_connection
from planner.services.discussion import (
    accept_answer,
    add_theme,
    moderate_contribution,
    post_contribution,
    report_contribution,
)
from planner.services.facilitation import name_facilitator
from planner.services.importing import request_import_run
from planner.services.packs import generate_pack, start_pack_run
from planner.services.report import KeyFindingPlan, SectionPlan, add_findings_report
from tests.factories import SpeakerFactory, UserFactory, london, make_conference, make_meetup, make_session
from tests.factories import registered_person as person

ROLES = ("anonymous", "delegate", "facilitator", "planner")


@dataclass
class World:
    """What ``build_world`` made; ``users`` maps each of ``ROLES`` to its user (or None)."""

    conference: object
    session: object  # continued at the meetup; Dee's question and the busy thread are here
    other_session: object
    meetup: object
    stream: object
    speaker: object
    theme: object
    delegate: object  # Dee
    facilitator: object  # Fay, also a delegate
    visible: object  # Asha, visible to everyone
    hidden: object  # Hidden Hannah
    booking: object  # Dee's confirmed booking at the meetup
    waiting_booking: object  # Hannah's, on the waiting list
    own_contribution: object  # Dee's question (edit/delete are hers)
    answer: object  # Asha's reply to it, which Dee accepted
    thread: object  # Asha's busy thread, a finding
    reported: object  # a reply with an open report
    pending_connection: object  # Asha asked Dee; waiting for Dee
    connection: object  # Dee and Tom, accepted
    calendar_token: str  # Dee's personal feed token (shown once, stored hashed)
    check_in_token: str  # for Dee's booking
    verify_uidb64: str  # Dee's email confirmation link parts
    verify_token: str
    pack_run: object
    import_run: object
    report: object  # the conference's findings report, citing the busy thread
    users: dict = field(default_factory=dict)


def build_world(*, pack_dir=None) -> World:
    """Build the programme; with ``pack_dir`` (the settings' RELAY_PACK_DIR) Dee's pack is drawn."""

    conference = make_conference()
    stream = conference.streams.first()
    speaker = SpeakerFactory(name="Priya Shah")
    session = make_session(conference, title="Hospital discharge", speakers=[speaker])
    other = make_session(conference, title="Town deals", start=london(conference.start_date, 11))
    meetup = make_meetup(
        conference,
        title="North West meetup",
        capacity=3,
        agenda=[
            services.AgendaItemPlan(
                title="Discharge round table",
                start_time=london(date(2027, 4, 14), 10, 30).time(),
                end_time=london(date(2027, 4, 14), 12).time(),
                continues=[session],
            )
        ],
    )
    theme = add_theme(conference=conference, name="Workforce")

    dee = person(conference, "Dee Delegate", Visibility.CONFERENCE, organisation="Wigan Council")
    asha = person(conference, "Asha Patel", Visibility.EVERYONE, organisation="Salford City Council")
    tom = person(conference, "Tom Okafor")
    hidden = person(conference, "Hidden Hannah", Visibility.HIDDEN)
    fay = person(conference, "Fay Facilitator", Visibility.CONFERENCE, organisation="Bolton Council")
    name_facilitator(event=meetup, email=fay.user.email)
    planner = UserFactory(username="planner", email="planner@example.org", is_superuser=True, is_staff=True)

    booking = book_meetup(delegate=dee, event=meetup)
    waiting = [book_meetup(delegate=delegate, event=meetup) for delegate in (asha, tom, hidden)][-1]
    set_star(delegate=dee, session=session, starred=True)

    thread = post_contribution(author=asha, session=session, body="Trusted assessors cut our delays by a third.")
    reply = post_contribution(author=tom, session=session, body="We saw the same in Bury.", parent=thread)
    post_contribution(author=hidden, session=session, body="Ours took a year to agree.", parent=thread)
    moderate_contribution(contribution=thread, moderator=planner, action="finding", themes=[theme])
    question = post_contribution(author=dee, session=session, body="Who funds step-down flats?", is_question=True)
    answer = post_contribution(author=asha, session=session, body="The better care fund, mostly.", parent=question)
    accept_answer(question=question, answer=answer, by=dee)
    post_contribution(author=asha, session=other, body="Not carried to the meetup.")
    report_contribution(contribution=reply, reporter=asha, reason="Names a patient.")

    pending = request_connection(requester=asha, recipient=dee, via=thread)
    connection = request_connection(requester=dee, recipient=tom)
    respond_to_connection(connection=connection, responder=tom, accept=True)

    report = add_findings_report(
        conference=conference,
        title="What councils found",
        sections=[
            SectionPlan(
                heading="Discharge",
                summary="<p>Trusted assessors work.</p>",
                stream_id=stream.pk,
                findings=[KeyFindingPlan("Use trusted assessors.", [thread.pk])],
            )
        ],
        regions={meetup.pk: "<p>The room agreed.</p>"},
    )

    lock_tables(event=meetup, size=2, by=planner)
    pack_run = start_pack_run(event=meetup, by=planner)
    if pack_dir is not None:
        own = pack_run.files.get(booking=booking)
        generate_pack(pack_file_id=own.pk, base_url="http://testserver")
    import_run = request_import_run(
        conference=conference, user=planner, name="programme.csv", content=b"title\n", fingerprint="sweep"
    )

    return World(
        conference=conference,
        session=session,
        other_session=other,
        meetup=meetup,
        stream=stream,
        speaker=speaker,
        theme=theme,
        delegate=dee,
        facilitator=fay,
        visible=asha,
        hidden=hidden,
        booking=booking,
        waiting_booking=waiting,
        own_contribution=question,
        answer=answer,
        thread=thread,
        reported=Contribution.objects.get(pk=reply.pk),
        pending_connection=Connection.objects.get(pk=pending.pk),
        connection=connection,
        calendar_token=issue_calendar_token(delegate=dee),
        check_in_token=check_in_token(booking.pk),
        verify_uidb64=urlsafe_base64_encode(force_bytes(dee.user.pk)),
        verify_token=email_verification_token.make_token(dee.user),
        pack_run=PackRun.objects.get(pk=pack_run.pk),
        import_run=import_run,
        report=report,
        users={"anonymous": None, "delegate": dee.user, "facilitator": fay.user, "planner": planner},
    )


@pytest.fixture
def world(db, settings, tmp_path):
    """The sweep programme for one test (rolled back after it, like any ``db`` test)."""
    settings.RELAY_PACK_DIR = tmp_path / "packs"
    return build_world(pack_dir=settings.RELAY_PACK_DIR)


@pytest.fixture(scope="module")
def world_for_module(django_db_setup, django_db_blocker, tmp_path_factory):
    """The sweep programme built once for a module, in a transaction rolled back at its end.
    Tests using it need ``@pytest.mark.django_db`` and must leave it as they found it."""
    pack_dir = tmp_path_factory.mktemp("packs")
    with django_db_blocker.unblock(), override_settings(RELAY_PACK_DIR=pack_dir), transaction.atomic():
        yield build_world(pack_dir=pack_dir)
        transaction.set_rollback(True)
