"""Email that cannot get out is noticed: ``check --deploy`` warns at start when the SMTP
server does not answer, and planners see failed sends on the admin home page."""

import socket
import uuid

import pytest
from bs4 import BeautifulSoup
from django.core import checks
from django.utils import timezone
from django_q.models import Task

from planner.ops.mail_health import check_smtp_host
from tests.factories import DelegateFactory, UserFactory


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


@pytest.fixture
def smtp_nowhere(settings):
    """Email by SMTP to a port where nothing answers."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2


def test_the_deployment_check_warns_when_the_mail_server_does_not_answer(smtp_nowhere, settings):
    [warning] = check_smtp_host()
    assert warning.level == checks.WARNING and warning.id == "relay.W001"
    assert f"127.0.0.1:{settings.EMAIL_PORT} does not answer" in warning.msg


def test_the_deployment_check_is_quiet_when_the_mail_server_answers(settings):
    with socket.create_server(("127.0.0.1", 0)) as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.getsockname()[1]
        assert check_smtp_host() == []


def failed_send(func="planner.tasks.send_password_reset", error="[Errno 111] Connection refused"):
    """The row django-q2's worker keeps for a task that failed for good: ``result`` is
    "<error> : <traceback>"."""
    now = timezone.now()
    return Task.objects.create(
        id=uuid.uuid4().hex,
        name=uuid.uuid4().hex,
        func=func,
        args=(1,),
        started=now,
        stopped=now,
        success=False,
        attempt_count=5,
        result=f"{error} : Traceback (most recent call last):\n  ...",
    )


@pytest.mark.django_db
def test_planners_see_failed_sends_on_the_admin_home_with_the_error_and_no_address(client):
    planner = UserFactory(email="planner@leeds.gov.uk", is_superuser=True, is_staff=True)
    client.force_login(planner)
    assert BeautifulSoup(client.get("/admin/").content, "html.parser").find(id="relay-email-failures-section") is None
    failed_send(func="planner.tasks.generate_pack")  # not an email: not counted
    failed_send()
    failed_send(error="{'lost.reset@leeds.gov.uk': (550, b'Mailbox unavailable')}")

    panel = BeautifulSoup(client.get("/admin/").content, "html.parser").find(id="relay-email-failures-section")
    words = " ".join(panel.get_text(" ").split())
    assert "2 emails failed to send in the last 7 days" in words
    assert "Mailbox unavailable" in words and "lost.reset@leeds.gov.uk" not in words
    assert "EMAIL_HOST" in words


@pytest.mark.django_db
def test_delegates_never_see_the_failed_email_panel(client):
    failed_send()
    client.force_login(DelegateFactory().user)
    assert "Emails are not getting out" not in client.get("/admin/", follow=True).content.decode()
