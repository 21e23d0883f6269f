"""A delegate's ticket for a meetup on their phone: the check-in QR code, the meetup, its
time and venue, their name and table. One small, self-contained response (inline CSS and
SVG, nothing else to fetch), so it opens on a poor signal and keeps working once opened
with none; private, so no shared cache ever holds it."""

import base64
import hashlib
from functools import cache

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from planner.models import RegionalEventPage
from planner.ops.security import STRICT, policy_header
from planner.packs.context import ticket_context
from planner.packs.qr import qr_svg
from planner.views.accounts import require_delegate


@cache
def ticket_css() -> tuple[str, str]:
    """The ticket's style sheet, written into the page, and its hash for the page's policy."""
    css = render_to_string("planner/ticket.css").strip()
    return css, base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()


def ticket_page(request, template: str, context: dict, *, status: int = 200):
    """Render a ticket page with its style inline, allowed by its hash and nothing else."""
    css, digest = ticket_css()
    response = render(request, template, {**context, "css": mark_safe(css)}, status=status)  # noqa: S308  # nosec B308 B703 - our own stylesheet file, no input in it
    policy = {**STRICT, "default-src": "'none'", "style-src": f"'sha256-{digest}'", "img-src": "data:"}
    response[policy_header()] = "; ".join(f"{name} {value}" for name, value in policy.items())
    response["Cache-Control"] = "private"
    return response


@login_required
@require_GET
def ticket(request, event_id: int):
    """The delegate's ticket for a meetup. A waiting place gets its number and no code; no
    booking (never made, cancelled, or a meetup that is not there) gets a 404 that says so
    and links to the meetup, never a hint about anyone else's booking."""
    delegate = require_delegate(request)
    event = RegionalEventPage.objects.live().select_related("venue", "cancellation").filter(pk=event_id).first()
    found = None
    if event is not None:
        found = ticket_context(delegate=delegate, event=event, base_url=request.build_absolute_uri("/")[:-1])
    if found is None:
        return ticket_page(request, "planner/no_ticket.html", {"event": event}, status=404)
    code = ""
    if found.check_in_url:
        code = qr_svg(found.check_in_url, label=f"Check-in code for {found.name} at {found.title}")
    return ticket_page(request, "planner/ticket.html", {"ticket": found, "event": event, "code": code})
