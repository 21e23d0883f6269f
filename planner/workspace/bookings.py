"""Promote or cancel one booking, with a reason, through the booking service."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import user_passes_test
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from planner.models import Booking
from planner.queries.people import waitlist_positions
from planner.services.bookings import BookingRefused, cancel_booking, promote_booking


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
        "planner/workspace/manage_booking.html",
        {"booking": booking, "form": form, "position": position, "page_title": "Manage booking"},
    )
