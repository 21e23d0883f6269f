"""Each page type can only go where it makes sense in the tree."""

from wagtail.models import Page

from cms.models import HomePage, StandardPage
from planner.models import ConferencePage, FindingsReportPage, RegionalEventPage, SessionPage
from tests.factories import make_conference, make_session
from tests.planner.helpers import conference_form, session_form


def allowed_children(page_class):
    return set(page_class.allowed_subpage_models())


def test_conference_goes_only_under_the_home_page():
    assert ConferencePage.allowed_parent_page_models() == [HomePage]


def test_sessions_and_meetups_go_only_under_a_conference():
    assert SessionPage.allowed_parent_page_models() == [ConferencePage]
    assert RegionalEventPage.allowed_parent_page_models() == [ConferencePage]


def test_a_conference_holds_only_sessions_meetups_and_its_findings_report():
    assert allowed_children(ConferencePage) == {SessionPage, RegionalEventPage, FindingsReportPage}
    assert FindingsReportPage.allowed_parent_page_models() == [ConferencePage]
    assert FindingsReportPage.max_count_per_parent == 1
    assert allowed_children(FindingsReportPage) == set()


def test_sessions_and_meetups_are_leaves():
    assert allowed_children(SessionPage) == set()
    assert allowed_children(RegionalEventPage) == set()


def test_standard_pages_nest_under_home_or_each_other_but_not_in_the_programme():
    assert set(StandardPage.allowed_parent_page_models()) == {HomePage, StandardPage}
    assert StandardPage not in allowed_children(ConferencePage)


def test_home_page_sits_at_the_root_only_once(db):
    root = Page.get_first_root_node()
    assert HomePage.allowed_parent_page_models() == [Page]
    assert HomePage.objects.count() == 1  # made by the cms migration
    assert not HomePage.can_create_at(root)


def test_admin_refuses_a_session_under_the_home_page(planner_client, conference):
    home = conference.get_parent()
    response = planner_client.get(f"/admin/pages/add/planner/sessionpage/{home.pk}/", follow=True)
    assert "sessionpage" not in response.redirect_chain[-1][0]
    assert b"You cannot add" in response.content or b"permission" in response.content
    assert not SessionPage.can_create_at(home)
    assert SessionPage.can_create_at(conference)


def test_moving_a_session_to_another_conference_is_refused_with_a_reason(planner_client, conference):
    session = make_session(conference, title="Stays home")
    other = make_conference(slug="other-conference")
    response = planner_client.post(f"/admin/pages/{session.pk}/move/{other.pk}/confirm/", follow=True)
    session.refresh_from_db()
    assert session.get_parent().pk == conference.pk
    assert "cannot move to another conference" in response.content.decode()


def test_deleting_a_conference_that_still_has_sessions_is_refused_with_a_reason(planner_client, conference):
    make_session(conference, title="Keeps the conference")
    response = planner_client.post(f"/admin/pages/{conference.pk}/delete/", follow=True)
    assert "still has 1 session" in response.content.decode()
    assert ConferencePage.objects.filter(pk=conference.pk).exists()


def test_bulk_moving_a_session_is_refused(planner_client, conference):
    session = make_session(conference, title="Stays put")
    other = make_conference(slug="elsewhere")
    url = f"/admin/bulk/wagtailcore/page/move/?id={session.pk}"
    response = planner_client.post(url, {"chooser": other.pk}, follow=True)
    assert "cannot move to another conference" in response.content.decode()
    assert session.get_parent().pk == conference.pk


def test_previewing_a_new_session_renders_instead_of_failing(planner_client, conference):
    url = f"/admin/pages/add/planner/sessionpage/{conference.pk}/preview/"
    posted = planner_client.post(url, session_form(conference))
    assert posted.json()["is_valid"] is True
    response = planner_client.get(url)
    assert response.status_code == 200
    assert "Data sharing without the fear" in response.content.decode()


def test_previewing_a_new_conference_renders_instead_of_failing(planner_client, conference):
    url = f"/admin/pages/add/planner/conferencepage/{conference.get_parent().pk}/preview/"
    assert planner_client.post(url, conference_form()).json()["is_valid"] is True
    response = planner_client.get(url)
    assert response.status_code == 200
    assert "Connected Councils" in response.content.decode()
