"""Where a form sends the person back to once it is done, or tells them to wait."""

from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme


def safe_path(request, target: str) -> str:
    """``target`` when it is a path on this site, else "" (a bare word, an absolute or
    scheme-relative URL and anything else are ignored)."""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


def safe_next(request) -> str:
    """The form's ``next`` address when it is a path on this site, else ""."""
    return safe_path(request, request.POST.get("next", ""))


def back_to(request, fallback: str):
    """Redirect to the form's ``next`` path when it is safe, else to ``fallback``."""
    return redirect(safe_next(request) or fallback)


def too_many(request, reason: str, retry_after: int, *, body: str = ""):
    """The 429 page: what the limit is, when to try again, and the words typed, kept."""
    response = render(
        request, "discussion/limited.html", {"reason": reason, "body": body, "next": safe_next(request)}, status=429
    )
    response["Retry-After"] = str(retry_after)
    return response
