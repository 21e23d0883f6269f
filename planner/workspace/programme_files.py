"""Planners' import and export of a conference programme in the Wagtail admin: upload a CSV,
pretalx or Sessionize file, see the dry run row by row, confirm; download the programme, the
import template, and a meetup's delegate list.

Between the dry run and the confirmation the uploaded file waits in the cache under a random
token and its hash, for the user and conference that uploaded it; the confirmation copies it
into an ImportRun and queues it, and the task reads it again and makes the dry run afresh, so
nothing the browser sends back is trusted as a plan. The planner watches the run's page."""

import hashlib
import secrets

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from planner.downloads import file_response
from planner.models import ConferencePage, ImportRun, ImportStatus, RegionalEventPage, SessionFormat
from planner.programme_files.export import ExportFile, delegate_list_csv, programme_csv, template_csv
from planner.programme_files.plan import CREATE, REJECTED, UNCHANGED, UPDATE, ImportPlan, plan_import
from planner.programme_files.readers import (
    CSV_COLUMNS,
    EMPTY,
    MAX_BYTES,
    MAX_ROWS,
    TOO_BIG,
    FileRefused,
    read_programme_file,
)
from planner.rules.roles import can_see_meetup_people
from planner.services.importing import request_import_run

STASH_SECONDS = 30 * 60
EXPIRED = (
    "That dry run is no longer available (they are kept for 30 minutes, and only for the person "
    "who made it). Upload the file again to see a fresh one."
)


def can_import(user, conference: ConferencePage) -> bool:
    """May add and publish sessions under ``conference``, as an import does."""
    permissions = conference.permissions_for_user(user)
    return permissions.can_add_subpage() and permissions.can_publish_subpage()


def can_export(user, conference: ConferencePage) -> bool:
    """May download ``conference``'s programme: it includes drafts, so only for people who work
    on its pages (not, say, a facilitator, whose admin is their own meetups)."""
    permissions = conference.permissions_for_user(user)
    return permissions.can_edit() or permissions.can_add_subpage()


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Programme file",
        help_text="A CSV in the template’s columns, a pretalx schedule.json or a Sessionize ‘All data’ JSON "
        f"export; at most 2 MB and {MAX_ROWS:,} sessions.",
        error_messages={"required": "Choose a file to upload.", "empty": EMPTY},
    )


def stash_key(token: str, digest: str) -> str:
    return f"relay:import:{token}:{digest}"


def stash_upload(*, content: bytes, name: str, user, conference: ConferencePage, plan: ImportPlan) -> dict:
    """Keep an uploaded file for its confirmation; the token and hash the form sends back."""
    token, digest = secrets.token_urlsafe(24), hashlib.sha256(content).hexdigest()
    stash = {
        "content": content,
        "name": name,
        "user": user.pk,
        "conference": conference.pk,
        "fingerprint": plan.fingerprint,
    }
    cache.set(stash_key(token, digest), stash, STASH_SECONDS)
    return {"token": token, "digest": digest}


def stashed_upload(*, token: str, digest: str, user, conference: ConferencePage) -> dict | None:
    """The file this user uploaded to this conference under ``token``, unchanged, or None."""
    if not (token.replace("-", "").replace("_", "").isalnum() and len(token) <= 64 and len(digest) == 64):
        return None
    stash = cache.get(stash_key(token, digest))
    if not stash or stash["user"] != user.pk or stash["conference"] != conference.pk:
        return None
    if hashlib.sha256(stash["content"]).hexdigest() != digest:
        return None
    return stash


def import_programme(request, conference_id: int):
    """Upload a programme file and see the dry run; confirm to apply it."""
    conference = get_object_or_404(ConferencePage, pk=conference_id)
    if not can_import(request.user, conference):
        return refuse(
            request,
            f"You cannot import sessions into {conference.title}: that needs permission to add and publish "
            "pages under it. Ask a site administrator if you should have it.",
        )
    if request.method == "POST" and "token" in request.POST:
        return confirm_import(request, conference)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:  # refused before a byte of it is read
            form.add_error("file", TOO_BIG)
        else:
            content = upload.read()
            try:
                programme = read_programme_file(content, conference=conference)
            except FileRefused as refusal:
                form.add_error("file", str(refusal))
            else:
                plan = plan_import(conference=conference, programme=programme)
                return dry_run(request, plan, name=upload.name, content=content)
    return upload_page(request, conference, form)


def refuse(request, message: str):
    """A 403 that says why (Wagtail would turn PermissionDenied into a redirect to the dashboard)."""
    return TemplateResponse(
        request, "planner/workspace/import_refused.html", {"message": message, "page_title": "Not allowed"}, status=403
    )


def upload_page(request, conference: ConferencePage, form: UploadForm):
    return TemplateResponse(
        request,
        "planner/workspace/import_upload.html",
        {
            "conference": conference,
            "form": form,
            "columns": CSV_COLUMNS,
            "formats": SessionFormat.choices,
            "streams": list(conference.streams.all()),
            "page_title": f"Import a programme into {conference.title}",
        },
    )


def dry_run(request, plan: ImportPlan, *, name: str, content: bytes, error: str = ""):
    """The row-by-row dry run, with a confirm button when there is something to apply."""
    conference = plan.conference
    to_apply = plan.count(CREATE) + plan.count(UPDATE)
    confirm = (
        stash_upload(content=content, name=name, user=request.user, conference=conference, plan=plan)
        if plan.ok and to_apply
        else None
    )
    return TemplateResponse(
        request,
        "planner/workspace/import_dry_run.html",
        {
            "conference": conference,
            "plan": plan,
            "name": name,
            "confirm": confirm,
            "error": error,
            "to_apply": to_apply,
            "counts": {
                "create": plan.count(CREATE),
                "update": plan.count(UPDATE),
                "unchanged": plan.count(UNCHANGED),
                "rejected": plan.count(REJECTED),
            },
            "form": UploadForm(),
            "page_title": f"Import into {conference.title}: dry run",
        },
    )


def confirm_import(request, conference: ConferencePage):
    """Queue the confirmed dry run and show its progress (900 sessions outlast a request)."""
    token, digest = request.POST.get("token", ""), request.POST.get("digest", "")
    stash = stashed_upload(token=token, digest=digest, user=request.user, conference=conference)
    if stash is None:
        messages.error(request, EXPIRED)
        return redirect("planner_import", conference_id=conference.pk)
    run = request_import_run(
        conference=conference,
        user=request.user,
        name=stash["name"],
        content=stash["content"],
        fingerprint=stash["fingerprint"],
    )
    cache.delete(stash_key(token, digest))  # confirmed once: a second click finds it gone
    return redirect("planner_import_run", run_id=run.pk)


def import_run_page(request, run_id: int):
    """How a confirmed import is going; reloads itself (a meta refresh) until it has finished."""
    run = get_object_or_404(ImportRun.objects.select_related("conference"), pk=run_id)
    conference = run.conference
    if not can_import(request.user, conference):
        return refuse(request, f"Only people who may import sessions into {conference.title} can see its imports.")
    return TemplateResponse(
        request,
        "planner/workspace/import_run.html",
        {
            "run": run,
            "conference": conference,
            "summary": import_summary(run) if run.status == ImportStatus.DONE else "",
            "reasons": run.error.splitlines(),
            "page_title": f"Import into {conference.title}",
        },
    )


def import_summary(run: ImportRun) -> str:
    def some(count: int, noun: str) -> str:
        return f"{count} {noun}{'s' if count != 1 else ''}"

    parts = [f"{some(run.added, 'session')} added", f"{run.updated} updated", f"{run.unchanged} unchanged"]
    if run.speakers_added:
        parts.append(f"{some(run.speakers_added, 'speaker')} added")
    return f"Imported {run.name} into {run.conference.title}: {', '.join(parts)}."


def programme_files(request):
    """Each conference, with its export and (where the user may) its import."""
    conferences = list(ConferencePage.objects.order_by("-start_date", "title"))
    return TemplateResponse(
        request,
        "planner/workspace/import_choose.html",
        {
            "conferences": [
                (conference, can_import(request.user, conference), can_export(request.user, conference))
                for conference in conferences
            ],
            "page_title": "Import or export a programme",
        },
    )


def download(export: ExportFile) -> HttpResponse:
    return file_response(export.content, export.filename, content_type=export.content_type)


def export_programme(request, conference_id: int):
    """The conference's programme as CSV, in the import template's columns plus status."""
    conference = get_object_or_404(ConferencePage, pk=conference_id)
    if not can_export(request.user, conference):
        return refuse(request, f"Only people who work on {conference.title}’s pages can download its programme.")
    return download(programme_csv(conference))


def import_template(request, conference_id: int):
    """The import template for one conference: the columns and two example rows."""
    return download(template_csv(get_object_or_404(ConferencePage, pk=conference_id)))


def export_delegates(request, event_id: int):
    """A meetup's delegate list as CSV, for planners and that meetup's facilitators only."""
    event = get_object_or_404(RegionalEventPage.objects.select_related("venue"), pk=event_id)
    if not can_see_meetup_people(request.user, event):
        return refuse(request, "Only planners and this meetup’s own facilitators can download its delegate list.")
    return download(delegate_list_csv(event))
