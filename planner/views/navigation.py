"""Where a form sends the person back to once it is done."""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request) -> str:
    """The form's ``next`` address when it is a path on this site, else "" (a bare word, an
    absolute or scheme-relative URL and anything else are ignored)."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


def back_to(request, fallback: str):
    """Redirect to the form's ``next`` path when it is safe, else to ``fallback``."""
    return redirect(safe_next(request) or fallback)
