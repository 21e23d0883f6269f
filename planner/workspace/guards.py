"""What the page tree may not do to a programme: move a session or meetup to another
conference, or delete a conference with sessions or a meetup with bookings. Each guard
answers a redirect with the reason, or None to let Wagtail go on."""

from django.contrib import messages
from django.shortcuts import redirect
from wagtail.models import Page

from planner.models import Booking, ConferencePage, FindingsReportPage, RegionalEventPage, SessionPage
from planner.models.people import ACTIVE_STATUSES

PINNED_TYPES = (SessionPage, RegionalEventPage, FindingsReportPage)
PINNED_MESSAGE = (
    "“{title}” cannot move to another conference: its stream, carried-forward sessions or cited "
    "findings belong to the one it is in. Create it in the other conference instead."
)


def refuse(request, message: str, page):
    messages.error(request, message)
    return redirect("wagtailadmin_explore", page.get_parent().pk if page.depth > 1 else page.pk)


def keep_sessions_and_meetups_in_their_conference(request, page_to_move, destination):
    """Refuse to move a session or meetup to another conference: its stream and the sessions
    its agenda continues belong to the one it is in, so the move would break the programme."""
    if page_to_move.specific_class in PINNED_TYPES and destination.pk != page_to_move.get_parent().pk:
        return refuse(request, PINNED_MESSAGE.format(title=page_to_move.get_admin_display_title()), page_to_move)
    return None


def keep_copies_in_their_conference(request, page):
    """A copy of a session or meetup must stay in its conference, for the same reason."""
    destination = request.POST.get("new_parent_page") if request.method == "POST" else None
    if page.specific_class in PINNED_TYPES and destination and str(page.get_parent().pk) != destination:
        return refuse(request, PINNED_MESSAGE.format(title=page.get_admin_display_title()), page)
    return None


def deletion_problem(page) -> str | None:
    """Why ``page`` cannot be deleted yet: a conference whose sessions would go with it, or a
    meetup whose delegates still hold places (deleting would drop their bookings silently)."""
    if page.specific_class is ConferencePage:
        count = SessionPage.objects.child_of(page).count()
        if count:
            return (
                f"“{page.get_admin_display_title()}” still has {count} session{'s' if count != 1 else ''}. "
                "Delete them first, so a whole programme is never removed by one click."
            )
    if page.specific_class is RegionalEventPage:
        count = Booking.objects.filter(event_id=page.pk, status__in=ACTIVE_STATUSES).count()
        if count:
            return (
                f"“{page.get_admin_display_title()}” has {count} active booking{'s' if count != 1 else ''}. "
                "Unpublish it to withdraw it (subscribers see it cancelled), or cancel the bookings "
                "under Bookings first; deleting would drop them without telling anyone."
            )
    return None


def keep_programmes_and_bookings(request, page):
    """Refuse to delete a conference with sessions, or a meetup with active bookings."""
    if problem := deletion_problem(page):
        return refuse(request, problem, page)
    return None


def guard_bulk_moves_and_deletes(request, action_type, objects, action):
    """Bulk actions skip the single-page hooks above, so apply the same rules here."""
    for page in objects:
        if not isinstance(page, Page):
            continue
        if action_type == "move" and page.specific_class in PINNED_TYPES:
            return refuse(request, PINNED_MESSAGE.format(title=page.get_admin_display_title()), page)
        if action_type == "delete" and (problem := deletion_problem(page)):
            return refuse(request, problem, page)
    return None
