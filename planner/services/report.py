"""Writing a conference's findings report outside the editor (the demo, imports, tests): the
same page, blocks and publishing the planner's editor produces."""

import uuid
from dataclasses import dataclass, field

from planner.models import ConferencePage, FindingsReportPage
from planner.services.programme import publish_child


@dataclass
class KeyFindingPlan:
    finding: str
    evidence: list[int] = field(default_factory=list)  # contribution ids


@dataclass
class SectionPlan:
    heading: str
    summary: str = ""  # rich text (HTML)
    stream_id: int | None = None
    findings: list[KeyFindingPlan] = field(default_factory=list)


def _item(value) -> dict:
    """A ListBlock item as Wagtail stores it (with the id its editor keeps items apart by)."""
    return {"type": "item", "value": value, "id": str(uuid.uuid4())}


def section_blocks(sections: list[SectionPlan]) -> list[dict]:
    """``sections`` as the report's StreamField stores them."""
    return [
        {
            "type": "section",
            "value": {
                "heading": section.heading,
                "stream": section.stream_id,
                "summary": section.summary,
                "findings": [
                    _item({"finding": plan.finding, "evidence": [_item(pk) for pk in plan.evidence]})
                    for plan in section.findings
                ],
            },
        }
        for section in sections
    ]


def add_findings_report(
    *,
    conference: ConferencePage,
    title: str,
    slug: str = "report",
    introduction: str = "",
    sections: list[SectionPlan] = (),
    regions: dict[int, str] | None = None,  # meetup id: what it added (HTML)
    open_questions: str = "",
    next_steps: str = "",
    publish: bool = True,
) -> FindingsReportPage:
    """Create ``conference``'s findings report, published (or saved as a draft)."""
    page = FindingsReportPage(
        title=title,
        slug=slug,
        introduction=introduction,
        sections=section_blocks(list(sections)),
        regions=[{"type": "meetup", "value": {"meetup": pk, "added": added}} for pk, added in (regions or {}).items()],
        open_questions=open_questions,
        next_steps=next_steps,
        live=publish,
    )
    if publish:
        return publish_child(parent=conference, page=page)
    conference.add_child(instance=page)
    page.save_revision()
    return page
