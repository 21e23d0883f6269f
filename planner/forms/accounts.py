"""Forms delegates fill in: sign-up, log-in, profile. Messages say what to fix."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from planner.converters import parse_id
from planner.models import Stream, Visibility
from planner.services.queue import enqueue_after_commit
from venues.postcodes import looks_like_postcode, parse_postcode
from venues.timezones import time_zone_choices


class SignUpForm(forms.Form):
    name = forms.CharField(max_length=200, label="Full name", help_text="As you would like it on your badge.")
    email = forms.EmailField(label="Email address", max_length=150, help_text="We will send a link to confirm it.")
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters; not a common password or only numbers.",
    )

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class EmailLoginForm(AuthenticationForm):
    """Django's log-in form with the email address as the user name, compared without case."""

    username = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    error_messages = {
        "invalid_login": "The email address or password is not right. If you have just signed up, "
        "confirm your email address first using the link we sent.",
        "inactive": "Confirm your email address first, using the link we sent you.",
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class QueuedPasswordResetForm(PasswordResetForm):
    """Password reset that queues the email (built from the user's id in the worker)."""

    def save(self, *args, **kwargs):
        for user in self.get_users(self.cleaned_data["email"]):
            enqueue_after_commit("planner.tasks.send_password_reset", user.pk)


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice that refuses an implausible id (too large for the database, say) as an
    invalid choice, as Django refuses a missing one, instead of failing in the query."""

    def _check_values(self, value):
        for item in value or []:
            if parse_id(item) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                )
        return super()._check_values(value)


class ProfileForm(forms.Form):
    name = forms.CharField(max_length=200, label="Full name")
    organisation = forms.CharField(max_length=200, required=False, help_text="For example, Leeds City Council.")
    role = forms.CharField(max_length=200, required=False, label="Job title")
    home_town = forms.CharField(
        max_length=200,
        required=False,
        label="Home town or postcode",
        help_text="Your nearest town or city, or your postcode. We use it only to suggest regional meetups near "
        "you; it is matched to a town roughly, never to your address, and of a postcode we keep only the first "
        "half (LS1 of LS1 4AP).",
    )
    interests = IdsChoiceField(
        queryset=Stream.objects.select_related("conference").order_by("conference", "sort_order"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Streams you are interested in",
    )
    visibility = forms.ChoiceField(
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        label="Who can see your profile",
        help_text="Your email address is never shown in the directory.",
    )
    time_zone = forms.ChoiceField(choices=time_zone_choices, label="Show times in", initial="Europe/London")
    email_digest = forms.BooleanField(
        required=False,
        label="Email me a digest of replies to me, answers to my questions and requests to connect",
    )
    email_reminders = forms.BooleanField(
        required=False,
        label="Email me reminders a week and a day before a meetup I booked, and an hour before each session I starred",
    )

    def clean_home_town(self):
        """A postcode must be a real UK postcode's shape; a town is taken as typed."""
        text = " ".join(self.cleaned_data["home_town"].split())
        if looks_like_postcode(text) and parse_postcode(text) is None:
            raise forms.ValidationError(
                "“%(text)s” is not a UK postcode. Give it like LS1 4AP, just its first half (LS1), or your town.",
                params={"text": text},
            )
        return text


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand this deletes my account, profile, bookings, programme and connections, and cannot be "
        "undone. My contributions to discussions stay, without my name."
    )
