"""Planners' reports of registrations, bookings and reported posts: filtered, exportable
(CSV and XLSX, safe from spreadsheet formulas), each only for those given the model's permission."""

import datetime

from django.db.models import Count, Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

from planner.markup import plain_text
from planner.models import Booking, Contribution, Registration, Report
from planner.programme_files.spreadsheet import spreadsheet_safe
from planner.queries.discussion import contribution_path
from planner.queries.people import waitlist_positions
from planner.workspace.filters import BookingFilterSet, RegistrationFilterSet


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
