"""Jobs: making packs (in process and through the queue) and importing a programme."""

import csv
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection
from django_q.conf import Conf
from django_q.models import OrmQ

from bench.load import cluster_memory_mb, redis_answers
from bench.scenes import meetup_like
from bench.timing import row
from planner import services
from planner.models import (
    Booking,
    BookingStatus,
    Delegate,
    ImportRun,
    OutgoingEmail,
    PackFile,
    PackRun,
    RegionalEventPage,
    Speaker,
)
from planner.packs.context import pack_context
from planner.packs.pack import render_pack
from planner.programme_files.plan import plan_import
from planner.programme_files.readers import CSV_COLUMNS, read_programme_file
from planner.services.importing import apply_import_run
from planner.services.outbox import plan_reminders


def measure_pack(conference, repeat: int) -> None:
    """One delegate pack (gathering and drawing): median time and peak Python memory."""

    booking = (
        Booking.objects.filter(event__path__startswith=conference.path, status="confirmed")
        .select_related("delegate", "event")
        .order_by("pk")
        .first()
    )
    event = booking.event.specific
    timings, size = [], 0
    for _ in range(max(5, repeat // 2)):
        started = time.perf_counter()
        size = len(render_pack(pack_context(delegate=booking.delegate, event=event)))
        timings.append((time.perf_counter() - started) * 1000)
    tracemalloc.start()
    render_pack(pack_context(delegate=booking.delegate, event=event))
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    label = "one delegate pack (PDF)"
    print(f"{label:<28}{statistics.median(timings):>10.1f}{'':>9}{size // 1024:>6}kB  peak {peak:.1f} MB")


def measure_pack_queue(conference, database_url: str, *, count: int) -> None:
    """``count`` packs for one meetup made by two real django-q2 workers (Redis broker when
    a Redis answers on 127.0.0.1:6379, else the ORM broker): wall time from the first task
    queued to the last file renamed into place, and each worker's peak memory."""

    if count <= 0:
        return
    template = RegionalEventPage.objects.live().child_of(conference).order_by("start").first()
    meetup = meetup_like(template, slug="bench-packs", title="Bench meetup for packs", capacity=count, days_later=60)
    have = Booking.objects.filter(event=meetup).count()
    people = Delegate.objects.exclude(bookings__event=meetup).order_by("pk")[: max(0, count - have)]
    Booking.objects.bulk_create([Booking(delegate=d, event=meetup, status=BookingStatus.CONFIRMED) for d in people])
    pack_dir = Path(tempfile.mkdtemp(prefix="relay-bench-packs-"))
    env = {**os.environ, "DATABASE_URL": database_url, "RELAY_PACK_DIR": str(pack_dir), "Q_WORKERS": "2"}
    env.setdefault("CONN_MAX_AGE", "60")  # as README recommends for production: a connection per worker, not per task
    env["DJANGO_SETTINGS_MODULE"] = "planner.settings.dev"
    if redis_answers():
        env["REDIS_URL"] = "redis://127.0.0.1:6379/14"
    manage = [sys.executable, str(Path(__file__).resolve().parent.parent / "manage.py")]
    queue_them = (
        "from planner.models import RegionalEventPage; from planner.services.packs import start_pack_run; "
        f"start_pack_run(event=RegionalEventPage.objects.get(pk={meetup.pk}), by=None)"
    )
    # Our own manage.py with fixed arguments: nothing untrusted reaches the shell.
    subprocess.run([*manage, "shell", "-c", queue_them], env=env, check=True, capture_output=True, timeout=300)  # noqa: S603
    started = time.perf_counter()  # from starting the workers to the last pack in place
    cluster = subprocess.Popen([*manage, "qcluster"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    run = PackRun.objects.filter(event=meetup).order_by("-pk").first()
    peak_mb = 0.0
    try:
        deadline = time.perf_counter() + 600
        while time.perf_counter() < deadline:
            left = PackFile.objects.filter(run=run, status="pending").count()
            peak_mb = max(peak_mb, cluster_memory_mb(cluster.pid))
            if left == 0:
                break
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
    finally:
        cluster.terminate()
        cluster.wait(timeout=30)
        shutil.rmtree(pack_dir, ignore_errors=True)
    done = PackFile.objects.filter(run=run, status="done").count()
    failed = PackFile.objects.filter(run=run, status="failed").count()
    broker = "Redis" if "REDIS_URL" in env else "ORM"
    label = f"{done:,} packs, 2 workers ({broker})"
    print(f"{label:<28}{elapsed * 1000:>10.0f}{'':>9}  failed {failed}, cluster peak {peak_mb:.0f} MB")


def measure_import(sessions: int = 900) -> None:
    """A dry run of a generated ``sessions``-row CSV (6 streams, 5 days, one speaker each, no
    clashes) into a fresh conference, then the queued apply the admin's confirmation makes (the
    task function, called directly: what a worker spends); then the dry run of the same file
    again, when every row matches a session and is unchanged."""

    run = f"{time.time_ns():x}"
    start = date(2027, 9, 6)
    conference = services.add_conference(
        parent=services.default_home_page(),
        title=f"Import benchmark {run}",
        slug=f"bench-import-{run}",
        start_date=start,
        end_date=start + timedelta(days=4),
        time_zone="Europe/London",
    )
    streams = [
        services.add_stream(conference=conference, name=f"Import stream {n}", slug=f"import-{n}", sort_order=n)
        for n in range(6)
    ]
    # Speakers of their own each run: a speaker is in one place at a time across conferences,
    # so a kept bench database would otherwise refuse every row as a clash with the last run.
    people = [Speaker.objects.create(name=f"Import speaker {n} ({run})").name for n in range(60)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for index in range(sessions):
        day, slot, stream = index // 180, (index // 6) % 30, index % 6
        begins = 8 * 60 + 20 * slot
        writer.writerow(
            [
                f"IMP-{index}",
                f"Imported session {index + 1}",
                f"{start + timedelta(days=day):%Y-%m-%d}",
                f"{begins // 60:02d}:{begins % 60:02d}",
                f"{(begins + 15) // 60:02d}:{(begins + 15) % 60:02d}",
                streams[stream].name,
                "talk",
                people[(stream + 6 * slot) % 60],
                "What three councils learnt, and what they would do differently.",
                "",
            ]
        )
    content = out.getvalue().encode()
    user = get_user_model().objects.filter(is_superuser=True).first()
    counted = []

    def count(execute, sql, params, many, context):
        counted.append(1)
        return execute(sql, params, many, context)

    def dry_run() -> str:
        plan = plan_import(conference=conference, programme=read_programme_file(content, conference=conference))
        dry_runs.append(plan)
        return f"+{plan.count('create')} ~{plan.count('update')} ={plan.count('unchanged')}"

    def apply() -> str:
        run = ImportRun.objects.create(
            conference=conference,
            requested_by=user,
            name="bench.csv",
            content=content,
            fingerprint=dry_runs[-1].fingerprint,
        )
        apply_import_run(run_id=run.pk)
        run.refresh_from_db()
        return f"+{run.added} ~{run.updated} ={run.unchanged} {run.status} {run.error}".rstrip()

    dry_runs = []
    for label, step in [
        (f"import dry run ({sessions})", dry_run),
        (f"import task apply ({sessions})", apply),
        (f"re-import dry run ({sessions})", dry_run),
    ]:
        counted.clear()
        started = time.perf_counter()
        with connection.execute_wrapper(count):
            summary = step()
        elapsed = (time.perf_counter() - started) * 1000
        row(label, elapsed, len(counted), "")
        print(f"{'':<28}{summary}")


def measure_reminders(conference) -> None:
    """One scheduler run deciding the day-before reminders for every delegate, booked across
    five meetups (120,000 at scale 100), then a second run that must write nothing."""

    template = RegionalEventPage.objects.live().child_of(conference).order_by("start").first()
    meetups = [
        meetup_like(template, slug=f"bench-remind-{n}", title=f"Bench reminders {n}", capacity=10**6, days_later=70)
        for n in range(5)
    ]
    people = list(Delegate.objects.order_by("pk").values_list("pk", flat=True))
    if not Booking.objects.filter(event=meetups[0]).exists():
        long_ago = meetups[0].start - timedelta(days=30)
        Booking.objects.bulk_create(
            [
                Booking(
                    delegate_id=pk,
                    event=meetups[n % 5],
                    status=BookingStatus.CONFIRMED,
                    created_at=long_ago,
                    confirmed_at=long_ago,
                )
                for n, pk in enumerate(people)
            ],
            batch_size=2000,
        )
    OutgoingEmail.objects.filter(key__startswith="reminder-").delete()
    day_before = meetups[0].start - timedelta(hours=20)
    Conf.SYNC = False  # as in production: the run queues the sending, it does not wait for it
    try:
        started = time.perf_counter()
        written = plan_reminders(now=day_before)
        first = time.perf_counter() - started
        started = time.perf_counter()
        again = plan_reminders(now=day_before)
        second = time.perf_counter() - started
    finally:
        Conf.SYNC = True
        OrmQ.objects.all().delete()
    print(f"{f'plan reminders ({len(people):,} del.)':<28}{first * 1000:>10.1f}{'':>9}{written:>8}")
    print(f"{'  same run again':<28}{second * 1000:>10.1f}{'':>9}{again:>8}")
    OutgoingEmail.objects.filter(key__startswith="reminder-").delete()
