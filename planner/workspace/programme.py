"""The planner's workspace in the Wagtail admin: a conference's whole programme as a grid
with its problems, moving a session, and cancelling or reinstating a session or meetup."""

import hashlib
from datetime import date, datetime
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from cms.caching import cached
from planner import timefmt
from planner.converters import parse_id
from planner.models import ConferencePage, RegionalEventPage, SessionPage, Stream
from planner.queries.planning import programme_view, session_status
from planner.services.cancellations import affected_delegate_ids, cancel_page, reinstate_page
from planner.services.programme import move_session


def editable(page: Page, user) -> None:
    """Stop unless ``user`` may edit ``page`` in the admin (Wagtail's page permissions)."""
    if not page.permissions_for_user(user).can_edit():
        raise PermissionDenied


def url_pattern(name: str) -> str:
    """The admin URL ``name`` for any page id, as a format string ("/admin/pages/{}/edit/")."""
    placeholder = 987654321
    return reverse(name, args=[placeholder]).replace(str(placeholder), "{}")


def programme(request, conference_id: int):
    """The whole programme of a conference: grid, counts, filters and problems. Its body is
    the same for every planner, so it is drawn once per content version and address (any
    edit, move, publication or cancellation retires it: ``cms.caching``)."""
    conference = get_object_or_404(ConferencePage, pk=conference_id)
    editable(conference, request.user)
    full_path = request.get_full_path()
    today = timezone.localdate(timezone=conference.zone)  # a long programme opens on today
    key = f"programme-view:{conference.pk}:{today}:{hashlib.sha256(full_path.encode()).hexdigest()[:32]}"
    body = cached(
        key, lambda: render_to_string("planner/workspace/programme_body.html", body_context(request, conference))
    )
    return TemplateResponse(
        request,
        "planner/workspace/programme.html",
        {"page_title": f"Programme: {conference.title}", "body": body},
    )


def body_context(request, conference: ConferencePage) -> dict:
    """The programme view's grid, problems and filters for the address asked for."""
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = None
    view = programme_view(
        conference,
        day=day if day in conference.days else None,
        stream=request.GET.get("stream", ""),
        speaker=parse_id(request.GET.get("speaker")),
        all_days=request.GET.get("day") == "all",
    )
    # Three links for each of 900 sessions: reversed once each, not 2,700 times.
    links = {
        name: url_pattern(name) for name in ("wagtailadmin_pages:edit", "planner_move_session", "planner_cancel_page")
    }
    for page in [*view.sessions, *view.meetups]:
        page.edit_url, page.move_url, page.cancel_url = (pattern.format(page.pk) for pattern in links.values())
    return {"view": view, "days": conference.days, "back": quote(request.get_full_path(), safe="")}


class MoveForm(forms.Form):
    day = forms.TypedChoiceField(coerce=date.fromisoformat)
    start = forms.TimeField(label="Starts", widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label="Ends", widget=forms.TimeInput(attrs={"type": "time"}))
    stream = forms.ModelChoiceField(queryset=Stream.objects.none(), empty_label=None)

    def __init__(self, *args, conference: ConferencePage, **kwargs):
        super().__init__(*args, **kwargs)
        self.conference = conference
        self.fields["day"].choices = [(d.isoformat(), timefmt.long_date(d)) for d in conference.days]
        self.fields["stream"].queryset = conference.streams.all()
        self.fields["start"].help_text = f"Local time in {conference.zone.key}."

    def clean(self):
        cleaned = super().clean()
        if {"day", "start", "end"} <= cleaned.keys():
            zone = self.conference.zone
            cleaned["start_at"] = datetime.combine(cleaned["day"], cleaned["start"], tzinfo=zone)
            cleaned["end_at"] = datetime.combine(cleaned["day"], cleaned["end"], tzinfo=zone)
        return cleaned


def move(request, session_id: int):
    """Move one session to a new day, time or stream; refused the same way the form would."""
    session = get_object_or_404(SessionPage.objects.select_related("stream"), pk=session_id)
    editable(session, request.user)
    conference = session.get_parent().specific
    zone = conference.zone
    local_start, local_end = session.start.astimezone(zone), session.end.astimezone(zone)
    initial = {"day": local_start.date().isoformat(), "start": local_start.time(), "end": local_end.time()}
    form = MoveForm(request.POST or None, conference=conference, initial={**initial, "stream": session.stream_id})
    back = request.POST.get("next") or request.GET.get("next") or reverse("planner_programme", args=[conference.pk])
    if not back.startswith("/admin/"):
        back = reverse("planner_programme", args=[conference.pk])
    if request.method == "POST" and form.is_valid():
        try:
            result = move_session(
                session=session,
                start=form.cleaned_data["start_at"],
                end=form.cleaned_data["end_at"],
                stream=form.cleaned_data["stream"],
                by=request.user,
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            if result.published:
                messages.success(request, f"Moved “{session.title}” and published it: feeds show the new time.")
            else:
                messages.warning(
                    request,
                    f"Moved “{session.title}” in a new draft, beside its unpublished edits. "
                    f"Publish it from the editor when ready.",
                )
            return redirect(back)
    return TemplateResponse(
        request,
        "planner/workspace/move_session.html",
        {"page_title": f"Move “{session.title}”", "session": session, "form": form, "next": back},
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Shown on the page and in calendars, and emailed to the delegates affected.",
    )


def cancel(request, page_id: int):
    """Cancel a session or meetup (with a reason, telling those affected), or reinstate it."""
    page = get_object_or_404(Page, pk=page_id).specific
    if not isinstance(page, SessionPage | RegionalEventPage):
        raise PermissionDenied
    if not page.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    conference = page.get_parent()
    back = reverse("planner_programme", args=[conference.pk])
    form = CancelForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "reinstate":
        if reinstate_page(page=page):
            messages.success(request, f"“{page.title}” is back on: pages and feeds show it as going ahead.")
        return redirect(back)
    affected = len(affected_delegate_ids(page))
    if request.method == "POST" and page.called_off:
        messages.info(request, f"“{page.title}” was already cancelled; nobody was emailed again.")
        return redirect(back)
    if request.method == "POST" and form.is_valid():
        cancel_page(page=page, reason=form.cleaned_data["reason"], by=request.user)
        messages.success(
            request, f"“{page.title}” is cancelled. {affected} delegate{'s' if affected != 1 else ''} will be emailed."
        )
        return redirect(back)
    return TemplateResponse(
        request,
        "planner/workspace/cancel_page.html",
        {
            "page_title": f"Cancel “{page.title}”",
            "page": page,
            "form": form,
            "status": session_status(page),
            "affected": affected,
            "meetup": isinstance(page, RegionalEventPage),
        },
    )
