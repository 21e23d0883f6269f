"""The findings report: what the organisers write in the admin and what readers get from it
(the page, the PDF, the text export), with citations that follow the discussion as it
changes and quotations that name only people who chose to be seen by everyone."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from pypdf import PdfReader

from planner.models import Contribution, Visibility
from planner.queries.report import citation_problems, report_conference
from planner.services.discussion import moderate_contribution, post_contribution
from planner.services.report import KeyFindingPlan, SectionPlan, add_findings_report, section_blocks
from tests.factories import UserFactory, make_session
from tests.factories import registered_person as person
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def cited(conference):
    """Three marked findings (by a public delegate, a conference-only one and a hidden one),
    a plain contribution, and a report citing the three findings under two key findings."""
    moderator = UserFactory(is_superuser=True)
    session = make_session(conference, title="Hospital discharge")
    public = person(conference, "Priya Public", Visibility.EVERYONE, organisation="Wigan Council")
    conference_only = person(conference, "Clara Conference", Visibility.CONFERENCE, organisation="Bury Council")
    hidden = person(conference, "Hidden Hannah", Visibility.HIDDEN, organisation="Bolton Council")
    first = post_contribution(author=public, session=session, body="Trusted assessors cut delays by a third.")
    second = post_contribution(author=conference_only, session=session, body="Day-one referrals halved waits.")
    third = post_contribution(author=hidden, session=session, body="Step-down flats need their own budget.")
    post_contribution(author=hidden, session=session, body="Just chatting, not a finding.")
    for contribution in (first, second, third):
        moderate_contribution(contribution=contribution, moderator=moderator, action="finding")
    report = add_findings_report(
        conference=conference,
        title="What councils found",
        introduction="<p>Three councils compared discharge practice.</p>",
        sections=[
            SectionPlan(
                heading="Care and health",
                summary="<p>Discharge works when the first day counts.</p>",
                stream_id=session.stream_id,
                findings=[
                    KeyFindingPlan("Refer on the first day of an admission.", [first.pk, second.pk]),
                    KeyFindingPlan("Fund step-down places separately.", [third.pk]),
                ],
            )
        ],
        open_questions="<ul><li>Who pays for step-down flats?</li></ul>",
        next_steps="<ol><li>Test day-one referrals this winter.</li></ol>",
    )
    return {"report": report, "findings": (first, second, third), "moderator": moderator, "session": session}


def page_text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def test_the_report_reads_in_order_with_a_contents_list_and_its_key_findings(client, cited):
    soup = BeautifulSoup(client.get(cited["report"].url).content, "html.parser")
    contents = [a.get_text() for a in soup.select("nav.contents a")]
    assert contents == [
        "Summary",
        "The discussion in numbers",
        "Care and health",
        "Open questions and next steps",
    ]
    for link in soup.select("nav.contents a"):  # every entry leads to its heading
        assert soup.find(id=link["href"].removeprefix("#")) is not None
    findings = [p.get_text() for p in soup.select(".key-finding")]
    assert findings == ["Refer on the first day of an admission.", "Fund step-down places separately."]
    assert "Who pays for step-down flats?" in soup.get_text()


def test_quotations_name_only_people_visible_to_everyone_in_every_output(client, cited):
    report = cited["report"]
    outputs = {
        "page": page_text(client, report.url),
        "pdf": pdf_text(client.get(f"{report.url}pdf/").content),
        "text": client.get(f"{report.url}text/").content.decode(),
    }
    for name, words in outputs.items():
        assert "Trusted assessors cut delays by a third." in words, name
        assert "Step-down flats need their own budget." in words, name
        assert "Priya Public" in words, name
        assert "Clara Conference" not in words and "Hidden Hannah" not in words, name
        assert "A delegate" in words, name


def test_a_finding_unmarked_after_it_was_cited_is_dropped_and_shown_to_the_writer_until_re_marked(client, cited):
    report, (_first, _second, third) = cited["report"], cited["findings"]
    moderate_contribution(contribution=third, moderator=cited["moderator"], action="unfinding")
    conference = report_conference(report)

    problems = citation_problems(report, conference)
    assert [(p.pk, p.where, p.reason) for p in problems] == [
        (third.pk, "“Care and health”, key finding 2", "is no longer marked as a finding")
    ]
    for words in (
        page_text(client, report.url),
        pdf_text(client.get(f"{report.url}pdf/").content),
        client.get(f"{report.url}text/").content.decode(),
    ):
        assert "Step-down flats need their own budget." not in words
        assert "Trusted assessors cut delays by a third." in words

    moderate_contribution(contribution=third, moderator=cited["moderator"], action="finding")
    assert citation_problems(report, conference) == []
    assert "Step-down flats need their own budget." in page_text(client, report.url)


def test_a_hidden_or_deleted_citation_is_dropped_with_its_reason(client, cited):
    report, (first, second, _third) = cited["report"], cited["findings"]
    Contribution.objects.filter(pk=first.pk).update(hidden_at=timezone.now())
    Contribution.objects.filter(pk=second.pk).update(deleted_at=timezone.now())
    reasons = {p.pk: p.reason for p in citation_problems(report, report_conference(report))}
    assert reasons == {first.pk: "was hidden by a moderator", second.pk: "was deleted by its author"}
    words = page_text(client, report.url)
    assert "Trusted assessors" not in words and "Day-one referrals" not in words


def test_the_numbers_are_counted_not_typed(client, cited, conference):
    soup = BeautifulSoup(client.get(cited["report"].url).content, "html.parser")
    headline = {li.strong.get_text(): li.get_text(" ", strip=True) for li in soup.select(".headline-numbers li")}
    assert headline["4"] == "4 contributions"  # three findings and the chat
    assert headline["3"] == "3 councils and organisations"  # Wigan, Bury, Bolton
    stream_row = soup.select_one("#numbers-streams tbody tr")
    assert stream_row.th.get_text() == cited["session"].stream.name
    assert stream_row.find_all("td")[-1].get_text() == "4"
    chart = soup.select_one("figure.chart svg")
    assert chart["role"] == "img" and chart["aria-describedby"] == "numbers-streams"


def test_the_pdf_has_a_cover_contents_page_numbers_and_embedded_fonts(client, cited, tmp_path):
    content = client.get(f"{cited['report'].url}pdf/").content
    reader = PdfReader(io.BytesIO(content))
    cover, contents = reader.pages[0].extract_text(), reader.pages[1].extract_text()
    assert "Findings report" in cover and "What councils found" in cover
    assert "Contents" in contents and "Care and health" in contents
    assert [item.title for item in reader.outline][:3] == ["Summary", "The discussion in numbers", "Care and health"]
    assert "Page 3" in reader.pages[2].extract_text()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object().get("/FontDescriptor")
            descendant = font.get_object().get("/DescendantFonts")
            assert descriptor is not None or descendant is not None, font.get_object()["/BaseFont"]
            descriptor = descriptor or descendant[0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor.get_object(), font.get_object()["/BaseFont"]  # embedded
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.fail("pdftoppm is missing: sudo apt-get install poppler-utils")
    out = Path(__file__).resolve().parents[3] / "var" / "test-artefacts"
    out.mkdir(parents=True, exist_ok=True)
    (tmp_path / "report.pdf").write_bytes(content)
    subprocess.run([pdftoppm, "-r", "50", "-png", str(tmp_path / "report.pdf"), str(out / "report")], check=True)
    pictures = sorted(out.glob("report-*.png"))
    assert len(pictures) >= 3 and all(p.stat().st_size > 3000 for p in pictures)


def test_the_text_export_is_markdown_the_organiser_can_paste(client, cited):
    response = client.get(f"{cited['report'].url}text/")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert 'filename="report.txt"' in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith("# What councils found\n")
    assert "\n## Care and health\n" in text and "\n1. **Refer on the first day of an admission.**\n" in text
    assert "\n> Trusted assessors cut delays by a third.\n> — Priya Public, Hospital discharge," in text
    assert "\n- Who pays for step-down flats?\n" in text


def test_the_report_page_costs_the_same_queries_however_long_the_report(client, cited, conference):
    report, session = cited["report"], cited["session"]
    few = queries_for(client, report.url)
    author = person(conference, "Prolific Pat", Visibility.EVERYONE)
    more = []
    for n in range(12):
        contribution = post_contribution(author=author, session=session, body=f"Finding number {n}")
        moderate_contribution(contribution=contribution, moderator=cited["moderator"], action="finding")
        more.append(contribution.pk)
    add_more = SectionPlan(heading="More", findings=[KeyFindingPlan(f"Finding {n}", [pk]) for n, pk in enumerate(more)])
    report.sections = list(report.sections.raw_data) + section_blocks([add_more])
    report.save_revision().publish()
    assert "Finding number 11" in page_text(client, report.url)
    assert queries_for(client, report.url) == few


def test_the_conference_and_its_findings_page_lead_to_the_published_report(client, cited, conference):
    for url in (conference.url, f"{conference.url}findings/"):
        soup = BeautifulSoup(client.get(url).content, "html.parser")
        assert soup.find("a", href=cited["report"].url, string="What councils found") is not None, url
