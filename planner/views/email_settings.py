"""The one-click way out of Relay's optional emails, from the link and the List-Unsubscribe
header every email carries. No sign-in: the signed token in the address is the proof."""

from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from planner.models import Delegate
from planner.services.accounts import turn_off_optional_emails
from planner.services.letters import delegate_from_emails_off_token


@csrf_exempt  # mail clients' one-click POST (RFC 8058) carries no CSRF token; the signed token is the proof
def emails_off(request, token: str):
    """GET asks (a mail scanner that follows the link changes nothing); POST turns off the
    reminders and digests. A forged or mangled link gets a clear page."""
    delegate_id = delegate_from_emails_off_token(token)
    delegate = Delegate.objects.select_related("user").filter(pk=delegate_id).first() if delegate_id else None
    if delegate is None:
        return render(request, "account/emails_off.html", {"problem": True}, status=404)
    done = False
    if request.method == "POST":
        turn_off_optional_emails(delegate=delegate)
        done = True
    return render(request, "account/emails_off.html", {"delegate": delegate, "done": done})
