"""A meetup's dashboard in the admin, and one view per thing a planner does there: lock,
unlock or adjust the tables, make the packs, name or remove a facilitator.

Planners see and change every meetup; a meetup's facilitators see theirs, read-only; anyone
else gets a 404, so not even a meetup's existence leaks."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST, require_safe

from cms.caching import cached
from planner import timefmt
from planner.converters import parse_id
from planner.downloads import pdf_response
from planner.models import RegionalEventPage
from planner.packs.briefing import render_briefing
from planner.queries.briefing import table_briefings
from planner.queries.meetups import (
    ACTIVITY_CACHE_SECONDS,
    DEFAULT_TABLE_SIZE,
    facilitators,
    meetup_activity,
    meetup_overview,
    meetups_for,
    pack_run_progress,
)
from planner.queries.people import viewer_delegate
from planner.rules import roles
from planner.services.carry_forward import TablesRefused, lock_tables, move_to_table, unlock_tables
from planner.services.facilitation import name_facilitator, remove_facilitator
from planner.services.packs import start_pack_run

CHANGE_PERMISSION = "planner.change_booking"


def visible_meetup(request, event_id: int) -> RegionalEventPage:
    """The meetup, if the user may see its people; a 404 otherwise."""
    event = get_object_or_404(RegionalEventPage.objects.select_related("venue"), pk=event_id)
    if not roles.can_see_meetup_people(request.user, event):
        raise Http404("No such meetup among yours.")
    return event


@require_safe
def meetup_dashboard(request, event_id: int):
    """One meetup at a glance for its planner (or, read-only, its facilitators): who is booked
    and waiting, their towns, the threads they were active in, open questions and findings in
    the sessions it continues, which sessions its people care about most, and the discussion
    tables."""
    event = visible_meetup(request, event_id)
    overview = meetup_overview(event, size=parse_id(request.GET.get("size")), people_page=request.GET.get("people", 1))
    context = {
        "event": event,
        "people": overview.people,
        "people_page": overview.people_page,
        "confirmed_count": len(overview.confirmed),
        "attended_count": overview.attended_count,
        "waiting_count": overview.waiting_count,
        "towns": overview.towns,
        # The same for everyone who may see it, so drawn once a minute at most (and again
        # when the bookings or the discussions change).
        "activity": cached(
            f"meetup-activity-html:{overview.activity_key}",
            lambda: render_to_string("planner/workspace/meetup_activity.html", vars(meetup_activity(event, overview))),
            timeout=ACTIVITY_CACHE_SECONDS,
        ),
        "tables": overview.tables,
        "saved": overview.saved,
        "size": overview.size,
        "unseated": overview.unseated,
        "can_change": request.user.has_perm(CHANGE_PERMISSION),
        "is_planner": roles.sees_every_meetup(request.user),
        "facilitators": facilitators(event),
        "pack_run": pack_run_progress(event),
        "page_title": f"Dashboard: {event.title}",
    }
    return TemplateResponse(request, "planner/workspace/meetup_dashboard.html", context)


def meetup_action(view):
    """A change to one meetup, posted from its dashboard: only by planners who may change
    bookings; a refusal is shown as a message; the planner always returns to the dashboard."""

    @require_POST
    @wraps(view)
    def wrapper(request, event_id: int):
        event = visible_meetup(request, event_id)
        if not request.user.has_perm(CHANGE_PERMISSION):
            messages.error(request, "Only planners who can change bookings can change the tables.")
        else:
            try:
                messages.success(request, view(request, event))
            except (TablesRefused, ValidationError) as refusal:
                messages.error(request, " ".join(getattr(refusal, "messages", [str(refusal)])))
        return redirect("planner_meetup_dashboard", event_id=event.pk)

    return wrapper


def posted_size(request) -> int:
    """The table size the dashboard posted, or the usual six."""
    return parse_id(request.POST.get("size")) or DEFAULT_TABLE_SIZE


@meetup_action
def lock(request, event: RegionalEventPage) -> str:
    """Keep the tables as suggested: new bookings no longer reshuffle them."""
    lock_tables(event=event, size=posted_size(request), by=request.user)
    return "Tables locked: new bookings no longer reshuffle them."


@meetup_action
def unlock(request, event: RegionalEventPage) -> str:
    """Let the tables follow the bookings again."""
    unlock_tables(event=event, size=posted_size(request))
    return "Tables unlocked: they follow the bookings again."


@meetup_action
def move(request, event: RegionalEventPage) -> str:
    """Seat one delegate at another locked table."""
    table = parse_id(request.POST.get("table"))
    move_to_table(event=event, delegate_id=parse_id(request.POST.get("delegate")) or 0, table_number=table or 0)
    return f"Moved to table {table}."


@meetup_action
def generate_packs(request, event: RegionalEventPage) -> str:
    """Make a pack for each confirmed delegate, in the background."""
    run = start_pack_run(event=event, by=request.user)
    return f"Making {run.files.count()} packs in the background."


@meetup_action
def add_facilitator(request, event: RegionalEventPage) -> str:
    """Name an account as the meetup's facilitator, by its email."""
    facilitation = name_facilitator(event=event, email=request.POST.get("email", ""))
    return f"{facilitation.user.email} now facilitates this meetup."


@meetup_action
def remove_facilitator_view(request, event: RegionalEventPage) -> str:
    """Stop an account facilitating the meetup."""
    remove_facilitator(event=event, user_id=parse_id(request.POST.get("user")) or 0)
    return "Removed: they no longer see this meetup's people."


def my_meetups(request):
    """A facilitator's meetups, each with its dashboard and badge sheet; planners see all."""
    meetups = meetups_for(request.user, every=roles.sees_every_meetup(request.user))
    context = {"page_title": "My meetups", "meetups": meetups}
    return TemplateResponse(request, "planner/workspace/my_meetups.html", context)


@require_safe
def briefing(request, event_id: int):
    """The facilitators' briefing, a section per table: its thread and first question, what the
    online discussion found and left open, and who sits there, why, and what they wrote."""
    event = visible_meetup(request, event_id)
    context = {
        "event": event,
        "briefings": table_briefings(event, reader=viewer_delegate(request.user)),
        "page_title": f"Facilitators’ briefing: {event.title}",
    }
    return TemplateResponse(request, "planner/workspace/briefing.html", context)


@require_safe
def briefing_pdf(request, event_id: int):
    """The same briefing as printable A4, one table to a page."""
    event = visible_meetup(request, event_id)
    pdf = render_briefing(
        event.title,
        f"{event.venue.town}, {timefmt.when(event.start, event.end, event.zone)}",
        table_briefings(event, reader=viewer_delegate(request.user)),
    )
    return pdf_response(pdf, f"relay-briefing-{event.slug}.pdf")
