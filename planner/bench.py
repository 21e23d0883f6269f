"""`make bench`: server-side median time and query count for Relay's public pages.

Builds the demo programme in a throwaway SQLite file under var/ (or the database named by
BENCH_DATABASE_URL), then requests each page repeatedly through Django's test client, which
measures the server's work without a network in between. Usage:

    python -m planner.bench [--repeat 30] [--scale N]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path


def configure(database_url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "planner.settings.test"
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()


def measure(client, url: str, repeat: int) -> tuple[float, int, int]:
    """Median milliseconds, query count and status for ``url`` over ``repeat`` requests."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm per-process caches, as a running server would have them
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return statistics.median(timings), len(captured), response.status_code


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--scale", type=int, default=1, help="1,200 x N delegates (100 gives 120,000)")
    parser.add_argument("--keep", action="store_true", help="reuse the bench database instead of building it afresh")
    parser.add_argument("--packs", type=int, default=1200, help="packs to make through the queue (0 to skip)")
    parser.add_argument("--load-seconds", type=int, default=20, help="locust load test against gunicorn (0 to skip)")
    args = parser.parse_args(argv)

    var = Path(__file__).resolve().parent.parent / "var"
    var.mkdir(exist_ok=True)
    db_file = var / f"bench-scale{args.scale}.sqlite3"
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{db_file}"
    if not args.keep and not os.environ.get("BENCH_DATABASE_URL"):
        for stale in var.glob(f"{db_file.name}*"):
            stale.unlink()
    configure(url)

    from django.core.management import call_command
    from django.test import Client

    from planner.demo.programme import load_demo
    from planner.models import ConferencePage, Delegate, RegionalEventPage, SessionPage

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    load_demo(seed=1, scale=args.scale)
    load_seconds = time.perf_counter() - started

    conference = ConferencePage.objects.live().first()
    session = SessionPage.objects.live().child_of(conference).order_by("start").first()
    meetup = RegionalEventPage.objects.live().child_of(conference).order_by("start").first()
    pages = [
        ("home", "/"),
        ("conference (timetable)", conference.url),
        ("conference speakers", conference.url + "speakers/"),
        ("session", session.url),
        ("regional meetup", meetup.url),
        ("search ‘social care’", "/search/?q=social+care"),
        ("API sessions (20)", "/api/v2/pages/?type=planner.SessionPage&fields=start,end,stream,speakers"),
        ("healthz", "/healthz"),
        ("feed: conference (90)", f"/calendar/conference/{conference.pk}.ics"),
        ("feed: all meetups", "/calendar/regional.ics"),
        ("schedule.xml", f"/calendar/conference/{conference.pk}/schedule.xml"),
        ("schedule.json", f"/calendar/conference/{conference.pk}/schedule.json"),
    ]
    big = big_conference()
    pages.append((f"feed: conference ({big.sessions})", f"/calendar/conference/{big.conference.pk}.ics"))
    pages.append((f"schedule.xml ({big.sessions})", f"/calendar/conference/{big.conference.pk}/schedule.xml"))
    client = Client()
    print(
        f"Relay bench · scale {args.scale} · {SessionPage.objects.count()} sessions · "
        f"{Delegate.objects.count():,} delegates · {url.split('://')[0]}"
    )
    print(f"demo load (or check, if already built): {load_seconds:.1f} s")
    print(f"{'page':<28}{'median ms':>10}{'queries':>9}{'status':>8}")
    for name, path in pages:
        median, queries, status = measure(client, path, args.repeat)
        print(f"{name:<28}{median:>10.1f}{queries:>9}{status:>8}")
    from django.core.cache import cache

    cache.clear()
    started = time.perf_counter()
    client.get(f"/calendar/conference/{big.conference.pk}.ics")
    print(f"{'  same, first build (cold)':<28}{(time.perf_counter() - started) * 1000:>10.1f}")

    many = many_meetups()
    for name, path in [
        (f"near ?q=Leeds ({many} venues)", "/near/?q=Leeds"),
        ("near ?lat&lon, 500 km, json", "/near/?lat=53.8&lon=-1.55&radius_km=500&format=json"),
        ("conference page with map", conference.url),
    ]:
        median, queries, status = measure(client, path, args.repeat)
        print(f"{name:<28}{median:>10.1f}{queries:>9}{status:>8}")
    measure_suggestion()

    delegate = Delegate.objects.filter(bookings__status="confirmed", stars__isnull=False).distinct().first()
    client.force_login(delegate.user)
    from planner.services.calendar import issue_calendar_token

    token = issue_calendar_token(delegate=delegate)
    personal = [("my programme", "/my/programme/"), ("directory page 1 (signed in)", "/delegates/")]
    personal.append(("feed: personal", f"/calendar/me/{token}.ics"))
    for name, path in personal:
        median, queries, status = measure(client, path, args.repeat)
        print(f"{name:<28}{median:>10.1f}{queries:>9}{status:>8}")
    bookers = list(Delegate.objects.exclude(bookings__event=meetup).order_by("-pk")[: args.repeat + 1])
    median, queries = measure_posts(bookers, f"/meetups/{meetup.pk}/book/")
    print(f"{'book a place (POST)':<28}{median:>10.1f}{queries:>9}{302:>8}")
    measure_discussions(client, conference, big.conference, args.repeat)
    measure_carry_forward(conference, args.repeat)
    measure_workspace(conference, big.conference, args.repeat)
    measure_pack(conference, args.repeat)
    measure_pack_queue(conference, url, count=args.packs)
    measure_import()
    measure_load(conference, url, seconds=args.load_seconds)
    return 0


def measure_workspace(conference, big, repeat: int) -> None:
    """The planner's programme view (grid and problems) for the demo's 90 sessions and the
    synthetic 900, and the admin home with its conference panels, as a superuser."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from planner.models import SessionPage

    planner = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create_superuser(
        "bench-planner", "bench@example.org", "bench-password"
    )
    client = Client()
    client.force_login(planner)
    for target in (conference, big):
        sessions = SessionPage.objects.child_of(target).count()
        median, queries, status = measure(client, f"/admin/conferences/{target.pk}/programme/", repeat)
        print(f"{f'programme view ({sessions})':<28}{median:>10.1f}{queries:>9}{status:>8}")
    median, queries, status = measure(client, "/admin/", repeat)
    print(f"{'admin home with panels':<28}{median:>10.1f}{queries:>9}{status:>8}")


def measure_import(sessions: int = 900) -> None:
    """A dry run of a generated ``sessions``-row CSV (6 streams, 5 days, one speaker each, no
    clashes) into a fresh conference, then the queued apply the admin's confirmation makes (the
    task function, called directly: what a worker spends); then the dry run of the same file
    again, when every row matches a session and is unchanged."""
    import csv
    import io
    from datetime import date, timedelta

    from django.contrib.auth import get_user_model
    from django.db import connection

    from planner import services
    from planner.models import ImportRun, Speaker
    from planner.programme_files.plan import plan_import
    from planner.programme_files.readers import CSV_COLUMNS, read_programme_file
    from planner.services.importing import apply_import_run

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
    people = [Speaker.objects.get_or_create(name=f"Import speaker {n}")[0].name for n in range(60)]
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
        print(f"{label:<28}{elapsed:>10.1f}{len(counted):>9}  {summary}")


def measure_pack_queue(conference, database_url: str, *, count: int) -> None:
    """``count`` packs for one meetup made by two real django-q2 workers (Redis broker when
    a Redis answers on 127.0.0.1:6379, else the ORM broker): wall time from the first task
    queued to the last file renamed into place, and each worker's peak memory."""
    import shutil
    import subprocess
    import tempfile
    from datetime import timedelta

    from planner import services
    from planner.models import Booking, BookingStatus, Delegate, PackFile, PackRun, RegionalEventPage

    if count <= 0:
        return
    template = RegionalEventPage.objects.live().child_of(conference).order_by("start").first()
    meetup = RegionalEventPage.objects.filter(slug="bench-packs").first()
    if meetup is None:
        meetup = services.add_meetup(
            conference=conference,
            title="Bench meetup for packs",
            slug="bench-packs",
            venue=template.venue,
            start=template.start + timedelta(days=60),
            end=template.end + timedelta(days=60),
            capacity=count,
            agenda=[
                services.AgendaItemPlan(
                    title=item.title,
                    start_time=item.start_time,
                    end_time=item.end_time,
                    continues=list(item.continues.all()),
                )
                for item in template.agenda_items.all()
            ],
        )
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


def measure_load(conference, database_url: str, *, seconds: int, users: int = 10) -> None:
    """``users`` locust visitors for ``seconds`` against gunicorn serving Relay on 127.0.0.1 with
    the production settings (Redis cache and broker when Redis answers): p50, p95, requests/s
    and errors for each kind of public request, each group (pages, nearby, feeds) and all."""
    import json
    import secrets
    import shutil
    import subprocess
    import tempfile

    if seconds <= 0:
        return
    root = Path(__file__).resolve().parent.parent
    workers = max(2, os.cpu_count() or 2)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "planner.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",  # no TLS proxy in front here
        "RELAY_VAR_DIR": str(root / "var" / "bench-web"),  # its static/ is kept between runs
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_ACCESS_LOG": "/dev/null",
    }
    if redis_answers():
        env["REDIS_URL"] = "redis://127.0.0.1:6379/14"
    collect_static(root, env)
    paths = load_paths(conference)
    scratch = Path(tempfile.mkdtemp(prefix="relay-bench-load-"))
    server_log = scratch / "gunicorn.log"
    # Our own gunicorn.conf.py and locustfile, fixed arguments: nothing untrusted reaches a shell.
    with server_log.open("wb") as log:
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "-c", str(root / "gunicorn.conf.py")],
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_healthy(port, server, server_log)
        for path in {path for group in paths.values() for path in group}:
            http_status(port, path)  # warm each worker's templates and the feed cache, as in service
        crowd = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "locust", "--headless", "--only-summary", "--loglevel", "WARNING"]
            + ["-f", str(root / "planner" / "locustfile.py"), "--host", f"http://127.0.0.1:{port}"]
            + ["-u", str(users), "-r", str(users), "--run-time", f"{seconds}s"],
            cwd=scratch,
            env={**os.environ, "RELAY_LOAD_PATHS": json.dumps(paths), "RELAY_LOAD_REPORT": str(scratch / "load.json")},
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
        report = json.loads((scratch / "load.json").read_text()) if (scratch / "load.json").exists() else {}
        if not report.get("entries"):
            raise RuntimeError(f"locust made no requests (exit {crowd.returncode}): {crowd.stderr[-2000:]}")
        rows = load_rows(report["entries"])
        failures = [f"{error['name']}: {error['error']} ×{error['occurrences']}" for error in report["errors"]]
        words = ("Error", "ERROR", "CRITICAL", "Traceback")
        server_errors = [line for line in server_log.read_text().splitlines() if any(w in line for w in words)][:5]
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(scratch, ignore_errors=True)
    cache = "Redis" if "REDIS_URL" in env else "local-memory"
    print(f"load: gunicorn, {workers} workers, production settings, {cache} cache; locust, {users} users, {seconds} s")
    print(f"{'load':<28}{'p50 ms':>10}{'p95 ms':>9}{'req/s':>8}{'errors':>8}")
    for name, p50, p95, rate, errors in rows:
        print(f"{name:<28}{p50:>10.0f}{p95:>9.0f}{rate:>8.1f}{errors:>8}")
    for line in failures + server_errors:
        print(f"  {line[:200]}")


def load_paths(conference) -> dict[str, list[str]]:
    """Real addresses for the locust crowd (planner/locustfile.py's kinds): the conference's
    pages, every sixth session, all its meetups, nearby searches from their towns, its feeds."""
    from planner.models import RegionalEventPage, SessionPage, Stream

    sessions = list(SessionPage.objects.live().child_of(conference).order_by("start", "pk"))[::6]
    meetups = list(RegionalEventPage.objects.live().child_of(conference).select_related("venue").order_by("pk"))
    towns = sorted({meetup.venue.town for meetup in meetups} | {"Bristol", "Norwich", "Inverness"})
    feed = f"/calendar/conference/{conference.pk}"
    return {
        "home": ["/"],
        "timetable": [conference.url],
        "speakers": [conference.url + "speakers/"],
        "session": [session.url for session in sessions],
        "meetup": [meetup.url for meetup in meetups],
        "search": [f"/search/?q={words}" for words in ("social+care", "housing", "data", "climate")],
        "near ?q=town": [f"/near/?q={town}" for town in towns],
        "near lat/lon json": [
            f"/near/?lat={meetup.venue.latitude:.2f}&lon={meetup.venue.longitude:.2f}&radius_km=500&format=json"
            for meetup in meetups
        ],
        "conference .ics": [f"{feed}.ics"],
        "stream .ics": [
            f"{feed}/stream/{slug}.ics"
            for slug in Stream.objects.filter(conference=conference).values_list("slug", flat=True)
        ],
        "meetup .ics": [f"/calendar/event/{meetup.pk}.ics" for meetup in meetups],
        "regional .ics": ["/calendar/regional.ics"],
        "session .ics": [f"/calendar/session/{session.pk}.ics" for session in sessions],
        "schedule.xml": [f"{feed}/schedule.xml"],
        "schedule.json": [f"{feed}/schedule.json"],
    }


def collect_static(root: Path, env: dict) -> None:
    """Collect static files for the production settings' manifest storage into
    RELAY_VAR_DIR/static, skipped when no source file changed since the last collection
    (compressing them all takes ~15 s)."""
    import hashlib
    import subprocess

    from django.contrib.staticfiles import finders

    sources = sorted(
        storage.path(path) for finder in finders.get_finders() for path, storage in finder.list(["CVS", ".*", "*~"])
    )
    digest = hashlib.sha256()
    for source in sources:
        stat = os.stat(source)
        digest.update(f"{source}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    static = Path(env["RELAY_VAR_DIR"]) / "static"
    stamp = static / "bench-sources.sha256"
    if (static / "staticfiles.json").exists() and stamp.exists() and stamp.read_text() == digest.hexdigest():
        return
    collect = [sys.executable, str(root / "manage.py"), "collectstatic", "--no-input", "--verbosity", "0"]
    done = subprocess.run(collect, env=env, capture_output=True, text=True, timeout=300)  # noqa: S603
    if done.returncode:
        raise RuntimeError(f"collectstatic failed: {done.stderr[-2000:]}")
    stamp.write_text(digest.hexdigest())


def load_rows(entries: list[dict]) -> list[tuple[str, float, float, float, int]]:
    """(name, p50 ms, p95 ms, requests/s, errors) for each group, each of its kinds indented
    beneath it, and all requests, from locust's JSON stats (entries named "<group>: <kind>").
    Requests/s share one duration, the whole run's, so the groups add up to the whole."""
    from collections import Counter

    started = min(entry["start_time"] for entry in entries)
    duration = max(entry["last_request_timestamp"] or started for entry in entries) - started

    def row(name: str, chosen: list[dict]) -> tuple[str, float, float, float, int]:
        times = Counter()
        for entry in chosen:
            times.update({float(ms): count for ms, count in entry["response_times"].items()})
        ordered = sorted(times.items())

        def percentile(share: float) -> float:
            wanted, seen = share * times.total(), 0
            for ms, count in ordered:
                seen += count
                if seen >= wanted:
                    return ms
            return 0.0

        requests = sum(entry["num_requests"] for entry in chosen)
        errors = sum(entry["num_failures"] for entry in chosen)
        return name, percentile(0.5), percentile(0.95), requests / max(duration, 1e-9), errors

    rows = []
    for group in sorted({entry["name"].split(": ", 1)[0] for entry in entries}):
        members = sorted((e for e in entries if e["name"].startswith(f"{group}: ")), key=lambda e: e["name"])
        rows.append(row(f"load: {group}", members))
        rows += [row("  " + entry["name"].split(": ", 1)[1], [entry]) for entry in members]
    rows.append(row("load: all", entries))
    return rows


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on just now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_status(port: int, path: str) -> int:
    """The status of GET ``path`` from the server on 127.0.0.1:``port``."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_until_healthy(port: int, server, log: Path, *, within: float = 60) -> None:
    """Return once /healthz answers 200; stop with gunicorn's last words if it exits or never does."""
    deadline = time.perf_counter() + within
    while time.perf_counter() < deadline and server.poll() is None:
        try:
            if http_status(port, "/healthz") == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"gunicorn did not become healthy: {log.read_text()[-2000:]}")


def redis_answers() -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def cluster_memory_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children (the workers), from /proc."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if status.parent.name == str(pid) or fields.get("PPid", "").strip() == str(pid):
            total += int(fields.get("VmRSS", "0 kB").split()[0])
    return total / 1024


def measure_pack(conference, repeat: int) -> None:
    """One delegate pack (gathering and drawing): median time and peak Python memory."""
    import tracemalloc

    from planner.models import Booking
    from planner.packs.context import pack_context
    from planner.packs.pack import render_pack

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


def measure_carry_forward(conference, repeat: int) -> None:
    """The busiest meetup's page, anonymous and signed in, its planner dashboard, and the
    table suggestion for its bookings and for 2,000 people."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client

    from planner.models import Booking, Contribution, RegionalEventPage
    from planner.queries import carry_forward as cf

    meetup = (
        RegionalEventPage.objects.live().child_of(conference).annotate(n=Count("bookings")).order_by("-n", "pk").first()
    )
    booked = cf.attendee_ids(meetup)
    anonymous = Client()
    median, queries, status = measure(anonymous, meetup.url, repeat)
    print(f"{f'meetup page ({len(booked)} booked), anon':<28}{median:>10.1f}{queries:>9}{status:>8}")
    delegate = Booking.objects.filter(event=meetup, status="confirmed").order_by("pk").first().delegate
    signed_in = Client()
    signed_in.force_login(delegate.user)
    median, queries, status = measure(signed_in, meetup.url, repeat)
    print(f"{'meetup page, delegate':<28}{median:>10.1f}{queries:>9}{status:>8}")
    planner = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create_superuser(
        "bench-planner", "bench@example.invalid", "bench-planner-password"
    )
    admin = Client()
    admin.force_login(planner)
    median, queries, status = measure(admin, f"/admin/meetups/{meetup.pk}/dashboard/", max(3, repeat // 3))
    print(f"{'meetup dashboard (planner)':<28}{median:>10.1f}{queries:>9}{status:>8}")
    sessions = [s.pk for s in cf.continued_sessions(meetup)]
    writers = list(
        Contribution.objects.filter(session_id__in=sessions, author__isnull=False)
        .values_list("author_id", flat=True)
        .distinct()
        .order_by("author_id")[:2000]
    )
    crowd = (writers + [pk for pk in range(1, 4000) if pk not in set(writers)])[:2000]
    for label, people in ((f"tables, {len(booked)} booked", booked), ("tables, 2,000 booked", crowd)):
        timings = []
        for _ in range(max(3, repeat // 3)):
            started = time.perf_counter()
            tables, _saved = cf.meetup_tables(meetup, size=6, booked=people)
            timings.append((time.perf_counter() - started) * 1000)
        print(f"{label:<28}{statistics.median(timings):>10.1f}{'':>9}{len(tables):>8}")


def measure_discussions(client, conference, big_conference, repeat: int) -> None:
    """Session pages with 20 and 200 contributions (the same query count), a thread, the
    connections page, posting, and the findings page and PDF."""
    from django.conf import settings

    from planner.models import Contribution, Delegate, SessionPage

    sessions = list(SessionPage.objects.child_of(big_conference).order_by("pk")[:2])
    for session, size in zip(sessions, (20, 200), strict=True):
        fill_discussion(session, size)
        median, queries, status = measure(client, session.url, repeat)
        print(f"{f'session, {size} contributions':<28}{median:>10.1f}{queries:>9}{status:>8}")
    busiest = Contribution.objects.filter(parent=None).order_by("-reply_count").first()
    rows = [
        (f"thread ({busiest.reply_count} replies)", f"/discussion/{busiest.pk}/"),
        ("my connections", "/my/connections/"),
        ("findings page", conference.url + "findings/"),
        ("findings PDF", conference.url + "findings/pdf/"),
    ]
    for name, path in rows:
        median, queries, status = measure(client, path, max(3, repeat // 3) if "PDF" in name else repeat)
        print(f"{name:<28}{median:>10.1f}{queries:>9}{status:>8}")
    settings.RELAY_POSTING_LIMITS = [(10**6, 60)]  # the bench posts faster than any person may
    session = SessionPage.objects.live().child_of(conference).order_by("start").first()
    posters = list(Delegate.objects.filter(registrations__conference=conference).order_by("-pk")[: repeat + 1])
    median, queries = measure_posts(
        posters, f"/sessions/{session.pk}/discuss/", {"body": "Benchmark: we **shared** the data weekly."}
    )
    print(f"{'post a contribution (POST)':<28}{median:>10.1f}{queries:>9}{302:>8}")


def fill_discussion(session, size: int) -> None:
    """Give ``session`` ``size`` contributions (a third threads, the rest replies), bulk-inserted."""
    import random

    from planner.markup import render_markdown
    from planner.models import Contribution, Delegate

    have = session.contributions.count()
    if have >= size:
        return
    rng = random.Random(size)
    people = list(Delegate.objects.order_by("pk").values_list("pk", flat=True)[:500])
    threads = Contribution.objects.bulk_create(
        [
            Contribution(
                session=session,
                author_id=rng.choice(people),
                body=f"Thread {n}",
                body_html=render_markdown(f"Thread **{n}**"),
            )
            for n in range(size // 3)
        ]
    )
    replies = [
        Contribution(
            session=session,
            parent=rng.choice(threads),
            author_id=rng.choice(people),
            body="A reply",
            body_html="<p>A reply</p>",
        )
        for _ in range(size - len(threads))
    ]
    Contribution.objects.bulk_create(replies)
    for thread in threads:
        thread.reply_count = sum(1 for reply in replies if reply.parent_id == thread.pk)
    Contribution.objects.bulk_update(threads, ["reply_count"])


class BigConference:
    def __init__(self, conference, sessions):
        self.conference, self.sessions = conference, sessions


def big_conference(sessions: int = 900) -> BigConference:
    """A second, synthetic conference of ``sessions`` sessions (10 streams, 5 days, 18 slots a
    day), built once through the services, to show feeds cost the same at ten times the size."""
    from datetime import date, datetime, timedelta
    from zoneinfo import ZoneInfo

    from planner import services
    from planner.demo.programme import load_corpus
    from planner.models import ConferencePage, SessionPage

    existing = ConferencePage.objects.filter(slug="bench-900").first()
    if existing:
        return BigConference(existing, SessionPage.objects.child_of(existing).count())
    london = ZoneInfo("Europe/London")
    conference = services.add_conference(
        parent=services.default_home_page(),
        title="Benchmark conference (900 sessions)",
        slug="bench-900",
        start_date=date(2027, 6, 7),
        end_date=date(2027, 6, 11),
        time_zone="Europe/London",
    )
    streams = [
        services.add_stream(conference=conference, name=f"Stream {n}", slug=f"s{n}", sort_order=n) for n in range(10)
    ]
    summaries = [s["summary"] for stream in load_corpus()["streams"] for s in stream["sessions"]]
    for index in range(sessions):
        day, slot, stream = index // 180, (index // 10) % 18, streams[index % 10]
        start = datetime(2027, 6, 7, 8, 0, tzinfo=london) + timedelta(days=day, minutes=30 * slot)
        services.add_session(
            conference=conference,
            title=f"Benchmark session {index + 1}",
            slug=f"bench-{index + 1}",
            stream=stream,
            start=start,
            end=start + timedelta(minutes=25),
            format="talk",
            summary=summaries[index % len(summaries)],
        )
    return BigConference(conference, sessions)


def many_meetups(venues: int = 10_000, events: int = 500) -> int:
    """``venues`` synthetic venues across Great Britain (bulk-inserted) and ``events``
    upcoming meetups at some of them (through the services), for the nearby search."""
    import random
    from datetime import date, datetime, timedelta
    from decimal import Decimal

    from planner import services
    from planner.models import ConferencePage, RegionalEventPage
    from venues.models import Venue

    if Venue.objects.count() >= venues:
        return Venue.objects.count()
    rng = random.Random(7)
    Venue.objects.bulk_create(
        [
            Venue(
                name=f"Community hall {n}",
                address=f"{n} High Street",
                town="Benchtown",
                latitude=Decimal(f"{rng.uniform(50.5, 57.5):.6f}"),
                longitude=Decimal(f"{rng.uniform(-5.0, 1.0):.6f}"),
            )
            for n in range(venues - Venue.objects.count())
        ],
        batch_size=2000,
    )
    conference = ConferencePage.objects.get(slug="bench-900")
    hosts = list(Venue.objects.filter(town="Benchtown").order_by("pk")[:events])
    have = RegionalEventPage.objects.child_of(conference).count()
    for n, venue in enumerate(hosts[have:], start=have):
        day = date(2027, 9, 1) + timedelta(days=n % 60)
        services.add_meetup(
            conference=conference,
            title=f"Bench meetup {n}",
            slug=f"bench-meetup-{n}",
            venue=venue,
            start=datetime.combine(day, datetime.min.time().replace(hour=10), tzinfo=conference.zone),
            end=datetime.combine(day, datetime.min.time().replace(hour=16), tzinfo=conference.zone),
            capacity=50,
        )
    return Venue.objects.count()


def measure_suggestion() -> None:
    """Time the k-medoids suggestion (k=5) over delegates' towns."""
    from planner.models import Delegate
    from planner.queries.geography import delegate_towns
    from venues.geography import suggest_sites

    started = time.perf_counter()
    towns = delegate_towns()
    suggest_sites(towns, 5)
    elapsed = (time.perf_counter() - started) * 1000
    label = f"suggest 5 towns ({Delegate.objects.count():,} del.)"
    print(f"{label:<28}{elapsed:>10.1f}{'':>9}{len(towns):>8}")


def measure_posts(delegates, path: str, data: dict | None = None) -> tuple[float, int]:
    """Median server time, and the first request's queries, for each delegate in turn
    POSTing ``data`` to ``path`` (each a new person, as a crowd would)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    timings, queries = [], 0
    for index, delegate in enumerate(delegates):
        client = Client()
        client.force_login(delegate.user)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.post(path, data or {})
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 302, (path, response.status_code)
        if index == 0:
            queries = len(captured)
    return statistics.median(timings), queries


if __name__ == "__main__":
    sys.exit(main())
