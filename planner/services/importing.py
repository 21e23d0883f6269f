"""Applying an imported programme: every row in one transaction, or nothing."""

from django.db import transaction
from django.utils.text import slugify

from ..importing import CREATE, UNCHANGED, ImportPlan, ProgrammeFile, SpeakerInFile, person_key, plan_import
from ..models import ConferencePage, SessionFormat, SessionPage, Speaker
from ..scheduling import session_problems


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
    conference = ConferencePage.objects.select_for_update().get(pk=conference.pk)
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
            "Nothing was imported: the programme changed since your dry run. "
            "Check the dry run below and confirm again.",
            plan,
        )
    added = {person_key(person.name): add_speaker(person) for person in plan.new_speakers}
    slugs = set(conference.get_children().values_list("slug", flat=True))
    written = []
    for row_plan in plan.rows:
        if row_plan.action == UNCHANGED:
            continue
        row = row_plan.row
        speakers = [added[person_key(s.name)] if isinstance(s, SpeakerInFile) else s for s in row_plan.speakers]
        page = row_plan.session or SessionPage(external_id=row.external_id, slug=free_slug(row.title, slugs))
        page.title, page.stream, page.start, page.end = row.title, row_plan.stream, row.start, row.end
        page.format, page.summary = row_plan.format or SessionFormat.TALK, row.summary
        if row.join_url is not None:
            page.join_url = row.join_url
        page.speakers = speakers
        if row_plan.action == CREATE:
            conference.add_child(instance=page)
        page.save_revision(user=user).publish(user=user)
        written.append((row_plan, page, speakers))
    # The same check the session form makes, on the programme as it now stands: it must agree
    # with the dry run, and if it does not, the transaction is undone.
    for row_plan, page, speakers in written:
        problems = session_problems(
            conference=conference,
            stream=page.stream,
            start=page.start,
            end=page.end,
            speakers=speakers,
            session_id=page.pk,
        )
        if problems:
            messages = " ".join(m for ms in problems.values() for m in ms)
            raise ImportRefused(f"Nothing was imported: row {row_plan.row.number}: {messages}", plan)
    return plan


def add_speaker(person: SpeakerInFile) -> Speaker:
    speaker = Speaker(name=person.name, role=person.role[:200], bio=person.bio)
    speaker.full_clean()
    speaker.save()
    return speaker


def free_slug(title: str, taken: set[str]) -> str:
    """A slug for a new session unused among the conference's pages (and recorded as taken)."""
    base = slugify(title)[:80].strip("-") or "session"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug
