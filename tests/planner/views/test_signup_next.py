"""Signing up from a meetup page brings the newcomer back to it once their address is
confirmed; the emailed link confirms only when its button is pressed, so a mail scanner that
opens the link first does not use it up."""

from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from tests.factories import make_meetup
from tests.planner.helpers import link_in, sign_up

pytestmark = pytest.mark.django_db
User = get_user_model()
EMAIL = "amira.shah@calderdale.gov.uk"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def text_of(response) -> str:
    return " ".join(soup(response).get_text(" ").split())


def link_named(response, name: str, within: str = "main") -> str:
    links = soup(response).select_one(within).find_all("a")
    [href] = [a["href"] for a in links if " ".join(a.get_text(" ").split()) == name]
    return href


def sign_up_with_next(client, capture, next_value: str):
    with capture(execute=True):
        client.post(
            "/account/signup/",
            {"email": EMAIL, "password": "plain-english-services", "name": "Amira Shah", "next": next_value},
        )
    return link_in(mail.outbox[-1])


def test_create_an_account_from_a_meetup_page_returns_there_after_confirming(
    client, conference, django_capture_on_commit_callbacks
):
    meetup = make_meetup(conference, title="Yorkshire meetup")
    signup_link = link_named(client.get(meetup.url), "create an account", within=".action-panel")
    assert parse_qs(urlsplit(signup_link).query) == {"next": [meetup.url]}

    form_page = client.get(signup_link)
    assert soup(form_page).find("input", attrs={"name": "next"})["value"] == meetup.url
    with django_capture_on_commit_callbacks(execute=True):
        checked = client.post(
            signup_link,
            {"email": EMAIL, "password": "plain-english-services", "name": "Amira Shah", "next": meetup.url},
        )
    assert "Check your email" in text_of(checked)
    link = link_in(mail.outbox[-1])
    assert parse_qs(urlsplit(link).query) == {"next": [meetup.url]}

    opened = client.get(link)
    assert "Confirm my email address" in [button.get_text(strip=True) for button in soup(opened)("button")]
    confirmed = client.post(link, {"next": soup(opened).find("input", attrs={"name": "next"})["value"]})
    assert confirmed["Location"] == meetup.url
    landed = client.get(meetup.url)
    assert "Your email address is confirmed. Welcome to Relay!" in text_of(landed)
    assert "Book a place" in [button.get_text(strip=True) for button in soup(landed)("button")]


def test_without_a_next_the_newcomer_lands_on_their_profile(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    link = link_in(mail.outbox[-1])
    assert "?" not in link
    assert client.post(link)["Location"] == "/account/profile/"


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "meetups"])
def test_a_next_off_this_site_is_dropped_from_the_form_the_email_and_the_confirmation(
    client, django_capture_on_commit_callbacks, unsafe
):
    assert soup(client.get("/account/signup/", {"next": unsafe})).find("input", attrs={"name": "next"}) is None
    link = sign_up_with_next(client, django_capture_on_commit_callbacks, unsafe)
    assert "evil" not in link and "next" not in link
    # Even when added to the link by hand, the confirmation does not follow it.
    assert client.post(link + "?next=" + unsafe, {"next": unsafe})["Location"] == "/account/profile/"


def test_opening_the_link_does_not_confirm_so_a_mail_scanner_cannot_use_it_up(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    link = link_in(mail.outbox[-1])
    scanner = Client()
    for _ in range(3):
        page = scanner.get(link)
        assert "Confirm my email address" in text_of(page) and EMAIL in text_of(page)
    user = User.objects.get(username=EMAIL)
    assert not user.is_active and user.delegate.email_verified_at is None
    assert "_auth_user_id" not in scanner.session

    client.post(link)
    user.refresh_from_db()
    assert user.is_active and user.delegate.email_verified_at is not None
    assert client.session["_auth_user_id"] == str(user.pk)


def test_confirming_needs_the_pages_csrf_token(django_capture_on_commit_callbacks):
    browser = Client(enforce_csrf_checks=True)
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(Client())
    link = link_in(mail.outbox[-1])
    forged = browser.post(link)
    assert forged.status_code == 403 and "CSRF" in forged.content.decode()
    assert not User.objects.get(username=EMAIL).is_active
    token = soup(browser.get(link)).find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]
    browser.post(link, {"csrfmiddlewaretoken": token})
    assert User.objects.get(username=EMAIL).is_active


@pytest.mark.parametrize("method", ["get", "post"])
def test_forged_stale_or_spent_links_get_the_clear_failure_page(client, django_capture_on_commit_callbacks, method):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    link = link_in(mail.outbox[-1])
    uid, token = link.strip("/").split("/")[-2:]
    spent_client = Client()
    spent_client.post(link)  # confirmed: the link is spent
    for bad in [
        link,
        f"/account/confirm/{uid}/{token[:-2]}xx/",
        f"/account/confirm/{uid}/abc/",
        f"/account/confirm/abc/{token}/",
        f"/account/confirm/{'x' * 4000}/{token}/",
        f"/account/confirm/OTk5OTk5OTk5OTk5OTk5OTk5OTk5/{token}/",
    ]:
        response = getattr(client, method)(bad)
        assert response.status_code == 400, bad
        assert "That link does not work" in text_of(response), bad


def test_the_log_in_and_sign_up_pages_hand_next_to_each_other(client, conference):
    meetup = make_meetup(conference, title="Yorkshire meetup")
    login_page = client.get(link_named(client.get(meetup.url), "Log in", within=".action-panel"))
    signup_link = link_named(login_page, "Create one")
    assert parse_qs(urlsplit(signup_link).query) == {"next": [meetup.url]}
    assert parse_qs(urlsplit(link_named(client.get(signup_link), "Log in")).query) == {"next": [meetup.url]}


def test_someone_already_logged_in_who_opens_sign_up_goes_where_they_were_going(client, conference):
    meetup = make_meetup(conference, title="Yorkshire meetup")
    client.force_login(User.objects.create_user("known@leeds.gov.uk", "known@leeds.gov.uk", "x"))
    assert client.get("/account/signup/", {"next": meetup.url})["Location"] == meetup.url
    assert client.get("/account/signup/", {"next": "https://evil.example/"})["Location"] == "/my/programme/"
