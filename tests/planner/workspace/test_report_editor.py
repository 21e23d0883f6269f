"""Writing the findings report in the admin: the evidence chooser offers only what may be
cited and finds it by its words; the editor warns about citations readers no longer see and
suggests where to start; a malformed posted choice is refused, never a server error."""

import json
import re

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from planner.models import Contribution, FindingsReportPage
from planner.services.discussion import moderate_contribution, post_contribution
from planner.services.report import KeyFindingPlan, SectionPlan, add_findings_report
from tests.factories import UserFactory, make_meetup, make_session
from tests.factories import registered_person as person

pytestmark = pytest.mark.django_db


@pytest.fixture
def discussion(conference):
    moderator = UserFactory(is_superuser=True)
    session = make_session(conference, title="Hospital discharge")
    author = person(conference, "Asha Patel")
    marked = post_contribution(author=author, session=session, body="Trusted assessors cut delays by a third.")
    busy = post_contribution(author=author, session=session, body="Who funds step-down flats?", is_question=True)
    for n in range(3):
        post_contribution(author=author, session=session, body=f"Reply {n}", parent=busy)
    chat = post_contribution(author=author, session=session, body="Lovely session, thanks all.")
    moderate_contribution(contribution=marked, moderator=moderator, action="finding")
    meetup = make_meetup(conference)
    outcome = post_contribution(author=author, session=session, body="The room agreed day-one referrals.")
    Contribution.objects.filter(pk=outcome.pk).update(from_meetup=meetup)
    return {"marked": marked, "busy": busy, "chat": chat, "outcome": outcome, "moderator": moderator}


def chooser_rows(planner_client, url) -> list[str]:
    response = planner_client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    html = json.loads(content)["html"] if content.startswith("{") else content
    return [" ".join(td.get_text(" ").split()) for td in BeautifulSoup(html, "html.parser").select("tbody td.title")]


def test_the_evidence_chooser_offers_marked_findings_and_outcomes_only(planner_client, discussion):
    rows = chooser_rows(planner_client, "/admin/findings-evidence/")
    assert len(rows) == 2
    assert any("Trusted assessors" in row and "(finding, #" in row for row in rows)
    assert any("day-one referrals" in row and "(meetup outcome, #" in row for row in rows)
    assert not any("Lovely session" in row or "step-down" in row for row in rows)


def test_the_evidence_chooser_searches_words_and_session_titles(planner_client, discussion):
    assert len(chooser_rows(planner_client, "/admin/findings-evidence/results/?q=assessors")) == 1
    assert len(chooser_rows(planner_client, "/admin/findings-evidence/results/?q=hospital")) == 2
    assert chooser_rows(planner_client, "/admin/findings-evidence/results/?q=nothing+like+this") == []


def test_choosing_evidence_that_is_not_citable_is_refused(planner_client, discussion):
    chosen = planner_client.get(f"/admin/findings-evidence/chosen/{discussion['marked'].pk}/")
    assert json.loads(chosen.content)["result"]["title"].startswith("“Trusted assessors")
    assert planner_client.get(f"/admin/findings-evidence/chosen/{discussion['chat'].pk}/").status_code == 404


@pytest.fixture
def report(conference, discussion):
    return add_findings_report(
        conference=conference,
        title="What councils found",
        sections=[
            SectionPlan(
                heading="Care",
                summary="<p>Summary.</p>",
                findings=[KeyFindingPlan("Refer early.", [discussion["marked"].pk, discussion["outcome"].pk])],
            )
        ],
    )


def edit_page(planner_client, report) -> BeautifulSoup:
    response = planner_client.get(f"/admin/pages/{report.pk}/edit/")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_the_editor_warns_about_a_citation_hidden_after_it_was_cited(planner_client, report, discussion):
    assert "left out of the published report" not in edit_page(planner_client, report).get_text()
    Contribution.objects.filter(pk=discussion["marked"].pk).update(hidden_at=timezone.now())
    text = " ".join(edit_page(planner_client, report).get_text(" ").split())
    assert "1 citation is left out of the published report" in text
    assert f"“Care”, key finding 1: #{discussion['marked'].pk} “Trusted assessors" in text
    assert "was hidden by a moderator" in text


def test_the_editor_suggests_where_to_start_in_each_stream(planner_client, report, discussion, conference):
    panel = edit_page(planner_client, report).select_one(".relay-evidence")
    streams = [summary.get_text(strip=True) for summary in panel.select("summary")]
    assert streams == [stream.name for stream in conference.streams.order_by("sort_order", "name")]
    text = " ".join(panel.get_text(" ").split())
    assert "Hospital discharge (7 contributions)" in text  # the outcome posted back counts too
    assert f"#{discussion['busy'].pk} “Who funds step-down flats?” (3 replies" in text  # most replied, unmarked
    assert "mark it first" in text
    assert "Every marked finding is cited." in text  # the one marked finding is cited


def test_a_new_report_under_a_conference_gets_the_suggestions_too(planner_client, conference, discussion):
    response = planner_client.get(f"/admin/pages/add/planner/findingsreportpage/{conference.pk}/")
    assert response.status_code == 200
    assert "Most replied to" in response.content.decode()


def test_a_conference_takes_one_report(planner_client, report, conference):
    response = planner_client.get(f"/admin/pages/add/planner/findingsreportpage/{conference.pk}/")
    assert response.status_code in (302, 403)
    assert FindingsReportPage.objects.count() == 1


@pytest.mark.parametrize("posted", ["9" * 20, "leeds", "-3"])
def test_a_malformed_evidence_choice_gets_a_form_error_not_a_crash(planner_client, report, posted):
    data = {  # the edit form as the browser posts it, with one evidence choice tampered with
        "title": report.title,
        "slug": report.slug,
        "introduction": json.dumps({"blocks": [], "entityMap": {}}),
        "sections-count": "1",
        "sections-0-type": "section",
        "sections-0-deleted": "",
        "sections-0-order": "0",
        "sections-0-id": "a",
        "sections-0-value-heading": "Care",
        "sections-0-value-stream": "",
        "sections-0-value-summary": json.dumps(
            {
                "blocks": [
                    {
                        "key": "k",
                        "type": "unstyled",
                        "text": "Summary.",
                        "depth": 0,
                        "inlineStyleRanges": [],
                        "entityRanges": [],
                        "data": {},
                    }
                ],
                "entityMap": {},
            }
        ),
        "sections-0-value-findings-count": "1",
        "sections-0-value-findings-0-deleted": "",
        "sections-0-value-findings-0-order": "0",
        "sections-0-value-findings-0-id": "b",
        "sections-0-value-findings-0-value-finding": "Refer early.",
        "sections-0-value-findings-0-value-evidence-count": "1",
        "sections-0-value-findings-0-value-evidence-0-deleted": "",
        "sections-0-value-findings-0-value-evidence-0-order": "0",
        "sections-0-value-findings-0-value-evidence-0-id": "c",
        "sections-0-value-findings-0-value-evidence-0-value": posted,
        "regions-count": "0",
        "open_questions": json.dumps({"blocks": [], "entityMap": {}}),
        "next_steps": json.dumps({"blocks": [], "entityMap": {}}),
    }
    published = report.evidence_ids()
    response = planner_client.post(f"/admin/pages/{report.pk}/edit/", {**data, "action-publish": "action-publish"})
    assert response.status_code == 200  # the form again, with what to fix
    assert re.search(r"could not be (saved|published)", response.content.decode(), re.I)
    # Saved as a draft (Wagtail lets drafts be incomplete), the choice is simply not made.
    assert planner_client.post(f"/admin/pages/{report.pk}/edit/", data).status_code == 302
    draft = FindingsReportPage.objects.get(pk=report.pk).get_latest_revision_as_object()
    assert draft.evidence_ids() == []
    report.refresh_from_db()
    assert report.evidence_ids() == published  # the published citations are untouched
