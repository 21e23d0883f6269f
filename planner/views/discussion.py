"""The session discussions: post, reply, edit, delete, accept, report, moderate; and a
thread's own page. Everything works as plain forms, without JavaScript. A refusal is a page
that says why with a 4xx status; posting too fast is a 429 with Retry-After."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from planner.converters import parse_id
from planner.forms.discussion import ContributionForm, ReportForm, ThemesForm, discussion_forms
from planner.models import Contribution, RegionalEventPage, SessionPage
from planner.ops.ratelimit import take
from planner.queries import discussion as reads
from planner.queries.people import viewer_delegate
from planner.rules.discussion import MODERATE_PERMISSION, can_edit
from planner.services.discussion import (
    DiscussionRefused,
    accept_answer,
    delete_contribution,
    edit_contribution,
    moderate_contribution,
    post_contribution,
    post_meetup_outcome,
    report_contribution,
)
from planner.views.accounts import require_delegate
from planner.views.navigation import safe_next, too_many


def refused(request, refusal: DiscussionRefused, *, session=None):
    return render(
        request, "discussion/refused.html", {"reason": str(refusal), "session": session}, status=refusal.status
    )


def back_to_session(request, session: SessionPage, contribution: Contribution):
    """To the page the form was on (the session or the thread page), at the contribution."""
    target = safe_next(request) or session.url
    return redirect(f"{target.split('#')[0]}#c-{contribution.pk}")


def posting_limited(request, delegate):
    """A 429 page when ``delegate`` is new or posting too fast; None when they may post."""
    cool_off = timezone.timedelta(minutes=settings.RELAY_NEW_ACCOUNT_COOL_OFF_MINUTES)
    wait = delegate.created_at + cool_off - timezone.now()
    if wait.total_seconds() > 0:
        minutes = max(1, round(wait.total_seconds() / 60))
        reason = (
            f"New accounts can post {settings.RELAY_NEW_ACCOUNT_COOL_OFF_MINUTES} minutes after they are created. "
            f"Please try again in about {minutes} minute{'s' if minutes != 1 else ''}: what you wrote is below."
        )
        retry_after = int(wait.total_seconds()) + 1
    else:
        limited = take("post", delegate.pk, settings.RELAY_POSTING_LIMITS)
        if limited is None:
            return None
        reason = (
            f"You can post {limited.rule}. Please wait {limited.retry_after} seconds and send it again: "
            "what you wrote is below."
        )
        retry_after = limited.retry_after
    return too_many(request, reason, retry_after, body=request.POST.get("body", ""))


@login_required
@require_POST
def post(request, session_id: int):
    """Start a thread on a session, or (with ``parent``) reply in a thread."""
    delegate = require_delegate(request)
    session = get_object_or_404(SessionPage.objects.live().select_related("stream"), pk=session_id)
    parent_id = parse_id(request.POST.get("parent"))
    if request.POST.get("parent") and parent_id is None:
        return refused(request, DiscussionRefused("That reply has no thread to go in.", status=400), session=session)
    parent = get_object_or_404(Contribution, pk=parent_id, session=session) if parent_id else None
    form = ContributionForm(request.POST, reply=parent is not None)
    if not form.is_valid():
        return render(
            request,
            "discussion/compose.html",
            {"form": form, "session": session, "parent": parent, "next": safe_next(request)},
        )
    limited = posting_limited(request, delegate)
    if limited is not None:
        return limited
    try:
        contribution = post_contribution(
            author=delegate,
            session=session,
            body=form.cleaned_data["body"],
            is_question=form.cleaned_data.get("is_question", False),
            parent=parent,
        )
    except DiscussionRefused as refusal:
        return refused(request, refusal, session=session)
    messages.success(request, "Your reply is posted." if parent else "Your contribution is posted.")
    return back_to_session(request, session, contribution)


def thread(request, contribution_id: int):
    """One thread whole: the opening contribution and every reply, a page at a time."""
    opening = get_object_or_404(
        Contribution.objects.select_related(
            "author", "session", "session__stream", "from_meetup__venue"
        ).prefetch_related("themes"),
        pk=contribution_id,
    )
    if opening.parent_id:
        return redirect(reads.contribution_path(opening))
    session = opening.session
    if not session.live:
        return render(request, "discussion/refused.html", {"reason": "This session is not published."}, status=404)
    viewer = viewer_delegate(request.user)
    replies = reads.thread_replies(opening, viewer=viewer, page_number=request.GET.get("page"))
    context = reads.page_permissions(request.user, viewer, session, [opening, *replies.object_list])
    context.update(opening=opening, replies=replies, session=session, **discussion_forms())
    return render(request, "discussion/thread.html", context)


def own_contribution(request, contribution_id: int):
    delegate = require_delegate(request)
    contribution = get_object_or_404(Contribution.objects.select_related("session"), pk=contribution_id)
    return delegate, contribution


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, contribution_id: int):
    """Edit one's own contribution within the edit window."""
    delegate, contribution = own_contribution(request, contribution_id)
    if contribution.author_id != delegate.pk:
        return refused(request, DiscussionRefused("You can only edit your own contributions."))
    form = ContributionForm(
        request.POST or None, initial={"body": contribution.body}, reply=contribution.parent_id is not None
    )
    if request.method == "POST" and form.is_valid():
        try:
            edit_contribution(contribution=contribution, editor=delegate, body=form.cleaned_data["body"])
        except DiscussionRefused as refusal:
            return refused(request, refusal, session=contribution.session)
        messages.success(request, "Your changes are saved.")
        return redirect(reads.contribution_path(contribution))
    if request.method == "GET" and not can_edit(contribution, delegate):
        return refused(
            request,
            DiscussionRefused(
                f"Contributions can be edited for {settings.RELAY_EDIT_WINDOW_MINUTES} minutes after posting; "
                "this one can no longer be changed."
            ),
            session=contribution.session,
        )
    return render(request, "discussion/edit.html", {"form": form, "contribution": contribution})


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, contribution_id: int):
    """Ask, then delete one's own contribution (a placeholder stays for the replies)."""
    delegate, contribution = own_contribution(request, contribution_id)
    if contribution.author_id != delegate.pk:
        return refused(request, DiscussionRefused("You can only delete your own contributions."))
    if request.method == "POST":
        delete_contribution(contribution=contribution, by=delegate)
        messages.success(request, "Your contribution is deleted.")
        return redirect(reads.contribution_path(contribution))
    return render(request, "discussion/delete.html", {"contribution": contribution})


@login_required
@require_POST
def accept(request, contribution_id: int):
    """The asker accepts a reply as the answer to their question."""
    delegate, answer = own_contribution(request, contribution_id)
    if answer.parent_id is None:
        return refused(request, DiscussionRefused("Only replies can be accepted as answers.", status=400))
    try:
        accept_answer(question=answer.parent, answer=answer, by=delegate)
    except DiscussionRefused as refusal:
        return refused(request, refusal, session=answer.session)
    messages.success(request, "Marked as the answer to your question.")
    return back_to_session(request, answer.session, answer)


@login_required
@require_http_methods(["GET", "POST"])
def report(request, contribution_id: int):
    """Tell the moderators about a contribution that breaks the rules."""
    delegate, contribution = own_contribution(request, contribution_id)
    if not contribution.session.live or contribution.deleted_at or contribution.hidden_at:
        # Only what a delegate can read can be reported: the page quotes it.
        return render(request, "discussion/refused.html", {"reason": "This contribution is not shown."}, status=404)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report_contribution(contribution=contribution, reporter=delegate, reason=form.cleaned_data["reason"])
        messages.success(request, "Thank you: the moderators will look at it.")
        return redirect(reads.contribution_path(contribution))
    reads.label_authors([contribution], delegate)
    return render(request, "discussion/report.html", {"form": form, "contribution": contribution})


@login_required
@require_POST
def moderate(request, contribution_id: int):
    """A moderator hides, pins, locks, marks a finding or sets themes."""
    contribution = get_object_or_404(Contribution.objects.select_related("session__stream"), pk=contribution_id)
    if not request.user.has_perm(MODERATE_PERMISSION):
        return refused(request, DiscussionRefused("Only moderators can do that."), session=contribution.session)
    action = request.POST.get("action", "")
    themes = ()
    if action == "themes":
        form = ThemesForm(request.POST, conference_id=contribution.session.stream.conference_id)
        if not form.is_valid():
            return refused(request, DiscussionRefused("Choose themes from the list.", status=400))
        themes = form.cleaned_data["themes"]
    try:
        moderate_contribution(contribution=contribution, moderator=request.user, action=action, themes=themes)
    except DiscussionRefused as refusal:
        return refused(request, refusal, session=contribution.session)
    messages.success(request, MODERATION_DONE.get(action, "Done."))
    return back_to_session(request, contribution.session, contribution)


MODERATION_DONE = {
    "hide": "Hidden: delegates now see a placeholder.",
    "unhide": "Shown again.",
    "pin": "Pinned to the top of the discussion.",
    "unpin": "Unpinned.",
    "lock": "Locked: the thread takes no more replies.",
    "unlock": "Unlocked: replies are open again.",
    "finding": "Marked as a finding: it now appears on the findings page.",
    "unfinding": "No longer a finding.",
    "themes": "Themes saved.",
}


@login_required
@require_POST
def outcome(request, event_id: int):
    """A facilitator posts what a meetup table concluded back into the online thread."""

    event = get_object_or_404(RegionalEventPage.objects.live().select_related("venue"), pk=event_id)
    session = SessionPage.objects.live().filter(pk=parse_id(request.POST.get("session"))).first()
    if session is None:
        return refused(request, DiscussionRefused("Choose one of the sessions this meetup continues.", status=400))
    try:
        contribution = post_meetup_outcome(
            event=event,
            session=session,
            body=request.POST.get("body", ""),
            by=request.user,
            table=parse_id(request.POST.get("table")),
        )
    except DiscussionRefused as refusal:
        return refused(request, refusal, session=session)
    except ValidationError as error:
        return refused(request, DiscussionRefused(error.messages[0], status=400), session=session)
    table = f", table {contribution.from_table}" if contribution.from_table else ""
    messages.success(request, f"Posted to “{session.title}” as from the {event.venue.town} meetup{table}.")
    return redirect(reads.contribution_path(contribution))
