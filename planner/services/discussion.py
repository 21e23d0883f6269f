"""Writing to a session's discussion: post, reply, edit, delete, accept an answer, report,
and the moderators' actions. Every refusal is a ``DiscussionRefused`` carrying the words to
show and the HTTP status that fits; views turn it into a page, never a 500."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from planner.markup import clean_text, render_markdown
from planner.models import (
    Block,
    Contribution,
    Delegate,
    Notification,
    NotificationKind,
    Registration,
    Report,
    SessionPage,
    Theme,
)
from planner.models.discussion import BODY_MAX_LENGTH
from planner.queries.carry_forward import attendee_ids, continued_sessions
from planner.queries.discussion import discussion_changed
from planner.queries.tables import cached_tables
from planner.rules.discussion import MODERATE_PERMISSION, can_edit
from planner.rules.roles import can_post_outcome


class DiscussionRefused(Exception):
    """A write the rules do not allow; ``status`` is the HTTP status a view should answer with."""

    def __init__(self, message: str, *, status: int = 403):
        super().__init__(message)
        self.status = status


def validate_body(body: str) -> str:
    """The body as stored, or a ValidationError a form shows beside the field."""
    text = clean_text(body)
    if not text:
        raise ValidationError("Write something before posting.", code="empty")
    if len(text) > BODY_MAX_LENGTH:
        raise ValidationError(f"Keep it under {BODY_MAX_LENGTH:,} characters (this is {len(text):,}).", code="too_long")
    return text


def is_blocked(*, blocker_id: int | None, blocked: Delegate) -> bool:
    return blocker_id is not None and Block.objects.filter(blocker_id=blocker_id, blocked=blocked).exists()


def notify(*, recipient: Delegate | None, actor: Delegate | None, kind: str, contribution=None) -> None:
    """Queue a notification for the next digest, unless it would be about oneself or the
    recipient switched digests off."""
    if recipient is None or (actor is not None and recipient.pk == actor.pk) or not recipient.email_digest:
        return
    Notification.objects.create(recipient=recipient, actor=actor, kind=kind, contribution=contribution)


@transaction.atomic
def post_contribution(
    *, author: Delegate, session: SessionPage, body: str, is_question: bool = False, parent: Contribution | None = None
) -> Contribution:
    """Start a thread on ``session``, or reply to ``parent``'s thread (a reply to a reply
    joins the same thread: threads are one level deep)."""
    text = validate_body(body)
    if not Registration.objects.filter(delegate=author, conference_id=session.stream.conference_id).exists():
        raise DiscussionRefused("Register for the conference to join its discussions.")
    thread = None
    if parent is not None:
        # Lock the thread so a concurrent lock, delete or reply count sees one order of events.
        thread = (
            Contribution.objects.select_for_update(of=("self",))
            .select_related("author")
            .get(pk=parent.parent_id or parent.pk)
        )
        if thread.session_id != session.pk:
            raise DiscussionRefused("That contribution belongs to another session.", status=400)
        if thread.is_locked:
            raise DiscussionRefused("A moderator has locked this thread, so it takes no more replies.")
        if thread.is_removed:
            raise DiscussionRefused("This thread was removed, so it takes no more replies. Start a new one instead.")
        if is_blocked(blocker_id=thread.author_id, blocked=author):
            raise DiscussionRefused("You cannot reply to this thread.")
    now = timezone.now()
    contribution = Contribution.objects.create(
        session=session,
        author=author,
        parent=thread,
        body=text,
        body_html=render_markdown(text),
        is_question=is_question and thread is None,
        created_at=now,
        last_activity_at=now,
    )
    if thread is not None:
        Contribution.objects.filter(pk=thread.pk).update(reply_count=F("reply_count") + 1, last_activity_at=now)
        kind = NotificationKind.ANSWER if thread.is_question else NotificationKind.REPLY
        notify(recipient=thread.author, actor=author, kind=kind, contribution=contribution)
    return contribution


@transaction.atomic
def edit_contribution(*, contribution: Contribution, editor: Delegate, body: str) -> Contribution:
    """Replace the body of the editor's own contribution, within the edit window."""
    text = validate_body(body)
    if contribution.author_id != editor.pk:
        raise DiscussionRefused("You can only edit your own contributions.")
    if contribution.is_removed:
        raise DiscussionRefused("This contribution was removed and can no longer be edited.", status=409)
    if not can_edit(contribution, editor):
        minutes = settings.RELAY_EDIT_WINDOW_MINUTES
        raise DiscussionRefused(f"Contributions can be edited for {minutes} minutes after posting; this one is older.")
    now = timezone.now()
    contribution.body, contribution.body_html, contribution.edited_at = text, render_markdown(text), now
    contribution.save(update_fields=["body", "body_html", "edited_at"])
    Contribution.objects.filter(pk=contribution.parent_id or contribution.pk).update(last_activity_at=now)
    return contribution


def _leave_thread(contribution: Contribution) -> None:
    """Bookkeeping when a reply stops being shown: the thread's count, and its answer."""
    if contribution.parent_id is None:
        return
    Contribution.objects.filter(pk=contribution.parent_id).update(reply_count=F("reply_count") - 1)
    Contribution.objects.filter(pk=contribution.parent_id, accepted_answer=contribution).update(accepted_answer=None)


@transaction.atomic
def delete_contribution(*, contribution: Contribution, by: Delegate) -> None:
    """The author deletes their own contribution: its words go, a placeholder stays so the
    replies keep their place."""
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if contribution.author_id != by.pk:
        raise DiscussionRefused("You can only delete your own contributions.")
    if contribution.deleted_at is not None:
        return
    if contribution.hidden_at is None:
        _leave_thread(contribution)
    contribution.body = contribution.body_html = ""
    contribution.deleted_at = timezone.now()
    contribution.finding_at = None
    contribution.save(update_fields=["body", "body_html", "deleted_at", "finding_at"])
    contribution.themes.clear()


@transaction.atomic
def accept_answer(*, question: Contribution, answer: Contribution, by: Delegate) -> None:
    """The asker marks a reply in their question's thread as its answer (or, with the
    current answer again, leaves it as it is)."""
    if question.author_id != by.pk:
        raise DiscussionRefused("Only the person who asked can accept an answer.")
    if not question.is_question:
        raise DiscussionRefused("Only questions have answers to accept.", status=400)
    if answer.parent_id != question.pk or answer.is_removed:
        raise DiscussionRefused("That reply is not in this question’s thread.", status=400)
    if question.accepted_answer_id == answer.pk:
        return
    Contribution.objects.filter(pk=question.pk).update(accepted_answer=answer)
    question.accepted_answer = answer
    discussion_changed(question)  # an update, not a save: no signal retires the cached discussion
    notify(recipient=answer.author, actor=by, kind=NotificationKind.ACCEPTED, contribution=answer)


def report_contribution(*, contribution: Contribution, reporter: Delegate, reason: str) -> Report:
    """Flag ``contribution`` for the moderators; reporting twice keeps the first report."""
    reason = clean_text(reason)[:500] or "No reason given."
    try:
        with transaction.atomic():
            return Report.objects.create(contribution=contribution, reporter=reporter, reason=reason)
    except IntegrityError:
        return Report.objects.get(contribution=contribution, reporter=reporter)


MODERATION_ACTIONS = {"hide", "unhide", "pin", "unpin", "lock", "unlock", "finding", "unfinding", "themes"}


@transaction.atomic
def moderate_contribution(*, contribution: Contribution, moderator, action: str, themes=()) -> Contribution:
    """Apply a moderator's ``action``; hiding or marking a finding resolves open reports."""
    if not moderator.has_perm(MODERATE_PERMISSION):
        raise DiscussionRefused("Only moderators can do that.")
    if action not in MODERATION_ACTIONS:
        raise DiscussionRefused(f"There is no moderation action called “{action}”.", status=400)
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    thread_only = {"pin", "unpin", "lock", "unlock"}
    if action in thread_only and not contribution.is_thread:
        raise DiscussionRefused("Only whole threads can be pinned or locked.", status=400)
    if action in {"finding", "themes"} and contribution.deleted_at is not None:
        raise DiscussionRefused("A deleted contribution cannot be a finding or carry themes.", status=409)
    now = timezone.now()
    fields: list[str] = []
    if action == "hide" and contribution.hidden_at is None:
        if contribution.deleted_at is None:
            _leave_thread(contribution)
        contribution.hidden_at, contribution.hidden_by, contribution.finding_at = now, moderator, None
        fields = ["hidden_at", "hidden_by", "finding_at"]
        contribution.reports.filter(resolved_at=None).update(resolved_at=now)
    elif action == "unhide" and contribution.hidden_at is not None:
        contribution.hidden_at = contribution.hidden_by = None
        fields = ["hidden_at", "hidden_by"]
        if contribution.parent_id and contribution.deleted_at is None:
            Contribution.objects.filter(pk=contribution.parent_id).update(reply_count=F("reply_count") + 1)
    elif action in {"pin", "unpin"}:
        contribution.pinned, fields = action == "pin", ["pinned"]
    elif action == "lock":
        contribution.locked_at, fields = contribution.locked_at or now, ["locked_at"]
    elif action == "unlock":
        contribution.locked_at, fields = None, ["locked_at"]
    elif action == "finding":
        if contribution.hidden_at is not None:
            raise DiscussionRefused("Unhide the contribution before marking it as a finding.", status=409)
        contribution.finding_at = contribution.finding_at or now
        contribution.finding_by = moderator
        fields = ["finding_at", "finding_by"]
        contribution.reports.filter(resolved_at=None).update(resolved_at=now)
    elif action == "unfinding":
        contribution.finding_at = contribution.finding_by = None
        fields = ["finding_at", "finding_by"]
    elif action == "themes":
        conference_id = contribution.session.stream.conference_id
        chosen = [theme for theme in themes if theme.conference_id == conference_id]
        contribution.themes.set(chosen)
    if fields:
        contribution.save(update_fields=fields)
    return contribution


def add_theme(*, conference, name: str, description: str = "") -> Theme:
    """A theme for ``conference``'s findings; adding an existing name returns that theme."""
    theme, _ = Theme.objects.get_or_create(
        conference=conference, name=name.strip(), defaults={"description": description}
    )
    return theme


@transaction.atomic
def post_meetup_outcome(
    *, event, session: SessionPage, body: str, by, table: int | None = None, now=None
) -> Contribution:
    """A facilitator brings a table's conclusion back into the online thread it continued:
    a new thread on ``session``, shown as "From the <town> meetup" (", table N" when tied to
    one of its tables). Refused before the meetup has started: there is nothing to report."""

    if not can_post_outcome(by, event):
        raise DiscussionRefused("Only this meetup's facilitators can post its outcomes.")
    now = now or timezone.now()
    if now < event.start:
        raise DiscussionRefused("Outcomes can be posted once the meetup has started: come back on the day.", status=400)
    if session.pk not in {s.pk for s in continued_sessions(event)}:
        raise DiscussionRefused("This meetup does not continue that session.", status=400)
    if table is not None and table not in table_numbers(event):
        raise DiscussionRefused(f"This meetup has no table {table}.", status=400)
    text = validate_body(body)
    return Contribution.objects.create(
        session=session,
        author=Delegate.objects.filter(user=by).first(),
        from_meetup=event,
        from_table=table,
        body=text,
        body_html=render_markdown(text),
        created_at=now,
        last_activity_at=now,
    )


def table_numbers(event) -> set[int]:
    """The numbers of the meetup's tables as they stand (the locked plan, or today's suggestion)."""
    tables, _saved = cached_tables(event, booked=attendee_ids(event))
    return {t.number for t in tables}
