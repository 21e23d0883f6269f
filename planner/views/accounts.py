"""Delegate accounts: sign up, confirm, log in and out, reset password, profile, data rights."""

import hashlib
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.http import require_http_methods

from planner.forms.accounts import DeleteAccountForm, EmailLoginForm, ProfileForm, QueuedPasswordResetForm, SignUpForm
from planner.ops.client_address import client_address
from planner.ops.ratelimit import take
from planner.queries.people import viewer_delegate
from planner.services.accounts import (
    ProfileUpdate,
    delete_delegate_account,
    email_verification_token,
    export_delegate_data,
    normalise_email,
    sign_up_delegate,
    update_profile,
    verify_email,
)
from planner.views.navigation import safe_path, too_many

User = get_user_model()
NEXT_PATH_LIMIT = 500  # characters of a ``next`` path carried in an emailed link


def axes_username(request, credentials) -> str:
    """django-axes counts failures per address however it was capitalised; cut to the 255
    characters axes stores (a 10 kB "username" was a database error on PostgreSQL)."""
    return str((credentials or {}).get("username") or "").strip().lower()[:255]


def require_delegate(request):
    """The logged-in user's Delegate, or 404 for accounts that have none (such as planners)."""
    delegate = viewer_delegate(request.user)
    if delegate is None:
        raise Http404("This page is for delegates; planner accounts have no delegate profile.")
    return delegate


@require_http_methods(["GET", "POST"])
def network_asked_too_often(request):
    """A 429 when this client address has asked for too many sign-up or password-reset
    emails, else None (and the request is counted). It counts every request, whatever the
    address asked for, so it says nothing about accounts."""
    limited = take("account-email-from", client_address(request), settings.RELAY_ACCOUNT_EMAIL_LIMITS_PER_CLIENT)
    if limited is None:
        return None
    minutes = max(1, round(limited.retry_after / 60))
    reason = (
        f"Sign-up and password reset emails are limited to {limited.rule} from one network. "
        f"Please try again in about {minutes} minute{'s' if minutes != 1 else ''}."
    )
    return too_many(request, reason, limited.retry_after)


def may_email(address: str) -> bool:
    """Whether one more sign-up or reset email may go to ``address`` (and it is counted).

    When not, the page answers exactly as if it had been sent: the limit stops a flood of
    mail to one person without telling anyone whether that person has an account."""
    key = hashlib.sha256(normalise_email(address).encode()).hexdigest()  # no addresses in the cache
    return take("account-email-to", key, settings.RELAY_ACCOUNT_EMAIL_LIMITS_PER_ADDRESS) is None


def next_path(request) -> str:
    """Where the person was going (``next``, posted or in the address): a path on this site
    short enough to ride in an emailed link, else ""."""
    target = safe_path(request, request.POST.get("next") or request.GET.get("next", ""))
    return target if len(target) <= NEXT_PATH_LIMIT else ""


@require_http_methods(["GET", "POST"])
def sign_up(request):
    """Sign-up form; known and unknown addresses get the same ‘check your email’ answer. A
    ``next`` path rides in the confirmation link, so confirming returns the newcomer there."""
    going_to = next_path(request)
    if request.user.is_authenticated:
        return redirect(going_to or "account:my_programme")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if limited := network_asked_too_often(request):
            return limited
        if may_email(form.cleaned_data["email"]):
            sign_up_delegate(**form.cleaned_data, next_path=going_to)
        return render(request, "account/check_email.html", {"email": form.cleaned_data["email"], "next": going_to})
    return render(request, "account/signup.html", {"form": form, "next": going_to})


def user_to_confirm(uidb64: str, token: str):
    """The inactive user a confirmation link was made for, or None when the link is forged,
    mangled, stale or spent."""
    try:
        user = User.objects.get(pk=int(urlsafe_base64_decode(uidb64).decode()))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    if user.is_active or not email_verification_token.check_token(user, token):
        return None
    return user


@require_http_methods(["GET", "POST"])
def confirm_email(request, uidb64: str, token: str):
    """The emailed link: GET shows a "Confirm my email address" button and changes nothing
    (mail scanners open links before people do); its POST activates the account, logs the
    delegate in and returns them to where they were going (else to their profile)."""
    user, going_to = user_to_confirm(uidb64, token), next_path(request)
    if user is None:
        return render(request, "account/confirm_failed.html", {"next": going_to}, status=400)
    if request.method == "GET":
        return render(request, "account/confirm_email.html", {"email": user.email, "next": going_to})
    verify_email(user=user)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if going_to:
        messages.success(request, "Your email address is confirmed. Welcome to Relay!")
        return redirect(going_to)
    messages.success(request, "Your email address is confirmed. Welcome! Tell people a little about yourself.")
    return redirect("account:profile")


class LoginView(auth_views.LoginView):
    form_class = EmailLoginForm
    template_name = "account/login.html"
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "account/password_reset.html"
    success_url = reverse_lazy("account:password_reset_done")

    def form_valid(self, form):
        """Queue the reset email unless this network or address asked too often."""
        if limited := network_asked_too_often(self.request):
            return limited
        if may_email(form.cleaned_data["email"]):
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "account/password_reset_confirm.html"
    success_url = reverse_lazy("account:password_reset_complete")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """Edit one's own profile, including who can see it."""
    delegate = require_delegate(request)
    initial = {
        "name": delegate.name,
        "organisation": delegate.organisation,
        "role": delegate.role,
        "home_town": delegate.home_town,
        "interests": delegate.interests.all(),
        "visibility": delegate.visibility,
        "time_zone": delegate.time_zone,
        "email_digest": delegate.email_digest,
        "email_reminders": delegate.email_reminders,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        delegate = update_profile(delegate=delegate, update=ProfileUpdate(**form.cleaned_data))
        if delegate.home_town and delegate.home_place is None:
            messages.warning(
                request,
                f"We could not match “{delegate.home_town}” to a town, so we cannot suggest meetups near you. "
                "Try the nearest larger town.",
            )
        messages.success(request, "Your profile is saved.")
        return redirect("account:profile")
    return render(request, "account/profile.html", {"form": form, "delegate": delegate})


@login_required
def download_my_data(request):
    """Everything held about the delegate, as a JSON file."""
    delegate = require_delegate(request)
    data = json.dumps(export_delegate_data(delegate=delegate), indent=2, ensure_ascii=False)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="relay-my-data.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    """Erase the account after an explicit confirmation."""
    delegate = require_delegate(request)
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        delete_delegate_account(delegate=delegate)
        messages.success(request, "Your account and everything in it have been deleted.")
        return redirect("/")
    return render(request, "account/delete.html", {"form": form})
