"""The evidence chooser of the findings report's editor: a searchable list of the contributions
a report may cite (marked findings and meetup outcomes, still shown), most replied to first,
each labelled by its words, session and kind rather than by an id."""

from django import forms
from django.db.models import Q
from django.urls import reverse
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView, ChosenView
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets.chooser import BaseChooser

from planner.converters import parse_id
from planner.markup import plain_text
from planner.models import Contribution
from planner.queries.discussion import shown

TITLE_WORDS = 110  # characters of the contribution shown in the chooser and the widget


def evidence_title(contribution: Contribution) -> str:
    """How a cited contribution reads in the editor: its opening words and what it is."""
    words = plain_text(contribution.body_html)
    words = words if len(words) <= TITLE_WORDS else words[: TITLE_WORDS - 1].rstrip() + "…"
    kind = "meetup outcome" if contribution.from_meetup_id else "finding"
    if contribution.finding_at is None and not contribution.from_meetup_id:
        kind = "no longer marked"
    return f"“{words}” ({kind}, #{contribution.pk})"


def citable():
    """Contributions a report may cite: marked findings and meetup outcomes, still shown."""
    return shown(Contribution.objects.filter(Q(finding_at__isnull=False) | Q(from_meetup__isnull=False)))


class EvidenceSearchForm(BaseFilterForm):
    """Words of the contribution, or of its session's title. Every conference's evidence is
    listed (with its session and stream); a report citing another conference's is warned."""

    q = forms.CharField(
        label="Search term", required=False, widget=forms.TextInput(attrs={"placeholder": "Words, or a session"})
    )

    def filter(self, objects):
        query = (self.cleaned_data.get("q") or "").strip()[:200]
        if query:
            self.is_searching, self.search_query = True, query
            objects = objects.filter(Q(body__icontains=query) | Q(session__title__icontains=query))
        return objects


class EvidenceListing:
    """What the choose and results views share: the rows, the search, the columns."""

    filter_form_class = EvidenceSearchForm
    per_page = 20

    def get_object_list(self):
        return citable().select_related("session__stream", "from_meetup").order_by("-reply_count", "-pk")

    def apply_object_list_ordering(self, objects):
        return objects

    @property
    def columns(self):
        return [
            TitleColumn(
                "title",
                label="Contribution",
                accessor=evidence_title,
                get_url=lambda obj: self.append_preserved_url_parameters(self.chosen_url_for(obj)),
                link_attrs={"data-chooser-modal-choice": True},
            ),
            Column("session", label="Session", accessor=lambda c: c.session.title),
            Column("stream", label="Stream", accessor=lambda c: c.session.stream.name),
            Column("replies", label="Replies", accessor="reply_count"),
        ]

    def chosen_url_for(self, contribution):
        return reverse(self.chosen_url_name, args=(contribution.pk,))


class EvidenceChooseView(EvidenceListing, ChooseView):
    pass


class EvidenceChooseResultsView(EvidenceListing, ChooseResultsView):
    pass


class EvidenceChosenView(ChosenView):
    def get_object(self, pk):
        """Only what may be cited: anything else (or not an id at all) is a 404, like an id
        that does not exist."""
        return citable().get(pk=parse_id(pk))

    def get_display_title(self, instance):
        return evidence_title(instance)


class EvidenceWidget(BaseChooser):
    def get_display_title(self, instance):
        return evidence_title(instance)


class EvidenceChooserViewSet(ChooserViewSet):
    model = Contribution
    icon = "openquote"
    choose_one_text = "Cite a finding or outcome"
    choose_another_text = "Cite another"
    edit_item_text = "Open"
    page_title = "Cite a marked finding or meetup outcome"
    choose_view_class = EvidenceChooseView
    choose_results_view_class = EvidenceChooseResultsView
    chosen_view_class = EvidenceChosenView
    base_widget_class = EvidenceWidget
    register_widget = False
    creation_form_class = None
    form_fields = None

    def get_urlpatterns(self):
        """Choosing only: evidence is written by delegates, never created here."""
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "create"]


evidence_chooser = EvidenceChooserViewSet("evidence_chooser", url_prefix="findings-evidence")
