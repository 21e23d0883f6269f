"""A delegate's connections: ask from a contribution or the directory, answer, withdraw,
block; and the page listing them with contact details (shown only once connected) and
people the delegate discussed with."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from planner.converters import parse_id
from planner.models import Connection, Contribution, Delegate
from planner.ops.ratelimit import take
from planner.queries import discussion as reads
from planner.queries.people import visible_delegates
from planner.services.connections import (
    block_delegate,
    request_connection,
    respond_to_connection,
    unblock_delegate,
    withdraw_connection,
)
from planner.services.discussion import DiscussionRefused
from planner.views.accounts import require_delegate
from planner.views.discussion import refused
from planner.views.navigation import back_to, too_many

CONNECTION_REQUEST_LIMITS = [(20, 3600), (100, 86400)]


@login_required
def overview(request):
    """Connections with contact details, requests both ways, suggestions, blocks."""
    viewer = require_delegate(request)
    grouped = reads.my_connections(viewer)
    return render(
        request,
        "discussion/connections.html",
        {
            **grouped,
            "suggestions": reads.people_you_discussed_with(viewer),
            "blocked": reads.my_blocks(viewer),
            "viewer": viewer,
        },
    )


@login_required
@require_POST
def connect(request, delegate_id: int):
    """Ask a delegate the viewer can see to connect."""
    viewer = require_delegate(request)
    other = get_object_or_404(visible_delegates(viewer, among=[delegate_id]), pk=delegate_id)
    via_id = parse_id(request.POST.get("via"))
    via = Contribution.objects.filter(pk=via_id).first() if via_id else None
    limited = take("connect", viewer.pk, CONNECTION_REQUEST_LIMITS)
    if limited is not None:
        reason = f"You can ask {limited.rule} people to connect. Please try again later."
        return too_many(request, reason, limited.retry_after)
    try:
        connection = request_connection(requester=viewer, recipient=other, via=via)
    except DiscussionRefused as refusal:
        return refused(request, refusal)
    if connection.status == "accepted":
        messages.success(request, f"You are connected with {other.name}.")
    else:
        messages.success(request, f"Request sent: {other.name} can accept it from their connections page.")
    return back_to(request, "/my/connections/")


def own_connection(request, connection_id: int) -> tuple[Delegate, Connection]:
    """The viewer and one of their own connections; anyone else's is a 404."""
    viewer = require_delegate(request)
    mine = Connection.objects.filter(Q(requester=viewer) | Q(recipient=viewer)).select_related("requester", "recipient")
    return viewer, get_object_or_404(mine, pk=connection_id)


@login_required
@require_POST
def respond(request, connection_id: int):
    """Accept or decline a request; a declined requester is not told, only not connected."""
    viewer, connection = own_connection(request, connection_id)
    action = request.POST.get("action")
    if action not in {"accept", "decline"}:
        return refused(request, DiscussionRefused("Choose Accept or Decline.", status=400))
    accept = action == "accept"
    try:
        respond_to_connection(connection=connection, responder=viewer, accept=accept)
    except DiscussionRefused as refusal:
        return refused(request, refusal)
    name = connection.requester.name
    messages.success(request, f"You are connected with {name}." if accept else f"You declined {name}’s request.")
    return redirect("discussion:connections")


@login_required
@require_POST
def withdraw(request, connection_id: int):
    """End a connection, or take back a request."""
    viewer, connection = own_connection(request, connection_id)
    other = connection.other(viewer)
    withdraw_connection(connection=connection, by=viewer)
    messages.success(request, f"You are no longer connected with {other.name}.")
    return redirect("discussion:connections")


@login_required
@require_POST
def block(request, delegate_id: int):
    """Block a delegate: no requests from them, no replies from them in your threads."""
    viewer = require_delegate(request)
    other = get_object_or_404(visible_delegates(viewer, among=[delegate_id]), pk=delegate_id)
    try:
        block_delegate(blocker=viewer, blocked=other)
    except DiscussionRefused as refusal:
        return refused(request, refusal)
    messages.success(request, "Blocked. They cannot ask to connect or reply to your threads; they are not told.")
    return redirect("discussion:connections")


@login_required
@require_POST
def unblock(request, delegate_id: int):
    viewer = require_delegate(request)
    unblock_delegate(blocker=viewer, blocked_id=delegate_id)
    messages.success(request, "Unblocked.")
    return redirect("discussion:connections")
