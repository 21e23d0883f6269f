"""The facilitators' briefing: per table, its thread and first question, the findings and open
questions of that session, and who sits there, why and what they wrote; on the web and as
A4. Only the meetup's facilitators and planners see it, and it names nobody hidden."""

import io

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from planner.services.bookings import book_meetup
from planner.services.discussion import post_contribution
from planner.services.facilitation import name_facilitator
from tests.factories import UserFactory, make_meetup
from tests.factories import registered_person as person
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


@pytest.fixture
def facilitator(client, world, conference):
    """Fay, a registered delegate named facilitator: she reads names as a fellow delegate would."""
    fay = person(conference, "Fay Facilitator")
    name_facilitator(event=world["meetup"], email=fay.user.email)
    client.force_login(fay.user)
    return fay


def test_the_briefing_gives_each_table_its_thread_question_and_what_each_person_wrote(client, world, facilitator):
    page = text(client.get(f"/admin/meetups/{world['meetup'].pk}/briefing/"))
    assert "Table 1" in page
    assert "Starting from: Hospital discharge: “Trusted assessors cut our delays by a third.”" in page
    assert "First question: Who funds step-down flats?" in page
    assert "Findings so far in “Hospital discharge” Trusted assessors cut our delays by a third." in page
    assert "Asha Patel" in page and "Wrote in this thread" in page
    assert "“Trusted assessors cut our delays by a third.”" in page  # what Asha wrote
    assert "Hidden Hannah" not in page and "And 1 other who keeps their profile private." in page


def test_the_printed_briefing_is_a_page_per_table_with_embedded_fonts(client, world, facilitator):
    response = client.get(f"/admin/meetups/{world['meetup'].pk}/briefing.pdf")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    words = " ".join(reader.pages[0].extract_text().split())
    assert "Table 1" in words and "First question: Who funds step-down flats?" in words
    assert "Hidden Hannah" not in words and "Tom Okafor" in words
    fonts = {font["/BaseFont"] for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    assert all("DejaVu" in name for name in fonts)


def test_only_this_meetups_facilitators_and_planners_see_the_briefing(client, world, conference):
    other_meetup = make_meetup(conference, title="Another meetup")
    outsider = UserFactory(email="someone@council.gov.uk")
    name_facilitator(event=other_meetup, email=outsider.email)
    client.force_login(outsider)
    for path in ("briefing/", "briefing.pdf"):
        response = client.get(f"/admin/meetups/{world['meetup'].pk}/{path}")
        assert response.status_code == 404 and b"Asha Patel" not in response.content
    client.force_login(world["asha"].user)  # a delegate, however booked
    assert client.get(f"/admin/meetups/{world['meetup'].pk}/briefing/").status_code in (302, 404)
    client.force_login(UserFactory(is_superuser=True))
    assert "Table 1" in text(client.get(f"/admin/meetups/{world['meetup'].pk}/briefing/"))


def test_the_briefing_costs_the_same_queries_with_more_tables(client, world, facilitator, conference):
    url = f"/admin/meetups/{world['meetup'].pk}/briefing/"
    few = queries_for(client, url)
    for n in range(14):
        delegate = person(conference, f"Extra {n}", "everyone")
        book_meetup(delegate=delegate, event=world["meetup"])
        post_contribution(author=delegate, session=world["continued"], body=f"Our point {n} is this.")
    assert queries_for(client, url) == few


def test_the_meetup_page_points_its_facilitator_to_the_dashboard_and_briefing(client, world, facilitator):
    page = BeautifulSoup(client.get(world["meetup"].url).content, "html.parser")
    panel = page.select_one("#running-it")
    links = {a.get_text(): a["href"] for a in panel.select("a")}
    assert links["Facilitators’ briefing"] == f"/admin/meetups/{world['meetup'].pk}/briefing/"
    assert links["Its dashboard"] == f"/admin/meetups/{world['meetup'].pk}/dashboard/"
    client.force_login(world["tom"].user)  # booked, but not running it
    assert BeautifulSoup(client.get(world["meetup"].url).content, "html.parser").select_one("#running-it") is None
