"""The demo conference's findings report, written in the sector's voice
(fixtures/demo_report.json), citing the marked findings of the sessions it names."""

import json
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from wagtail.models import PageLogEntry

from planner.models import ConferencePage, Contribution, FindingsReportPage, RegionalEventPage
from planner.services.report import KeyFindingPlan, SectionPlan, add_findings_report

REPORT = Path(__file__).resolve().parents[2] / "fixtures" / "demo_report.json"


def load_demo_report(conference: ConferencePage, path: Path = REPORT) -> int:
    """Write and publish the report once (0 if it is there, or was and a planner deleted it;
    else 1). Evidence is cited by session title: the most replied-to marked finding of each
    session named."""
    kind = ContentType.objects.get_for_model(FindingsReportPage)
    if PageLogEntry.objects.filter(content_type=kind).exists():  # written before, kept or deleted
        return 0
    text = json.loads(path.read_text(encoding="utf-8"))
    findings = list(
        Contribution.objects.filter(
            finding_at__isnull=False,
            session__stream__conference=conference,
            deleted_at__isnull=True,
            hidden_at__isnull=True,
        )
        .order_by("-reply_count", "pk")
        .values_list("pk", "session__title")
    )
    streams = dict(conference.streams.values_list("name", "pk"))

    def cite(title_start: str) -> list[int]:
        return [pk for pk, title in findings if title.startswith(title_start)][:1]

    sections = [
        SectionPlan(
            heading=section["heading"],
            summary=section["summary"],
            stream_id=streams.get(section["stream"]),
            findings=[
                KeyFindingPlan(item["finding"], [pk for start in item["evidence"] for pk in cite(start)])
                for item in section["findings"]
            ],
        )
        for section in text["sections"]
    ]
    towns = {
        m.venue.town: m.pk
        for m in RegionalEventPage.objects.child_of(conference).select_related("venue").order_by("start")
    }
    regions = {towns[region["town"]]: region["added"] for region in text["regions"] if region["town"] in towns}
    add_findings_report(
        conference=conference,
        title=text["title"],
        slug=text["slug"],
        introduction=text["introduction"],
        sections=sections,
        regions=regions,
        open_questions=text["open_questions"],
        next_steps=text["next_steps"],
    )
    return 1
