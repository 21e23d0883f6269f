"""The site shell: home page, content pages and site-wide settings."""

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Site
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.caching import CachedPlumbingMixin, cached_route, site_setting


class HomePage(CachedPlumbingMixin, Page):
    """The front page of a Relay site; conferences live beneath it."""

    intro = models.TextField(blank=True, help_text="One or two sentences under the site's main heading.")
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    def route(self, request, path_components):
        """Wagtail's routing from the site's root, remembering where each URL leads."""
        return cached_route(self, request, path_components, super().route)

    class Meta:
        verbose_name = "home page"


class StandardPage(CachedPlumbingMixin, Page):
    """An ordinary content page: about, accessibility statement, code of conduct, venues help."""

    intro = models.TextField(blank=True)
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = "standard page"


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    """Who runs the programme and how delegates reach them; shown in every page's footer."""

    site_name = models.CharField(max_length=100, default="Relay")
    tagline = models.CharField(max_length=200, blank=True, default="One online conference, many regional meetups.")
    organiser_name = models.CharField(max_length=200, blank=True)
    organiser_email = models.EmailField(blank=True)
    organiser_phone = models.CharField(max_length=40, blank=True)
    footer_text = RichTextField(blank=True, features=["bold", "italic", "link"])

    panels = [
        MultiFieldPanel([FieldPanel("site_name"), FieldPanel("tagline")], heading="Site"),
        MultiFieldPanel(
            [FieldPanel("organiser_name"), FieldPanel("organiser_email"), FieldPanel("organiser_phone")],
            heading="Organiser contact",
        ),
        FieldPanel("footer_text"),
    ]

    class Meta:
        verbose_name = "site settings"

    @classmethod
    def for_request(cls, request):
        """The settings of the request's site, from the cache (Wagtail's reads them from the
        database on every request); edited in the admin through ``for_site`` as before."""
        attr = cls.get_cache_attr_name()
        if not hasattr(request, attr):
            site = Site.find_for_request(request)
            setattr(request, attr, site_setting(cls, site) if site else cls())
        return getattr(request, attr)
