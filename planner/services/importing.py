"""Applying an imported programme: every row in one transaction, or nothing; for the admin,
in the task queue, recorded on an ImportRun the planner watches."""

import logging

from django.db import transaction
from django.utils import timezone
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from cms.caching import content_changed
from planner.models import ConferencePage, ImportRun, ImportStatus, SessionFormat, SessionPage, Speaker
from planner.models.programme import free_speaker_slug, unused_slug
from planner.programme_files.plan import CREATE, REJECTED, UNCHANGED, UPDATE, ImportPlan, plan_import
from planner.programme_files.readers import FileRefused, ProgrammeFile, SpeakerInFile, person_key, read_programme_file
from planner.services.calendar import add_calendar_entries
from planner.services.changes import record_sessions_added
from planner.services.indexing import index_objects, record_references, search_index_deferred
from planner.services.publishing import publish_new_pages
from planner.services.queue import enqueue_after_commit

logger = logging.getLogger(__name__)

CRASHED = (
    "Nothing was imported: something went wrong on the server while applying the file. "
    "Upload it again to try once more; if this happens again, tell a site administrator."
)
MAX_REASONS = 50  # refused rows listed on the run's page; the dry run lists them all


class ImportRefused(Exception):
    """Nothing was imported; ``plan`` is the dry run as it stands now, to show the planner."""

    def __init__(self, message: str, plan: ImportPlan):
        super().__init__(message)
        self.plan = plan


@transaction.atomic
def apply_import(
    *, conference: ConferencePage, programme: ProgrammeFile, user, expected_fingerprint: str | None = None
) -> ImportPlan:
    """Import ``programme`` into ``conference`` as ``user``: add missing speakers, create and
    publish new sessions, publish a new revision of changed ones, leave the rest alone. The
    dry run is made again inside the transaction; if any row is refused, or it no longer matches
    the one the planner confirmed (``expected_fingerprint``), nothing is written."""
    # One import at a time per conference (PostgreSQL locks the row; SQLite's write lock serialises).
    conference = ConferencePage.objects.select_for_update(of=("self",)).get(pk=conference.pk)
    plan = plan_import(conference=conference, programme=programme)
    if not plan.ok:
        count = len(plan.rejected)
        raise ImportRefused(
            f"Nothing was imported: {count} row{'s' if count != 1 else ''} cannot be imported as "
            f"{'they stand' if count != 1 else 'it stands'}. Correct the file and upload it again.",
            plan,
        )
    if expected_fingerprint and plan.fingerprint != expected_fingerprint:
        raise ImportRefused(
            "Nothing was imported: the programme changed between your dry run and the import. "
            "Upload the file again to see a fresh dry run, then confirm that.",
            plan,
        )
    slugs = set(conference.get_children().values_list("slug", flat=True))
    new_sessions, changed = [], []
    # The reference and search indexes are brought up to date once, after the rows, not at
    # each of the saves a page makes on its way to published.
    with disable_reference_index_auto_update(), search_index_deferred():
        added = add_speakers(plan.new_speakers)
        for row_plan in plan.rows:
            if row_plan.action == UNCHANGED:
                continue
            row = row_plan.row
            page = row_plan.session or SessionPage(external_id=row.external_id, slug=free_slug(row.title, slugs))
            page.title, page.stream, page.start, page.end = row.title, row_plan.stream, row.start, row.end
            page.format, page.summary = row_plan.format or SessionFormat.TALK, row.summary
            if row.join_url is not None:
                page.join_url = row.join_url
            page.speakers = [
                added[person_key(s.name)] if isinstance(s, SpeakerInFile) else s for s in row_plan.speakers
            ]
            if row_plan.action == CREATE:
                new_sessions.append(page)
                continue
            # Changed sessions (rarer: a file imported again after edits) take Wagtail's own path:
            # a new revision over the old, its history, and page_published for the feeds. The row
            # was validated by the dry run just made and the programme is checked again below,
            # so the revision need not run the model's validation a second time.
            page.save_revision(user=user, clean=False).publish(user=user)
            changed.append(page)
        # New sessions are written a table at a time: the same pages, revisions, history,
        # speakers and indexes as publishing each would write, and their calendar feed entries
        # and changelog rows (what publishing's signals would add), in a constant number of
        # queries, not ~90 a row. (The changed sessions' moves are recorded by page_published.)
        publish_new_pages(parent=conference, pages=new_sessions, user=user)
        add_calendar_entries(pages=new_sessions)
        record_sessions_added(conference=conference, sessions=new_sessions)
    for page in changed:
        ReferenceIndex.create_or_update_for_object(page)
    check_imported(conference=conference, programme=programme, plan=plan)
    if new_sessions or added:  # written without the signals that retire the public pages' caches
        content_changed()
    return plan


def check_imported(*, conference: ConferencePage, programme: ProgrammeFile, plan: ImportPlan) -> None:
    """The dry run made again on the programme as it now stands must find every row of the
    file in place and none refused (the session form's checks, clashes included, for all rows
    in a constant number of queries); if it does not, the transaction is undone."""
    for row_plan in plan_import(conference=conference, programme=programme).rows:
        if row_plan.action == REJECTED:
            raise ImportRefused(f"Nothing was imported: row {row_plan.row.number}: {' '.join(row_plan.reasons)}", plan)
        if row_plan.action != UNCHANGED:  # the rows were not written as the file says: a fault here, not in the file
            raise RuntimeError(
                f"Row {row_plan.row.number} differs from the file after importing it: {row_plan.changes}"
            )


def request_import_run(*, conference: ConferencePage, user, name: str, content: bytes, fingerprint: str) -> ImportRun:
    """Record a confirmed dry run and queue applying it (once this transaction commits)."""
    run = ImportRun.objects.create(
        conference=conference, requested_by=user, name=name[:255], content=content, fingerprint=fingerprint
    )
    enqueue_after_commit("planner.tasks.apply_import_run", run.pk)
    return run


def apply_import_run(*, run_id: int) -> None:
    """Apply a queued import once, however often the queue delivers it: read the file again,
    make the dry run afresh and apply it if it still matches the confirmed one. A refusal is
    recorded on the run as its answer; anything unexpected is recorded and raised again."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or not run.in_progress:  # gone with its conference, or already answered
            return
        # Committed on its own, so the progress page can say the import has started; a worker
        # killed later leaves it running, and the queue's retry starts again from here.
        run.status, run.started_at = ImportStatus.RUNNING, timezone.now()
        run.save(update_fields=["status", "started_at"])
    try:
        with transaction.atomic():
            # Held until the sessions are committed: a second delivery waits, then finds it done.
            run = (
                ImportRun.objects.select_for_update(of=("self",))
                .select_related("conference", "requested_by")
                .get(pk=run_id)
            )
            if run.status != ImportStatus.RUNNING:
                return
            try:
                programme = read_programme_file(bytes(run.content), conference=run.conference)
                plan = apply_import(
                    conference=run.conference,
                    programme=programme,
                    user=run.requested_by,
                    expected_fingerprint=run.fingerprint,
                )
            except FileRefused as refusal:  # it was read for the dry run; only a changed time zone could change that
                finish_run(run, status=ImportStatus.FAILED, error=f"Nothing was imported: {refusal}")
                return
            except ImportRefused as refusal:
                finish_run(run, status=ImportStatus.FAILED, error=refusal_in_words(refusal))
                return
            run.added, run.updated = plan.count(CREATE), plan.count(UPDATE)
            run.unchanged, run.speakers_added = plan.count(UNCHANGED), len(plan.new_speakers)
            finish_run(run, status=ImportStatus.DONE)
    except Exception:
        logger.exception("Import run %s failed", run_id)
        ImportRun.objects.filter(pk=run_id).update(
            status=ImportStatus.FAILED, error=CRASHED, finished_at=timezone.now()
        )
        raise


def finish_run(run: ImportRun, *, status: str, error: str = "") -> None:
    run.status, run.error, run.finished_at = status, error, timezone.now()
    run.save(update_fields=["status", "error", "finished_at", "added", "updated", "unchanged", "speakers_added"])


def refusal_in_words(refusal: ImportRefused) -> str:
    """The refusal, then each refused row's reasons, one a line."""
    reasons = [
        f"Row {row_plan.row.number}: {reason}" for row_plan in refusal.plan.rejected for reason in row_plan.reasons
    ]
    if len(reasons) > MAX_REASONS:
        reasons[MAX_REASONS:] = [f"… and {len(reasons) - MAX_REASONS} more: upload the file again to see them all."]
    return "\n".join([str(refusal), *reasons])


def add_speakers(people: list[SpeakerInFile]) -> dict[str, Speaker]:
    """The file's new speakers, each validated as the speaker form would, written in one
    insert and indexed (no signal tells the indexes), keyed as the rows name them."""
    taken = set(Speaker.objects.values_list("slug", flat=True))
    speakers = [
        Speaker(name=person.name, slug=free_speaker_slug(person.name, taken), role=person.role[:200], bio=person.bio)
        for person in people
    ]
    for speaker in speakers:
        speaker.full_clean()
    Speaker.objects.bulk_create(speakers)
    record_references(speakers)
    index_objects(speakers)
    return {person_key(speaker.name): speaker for speaker in speakers}


def free_slug(title: str, taken: set[str]) -> str:
    """A slug for a new session unused among the conference's pages (and recorded as taken)."""
    return unused_slug(title, taken, max_length=80, fallback="session")
