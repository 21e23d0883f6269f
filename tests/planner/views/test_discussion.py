"""Session discussions as delegates and moderators use them: posting, threads, questions,
edits, deletions, moderation, reports, limits, and who is named."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.utils import timezone

from planner.models import Contribution, Report, Visibility
from planner.ops import ratelimit
from planner.services.accounts import delete_delegate_account
from planner.services.agenda import register_online
from planner.services.connections import block_delegate
from planner.services.discussion import add_theme, delete_contribution, post_contribution
from tests.factories import DelegateFactory, UserFactory, make_session
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


@pytest.fixture
def session(conference):
    return make_session(conference, title="Reablement at home")


def registered(conference, **fields):
    delegate = DelegateFactory(**fields)
    register_online(delegate=delegate, conference=conference)
    return delegate


@pytest.fixture
def priya(client, conference):
    person = registered(conference, name="Priya Raman", visibility=Visibility.CONFERENCE)
    client.force_login(person.user)
    return person


@pytest.fixture
def moderator(conference):
    user = UserFactory(email="moderator@council.gov.uk")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def post(client, session, body, **extra):
    return client.post(f"/sessions/{session.pk}/discuss/", {"body": body, "next": session.url, **extra}, follow=True)


def test_a_delegate_starts_a_thread_and_sees_it_with_their_name_and_the_counts(client, priya, session):
    response = post(client, session, "In Kirklees we moved **reablement** visits to the morning.")
    assert "Your contribution is posted." in text(response)
    article = BeautifulSoup(response.content, "html.parser").select_one("article.contribution--thread")
    assert "Priya Raman" in article.get_text()
    assert article.select_one(".contribution-body strong").get_text() == "reablement"
    assert "1 contribution from 1 delegate" in text(response)


def test_a_reply_joins_the_thread_and_a_reply_to_a_reply_joins_the_same_thread(client, priya, session, conference):
    other = registered(conference, name="Tom Okafor", visibility=Visibility.CONFERENCE)
    thread = post_contribution(author=other, session=session, body="How did you staff the early visits?")
    first = post_contribution(author=priya, session=session, body="Rotas from the day team.", parent=thread)
    second = post_contribution(author=other, session=session, body="Thanks, that helps.", parent=first)
    assert second.parent_id == thread.pk
    thread.refresh_from_db()
    assert thread.reply_count == 2
    page = BeautifulSoup(client.get(session.url).content, "html.parser")
    replies = [a.get_text(" ", strip=True) for a in page.select("article.contribution--reply .contribution-body")]
    assert replies == ["Rotas from the day team.", "Thanks, that helps."]


def test_the_thread_with_the_newest_reply_comes_first_and_pinned_threads_above_all(
    client, priya, session, moderator, conference
):
    old = post_contribution(author=priya, session=session, body="First thread")
    pinned = post_contribution(author=priya, session=session, body="Read this first")
    post_contribution(author=priya, session=session, body="Third thread")
    post_contribution(author=priya, session=session, body="A reply wakes the first thread", parent=old)
    client.force_login(moderator)
    client.post(f"/discussion/{pinned.pk}/moderate/", {"action": "pin"})
    page = BeautifulSoup(client.get(session.url).content, "html.parser")
    order = [
        a.select_one(".contribution-body").get_text(strip=True) for a in page.select("article.contribution--thread")
    ]
    assert order == ["Read this first", "First thread", "Third thread"]


def test_long_threads_show_their_latest_replies_and_link_to_the_whole_thread(client, priya, session):
    thread = post_contribution(author=priya, session=session, body="Opening")
    for n in range(13):
        post_contribution(author=priya, session=session, body=f"Reply number {n}", parent=thread)
    page = BeautifulSoup(client.get(session.url).content, "html.parser")
    shown = [a.get_text(strip=True) for a in page.select("article.contribution--reply .contribution-body")]
    assert shown == [f"Reply number {n}" for n in range(3, 13)]
    link = page.find("a", string="See 3 earlier replies")
    whole = BeautifulSoup(client.get(link["href"]).content, "html.parser")
    assert len(whole.select("article.contribution--reply")) == 13


@pytest.mark.parametrize(
    "body, error",
    [
        ("", "Write something before posting."),
        ("   \n\t ", "Write something before posting."),
        ("x" * 5001, "Keep it under 5,000 characters"),
    ],
)
def test_empty_or_oversized_posts_get_a_form_error_and_keep_what_was_typed(client, priya, session, body, error):
    response = client.post(f"/sessions/{session.pk}/discuss/", {"body": body})
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert error in page.select_one(".error-summary").get_text()
    assert page.select_one("textarea[name=body]").get_text().removeprefix("\n") == body
    assert not Contribution.objects.exists()


def test_delegates_not_registered_for_the_conference_are_asked_to_register_first(client, session):
    outsider = DelegateFactory()
    client.force_login(outsider.user)
    assert "Register to attend online" in text(client.get(session.url))
    response = client.post(f"/sessions/{session.pk}/discuss/", {"body": "Hello"})
    assert response.status_code == 403
    assert "Register for the conference to join its discussions." in text(response)


def test_a_hidden_delegate_is_a_delegate_to_others_and_themself_to_themself(client, session, conference):
    hidden = registered(conference, name="Hidden Person", visibility=Visibility.HIDDEN)
    post_contribution(author=hidden, session=session, body="A view from a district council")
    fellow = registered(conference)
    for viewer, expected, unexpected in [(fellow, "a delegate", "Hidden Person"), (hidden, "Hidden Person", None)]:
        client.force_login(viewer.user)
        meta = BeautifulSoup(client.get(session.url).content, "html.parser").select_one(".contribution-meta").get_text()
        assert expected in meta
        if unexpected:
            assert unexpected not in text(client.get(session.url))
    client.logout()
    assert "Hidden Person" not in text(client.get(session.url))


def test_an_erased_account_leaves_its_words_as_a_former_delegates(client, priya, session, conference):
    leaver = registered(conference, name="Leaving Soon", visibility=Visibility.EVERYONE)
    post_contribution(author=leaver, session=session, body="Our hub model halved hand-offs.")
    delete_delegate_account(delegate=leaver)
    page = text(client.get(session.url))
    assert "Our hub model halved hand-offs." in page
    assert "a former delegate" in page
    assert "Leaving Soon" not in page


def test_authors_can_edit_in_the_window_and_not_after(client, priya, session):
    mine = post_contribution(author=priya, session=session, body="Frist draft")
    response = client.post(f"/discussion/{mine.pk}/edit/", {"body": "First draft"}, follow=True)
    assert "First draft" in text(response) and "edited" in text(response)
    Contribution.objects.filter(pk=mine.pk).update(created_at=timezone.now() - timedelta(minutes=31))
    response = client.post(f"/discussion/{mine.pk}/edit/", {"body": "Too late"})
    assert response.status_code == 403
    assert "can be edited for 30 minutes" in text(response)
    assert Contribution.objects.get(pk=mine.pk).body == "First draft"


def test_nobody_edits_or_deletes_someone_elses_contribution(client, priya, session, conference):
    theirs = post_contribution(author=registered(conference), session=session, body="Mine, not yours")
    assert client.post(f"/discussion/{theirs.pk}/edit/", {"body": "Defaced"}).status_code == 403
    assert client.post(f"/discussion/{theirs.pk}/delete/").status_code == 403
    theirs.refresh_from_db()
    assert theirs.body == "Mine, not yours" and theirs.deleted_at is None


def test_deleting_leaves_a_placeholder_and_the_replies(client, priya, session, conference):
    thread = post_contribution(author=priya, session=session, body="Something I regret")
    post_contribution(author=registered(conference), session=session, body="A reply worth keeping", parent=thread)
    client.post(f"/discussion/{thread.pk}/delete/")
    page = text(client.get(session.url))
    assert "Something I regret" not in page
    assert "This contribution was deleted." in page
    assert "A reply worth keeping" in page
    assert Contribution.objects.get(pk=thread.pk).body == ""


def test_a_question_gets_an_accepted_answer_from_its_asker_only(client, priya, session, conference):
    helper = registered(conference, name="Helpful Harriet", visibility=Visibility.CONFERENCE)
    question = post_contribution(author=priya, session=session, body="Who pays for the kit?", is_question=True)
    answer = post_contribution(author=helper, session=session, body="The ICB, in our area.", parent=question)
    assert "1 question, 1 still open" in text(client.get(session.url))
    client.force_login(helper.user)
    assert client.post(f"/discussion/{answer.pk}/accept/").status_code == 403
    client.force_login(priya.user)
    response = client.post(f"/discussion/{answer.pk}/accept/", {"next": session.url}, follow=True)
    page = BeautifulSoup(response.content, "html.parser")
    assert "The ICB" in page.select_one(".contribution--answer").get_text()
    assert "1 question, 0 still open" in text(response)


def test_moderators_hide_and_delegates_see_a_placeholder(client, priya, session, moderator, conference):
    rude = post_contribution(author=registered(conference), session=session, body="Something rude")
    Report.objects.create(contribution=rude, reporter=priya, reason="Rude")
    client.force_login(moderator)
    response = client.post(f"/discussion/{rude.pk}/moderate/", {"action": "hide", "next": session.url}, follow=True)
    assert "Something rude" in text(response) and "Hidden from delegates" in text(response)
    assert Report.objects.get().resolved_at is not None
    client.force_login(priya.user)
    page = text(client.get(session.url))
    assert "Something rude" not in page
    assert "This contribution was hidden by a moderator." in page


def test_delegates_cannot_moderate(client, priya, session):
    thread = post_contribution(author=priya, session=session, body="Pin me")
    response = client.post(f"/discussion/{thread.pk}/moderate/", {"action": "pin"})
    assert response.status_code == 403
    assert "Only moderators can do that." in text(response)
    assert not Contribution.objects.get(pk=thread.pk).pinned


def test_a_locked_thread_refuses_replies_with_a_clear_403(client, priya, session, moderator):
    thread = post_contribution(author=priya, session=session, body="Closing this one")
    client.force_login(moderator)
    client.post(f"/discussion/{thread.pk}/moderate/", {"action": "lock"})
    client.force_login(priya.user)
    assert "This thread is locked" in text(client.get(session.url))
    response = client.post(f"/sessions/{session.pk}/discuss/", {"body": "One more thing", "parent": thread.pk})
    assert response.status_code == 403
    assert "A moderator has locked this thread" in text(response)
    assert Contribution.objects.count() == 1


def test_a_blocked_delegate_cannot_reply_to_the_blockers_threads(client, priya, session, conference):
    pest = registered(conference)
    thread = post_contribution(author=priya, session=session, body="My thread")
    block_delegate(blocker=priya, blocked=pest)
    client.force_login(pest.user)
    response = client.post(f"/sessions/{session.pk}/discuss/", {"body": "Again", "parent": thread.pk})
    assert response.status_code == 403
    assert "You cannot reply to this thread." in text(response)


def test_moderators_mark_findings_and_tag_themes(client, priya, session, moderator, conference):
    workforce = add_theme(conference=conference, name="Workforce")
    idea = post_contribution(author=priya, session=session, body="Pairing new carers with mentors cut turnover.")
    client.force_login(moderator)
    client.post(f"/discussion/{idea.pk}/moderate/", {"action": "finding"})
    client.post(f"/discussion/{idea.pk}/moderate/", {"action": "themes", "themes": [workforce.pk]})
    idea.refresh_from_db()
    assert idea.is_finding and list(idea.themes.all()) == [workforce]
    client.force_login(priya.user)
    article = BeautifulSoup(client.get(session.url).content, "html.parser").select_one("article")
    assert "Finding" in article.select_one(".tag--finding").get_text()
    assert "Workforce" in article.select_one(".tag--theme").get_text()


def test_a_contribution_on_an_unpublished_session_cannot_be_reported_or_read_through_the_report_page(
    client, priya, session, conference
):
    words = post_contribution(author=registered(conference), session=session, body="Words from a draft session")
    session.unpublish()
    response = client.get(f"/discussion/{words.pk}/report/")
    assert response.status_code == 404 and "Words from a draft" not in response.content.decode()
    assert session.title not in response.content.decode()
    assert client.post(f"/discussion/{words.pk}/report/", {"reason": "x"}).status_code == 404
    assert not Report.objects.exists()


def test_reporting_twice_keeps_one_report(client, priya, session, conference):
    theirs = post_contribution(author=registered(conference), session=session, body="Buy my software")
    for _ in range(2):
        response = client.post(f"/discussion/{theirs.pk}/report/", {"reason": "Advertising"}, follow=True)
    assert "the moderators will look at it" in text(response)
    assert Report.objects.filter(contribution=theirs).count() == 1


def test_posting_too_fast_gets_a_429_that_keeps_the_words(client, priya, session, settings, monkeypatch):
    # Windows are fixed minutes: hold the clock inside one, or a slow run crossing a minute
    # boundary would start a fresh count half-way through.
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_005.0))
    settings.RELAY_POSTING_LIMITS = [(3, 60)]
    for n in range(3):
        assert post(client, session, f"Point {n}").status_code == 200
    response = client.post(f"/sessions/{session.pk}/discuss/", {"body": "Point 3, lost?", "next": session.url})
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "You can post 3 per minute" in text(response)
    assert BeautifulSoup(response.content, "html.parser").select_one("textarea").get_text() == "Point 3, lost?"
    assert Contribution.objects.count() == 3


def test_a_brand_new_account_waits_before_its_first_post(client, session, conference):
    newcomer = registered(conference, created_at=timezone.now())
    client.force_login(newcomer.user)
    response = client.post(f"/sessions/{session.pk}/discuss/", {"body": "Hello all"})
    assert response.status_code == 429
    assert "New accounts can post 10 minutes after they are created" in text(response)
    assert not Contribution.objects.exists()


def test_the_limited_page_never_links_to_a_foreign_or_script_address(client, session, conference):
    newcomer = registered(conference, created_at=timezone.now())
    client.force_login(newcomer.user)
    for hostile in ["javascript:alert(1)", "https://evil.example/", "//evil.example/"]:
        response = client.post(f"/sessions/{session.pk}/discuss/", {"body": "Hi", "next": hostile})
        assert hostile not in response.content.decode()


def test_replying_to_a_missing_or_foreign_thread_is_a_clear_4xx(client, priya, session, conference):
    elsewhere = make_session(conference, title="Another session")
    foreign = post_contribution(author=priya, session=elsewhere, body="Over here")
    assert client.post(f"/sessions/{session.pk}/discuss/", {"body": "x", "parent": foreign.pk}).status_code == 404
    assert client.post(f"/sessions/{session.pk}/discuss/", {"body": "x", "parent": "99999999"}).status_code == 404
    assert client.post(f"/sessions/{session.pk}/discuss/", {"body": "x", "parent": "abc"}).status_code == 400
    assert client.get("/discussion/99999999/").status_code == 404
    assert Contribution.objects.count() == 1  # only the one made above


def test_counts_show_on_the_timetable(client, priya, session, conference):
    for n in range(3):
        post_contribution(author=priya, session=session, body=f"Point {n}")
    gone = post_contribution(author=priya, session=session, body="Withdrawn")
    delete_contribution(contribution=gone, by=priya)
    page = BeautifulSoup(client.get(conference.url).content, "html.parser")
    assert page.find("a", href=f"{session.url}#discussion-title").get_text() == "3 contributions"


def test_the_session_page_costs_the_same_queries_however_busy_the_discussion(client, priya, session, conference):
    people = [
        registered(conference, visibility=v) for v in (Visibility.EVERYONE, Visibility.CONFERENCE, Visibility.HIDDEN)
    ]
    thread = post_contribution(author=people[0], session=session, body="Seed")
    post_contribution(author=people[1], session=session, body="Reply", parent=thread)
    few = queries_for(client, session.url)
    for n in range(25):
        opener = post_contribution(author=people[n % 3], session=session, body=f"Thread {n}", is_question=n % 4 == 0)
        for m in range(3):
            post_contribution(author=people[(n + m) % 3], session=session, body=f"Reply {m}", parent=opener)
    assert queries_for(client, session.url) == few
    assert queries_for(client, f"/discussion/{thread.pk}/") == queries_for(client, f"/discussion/{opener.pk}/")


def test_moderators_find_reported_posts_in_the_admin_and_others_cannot(client, priya, session, moderator, conference):
    spam = post_contribution(author=registered(conference), session=session, body="Buy cheap **software** now")
    fine = post_contribution(author=registered(conference), session=session, body="A fair point")
    for reporter in (priya, registered(conference)):
        Report.objects.create(contribution=spam, reporter=reporter, reason="Advertising")
    Report.objects.create(contribution=fine, reporter=priya, reason="I disagree", resolved_at=timezone.now())
    post_contribution(author=priya, session=session, body="Never reported at all")
    once = post_contribution(author=priya, session=session, body="Reported just once")
    Report.objects.create(contribution=once, reporter=registered(conference), reason="Rude")
    client.force_login(moderator)
    page = BeautifulSoup(client.get("/admin/reported/").content, "html.parser")
    rows = [" ".join(tr.get_text(" ").split()) for tr in page.select("table tbody tr")]
    assert len(rows) == 2 and "Reported just once" in rows[1]  # only open reports, most reported first
    assert "Buy cheap software now" in rows[0] and "Advertising" in rows[0] and " 2 " in f" {rows[0]} "
    assert page.select_one(f'table tbody a[href="/discussion/{spam.pk}/#c-{spam.pk}"]')
    editor = UserFactory(email="editor@council.gov.uk")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert "Buy cheap" not in client.get("/admin/reported/", follow=True).content.decode()


def test_the_reported_posts_list_costs_the_same_queries_however_many_reports(
    client, priya, session, moderator, conference
):
    def report_some(n):
        for i in range(n):
            post = post_contribution(author=priya, session=session, body=f"Reported {n} {i}")
            Report.objects.create(contribution=post, reporter=registered(conference), reason="Off topic")

    report_some(1)
    client.force_login(moderator)
    few = queries_for(client, "/admin/reported/")
    report_some(12)
    assert queries_for(client, "/admin/reported/") == few
