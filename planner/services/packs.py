"""Generating a meetup's packs in batch: ``start_pack_run`` lists one file per confirmed
delegate and queues a task for each (ids only, after commit); ``generate_pack`` makes one.

A pack is named by a hash of what it was made from, written to a temporary file in the same
folder and renamed into place, so a worker killed mid-way leaves no half file, a retried
task finds finished work, and a pack is drawn again only when its inputs change."""

import hashlib
import os
import pickle
import tempfile
from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from planner.models import (
    Booking,
    BookingStatus,
    ConferencePage,
    Delegate,
    PackFile,
    PackRun,
    PackStatus,
    RegionalEventPage,
)
from planner.packs.context import pack_context
from planner.packs.pack import render_pack
from planner.services.queue import enqueue_after_commit


def pack_folder(event_id: int) -> Path:
    return Path(settings.RELAY_PACK_DIR) / f"meetup-{event_id}"


def pack_path(event_id: int, booking_id: int, digest: str) -> Path:
    return pack_folder(event_id) / f"{booking_id}-{digest[:20]}.pdf"


@transaction.atomic
def start_pack_run(*, event: RegionalEventPage, by) -> PackRun:
    """A new run with a file for each confirmed booking. One task is queued once the run is
    saved, and it queues a task per file: the planner's click does not wait for 1,200 queue
    writes (about 20 ms each on the ORM broker)."""
    run = PackRun.objects.create(event=event, requested_by=by)
    bookings = Booking.objects.filter(event=event, status=BookingStatus.CONFIRMED).order_by("pk")
    PackFile.objects.bulk_create([PackFile(run=run, booking=booking) for booking in bookings])
    enqueue_after_commit("planner.tasks.queue_pack_files", run.pk)
    return run


def queue_pack_files(*, run_id: int) -> int:
    """Queue a ``generate_pack`` task for each unfinished file of a run (ids only); returns
    how many. Running it twice queues duplicates that find their file done and stop."""
    pending = list(
        PackFile.objects.filter(run_id=run_id)
        .exclude(status=PackStatus.DONE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pack_file_id in pending:
        enqueue_after_commit("planner.tasks.generate_pack", pack_file_id, keep_success=False)
    return len(pending)


def generate_pack(*, pack_file_id: int, base_url: str = "") -> None:
    """Make one delegate's pack for its run, or reuse the file made from the same inputs.
    An error is recorded on the file and raised again, so the queue retries it."""

    pack_file = PackFile.objects.select_related("booking__delegate", "run__event").filter(pk=pack_file_id).first()
    if pack_file is None or pack_file.status == PackStatus.DONE:
        return
    PackFile.objects.filter(pk=pack_file.pk).update(attempts=F("attempts") + 1)
    try:
        event = pack_file.run.event.specific
        context = pack_context(delegate=pack_file.booking.delegate, event=event, base_url=base_url or site_url())
        digest = hashlib.sha256(pickle.dumps(replace(context, made_at=None))).hexdigest()
        target = pack_path(event.pk, pack_file.booking_id, digest)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = f".partial-{pack_file.pk}-"
            for stale in target.parent.glob(partial + "*"):  # left by an attempt whose worker was killed
                stale.unlink(missing_ok=True)
            write_atomically(target, render_pack(context), prefix=partial)
    except Exception as error:
        PackFile.objects.filter(pk=pack_file.pk).update(status=PackStatus.FAILED, error=str(error)[:300])
        raise
    PackFile.objects.filter(pk=pack_file.pk).update(
        status=PackStatus.DONE, digest=digest, error="", finished_at=timezone.now()
    )


def write_atomically(target: Path, data: bytes, *, prefix: str = ".partial-") -> None:
    """Write ``data`` so that ``target`` is either absent or complete, never half written.
    A worker killed before the rename leaves a ``prefix``ed temporary file, which the next
    attempt at the same file removes."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def site_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def run_files(run: PackRun) -> list[Path]:
    """The finished files of ``run``, in booking order (delegates by name)."""
    done = (
        run.files.filter(status=PackStatus.DONE)
        .select_related("booking__delegate")
        .order_by("booking__delegate__name", "pk")
    )
    return [pack_path(run.event_id, f.booking_id, f.digest) for f in done if f.digest]


WITHDRAWN = "Withdrawn: a delegate it names changed their name or privacy, or left. Generate packs again."


def withdraw_packs_naming(*, delegate: Delegate) -> int:
    """Withdraw every finished pack that may print ``delegate`` as they were: those of the
    meetups they booked and of every meetup of the conferences they registered for (threads
    and people to meet come from there). Called when they rename, narrow who may see them or
    erase their account: the files are deleted once the change is committed and each is
    marked failed with the reason, so nothing drawn before is printed or downloaded again.
    Returns how many were withdrawn."""
    conferences = ConferencePage.objects.filter(registrations__delegate=delegate)
    meetups = set(Booking.objects.filter(delegate=delegate).values_list("event_id", flat=True))
    for conference in conferences:
        meetups |= set(RegionalEventPage.objects.descendant_of(conference).values_list("pk", flat=True))
    done = PackFile.objects.filter(run__event_id__in=meetups, status=PackStatus.DONE).select_related("run")
    paths = {pack_path(f.run.event_id, f.booking_id, f.digest) for f in done if f.digest}
    withdrawn = PackFile.objects.filter(pk__in=[f.pk for f in done]).update(
        status=PackStatus.FAILED, error=WITHDRAWN, digest=""
    )
    transaction.on_commit(lambda: [path.unlink(missing_ok=True) for path in paths])
    return withdrawn
