"""Planners' views of registrations and bookings in the Wagtail admin: filter, export,
and promote or cancel one booking with a reason (through the booking service)."""

import datetime
import hashlib

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

from planner.converters import parse_id
from planner.markup import plain_text
from planner.models import (
    Booking,
    BookingStatus,
    ConferencePage,
    Contribution,
    Delegate,
    RegionalEventPage,
    Registration,
    Report,
    Stream,
    Theme,
)
from planner.queries.discussion import contribution_path
from planner.queries.people import waitlist_positions
from planner.services.bookings import BookingRefused, cancel_booking, promote_booking

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Text a spreadsheet will not run as a formula (a delegate can name themself ‘=HYPERLINK(…)’)."""
    text = str(value) if value is not None else ""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class IdChoiceField(django_filters.fields.ModelChoiceField):
    """A model choice that treats an implausible id as an invalid choice, not a database error."""

    def to_python(self, value):
        if value not in self.empty_values and parse_id(value) is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = IdChoiceField


class DelegateDataReport(ReportView):
    """A report of people: only for planners given the model's view permission (superusers,
    or a group granted ‘Can view booking’ / ‘Can view registration’), never plain editors."""

    permission_required = "view"
    # Added to Wagtail's own (which make datetimes naive for Excel, which has no time zones),
    # never instead of them: local time, as the planner reads every other time in Relay.
    custom_value_preprocess = {
        **ReportView.custom_value_preprocess,
        datetime.datetime: {"xlsx": lambda value: timezone.make_naive(value) if timezone.is_aware(value) else value},
        str: {"csv": spreadsheet_safe, "xlsx": spreadsheet_safe},
    }


DELEGATE_EXPORT = ["delegate.name", "delegate.user.email", "delegate.organisation", "delegate.role", "delegate.town"]
DELEGATE_HEADINGS = {
    "delegate.name": "Name",
    "delegate.user.email": "Email",
    "delegate.organisation": "Organisation",
    "delegate.role": "Role",
    "delegate.town": "Town",
}


def delegate_columns(get_url=None) -> list:
    """Name (optionally linked), organisation and town of the row's delegate."""
    name = (
        TitleColumn("delegate", label="Delegate", accessor=lambda row: row.delegate.name, get_url=get_url)
        if get_url
        else Column("delegate", label="Delegate", accessor=lambda row: row.delegate.name)
    )
    return [
        name,
        Column("organisation", label="Organisation", accessor=lambda row: row.delegate.organisation),
        Column("town", label="Town", accessor=lambda row: row.delegate.town),
    ]


class StreamFilterSet(WagtailFilterSet):
    conference = IdChoiceFilter(queryset=ConferencePage.objects.order_by("start_date"), empty_label="All conferences")

    class Meta:
        model = Stream
        fields = ["conference"]


class ThemeFilterSet(WagtailFilterSet):
    conference = IdChoiceFilter(queryset=ConferencePage.objects.order_by("start_date"), empty_label="All conferences")

    class Meta:
        model = Theme
        fields = ["conference"]


class DelegateFilters(WagtailFilterSet):
    organisation = django_filters.CharFilter(field_name="delegate__organisation", lookup_expr="icontains")
    town = django_filters.CharFilter(field_name="delegate__home_place__name", lookup_expr="icontains", label="Town")


class BookingFilterSet(DelegateFilters):
    event = IdChoiceFilter(
        label="Meetup", queryset=RegionalEventPage.objects.order_by("start"), empty_label="All meetups"
    )
    status = django_filters.ChoiceFilter(choices=BookingStatus.choices, empty_label="Any status")

    class Meta:
        model = Booking
        fields = ["event", "status", "organisation", "town"]


class RegistrationFilterSet(DelegateFilters):
    conference = IdChoiceFilter(queryset=ConferencePage.objects.order_by("start_date"), empty_label="All conferences")

    class Meta:
        model = Registration
        fields = ["conference", "organisation", "town"]


class BookingsReportView(DelegateDataReport):
    """Every booking, waiting list in order (oldest first), filterable and exportable as CSV."""

    permission_policy = ModelPermissionPolicy(Booking)
    page_title = "Meetup bookings"
    header_icon = "group"
    filterset_class = BookingFilterSet
    index_url_name = "planner_bookings"
    index_results_url_name = "planner_bookings_results"
    list_export = [
        *DELEGATE_EXPORT,
        "event.title",
        "status",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "cancel_reason",
    ]
    export_headings = {
        **DELEGATE_HEADINGS,
        "event.title": "Meetup",
        "status": "Status",
        "created_at": "Booked at",
        "confirmed_at": "Confirmed at",
        "cancelled_at": "Cancelled at",
        "cancel_reason": "Cancellation reason",
    }
    columns = [
        *delegate_columns(get_url=lambda booking: reverse("planner_booking_manage", args=[booking.pk])),
        Column("event", label="Meetup", accessor=lambda booking: booking.event.title),
        Column("status", label="Status", accessor=lambda booking: booking.get_status_display()),
        Column("position", label="Queue", accessor=lambda booking: getattr(booking, "position", "") or ""),
        Column("created_at", label="Booked", accessor=lambda booking: f"{booking.created_at:%d %b %Y %H:%M}"),
    ]

    def get_filename(self):
        return f"relay-bookings-{datetime.date.today():%Y-%m-%d}"

    def get_queryset(self):
        return Booking.objects.select_related("delegate__user", "delegate__home_place", "event").order_by(
            "event__start", "event_id", "id"
        )

    def decorate_paginated_queryset(self, object_list):
        bookings = list(object_list)
        positions = waitlist_positions(bookings)
        for booking in bookings:
            booking.position = positions.get(booking.pk)
        return bookings


class RegistrationsReportView(DelegateDataReport):
    """Everyone registered to attend a conference online, filterable and exportable."""

    permission_policy = ModelPermissionPolicy(Registration)
    page_title = "Online registrations"
    header_icon = "user"
    filterset_class = RegistrationFilterSet
    index_url_name = "planner_registrations"
    index_results_url_name = "planner_registrations_results"
    list_export = [*DELEGATE_EXPORT, "conference.title", "attendance_mode", "created_at"]
    export_headings = {
        **DELEGATE_HEADINGS,
        "conference.title": "Conference",
        "attendance_mode": "Attending",
        "created_at": "Registered at",
    }
    columns = [
        *delegate_columns(),
        Column("conference", label="Conference", accessor=lambda row: row.conference.title),
        Column("created_at", label="Registered", accessor=lambda row: f"{row.created_at:%d %b %Y %H:%M}"),
    ]

    def get_filename(self):
        return f"relay-registrations-{datetime.date.today():%Y-%m-%d}"

    def get_queryset(self):
        return Registration.objects.select_related("delegate__user", "delegate__home_place", "conference").order_by(
            "conference_id", "id"
        )


class ReportedContributionsView(ReportView):
    """Contributions delegates reported that no moderator has dealt with yet, most reported
    first. Hiding one, or marking it a finding, resolves its reports."""

    permission_policy = ModelPermissionPolicy(Contribution)
    permission_required = "moderate"
    page_title = "Reported posts"
    header_icon = "warning"
    index_url_name = "planner_reported"
    index_results_url_name = "planner_reported_results"
    list_export = []
    columns = [
        TitleColumn(
            "excerpt",
            label="Contribution",
            accessor=lambda c: Truncator(plain_text(c.body_html) or "(deleted)").chars(90),
            get_url=lambda c: contribution_path(c),
        ),
        Column("session", label="Session", accessor=lambda c: c.session.title),
        Column("reports", label="Reports", accessor=lambda c: c.open_reports),
        Column("reason", label="Latest reason", accessor=lambda c: Truncator(c.latest_reason or "").chars(80)),
        Column("hidden", label="Status", accessor=lambda c: "Hidden" if c.hidden_at else "Shown"),
    ]

    def get_queryset(self):
        open_reports = Report.objects.filter(contribution=OuterRef("pk"), resolved_at__isnull=True)
        return (
            # Exists, not a filter across the join: that is a LEFT JOIN on which a contribution
            # with no report at all also has a NULL resolved_at.
            Contribution.objects.filter(Exists(open_reports))
            .select_related("session")
            .annotate(
                open_reports=Subquery(open_reports.values("contribution").annotate(n=Count("id")).values("n")[:1]),
                latest_reason=Subquery(open_reports.order_by("-created_at").values("reason")[:1]),
            )
            .order_by("-open_reports", "-id")
        )


class ManageBookingForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("promote", "Promote from the waiting list"), ("cancel", "Cancel this booking")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        max_length=300, help_text="Recorded with the booking and shown in the export.", required=True
    )


@user_passes_test(
    lambda user: user.is_active and user.has_perm("planner.change_booking"), login_url="wagtailadmin_login"
)
def manage_booking(request, booking_id: int):
    """Promote or cancel one booking, with a reason, through the booking service."""
    booking = get_object_or_404(Booking.objects.select_related("delegate__user", "event"), pk=booking_id)
    form = ManageBookingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["action"] == "promote":
                promote_booking(booking=booking)
                messages.success(request, f"{booking.delegate.name} now has a confirmed place.")
            else:
                cancel_booking(booking=booking, reason=form.cleaned_data["reason"])
                messages.success(request, f"{booking.delegate.name}'s booking is cancelled.")
            return redirect(f"{reverse('planner_bookings')}?event={booking.event_id}")
        except BookingRefused as refusal:
            form.add_error("action", str(refusal))
    position = waitlist_positions([booking]).get(booking.pk)
    return TemplateResponse(
        request,
        "planner/admin/manage_booking.html",
        {"booking": booking, "form": form, "position": position, "page_title": "Manage booking"},
    )


class GeographyForm(forms.Form):
    k = forms.IntegerField(
        min_value=1, max_value=12, initial=5, label="How many meetups?", help_text="Between 1 and 12."
    )


@user_passes_test(
    lambda user: user.is_active and user.has_perm("planner.view_registration"), login_url="wagtailadmin_login"
)
def geography(request):
    """Where delegates are, which meetup is nearest each, where k meetups would best go, and
    the travel and carbon of one central venue vs regional meetups vs online only."""
    from django.core.cache import cache

    from planner.queries.programme import delegate_towns, meetup_sites
    from venues import geography as geo

    form = GeographyForm(request.GET or {"k": 5})
    k = form.cleaned_data["k"] if form.is_valid() else 5
    towns = delegate_towns()
    sites = meetup_sites()
    placed = sum(t.delegates for t in towns)
    # Keys must be safe for every cache backend: the inputs are hashed, not spelled out.
    inputs = f"{placed}:{len(towns)}:{[s.key for s in sites]}:{k}"
    key = f"relay:geography:{hashlib.sha256(inputs.encode()).hexdigest()[:32]}"
    suggestion = cache.get(key)
    if suggestion is None:
        suggestion = geo.suggest_sites(towns, k)
        cache.set(key, suggestion, 600)
    suggested_sites = [geo.Site(t.key, t.name, t.latitude, t.longitude) for t in suggestion]
    central = geo.suggest_sites(towns, 1)
    regions: dict[str, int] = {}
    for town in towns:
        regions[town.region] = regions.get(town.region, 0) + town.delegates
    from venues.models import REGION_NAMES

    context = {
        "form": form,
        "k": k,
        "placed": placed,
        "unplaced": Delegate.objects.filter(home_place__isnull=True).count(),
        "regions": sorted(((REGION_NAMES.get(r, r), n) for r, n in regions.items()), key=lambda pair: -pair[1]),
        "top_towns": towns[:15],
        "current": geo.catchments(towns, sites),
        "suggested": geo.catchments(towns, suggested_sites),
        "scenarios": geo.travel_scenarios(
            towns,
            central=geo.Site(central[0].key, central[0].name, central[0].latitude, central[0].longitude)
            if central
            else None,
            regional=sites,
        ),
        "factor": geo.KG_CO2E_PER_KM,
        "source": geo.EMISSION_SOURCE,
        "page_title": "Delegate geography",
    }
    return TemplateResponse(request, "planner/admin/geography.html", context)


def meetup_dashboard(request, event_id: int):
    """One meetup at a glance for its planner (or, read-only, its facilitators): who is booked
    and waiting, their towns, the threads they were active in, open questions and findings in
    the sessions it continues, which sessions its people care about most, and the discussion
    tables (lock, adjust). Anyone else gets a 404: not even the meetup's existence leaks."""
    from planner.queries import carry_forward as cf
    from planner.rules import roles
    from planner.services.carry_forward import TablesRefused, lock_tables, move_to_table, unlock_tables
    from planner.services.facilitation import name_facilitator, remove_facilitator

    event = get_object_or_404(RegionalEventPage.objects.select_related("venue"), pk=event_id)
    if not roles.can_see_meetup_people(request.user, event):
        raise Http404("No such meetup among yours.")
    can_change = request.user.has_perm("planner.change_booking")
    if request.method == "POST":
        if not can_change:
            messages.error(request, "Only planners who can change bookings can change the tables.")
            return redirect("planner_meetup_dashboard", event_id=event.pk)
        action, size = request.POST.get("action"), parse_id(request.POST.get("size")) or 6
        try:
            if action == "lock":
                lock_tables(event=event, size=size, by=request.user)
                messages.success(request, "Tables locked: new bookings no longer reshuffle them.")
            elif action == "unlock":
                unlock_tables(event=event, size=size)
                messages.success(request, "Tables unlocked: they follow the bookings again.")
            elif action == "generate":
                from planner.services.packs import start_pack_run

                run = start_pack_run(event=event, by=request.user)
                messages.success(request, f"Making {run.files.count()} packs in the background.")
            elif action == "move":
                delegate_id, table = parse_id(request.POST.get("delegate")), parse_id(request.POST.get("table"))
                move_to_table(event=event, delegate_id=delegate_id or 0, table_number=table or 0)
                messages.success(request, f"Moved to table {table}.")
            elif action == "add_facilitator":
                facilitation = name_facilitator(event=event, email=request.POST.get("email", ""))
                messages.success(request, f"{facilitation.user.email} now facilitates this meetup.")
            elif action == "remove_facilitator":
                remove_facilitator(event=event, user_id=parse_id(request.POST.get("user")) or 0)
                messages.success(request, "Removed: they no longer see this meetup's people.")
            else:
                messages.error(request, "Choose lock, unlock or move.")
        except (TablesRefused, ValidationError) as refusal:
            messages.error(request, " ".join(getattr(refusal, "messages", [str(refusal)])))
        return redirect("planner_meetup_dashboard", event_id=event.pk)

    bookings = list(
        Booking.objects.filter(event=event, status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITLISTED])
        .select_related("delegate__home_place")
        .order_by("status", "id")
    )
    people = [b.delegate_id for b in bookings]
    confirmed = [b.delegate_id for b in bookings if b.status == BookingStatus.CONFIRMED]
    sessions = cf.continued_sessions(event)
    activity = cf.threads_of(people, session_ids=[s.pk for s in sessions] or None)
    for booking in bookings:
        booking.thread_count = len(activity.get(booking.delegate_id, ()))
    thread_people: dict[int, int] = {}
    for threads in activity.values():
        for thread in threads:
            thread_people[thread] = thread_people.get(thread, 0) + 1
    busiest = sorted(thread_people, key=lambda t: (-thread_people[t], t))[:10]
    threads = {c.pk: c for c in Contribution.objects.filter(pk__in=busiest).select_related("session", "author")}
    size = parse_id(request.GET.get("size"))
    tables, saved = cf.meetup_tables(event, size=size, booked=confirmed)
    names = {b.delegate_id: b.delegate.name for b in bookings}
    seated = {pk for t in tables for pk in t.members}
    towns: dict[str, int] = {}
    for booking in bookings:
        towns[booking.delegate.town or "Unknown"] = towns.get(booking.delegate.town or "Unknown", 0) + 1
    context = {
        "event": event,
        "bookings": bookings,
        "confirmed_count": len(confirmed),
        "attended_count": sum(1 for b in bookings if b.attended_at),
        "waiting_count": len(bookings) - len(confirmed),
        "towns": sorted(towns.items(), key=lambda pair: (-pair[1], pair[0]))[:12],
        "busiest": [(threads[t], thread_people[t]) for t in busiest if t in threads],
        "digests": cf.left_off(event, viewer=None, sessions=sessions),
        "suggestions": cf.session_suggestions(event, booked=people),
        "tables": [(t, [names.get(pk, "?") for pk in t.members]) for t in tables],
        "saved": saved,
        "size": size or (saved.table_size if saved else 6),
        "unseated": [(pk, names[pk]) for pk in confirmed if pk not in seated],
        "can_change": can_change,
        "is_planner": roles.sees_every_meetup(request.user),
        "facilitators": list(event.facilitations.select_related("user").order_by("user__email")),
        "pack_run": pack_run_progress(event),
        "page_title": f"Dashboard: {event.title}",
    }
    return TemplateResponse(request, "planner/admin/meetup_dashboard.html", context)


def pack_run_progress(event):
    """The meetup's latest pack run with its counts (done, failed, of all), or None."""
    from django.db.models import Count, Q

    from planner.models import PackRun, PackStatus

    run = (
        PackRun.objects.filter(event=event)
        .annotate(
            total=Count("files"),
            done=Count("files", filter=Q(files__status=PackStatus.DONE)),
            failed=Count("files", filter=Q(files__status=PackStatus.FAILED)),
        )
        .first()
    )
    return run


def my_meetups(request):
    """A facilitator's meetups, each with its dashboard and badge sheet; planners see all."""
    from planner.models import Facilitation
    from planner.rules import roles

    meetups = RegionalEventPage.objects.select_related("venue").order_by("start")
    if not roles.sees_every_meetup(request.user):
        mine = Facilitation.objects.filter(user_id=request.user.pk).values("event_id")
        meetups = meetups.filter(pk__in=mine)
    return TemplateResponse(
        request, "planner/admin/my_meetups.html", {"page_title": "My meetups", "meetups": list(meetups)}
    )
