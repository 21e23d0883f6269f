"""Response headers that limit what a page may load: the Content Security Policy and the
Permissions Policy.

The public site runs no inline script and loads nothing from elsewhere, so its policy allows
scripts, styles, fonts and images from our own origin only. The Wagtail admin cannot work
that way yet (its date pickers and inline panels write inline ``<script>`` tags:
wagtail/wagtail#1288), so admin pages, which only signed-in staff reach, also allow inline
scripts and styles; its login page keeps the strict policy."""

from django.conf import settings
from django.http import JsonResponse
from django.template.response import TemplateResponse

from planner.ops.outage import wants_json

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    # Session recordings play in privacy-enhanced players (planner.embeds), nothing else frames.
    "frame-src": "https://www.youtube-nocookie.com https://player.vimeo.com",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
ADMIN = {
    **STRICT,
    "script-src": "'self' 'unsafe-inline'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
}
ADMIN_PREFIXES = ("/admin/", "/django-admin/")
ADMIN_LOGIN_PATHS = ("/admin/login/", "/django-admin/login/")

# Only the "find meetups near me" button asks for the location, and only on our own pages.
PERMISSIONS_POLICY = "camera=(), microphone=(), payment=(), usb=(), geolocation=(self)"


def policy_header() -> str:
    """The header the policy goes in: report-only while ``RELAY_CSP_REPORT_ONLY`` is set."""
    report_only = getattr(settings, "RELAY_CSP_REPORT_ONLY", False)
    return "Content-Security-Policy-Report-Only" if report_only else "Content-Security-Policy"


def policy_for(path: str) -> str:
    """The Content-Security-Policy header value for a request to ``path``."""
    admin = path.startswith(ADMIN_PREFIXES) and not path.startswith(ADMIN_LOGIN_PATHS)
    return "; ".join(f"{name} {value}" for name, value in (ADMIN if admin else STRICT).items())


class SecurityHeadersMiddleware:
    """Adds the Content Security Policy and Permissions Policy to every response that does
    not already carry its own (the ticket sets a tighter one). ``RELAY_CSP_REPORT_ONLY``
    sends the policy as report-only."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = policy_header()

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault(self.header, policy_for(request.path))
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


NUL_MESSAGE = (
    "Your request contained a NUL character (\\0), which no address or form on this site accepts. "
    "Remove it and try again."
)


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")  # what request.POST parses


class RefuseNulMiddleware:
    """Answers 400 to a request whose path, query string or form fields hold a NUL byte.

    No text Relay stores or searches can contain one, and PostgreSQL refuses it outright: a
    search such as ``/delegates/?q=%00`` would otherwise end in a 500 wherever a view (ours or
    Wagtail's) passes a raw parameter to a query. Forms refuse it too, field by field; this
    catches every parameter read without a form, in one place."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.path
            or holds_nul(request.GET)
            or (request.content_type in FORM_TYPES and holds_nul(request.POST))
        ):
            return bad_request(request, NUL_MESSAGE)
        return self.get_response(request)


def holds_nul(data) -> bool:
    """True when any key or value of the QueryDict ``data`` contains a NUL byte."""
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())


def bad_request(request, message: str):
    """A 400 that says what to fix: JSON for API clients, else the short page."""
    if wants_json(request):
        return JsonResponse({"error": message}, status=400)
    return TemplateResponse(request, "400.html", {"reason": message}, status=400).render()
