"""Notification digests (queued email, retried when sending fails, never sent twice) and the
findings page and PDF that pull a conference's findings together."""

import io
import smtplib
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from pypdf import PdfReader

from planner.models import Contribution, Notification, Visibility
from planner.services.agenda import register_online
from planner.services.connections import request_connection
from planner.services.discussion import accept_answer, add_theme, moderate_contribution, post_contribution
from planner.services.emails import send_notification_digests
from tests.factories import DelegateFactory, UserFactory, london, make_session
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db


class RefusingBackend(EmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def person(conference, name, visibility=Visibility.CONFERENCE, **fields):
    delegate = DelegateFactory(name=name, visibility=visibility, **fields)
    register_online(delegate=delegate, conference=conference)
    return delegate


@pytest.fixture
def session(conference):
    return make_session(conference, title="Housing and health")


def test_replies_answers_and_requests_reach_the_delegate_in_one_digest(conference, session):
    asker = person(conference, "Asha Patel")
    helper = person(conference, "Huw Evans")
    hidden = person(conference, "Hidden Helen", visibility=Visibility.HIDDEN)
    question = post_contribution(author=asker, session=session, body="Any data on damp?", is_question=True)
    answer = post_contribution(author=helper, session=session, body="Yes: the stock condition survey.", parent=question)
    post_contribution(author=hidden, session=session, body="Same here.", parent=question)
    request_connection(requester=helper, recipient=asker)
    accept_answer(question=question, answer=answer, by=asker)

    assert send_notification_digests() == 2
    to_asker = next(m for m in mail.outbox if m.to == [asker.user.email])
    assert to_asker.subject == "3 new things in your Relay discussions"
    assert 'Huw Evans answered your question on "Housing and health"' in to_asker.body
    assert "A delegate answered your question" in to_asker.body
    assert "Hidden Helen" not in to_asker.body
    assert "Huw Evans asked to connect with you" in to_asker.body
    assert f"/discussion/{question.pk}/#c-{answer.pk}" in to_asker.body
    to_helper = next(m for m in mail.outbox if m.to == [helper.user.email])
    assert "Asha Patel accepted your answer" in to_helper.body

    mail.outbox.clear()
    assert send_notification_digests() == 0
    assert mail.outbox == []


def test_a_failed_send_is_retried_on_the_next_run_and_never_half_sent(conference, session, settings):
    asker = person(conference, "Asha Patel")
    thread = post_contribution(author=asker, session=session, body="Thoughts?")
    post_contribution(author=person(conference, "Huw Evans"), session=session, body="Some.", parent=thread)
    settings.EMAIL_BACKEND = "tests.planner.test_digests_and_findings.RefusingBackend"
    with pytest.raises(RuntimeError, match="1 digest"):
        send_notification_digests()
    assert Notification.objects.filter(emailed_at=None).count() == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_notification_digests() == 1
    assert len(mail.outbox) == 1


def test_delegates_who_switch_digests_off_get_none(client, conference, session):
    asker = person(conference, "Asha Patel")
    client.force_login(asker.user)
    profile = {"name": "Asha Patel", "visibility": "conference", "time_zone": "Europe/London"}
    client.post("/account/profile/", profile)  # the box left unticked
    asker.refresh_from_db()
    assert asker.email_digest is False
    thread = post_contribution(author=asker, session=session, body="Thoughts?")
    post_contribution(author=person(conference, "Huw Evans"), session=session, body="Some.", parent=thread)
    send_notification_digests()
    assert mail.outbox == []


@pytest.fixture
def findings(conference, session):
    """Two findings in two streams, one themed, one by a delegate hidden from the public."""
    moderator = UserFactory(is_superuser=True)
    housing = add_theme(conference=conference, name="Prevention")
    public = person(conference, "Priya Public", visibility=Visibility.EVERYONE)
    private = person(conference, "Clara Conference", visibility=Visibility.CONFERENCE)
    other_stream = make_session(
        conference,
        title="Neighbourhood teams",
        stream=conference.streams.all()[1],
        start=london(conference.start_date, 11),
    )
    first = post_contribution(author=public, session=session, body="Fixing damp early saves **GP visits**.")
    second = post_contribution(author=private, session=other_stream, body="Co-locate the teams & the ‘front door’.")
    chat = post_contribution(author=private, session=session, body="Not a finding, just chat.")
    # Written on the conference's first and second days, and one the week after.
    for contribution, day in ((first, 0), (chat, 0), (second, 1)):
        Contribution.objects.filter(pk=contribution.pk).update(
            created_at=london(conference.start_date, 10) + timedelta(days=day)
        )
    late = post_contribution(author=private, session=other_stream, body="Still talking about it.")
    Contribution.objects.filter(pk=late.pk).update(created_at=london(conference.end_date, 12) + timedelta(days=7))
    for contribution in (first, second):
        moderate_contribution(contribution=contribution, moderator=moderator, action="finding")
    moderate_contribution(contribution=first, moderator=moderator, action="themes", themes=[housing])
    return first, second


def test_the_findings_page_groups_by_stream_and_theme_with_the_numbers(client, conference, findings):
    page = BeautifulSoup(client.get(f"{conference.url}findings/").content, "html.parser")
    headings = [h.get_text(" ", strip=True) for h in page.select("h2, h3")]
    assert headings[:1] == ["The discussion in numbers"]
    first_stream, second_stream = conference.streams.all()[:2]
    assert f"{first_stream.name} 1 finding" in headings and f"{second_stream.name} 1 finding" in headings
    assert "Prevention" in headings and "Other findings" in headings
    columns = [th.get_text() for th in page.select("table.activity thead th")][1:]
    assert columns == ["Mon 8", "Tue 9", "Wed 10", "Thu 11", "Fri 12", "After", "Total"]
    rows = {
        tr.th.get_text(): dict(zip(columns, [td.get_text() for td in tr.find_all("td")], strict=True))
        for tr in page.select("table.activity tbody tr")
    }
    assert (rows[first_stream.name]["Mon 8"], rows[first_stream.name]["Total"]) == ("2", "2")
    assert (rows[second_stream.name]["Tue 9"], rows[second_stream.name]["After"]) == ("1", "1")
    assert rows["All streams"] == {
        "Mon 8": "2",
        "Tue 9": "1",
        "Wed 10": "0",
        "Thu 11": "0",
        "Fri 12": "0",
        "After": "1",
        "Total": "4",
    }
    body = page.get_text(" ")
    assert "Priya Public" in body and "Clara Conference" not in body and "A delegate" in body
    assert page.select_one(".findings strong").get_text() == "GP visits"


def test_the_findings_pdf_reads_back_with_the_findings_and_numbers(client, conference, findings):
    response = client.get(f"{conference.url}findings/pdf/")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    words = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert f"Findings: {conference.title}" in words
    assert "Fixing damp early saves GP visits." in words
    assert "Co-locate the teams & the ‘front door’." in words
    assert "Prevention" in words and "All streams" in words
    assert "Clara Conference" not in words
    assert reader.metadata.title == f"Findings: {conference.title}"


def test_the_findings_page_costs_the_same_queries_however_many_findings(client, conference, findings, session):
    moderator = UserFactory(is_superuser=True)
    few = queries_for(client, f"{conference.url}findings/")
    author = person(conference, "Prolific Pat", visibility=Visibility.EVERYONE)
    for n in range(15):
        contribution = post_contribution(author=author, session=session, body=f"Finding {n}")
        moderate_contribution(contribution=contribution, moderator=moderator, action="finding")
    assert queries_for(client, f"{conference.url}findings/") == few
