"""The programme: a flagship online conference, its streams, sessions and speakers, and the
regional meetups that carry its sessions forward. Events are Wagtail pages; streams and
speakers are snippets."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.caching import CachedPlumbingMixin
from planner import serializers, timefmt
from planner.panels import AttendancePanel
from venues.models import Venue
from venues.timezones import validate_time_zone

INTRO_FEATURES = ["bold", "italic", "link", "ul", "ol"]


class SessionFormat(models.TextChoices):
    TALK = "talk", "Talk"
    PANEL = "panel", "Panel"
    DISCUSSION = "discussion", "Discussion"
    WORKSHOP = "workshop", "Workshop"
    CASE_STUDY = "case-study", "Case study"


class ConferencePage(CachedPlumbingMixin, RoutablePageMixin, Page):
    """The online flagship: a run of days, topic streams and the sessions in them."""

    start_date = models.DateField()
    end_date = models.DateField()
    time_zone = models.CharField(
        max_length=64,
        default="Europe/London",
        validators=[validate_time_zone],
        help_text="The zone the programme is planned in; delegates can view it in their own.",
    )
    intro = RichTextField(blank=True, features=INTRO_FEATURES)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]), FieldPanel("time_zone")],
            heading="Dates",
        ),
        AttendancePanel(heading="Attendance"),
        FieldPanel("intro"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [
        APIField("start_date"),
        APIField("end_date"),
        APIField("time_zone"),
        APIField("intro"),
        APIField("streams", serializer=serializers.StreamSerializer(many=True)),
        APIField("delegate_count"),
    ]
    api_prefetch_related = ["streams"]

    # Set by PlannerConfig.ready, as the layers above the models are never imported here:
    # base_form_class = forms.programme.ConferencePageForm; page_views = pages.conference (context, routes).
    page_views = None
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["planner.SessionPage", "planner.RegionalEventPage", "planner.FindingsReportPage"]

    class Meta:
        verbose_name = "online conference"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="conference_ends_after_it_starts",
                violation_error_message="The conference must end on or after the day it starts.",
            )
        ]

    @cached_property
    def zone(self):
        return timefmt.zone(self.time_zone)

    @property
    def days(self) -> list:
        """Each date of the conference, first to last."""
        return [self.start_date + timedelta(days=n) for n in range((self.end_date - self.start_date).days + 1)]

    @property
    def delegate_count(self) -> int:
        """Delegates registered for this conference."""
        return self.registrations.count() if self.pk else 0

    def get_context(self, request, *args, **kwargs):
        return self.page_views.context(self, request, super().get_context(request, *args, **kwargs))

    @path("speakers/", name="speakers")
    def speakers(self, request):
        """Everyone speaking at this conference, with the sessions they speak in."""
        return self.page_views.speakers(self, request)

    @path("speakers/<slug:slug>/", name="speaker")
    def speaker(self, request, slug):
        """One speaker's page: photo, organisation, role, bio, links and their sessions here."""
        return self.page_views.speaker(self, request, slug)

    @path("now/", name="now")
    def now(self, request):
        """What is on now and next in each stream, during the conference."""
        return self.page_views.now_and_next(self, request)

    @path("changes/", name="changes")
    def changes(self, request):
        """The public changelog of the programme: moves, cancellations and additions."""
        return self.page_views.changelog(self, request)

    @path("changes/feed/", name="changes_feed")
    def changes_feed(self, request):
        """The changelog as an Atom feed."""
        return self.page_views.changelog_feed(self, request)

    @path("findings/", name="findings")
    def findings(self, request):
        """The findings pulled together by stream and theme, with the numbers behind them."""
        return self.page_views.findings(self, request)

    @path("findings/pdf/", name="findings_pdf")
    def findings_pdf(self, request):
        """The findings report as an A4 PDF to share or print."""
        return self.page_views.findings_pdf(self, request)


class Stream(models.Model):
    """A topic stream of one conference, such as ‘Digital and data’."""

    conference = models.ForeignKey(ConferencePage, on_delete=models.CASCADE, related_name="streams")
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, help_text="Used in calendar feed addresses; keep it stable.")
    description = models.TextField(blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0, help_text="Streams are shown lowest first.")

    panels = [
        FieldPanel("conference", widget=forms.Select),  # not the page chooser: see Theme.panels
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "slug"], name="stream_slug_unique_per_conference"),
        ]

    def __str__(self) -> str:
        return self.name


def free_speaker_slug(name: str, taken: set[str]) -> str:
    """A slug for a speaker called ``name`` not in ``taken`` (jo-smith, then jo-smith-2), added to it."""
    return unused_slug(name, taken, max_length=190, fallback="speaker")


def unused_slug(text: str, taken: set[str], *, max_length: int, fallback: str) -> str:
    """A slug of ``text`` (at most ``max_length`` before any ``-2``) not in ``taken``, added to it."""
    base = slugify(text)[:max_length].strip("-") or fallback
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


class Speaker(index.Indexed, models.Model):
    """A person who speaks at sessions. Public by nature: their name and role are on the programme."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The end of their page's address: /<conference>/speakers/<slug>/.",
    )
    role = models.CharField(max_length=200, blank=True, help_text="Job title, e.g. Head of Digital.")
    organisation = models.CharField(max_length=200, blank=True)
    bio = models.TextField(blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A head-and-shoulders photo; set its focal point on the face.",
    )
    links = models.TextField(
        blank=True, help_text="Web pages about them, one address per line: their site, LinkedIn, Mastodon."
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldRowPanel([FieldPanel("role"), FieldPanel("organisation")]),
        FieldPanel("bio"),
        FieldPanel("photo"),
        FieldPanel("links"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.SearchField("organisation")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = free_speaker_slug(self.name, set(Speaker.objects.values_list("slug", flat=True)))
        super().save(*args, **kwargs)

    @property
    def affiliation(self) -> str:
        """‘Head of Digital, Leeds City Council’, or whichever half is known."""
        return ", ".join(part for part in (self.role, self.organisation) if part)


class CancellableMixin:
    """``called_off``: the page's Cancellation, or None (load it with select_related
    ("cancellation") for lists)."""

    @property
    def called_off(self):
        try:
            return self.cancellation
        except ObjectDoesNotExist:
            return None

    @property
    def cancellation_reason(self) -> str:
        """The reason given when it was cancelled; empty while it goes ahead (for the API)."""
        return self.called_off.reason if self.called_off else ""


class SessionPage(CachedPlumbingMixin, CancellableMixin, Page):
    """One online session in a stream of the conference it sits under."""

    serve_related = ("stream", "cancellation")

    stream = models.ForeignKey(Stream, on_delete=models.PROTECT, related_name="sessions")
    start = models.DateTimeField()
    end = models.DateTimeField()
    format = models.CharField(max_length=20, choices=SessionFormat.choices, default=SessionFormat.TALK)
    speakers = ParentalManyToManyField(Speaker, blank=True, related_name="sessions")
    summary = models.TextField(help_text="Two or three sentences: what delegates will take away.")
    join_url = models.URLField(
        blank=True,
        verbose_name="online join link",
        help_text="Shown to registered delegates from 15 minutes before the session, never when it is cancelled.",
    )
    join_open_to_all = models.BooleanField(
        default=False,
        verbose_name="join link open to everyone",
        help_text="Show the join link to anyone, signed in or not, and in the public feeds (a public webinar).",
    )
    materials = StreamField(
        [
            ("document", DocumentChooserBlock(label="Slides or document")),
            (
                "link",
                blocks.StructBlock(
                    [("title", blocks.CharBlock(max_length=200)), ("url", blocks.URLBlock())], label="Link"
                ),
            ),
        ],
        blank=True,
        use_json_field=True,
        help_text="Slides, documents and links, shown on the session page and in schedule.json/xml.",
    )
    recording_url = models.URLField(
        blank=True,
        verbose_name="recording",
        help_text="The recording's address (YouTube or Vimeo), shown on the session page after it.",
    )
    captions_url = models.URLField(
        blank=True, verbose_name="captions or transcript", help_text="Where the recording's transcript is."
    )
    external_id = models.CharField(
        max_length=100,
        blank=True,
        db_index=True,
        help_text="The session's id in the file it was imported from (CSV, pretalx, Sessionize); "
        "importing the file again updates this session instead of adding another.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("stream", widget=forms.Select),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")], heading="When"),
        FieldPanel("format"),
        FieldPanel("speakers", widget=forms.CheckboxSelectMultiple),
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("join_url"), FieldPanel("join_open_to_all")], heading="Joining online"),
        MultiFieldPanel(
            [FieldPanel("materials"), FieldPanel("recording_url"), FieldPanel("captions_url")],
            heading="Materials and recording",
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.RelatedFields("stream", [index.SearchField("name")]),
        index.RelatedFields("speakers", [index.SearchField("name"), index.SearchField("organisation")]),
        index.FilterField("start"),
    ]
    api_fields = [
        APIField("start"),
        APIField("end"),
        APIField("format"),
        APIField("summary"),
        APIField("stream", serializer=serializers.StreamSerializer()),
        APIField("speakers", serializer=serializers.SpeakerSerializer(many=True)),
        APIField("cancellation_reason"),
    ]
    api_select_related = ["stream", "cancellation"]
    api_prefetch_related = ["speakers"]
    # Indexed by planner.services.indexing (connected in planner.signals), which can index a
    # session once per import instead of at each of its three saves.
    search_auto_update = False

    # Set by PlannerConfig.ready, as the layers above the models are never imported here:
    # base_form_class = forms.programme.SessionPageForm; page_views = pages.session (context, routes).
    page_views = None
    parent_page_types = ["planner.ConferencePage"]
    subpage_types = []

    class Meta:
        verbose_name = "online session"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="session_ends_after_it_starts",
                violation_error_message="The session must end after it starts.",
            )
        ]

    def get_context(self, request, *args, **kwargs):
        return self.page_views.context(self, request, super().get_context(request, *args, **kwargs))


class RegionalEventPage(CachedPlumbingMixin, CancellableMixin, Page):
    """A face-to-face meetup at a venue that carries some of the conference's sessions forward."""

    serve_related = ("venue", "cancellation", "seats")

    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="regional_events")
    start = models.DateTimeField()
    end = models.DateTimeField()
    capacity = models.PositiveIntegerField(
        validators=[MinValueValidator(1)], help_text="Places available in the room, including speakers."
    )
    intro = RichTextField(blank=True, features=INTRO_FEATURES)

    content_panels = [
        *Page.content_panels,
        FieldPanel("venue"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")], heading="When"),
        FieldPanel("capacity"),
        AttendancePanel(heading="Attendance"),
        FieldPanel("intro"),
        InlinePanel("agenda_items", heading="Agenda", label="agenda item"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.RelatedFields("venue", [index.SearchField("name"), index.SearchField("town")]),
    ]
    api_fields = [
        APIField("start"),
        APIField("end"),
        APIField("capacity"),
        APIField("intro"),
        APIField("venue", serializer=serializers.VenueSerializer()),
        APIField("agenda_items", serializer=serializers.AgendaItemSerializer(many=True)),
        APIField("places_left"),
        APIField("waitlist_count"),
        APIField("cancellation_reason"),
    ]
    api_select_related = ["venue", "seats", "cancellation"]
    api_prefetch_related = ["agenda_items__continues"]

    # Set by PlannerConfig.ready, as the layers above the models are never imported here:
    # base_form_class = forms.programme.RegionalEventPageForm; page_views = pages.meetup (context, routes).
    page_views = None
    parent_page_types = ["planner.ConferencePage"]
    subpage_types = []

    class Meta:
        verbose_name = "regional meetup"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="meetup_ends_after_it_starts",
                violation_error_message="The meetup must end after it starts.",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1),
                name="meetup_has_room_for_someone",
                violation_error_message="A meetup needs at least one place.",
            ),
        ]

    @cached_property
    def zone(self):
        return timefmt.zone(self.venue.time_zone)

    def seat_counts(self) -> tuple[int, int]:
        """(confirmed, waiting) from the seat ledger; (0, 0) before the first booking."""
        try:
            return self.seats.confirmed, self.seats.waitlisted
        except (AttributeError, ObjectDoesNotExist):
            return 0, 0

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.seat_counts()[0], 0)

    @property
    def waitlist_count(self) -> int:
        return self.seat_counts()[1]

    @property
    def has_started(self) -> bool:
        """Booking closes when the meetup starts."""
        return self.start <= timezone.now()

    @property
    def has_ended(self) -> bool:
        return self.end <= timezone.now()

    def get_context(self, request, *args, **kwargs):
        return self.page_views.context(self, request, super().get_context(request, *args, **kwargs))


class Cancellation(models.Model):
    """A session or meetup called off: kept, and shown as cancelled with the reason, never
    deleted (people have it in their calendars and agendas). Not page content, so a draft
    or a later publish of the page never undoes it; reinstating deletes this row."""

    page = models.OneToOneField(Page, on_delete=models.CASCADE, related_name="cancellation")
    reason = models.TextField(help_text="Shown to delegates and sent to those affected.")
    cancelled_at = models.DateTimeField(default=timezone.now)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Cancelled: {self.page}"


class CancellationNotice(models.Model):
    """That one delegate was told of one cancellation: the email goes at most once, even when
    its task is retried."""

    cancellation = models.ForeignKey(Cancellation, on_delete=models.CASCADE, related_name="notices")
    delegate = models.ForeignKey("planner.Delegate", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cancellation", "delegate"], name="one_notice_per_delegate")]

    def __str__(self) -> str:
        return f"{self.cancellation} told to delegate {self.delegate_id}"


class Facilitation(models.Model):
    """Who facilitates which meetup: a facilitator checks in, sees the delegate list and
    posts outcomes for their own meetups only."""

    event = models.ForeignKey(RegionalEventPage, on_delete=models.CASCADE, related_name="facilitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="facilitations")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="one_facilitation_per_person")]

    def __str__(self) -> str:
        return f"{self.user} facilitates {self.event}"


class AgendaItem(Orderable, ClusterableModel):
    """One in-person item at a meetup, optionally continuing online sessions."""

    page = ParentalKey(RegionalEventPage, on_delete=models.CASCADE, related_name="agenda_items")
    title = models.CharField(max_length=200)
    start_time = models.TimeField(help_text="Local time at the venue.")
    end_time = models.TimeField(help_text="Local time at the venue.")
    description = models.TextField(blank=True)
    continues = ParentalManyToManyField(
        SessionPage,
        blank=True,
        related_name="continued_by",
        help_text="Online sessions of this conference whose discussion this item carries forward.",
    )

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("start_time"), FieldPanel("end_time")]),
        FieldPanel("description"),
        FieldPanel("continues", widget=forms.SelectMultiple(attrs={"size": 8})),
    ]

    class Meta(Orderable.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="agenda_item_ends_after_it_starts",
                violation_error_message="An agenda item must end after it starts (items cannot run past midnight).",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ScheduleChange(models.Model):
    """One change to a published programme, kept for the public changelog and its feed (as
    pretalx's): a session added, moved, cancelled, reinstated or withdrawn, with its title and
    times as they were and became. Written by the services that make the change."""

    class Kind(models.TextChoices):
        ADDED = "added", "Added"
        MOVED = "moved", "Moved"
        CANCELLED = "cancelled", "Cancelled"
        REINSTATED = "reinstated", "Reinstated"
        WITHDRAWN = "withdrawn", "Withdrawn"

    conference = models.ForeignKey(ConferencePage, on_delete=models.CASCADE, related_name="schedule_changes")
    session = models.ForeignKey(SessionPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=255)
    was_start = models.DateTimeField(null=True, blank=True)
    was_end = models.DateTimeField(null=True, blank=True)
    start = models.DateTimeField(null=True, blank=True)
    end = models.DateTimeField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["conference", "-at"], name="schedule_change_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"
