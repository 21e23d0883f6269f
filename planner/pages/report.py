"""What the findings report shows: the page (GOV.UK publication style, with a contents list
and charts that have their tables), its PDF and text exports, and the editor's two panels
(citations to check; the evidence to start from, by stream)."""

from django.http import HttpResponse

from planner.charts import bar_chart_svg
from planner.downloads import pdf_response
from planner.packs.report import render_report_pdf, render_report_text
from planner.queries.report import citation_problems, read_report, report_conference, writer_suggestions


def context(page, request, context: dict) -> dict:
    """``context`` (Wagtail's) with the report as readers see it and its two charts."""
    conference = report_conference(page)
    if conference is None:  # a preview before the page has a place in the tree
        return context
    report = read_report(page, conference, page_url=request.build_absolute_uri(page.url or ""))
    context.update(report=report, **charts(report))
    return context


def charts(report) -> dict:
    """The report's two charts as SVG, each described by the table that follows it."""
    streams = [(name, total) for name, _counts, total in report.activity.rows]
    regions = [(region.town, region.came) for region in report.regions if region.booked]
    return {
        "streams_chart": bar_chart_svg(streams, title="Contributions per stream", described_by="numbers-streams")
        if streams
        else "",
        "regions_chart": bar_chart_svg(
            regions, title="Delegates checked in at each meetup", described_by="regions-table"
        )
        if regions
        else "",
    }


def pdf(page, request):
    """The report as a print-ready A4 PDF (cover, contents, page numbers, embedded fonts)."""
    conference = report_conference(page)
    report = read_report(page, conference, page_url=request.build_absolute_uri(page.url))
    return pdf_response(render_report_pdf(report), f"{page.slug}.pdf", private=False)  # published, for sharing


def text(page, request):
    """The report as Markdown-flavoured plain text, to paste into the organiser's templates."""
    conference = report_conference(page)
    report = read_report(page, conference, page_url=request.build_absolute_uri(page.url))
    response = HttpResponse(render_report_text(report), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{page.slug}.txt"'
    return response


def citation_warnings(page, request, parent):
    """The editor's "citations to check" panel, or None when every citation still stands."""
    conference = report_conference(page, parent)
    problems = citation_problems(page, conference) if conference and page.pk else []
    if not problems:
        return None
    return "planner/workspace/report_warnings_panel.html", {"problems": problems}


def evidence_suggestions(page, request, parent):
    """The editor's "where to start" panel: per stream, the evidence most worth reading."""
    conference = report_conference(page, parent)
    if conference is None:
        return None
    return "planner/workspace/report_suggestions_panel.html", {"streams": writer_suggestions(page, conference)}
