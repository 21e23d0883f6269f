"""The programme's changelog: every change to a session delegates could already see is
recorded once, however it was made, and listed in plain words in the viewer's zone, with an
Atom feed beside it. Changes are recorded from an hour after the conference page was first
published (``planner.services.changes``)."""

import re
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from defusedxml import ElementTree as ET
from django.utils import timezone
from wagtail.models import Page

from planner.models import ConferencePage, ScheduleChange, SessionPage
from planner.programme_files.readers import CSV_COLUMNS, read_programme_file
from planner.services.cancellations import cancel_page, reinstate_page
from planner.services.changes import SETTLING, record_withdrawal
from planner.services.importing import apply_import
from planner.services.programme import move_session
from tests.factories import UserFactory, london, make_session
from tests.planner.helpers import session_form
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
KIND = ScheduleChange.Kind


def made_public(conference) -> ConferencePage:
    """``conference`` as if its page was first published two hours ago: its programme is public."""
    ConferencePage.objects.filter(pk=conference.pk).update(first_published_at=timezone.now() - 2 * SETTLING)
    return ConferencePage.objects.get(pk=conference.pk)  # the sessions' cached parent stays as it was


@pytest.fixture
def session(conference):
    """‘Shared care records’, Monday 8 March 2027 09:30–10:20 London, in a public programme."""
    found = make_session(conference, title="Shared care records", start=london(conference.start_date, 9, 30))
    made_public(conference)
    return found


def changelog_url(conference) -> str:
    return conference.url + "changes/"


def page_text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def listed(response) -> list[str]:
    """Each change on the changelog page as ‘label | title | words’, top to bottom."""
    soup = BeautifulSoup(response.content, "html.parser")
    return [
        " | ".join(
            [
                item.select_one(".tag").get_text(strip=True),
                item.select_one(".change-head a, .change-head strong").get_text(strip=True),
                item.select_one(".change-words").get_text(strip=True),
            ]
        )
        for item in soup.select("li.change")
    ]


def move(session, conference, *, day: date, hour: int, minutes: int = 50):
    start = london(day, hour)
    return move_session(session=session, start=start, end=start + timedelta(minutes=minutes), stream=session.stream)


def rows(conference) -> list[tuple[str, str]]:
    return list(ScheduleChange.objects.filter(conference=conference).order_by("pk").values_list("kind", "title"))


# What is recorded, and when


def test_nothing_is_recorded_while_the_programme_is_first_built(conference):
    session = make_session(conference, title="Shared care records")
    move(session, conference, day=date(2027, 3, 9), hour=14)
    cancel_page(page=session, reason="The speaker is ill.")
    make_session(conference, title="Town deals", start=london(conference.start_date, 11))
    assert rows(conference) == []


def test_nothing_is_recorded_while_the_conference_page_is_unpublished(conference, session):
    conference.unpublish()
    move(session, conference, day=date(2027, 3, 9), hour=14)
    assert rows(conference) == []


def test_a_move_by_the_service_is_recorded_once_with_both_times(conference, session):
    move(session, conference, day=date(2027, 3, 9), hour=14)
    [change] = ScheduleChange.objects.filter(conference=conference)
    assert (change.kind, change.title, change.session_id) == (KIND.MOVED, "Shared care records", session.pk)
    assert (change.was_start, change.start) == (london(date(2027, 3, 8), 9, 30), london(date(2027, 3, 9), 14))
    assert change.end - change.start == timedelta(minutes=50)


def test_a_move_is_shown_in_plain_words_in_the_viewers_zone(client, conference, session):
    move(session, conference, day=date(2027, 3, 9), hour=14)
    london_view = client.get(changelog_url(conference))
    assert listed(london_view) == ["Moved | Shared care records | Moved from Mon 8 Mar 09:30 to Tue 9 Mar 14:00"]
    new_york = client.get(changelog_url(conference), {"tz": "America/New_York"})
    assert listed(new_york) == ["Moved | Shared care records | Moved from Mon 8 Mar 04:30 to Tue 9 Mar 09:00"]
    assert "Times on this page are in America/New_York" in page_text(new_york)


def test_a_change_of_length_only_says_when_it_now_ends(client, conference, session):
    move_session(session=session, start=session.start, end=session.start + timedelta(minutes=80), stream=session.stream)
    assert listed(client.get(changelog_url(conference))) == [
        "Moved | Shared care records | Now ends at 10:50 instead of 10:20"
    ]


def test_an_edit_published_in_the_admin_records_one_move(planner_client, conference, session):
    data = session_form(
        conference, title=session.title, slug=session.slug, start="2027-03-10 11:00", end="2027-03-10 11:45"
    )
    response = planner_client.post(f"/admin/pages/{session.pk}/edit/", {**data, "action-publish": "action-publish"})
    assert response.status_code == 302
    assert SessionPage.objects.get(pk=session.pk).start == london(date(2027, 3, 10), 11)
    assert rows(conference) == [(KIND.MOVED, "Shared care records")]


def test_publishing_an_edit_that_keeps_the_times_records_nothing(planner_client, conference, session):
    data = session_form(conference, title="Shared care records, renamed", slug=session.slug)
    planner_client.post(f"/admin/pages/{session.pk}/edit/", {**data, "action-publish": "action-publish"})
    assert SessionPage.objects.get(pk=session.pk).title == "Shared care records, renamed"
    assert rows(conference) == []


def test_a_move_saved_beside_unpublished_edits_is_recorded_when_published(conference, session):
    session.get_latest_revision_as_object().save_revision()  # a planner's draft, not yet published
    session.refresh_from_db()
    result = move(session, conference, day=date(2027, 3, 9), hour=14)
    assert result.published is False
    assert rows(conference) == []
    session.refresh_from_db()
    session.get_latest_revision().publish()
    assert rows(conference) == [(KIND.MOVED, "Shared care records")]


def test_cancelling_and_reinstating_are_recorded_once_each_and_listed_newest_first(client, conference, session):
    cancel_page(page=session, reason="The speaker is ill.")
    cancel_page(page=session, reason="Said twice.")
    reinstate_page(page=session)
    reinstate_page(page=session)
    assert rows(conference) == [(KIND.CANCELLED, "Shared care records"), (KIND.REINSTATED, "Shared care records")]
    assert listed(client.get(changelog_url(conference))) == [
        "Reinstated | Shared care records | Back on as planned: Mon 8 Mar 09:30–10:20",
        "Cancelled | Shared care records | Cancelled: it was to run Mon 8 Mar 09:30–10:20",
    ]


def test_cancelling_a_meetup_is_not_a_change_to_the_online_programme(conference, session):
    from tests.factories import make_meetup  # noqa: PLC0415 -- only this test

    meetup = make_meetup(conference)
    cancel_page(page=meetup, reason="The venue flooded.")
    assert rows(conference) == []


def test_a_session_published_once_the_programme_is_public_is_added(client, conference, session):
    make_session(conference, title="Town deals", start=london(date(2027, 3, 10), 11), minutes=45)
    assert rows(conference) == [(KIND.ADDED, "Town deals")]
    assert listed(client.get(changelog_url(conference)))[0] == "Added | Town deals | Added: Wed 10 Mar 11:00–11:45"


def test_unpublishing_then_deleting_a_session_is_withdrawn_once(client, conference, session):
    session.unpublish()
    SessionPage.objects.get(pk=session.pk).delete()
    [change] = ScheduleChange.objects.filter(conference=conference)
    assert (change.kind, change.title, change.was_start) == (KIND.WITHDRAWN, "Shared care records", session.start)
    assert change.session_id is None  # the deletion let go of it
    assert listed(client.get(changelog_url(conference))) == [
        "Withdrawn | Shared care records | Withdrawn from the programme: it was to run Mon 8 Mar 09:30–10:20"
    ]


def test_deleting_a_live_session_is_withdrawn_and_keeps_its_title(conference, session):
    SessionPage.objects.get(pk=session.pk).delete()
    assert list(ScheduleChange.objects.values_list("kind", "title", "session")) == [
        (KIND.WITHDRAWN, "Shared care records", None)
    ]


def test_a_session_deleted_with_its_conference_is_not_recorded(conference, session):
    """(Streams protect their sessions today, so a conference with sessions cannot be deleted;
    were that to change, the record must not point at a conference that is going.)"""
    assert record_withdrawal(page=session, deleted=True, origin=Page.objects.filter(pk=conference.pk)) is None
    assert (
        record_withdrawal(page=session, deleted=True, origin=Page.objects.filter(pk=session.pk)).kind == KIND.WITHDRAWN
    )


def csv_programme(*rows: tuple[str, str, str, str]) -> bytes:
    """A CSV programme of (id, title, day, start) rows, 45 minutes each in the Care stream."""
    lines = [",".join(CSV_COLUMNS)]
    for external_id, title, day, start in rows:
        end = f"{int(start[:2]):02d}:45"
        lines.append(f"{external_id},{title},{day},{start},{end},Care,talk,,What councils learned.,")
    return ("\n".join(lines) + "\n").encode()


def test_an_import_records_new_sessions_added_and_changed_ones_moved(conference):
    user = UserFactory(is_superuser=True)
    first = csv_programme(("A", "Adult social care", "2027-03-08", "09:00"), ("B", "Town deals", "2027-03-08", "11:00"))
    apply_import(conference=conference, programme=read_programme_file(first, conference=conference), user=user)
    assert rows(conference) == []  # the initial programme
    made_public(conference)
    second = csv_programme(
        ("A", "Adult social care", "2027-03-08", "09:00"),
        ("B", "Town deals", "2027-03-09", "14:00"),
        ("C", "Warm spaces", "2027-03-10", "10:00"),
    )
    apply_import(conference=conference, programme=read_programme_file(second, conference=conference), user=user)
    assert sorted(rows(conference)) == [(KIND.ADDED, "Warm spaces"), (KIND.MOVED, "Town deals")]


# The page


def test_the_changelog_links_a_session_while_it_is_live(client, conference, session):
    other = make_session(conference, title="Town deals", start=london(date(2027, 3, 10), 11))
    cancel_page(page=session, reason="The speaker is ill.")
    other.unpublish()
    soup = BeautifulSoup(client.get(changelog_url(conference)).content, "html.parser")
    links = {a.get_text(strip=True): a["href"] for a in soup.select("li.change .change-head a")}
    assert links == {"Shared care records": session.url}
    assert [s.get_text(strip=True) for s in soup.select("li.change .change-head strong")] == [
        "Town deals",
        "Town deals",
    ]


def test_changes_are_grouped_under_the_day_they_were_made(client, conference, session):
    cancel_page(page=session, reason="The speaker is ill.")
    ScheduleChange.objects.update(at=london(date(2027, 2, 1), 23, 30))  # 23:30 in London is the next day in Tokyo
    reinstate_page(page=session)
    ScheduleChange.objects.filter(kind=KIND.REINSTATED).update(at=london(date(2027, 2, 3), 12))
    soup = BeautifulSoup(client.get(changelog_url(conference)).content, "html.parser")
    assert [h.get_text(strip=True) for h in soup.select("h2.changes-day")] == [
        "Wednesday 3 February 2027",
        "Monday 1 February 2027",
    ]
    tokyo = BeautifulSoup(client.get(changelog_url(conference), {"tz": "Asia/Tokyo"}).content, "html.parser")
    assert [h.get_text(strip=True) for h in tokyo.select("h2.changes-day")][-1] == "Tuesday 2 February 2027"
    assert tokyo.select("li.change time")[-1].get_text() == "08:30"


def test_an_empty_changelog_says_nothing_has_changed(client, conference, session):
    assert "No changes yet" in page_text(client.get(changelog_url(conference)))


def many_changes(conference, session, count: int) -> None:
    ScheduleChange.objects.bulk_create(
        ScheduleChange(
            conference=conference,
            session=session,
            kind=KIND.CANCELLED if n % 2 else KIND.REINSTATED,
            title=f"Session {n}",
            start=session.start,
            end=session.end,
            at=timezone.now() - timedelta(minutes=n),
        )
        for n in range(count)
    )


def test_the_changelog_shows_fifty_a_page_and_any_page_number_finds_a_page(client, conference, session):
    many_changes(conference, session, 51)
    url = changelog_url(conference)
    first = client.get(url)
    assert len(listed(first)) == 50 and "Page 1 of 2" in page_text(first)
    assert [line.split(" | ")[1] for line in listed(client.get(url, {"page": "2"}))] == ["Session 50"]
    for wrong in ("0", "-1", "abc", "99", "9" * 30):
        response = client.get(url, {"page": wrong})
        assert response.status_code == 200
        assert re.search(r"Page [12] of 2", page_text(response))


def test_the_changelog_costs_the_same_queries_with_1_and_30_changes(client, conference, session):
    many_changes(conference, session, 1)
    few = queries_for(client, changelog_url(conference))
    many_changes(conference, session, 29)
    assert queries_for(client, changelog_url(conference)) == few


def test_the_conference_page_links_to_its_changelog(client, conference, session):
    soup = BeautifulSoup(client.get(conference.url).content, "html.parser")
    assert soup.find("a", string="Changes to the programme")["href"] == changelog_url(conference)


# The feed


def test_the_feed_is_atom_with_an_entry_for_each_change(client, conference, session):
    move(session, conference, day=date(2027, 3, 9), hour=14)
    cancel_page(page=session, reason="The speaker is ill.")
    response = client.get(changelog_url(conference) + "feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == f"Changes to the programme: {conference.title}"
    assert feed.findtext(f"{ATOM}id") == f"http://testserver{changelog_url(conference)}feed/"
    assert feed.findtext(f"{ATOM}updated")
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == f"The organisers of {conference.title}"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Cancelled: Shared care records",
        "Moved: Shared care records",
    ]
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == 2 and all(
        i.startswith(f"http://testserver{changelog_url(conference)}#change-") for i in ids
    )
    assert {e.find(f"{ATOM}link").get("href") for e in entries} == {f"http://testserver{session.url}"}
    assert all(e.findtext(f"{ATOM}updated") for e in entries)
    assert entries[1].findtext(f"{ATOM}summary") == "Moved from Mon 8 Mar 09:30 to Tue 9 Mar 14:00 (Europe/London)."


def test_the_feed_of_a_withdrawn_session_links_to_the_change(client, conference, session):
    session.unpublish()
    feed = ET.fromstring(client.get(changelog_url(conference) + "feed/").content)
    [entry] = feed.findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link").get("href") == entry.findtext(f"{ATOM}id")
