"""The findings report a conference's organisers write and publish: an introduction, a
summary and key findings per stream or theme (each resting on cited evidence: marked findings
and meetup outcomes), what the regions added, open questions and next steps.

It is a Wagtail page under its conference, so drafts, preview, revisions, scheduling and
publishing are Wagtail's. The numbers are computed when it is read, never typed. Evidence is
stored by id; what is read (``planner.queries.report``) drops a citation that has since been
unmarked, hidden or deleted, and the editor shows it as a warning until it is resolved."""

from django.db import models
from django.utils.functional import cached_property
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.blocks import SnippetChooserBlock

from cms.caching import CachedPlumbingMixin
from planner.converters import parse_id
from planner.panels import PageViewsPanel

REPORT_FEATURES = ["h3", "bold", "italic", "link", "ul", "ol"]


class RefusesMalformedIds:
    """A chooser block that takes a posted value that cannot be an id (words, or a number too
    big for any column) as no choice: looking it up would fail with a server error."""

    def value_from_form(self, value):
        if value not in (None, "") and not isinstance(value, models.Model) and parse_id(value) is None:
            return None
        return super().value_from_form(value)


class StreamChooserBlock(RefusesMalformedIds, SnippetChooserBlock):
    pass


class MeetupChooserBlock(RefusesMalformedIds, blocks.PageChooserBlock):
    pass


class EvidenceBlock(RefusesMalformedIds, blocks.ChooserBlock):
    """A contribution cited as evidence: a marked finding or a meetup outcome, picked in a
    searchable chooser. The chooser's widget class is set by ``PlannerConfig.ready`` (it lives
    in the workspace, above the models)."""

    widget_class = None

    class Meta:
        icon = "openquote"
        label = "Citation"

    @cached_property
    def target_model(self):
        from planner.models.discussion import Contribution  # noqa: PLC0415 -- discussion imports programme

        return Contribution

    @cached_property
    def widget(self):
        return type(self).widget_class()


class KeyFindingBlock(blocks.StructBlock):
    finding = blocks.TextBlock(
        help_text="One or two sentences a council could act on, in your own words.", max_length=600
    )
    evidence = blocks.ListBlock(
        EvidenceBlock(),
        help_text="The marked findings and meetup outcomes it rests on. A citation that is later "
        "unmarked or hidden is left out of the published report until you resolve it.",
    )

    class Meta:
        icon = "pick"
        label = "Key finding"


class SectionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, help_text="The stream or theme, as readers know it.")
    stream = StreamChooserBlock(
        "planner.Stream", required=False, help_text="Optional: the stream it covers (its numbers are shown)."
    )
    summary = blocks.RichTextBlock(features=REPORT_FEATURES, help_text="What this stream or theme concluded.")
    findings = blocks.ListBlock(KeyFindingBlock(), label="Key findings")

    class Meta:
        icon = "doc-full"
        label = "Stream or theme"


class RegionBlock(blocks.StructBlock):
    meetup = MeetupChooserBlock(page_type="planner.RegionalEventPage")
    added = blocks.RichTextBlock(
        features=REPORT_FEATURES,
        label="What it added",
        help_text="How this meetup changed or confirmed the online findings. Its outcomes are listed for you.",
    )

    class Meta:
        icon = "site"
        label = "Regional meetup"


class FindingsReportPage(CachedPlumbingMixin, RoutablePageMixin, Page):
    """The conference's findings report: written in the admin, read as a page, a PDF and text."""

    introduction = RichTextField(blank=True, features=REPORT_FEATURES)
    sections = StreamField([("section", SectionBlock())], blank=True, verbose_name="streams and themes")
    regions = StreamField([("meetup", RegionBlock())], blank=True, verbose_name="what the regions added")
    open_questions = RichTextField(blank=True, features=REPORT_FEATURES)
    next_steps = RichTextField(blank=True, features=REPORT_FEATURES)

    content_panels = [
        *Page.content_panels,
        HelpPanel(
            "<p>The numbers (contributions, delegates, councils, meetups, attendance) are counted "
            "for you when the report is read. Quotations name only delegates who chose to be seen "
            "by everyone; anyone else is “a delegate”.</p>"
        ),
        FieldPanel("introduction"),
        PageViewsPanel("citation_warnings", heading="Citations to check"),
        FieldPanel("sections"),
        PageViewsPanel("evidence_suggestions", heading="Where to start: the evidence by stream"),
        FieldPanel("regions"),
        MultiFieldPanel([FieldPanel("open_questions"), FieldPanel("next_steps")], heading="What next"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]

    # Set by PlannerConfig.ready (layers above the models): pages.report, for context, routes
    # and the editor's panels.
    page_views = None
    parent_page_types = ["planner.ConferencePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = "findings report"

    def get_context(self, request, *args, **kwargs):
        return self.page_views.context(self, request, super().get_context(request, *args, **kwargs))

    @path("pdf/", name="pdf")
    def pdf(self, request):
        """The report as a print-ready A4 PDF."""
        return self.page_views.pdf(self, request)

    @path("text/", name="text")
    def text(self, request):
        """The report as plain text (Markdown) to take into the organiser's own templates."""
        return self.page_views.text(self, request)

    def evidence_ids(self) -> list[int]:
        """Every contribution id cited in the sections, in order, without repeats."""
        seen: dict[int, None] = {}
        for section in self.sections.raw_data:
            for finding in section.get("value", {}).get("findings", []):
                finding_value = finding.get("value", finding) if isinstance(finding, dict) else {}
                for item in finding_value.get("evidence", []):
                    value = item.get("value") if isinstance(item, dict) else item
                    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
                        seen.setdefault(int(value), None)
        return list(seen)
