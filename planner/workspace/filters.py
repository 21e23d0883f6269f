"""Filters for the admin's lists: a conference, a meetup or a status, with an implausible id
treated as an invalid choice rather than a database error."""

import django_filters
from django import forms
from wagtail.admin.filters import WagtailFilterSet

from planner.converters import parse_id
from planner.models import Booking, BookingStatus, ConferencePage, RegionalEventPage, Registration, Stream, Theme


class IdChoiceField(django_filters.fields.ModelChoiceField):
    """A model choice that treats an implausible id as an invalid choice, not a database error."""

    def to_python(self, value):
        if value not in self.empty_values and parse_id(value) is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = IdChoiceField


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
