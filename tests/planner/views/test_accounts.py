"""Delegate accounts: sign-up that reveals nothing, confirmation, log-in, reset, lockout."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from planner.models import Delegate
from tests.factories import DelegateFactory
from tests.planner.helpers import link_in, sign_up
from venues.gazetteer import load_gazetteer, load_outward_codes

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_sign_up_sends_a_confirmation_link_that_activates_and_logs_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client)
    assert "Check your email" in response.content.decode()
    user = User.objects.get(username="amira.shah@calderdale.gov.uk")
    assert not user.is_active
    [message] = mail.outbox
    assert message.to == ["amira.shah@calderdale.gov.uk"]
    response = client.post(link_in(message), follow=True)
    assert "Your email address is confirmed" in response.content.decode()
    user.refresh_from_db()
    assert user.is_active and user.delegate.email_verified_at is not None
    assert client.get("/account/profile/").status_code == 200
    assert client.get(link_in(message)).status_code == 400  # spent


def test_sign_up_answers_alike_for_a_known_address_and_creates_nothing(client, django_capture_on_commit_callbacks):
    DelegateFactory(user__email="known@leeds.gov.uk")
    with django_capture_on_commit_callbacks(execute=True):
        known = sign_up(client, email="Known@Leeds.gov.uk")
    with django_capture_on_commit_callbacks(execute=True):
        unknown = sign_up(client, email="new@leeds.gov.uk")
    assert known.status_code == unknown.status_code == 200
    assert known.content.decode().replace("Known@Leeds.gov.uk", "X") == unknown.content.decode().replace(
        "new@leeds.gov.uk", "X"
    )
    assert User.objects.filter(username="known@leeds.gov.uk").count() == 1
    assert "You already have one" in mail.outbox[0].body


def test_weak_password_and_bad_email_get_clear_messages(client):
    response = sign_up(client, email="not-an-email", password="12345678")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in body
    assert "This password is too common." in body
    assert not User.objects.exists()


def test_log_in_with_email_in_any_case(client):
    DelegateFactory(user__email="priya@kirklees.gov.uk")
    response = client.post(
        "/account/login/", {"username": "Priya@Kirklees.GOV.uk", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/my/programme/"


def test_unconfirmed_account_cannot_log_in_and_is_told_why(client):
    DelegateFactory(user__email="late@bristol.gov.uk", user__is_active=False)
    response = client.post("/account/login/", {"username": "late@bristol.gov.uk", "password": "correct horse battery"})
    assert "confirm your email address first" in response.content.decode()


def test_five_failures_lock_that_address_and_ip_but_not_the_delegate_elsewhere(client):
    DelegateFactory(user__email="target@cardiff.gov.uk")
    for _ in range(5):
        client.post(
            "/account/login/", {"username": "target@cardiff.gov.uk", "password": "guess"}, REMOTE_ADDR="203.0.113.9"
        )
    locked = client.post(
        "/account/login/",
        {"username": "target@cardiff.gov.uk", "password": "correct horse battery"},
        REMOTE_ADDR="203.0.113.9",
    )
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    elsewhere = client.post(
        "/account/login/",
        {"username": "target@cardiff.gov.uk", "password": "correct horse battery"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert elsewhere.status_code == 302


def test_password_reset_is_queued_and_answers_alike_for_unknown_addresses(client, django_capture_on_commit_callbacks):
    DelegateFactory(user__email="reset@glasgow.gov.uk")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/account/password-reset/", {"email": "reset@glasgow.gov.uk"}, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post("/account/password-reset/", {"email": "nobody@glasgow.gov.uk"}, follow=True)
    assert known.content == unknown.content
    [message] = mail.outbox
    confirm = client.get(link_in(message), follow=True)
    form_url = confirm.redirect_chain[-1][0]
    done = client.post(form_url, {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"})
    assert done.status_code == 302
    assert User.objects.get(username="reset@glasgow.gov.uk").check_password("a new long passphrase")


def test_delegates_never_reach_the_wagtail_admin(client):
    delegate = DelegateFactory()
    client.force_login(delegate.user)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_profile_saves_visibility_and_matches_home_town_to_the_gazetteer(client, conference):
    load_gazetteer()
    delegate = DelegateFactory()
    client.force_login(delegate.user)
    stream = conference.streams.first()
    response = client.post(
        "/account/profile/",
        {
            "name": "Amira Shah",
            "organisation": "Calderdale Council",
            "role": "Head of Digital",
            "home_town": "halifax",
            "interests": [stream.pk],
            "visibility": "conference",
            "time_zone": "Europe/London",
        },
        follow=True,
    )
    assert "Your profile is saved." in response.content.decode()
    delegate.refresh_from_db()
    assert delegate.home_place.name == "Halifax"
    assert delegate.visibility == "conference"
    assert list(delegate.interests.all()) == [stream]


def test_unmatched_home_town_is_kept_and_the_delegate_told(client):
    delegate = DelegateFactory()
    client.force_login(delegate.user)
    data = {"name": "A", "home_town": "Atlantis", "visibility": "hidden", "time_zone": "Europe/London"}
    response = client.post("/account/profile/", data, follow=True)
    assert "We could not match “Atlantis” to a town" in response.content.decode()
    assert Delegate.objects.get(pk=delegate.pk).home_town == "Atlantis"


def test_a_postcode_as_home_town_keeps_only_its_first_half_and_finds_the_town(client):
    load_gazetteer()
    load_outward_codes()
    delegate = DelegateFactory()
    client.force_login(delegate.user)
    data = {"name": "A", "home_town": "hx1 1rn", "visibility": "hidden", "time_zone": "Europe/London"}
    assert "Your profile is saved." in client.post("/account/profile/", data, follow=True).content.decode()
    delegate.refresh_from_db()
    assert (delegate.home_town, delegate.home_place.name) == ("HX1", "Halifax")


def test_a_misshapen_postcode_as_home_town_is_sent_back_to_fix_and_nothing_is_saved(client):
    delegate = DelegateFactory(home_town="Leeds")
    client.force_login(delegate.user)
    data = {"name": "A", "home_town": "HX1 1R", "visibility": "hidden", "time_zone": "Europe/London"}
    response = client.post("/account/profile/", data)
    assert response.status_code == 200
    assert "“HX1 1R” is not a UK postcode" in response.content.decode()
    assert Delegate.objects.get(pk=delegate.pk).home_town == "Leeds"


def test_signing_up_again_before_confirming_sends_a_fresh_link(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    assert [m.subject for m in mail.outbox] == ["Confirm your email address for Relay"] * 2
    assert User.objects.filter(username="amira.shah@calderdale.gov.uk").count() == 1
    response = client.post(link_in(mail.outbox[1]), follow=True)
    assert "Your email address is confirmed" in response.content.decode()


def ask_for_emails(client, email, times, *, rotating_addresses: bool):
    """``times`` sign-ups and resets for ``email``, each from a new client address when
    ``rotating_addresses`` (the flood in the attacker's report), else from one."""
    pages = []
    for n in range(times):
        address = f"203.0.113.{n + 1}" if rotating_addresses else "203.0.113.200"
        path, form = (
            ("/account/signup/", {"email": email, "password": "plain-english-services", "name": "Flood"})
            if n % 2 == 0
            else ("/account/password-reset/", {"email": email})
        )
        pages.append(client.post(path, form, REMOTE_ADDR=address, follow=True))
    return pages


@pytest.mark.parametrize("known", [True, False])
def test_a_flood_of_sign_ups_and_resets_for_one_address_sends_at_most_three_emails_and_answers_alike(
    client, django_capture_on_commit_callbacks, known
):
    email = "flooded@leeds.gov.uk"
    if known:
        DelegateFactory(user__email=email)
    with django_capture_on_commit_callbacks(execute=True):
        pages = ask_for_emails(client, email, 30, rotating_addresses=True)
    # The first three asks pass; for a new address the reset between the two sign-ups sends
    # nothing, as the account is not confirmed yet.
    assert len(mail.outbox) == (3 if known else 2) and all(message.to == [email] for message in mail.outbox)
    signups = {page.content for page in pages[0::2]}
    resets = {page.content for page in pages[1::2]}
    assert len(signups) == 1 and len(resets) == 1  # the 30th answer reads as the first
    assert all(page.status_code == 200 for page in pages)


def test_one_network_asking_for_many_addresses_is_told_to_wait(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pages = [
            client.post("/account/password-reset/", {"email": f"person{n}@leeds.gov.uk"}, REMOTE_ADDR="203.0.113.9")
            for n in range(12)
        ]
    assert [page.status_code for page in pages] == [302] * 10 + [429] * 2
    assert "10 per 10 minutes from one network" in pages[-1].content.decode()
    assert int(pages[-1]["Retry-After"]) > 0
    other = client.post("/account/password-reset/", {"email": "me@leeds.gov.uk"}, REMOTE_ADDR="198.51.100.1")
    assert other.status_code == 302


@pytest.mark.parametrize("path", ["/account/login/", "/admin/login/", "/_util/login/"])
def test_a_10_kb_username_is_a_failed_log_in_not_a_server_error(client, path):
    response = client.post(path, {"username": "x" * 10_240, "password": "wrong"})
    assert response.status_code == 200 and "Traceback" not in response.content.decode()
    assert not client.session.get("_auth_user_id")


def test_a_later_sign_up_for_an_unconfirmed_address_replaces_the_earlier_password(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, password="attackers-own-passphrase", name="Not Amira")
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, password="amiras-real-passphrase", name="Amira Shah")
    assert client.get(link_in(mail.outbox[0])).status_code == 400  # the first link is dead
    client.post(link_in(mail.outbox[1]))
    client.logout()
    attacker = client.post(
        "/account/login/", {"username": "amira.shah@calderdale.gov.uk", "password": "attackers-own-passphrase"}
    )
    assert attacker.status_code == 200
    owner = client.post(
        "/account/login/", {"username": "amira.shah@calderdale.gov.uk", "password": "amiras-real-passphrase"}
    )
    assert owner.status_code == 302
    assert client.get("/account/profile/").context["delegate"].name == "Amira Shah"


def test_a_deactivated_account_is_not_reactivated_by_signing_up_again(client, django_capture_on_commit_callbacks):
    delegate = DelegateFactory(user__email="gone@leeds.gov.uk", email_verified_at=timezone.now())
    delegate.user.is_active = False
    delegate.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, email="gone@leeds.gov.uk")
    assert "You already have one" in mail.outbox[0].body
    delegate.user.refresh_from_db()
    assert not delegate.user.is_active
