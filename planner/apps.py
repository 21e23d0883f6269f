from django.apps import AppConfig


class PlannerConfig(AppConfig):
    name = "planner"
    verbose_name = "Programme"

    def ready(self):
        """Wire what lives above the models to them, once every app is loaded: the signal
        handlers, the ``<id:...>`` URL converter, the deployment check for mail, and the admin
        forms of the page types (which apply ``rules``) and the ``pages`` modules that build
        their context and routes: layers above the models, which the models never import."""
        # Imported here, not at the top: Django loads apps before their models exist.
        from django.urls import register_converter  # noqa: PLC0415 -- app loading
        from wagtail.documents import get_document_model  # noqa: PLC0415 -- app loading
        from wagtail.images import get_image_model  # noqa: PLC0415 -- app loading

        from cms.caching import watch  # noqa: PLC0415 -- app loading
        from planner import signals  # noqa: PLC0415 -- app loading
        from planner.converters import IdConverter  # noqa: PLC0415 -- app loading
        from planner.forms.ids import SnippetForm  # noqa: PLC0415 -- app loading
        from planner.forms.programme import (  # noqa: PLC0415 -- app loading
            ConferencePageForm,
            RegionalEventPageForm,
            SessionPageForm,
        )
        from planner.models import (  # noqa: PLC0415 -- app loading
            AgendaItem,
            Cancellation,
            ConferencePage,
            FindingsReportPage,
            RegionalEventPage,
            SessionPage,
            Speaker,
            Stream,
            Theme,
        )
        from planner.models.report import EvidenceBlock  # noqa: PLC0415 -- app loading
        from planner.ops import mail_health  # noqa: F401, PLC0415 -- registers its deployment check
        from planner.pages import conference, meetup, report, session  # noqa: PLC0415 -- app loading
        from planner.workspace.evidence import evidence_chooser  # noqa: PLC0415 -- app loading
        from venues.models import Venue  # noqa: PLC0415 -- app loading

        register_converter(IdConverter, "id")
        signals.connect()
        # What the public pages show of the programme besides its pages (cms.caching).
        watch(Stream, Speaker, Cancellation, AgendaItem, Venue, get_image_model(), get_document_model())
        ConferencePage.base_form_class = ConferencePageForm
        SessionPage.base_form_class = SessionPageForm
        RegionalEventPage.base_form_class = RegionalEventPageForm
        ConferencePage.page_views = conference
        SessionPage.page_views = session
        RegionalEventPage.page_views = meetup
        FindingsReportPage.page_views = report
        EvidenceBlock.widget_class = evidence_chooser.widget_class
        for snippet in (Stream, Speaker, Theme):
            snippet.base_form_class = SnippetForm
