"""The load test: gunicorn on production settings against the bench database, and a
locust crowd (bench/locustfile.py) for a fixed time."""

import hashlib
import http.client
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.staticfiles import finders
from django.db.models import Count
from django.test import override_settings
from django.utils.module_loading import import_string

from planner.models import Delegate, RegionalEventPage, SessionPage, Stream


def measure_load(conference, database_url: str, *, seconds: int, users: int = 10) -> None:
    """``users`` locust visitors for ``seconds`` against gunicorn serving Relay on 127.0.0.1 with
    the production settings (Redis cache and broker when Redis answers), a django-q2 worker
    cluster beside it: p50, p95, requests/s and errors for each kind of request, anonymous and
    signed in, each group (pages, signed in, nearby, feeds) and all; then the peak resident
    memory of the web processes and of the worker cluster while the crowd was there."""

    if seconds <= 0:
        return
    root = Path(__file__).resolve().parent.parent
    workers = max(2, os.cpu_count() or 2)
    port = free_port()
    secret_key = secrets.token_urlsafe(50)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "planner.settings.production",
        "SECRET_KEY": secret_key,
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
    cookies = signed_in_cookies(conference, secret_key=secret_key)
    scratch = Path(tempfile.mkdtemp(prefix="relay-bench-load-"))
    server_log = scratch / "gunicorn.log"
    # Our own gunicorn.conf.py, qcluster and locustfile, fixed arguments: nothing untrusted
    # reaches a shell.
    with server_log.open("wb") as log:
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "-c", str(root / "gunicorn.conf.py")],
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, str(root / "manage.py"), "qcluster"],
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    peaks = PeakMemory({"web (gunicorn, all processes)": server.pid, "worker (qcluster, all processes)": worker.pid})
    try:
        wait_until_healthy(port, server, server_log)
        for path in {path for group in paths.values() for path in group}:
            http_status(port, path)  # warm each worker's templates and the feed cache, as in service
        peaks.start()
        crowd = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "locust", "--headless", "--only-summary", "--loglevel", "WARNING"]
            + ["-f", str(root / "bench" / "locustfile.py"), "--host", f"http://127.0.0.1:{port}"]
            + ["-u", str(users), "-r", str(users), "--run-time", f"{seconds}s"],
            cwd=scratch,
            env={
                **os.environ,
                "RELAY_LOAD_PATHS": json.dumps(paths),
                "RELAY_LOAD_COOKIES": json.dumps(cookies),
                "RELAY_LOAD_REPORT": str(scratch / "load.json"),
            },
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
        peaks.stop()
        for process in (server, worker):
            process.terminate()
        for process in (server, worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(scratch, ignore_errors=True)
    cache = "Redis" if "REDIS_URL" in env else "local-memory"
    print(f"load: gunicorn, {workers} workers, production settings, {cache} cache; locust, {users} users, {seconds} s")
    print(f"{'load':<28}{'p50 ms':>10}{'p95 ms':>9}{'req/s':>8}{'errors':>8}")
    for name, p50, p95, rate, errors in rows:
        print(f"{name:<28}{p50:>10.0f}{p95:>9.0f}{rate:>8.1f}{errors:>8}")
    for name, peak in peaks.peaks.items():
        print(f"{'peak memory, ' + name:<44}{peak:>8.0f} MB")
    for line in failures + server_errors:
        print(f"  {line[:200]}")


class PeakMemory:
    """The largest resident memory seen, sampled every half second on a thread, of each
    named process with its children."""

    def __init__(self, pids: dict[str, int]):
        self.pids = pids
        self.peaks = dict.fromkeys(pids, 0.0)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)

    def sample(self) -> None:
        while not self.done.is_set():
            for name, pid in self.pids.items():
                self.peaks[name] = max(self.peaks[name], cluster_memory_mb(pid))
            self.done.wait(0.5)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.done.set()
        if self.thread.is_alive():
            self.thread.join(timeout=5)


def signed_in_cookies(conference, *, secret_key: str, count: int = 20) -> list[str]:
    """Session cookies of ``count`` delegates registered for ``conference`` (those who booked
    a meetup first), signed in as Django's ``login`` would, for the server's ``secret_key``."""
    people = list(
        Delegate.objects.filter(registrations__conference=conference, user__is_active=True)
        .annotate(booked=Count("bookings"))
        .select_related("user")
        .order_by("-booked", "pk")[:count]
    )
    # The backend that signs people in (axes's, listed first, only refuses locked-out ones).
    backend = next(path for path in settings.AUTHENTICATION_BACKENDS if hasattr(import_string(path), "get_user"))
    cookies = []
    with override_settings(SECRET_KEY=secret_key):
        for delegate in people:
            session = SessionStore()
            session[SESSION_KEY] = str(delegate.user.pk)
            session[BACKEND_SESSION_KEY] = backend
            session[HASH_SESSION_KEY] = delegate.user.get_session_auth_hash()
            session.create()
            cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    return cookies


def load_paths(conference) -> dict[str, list[str]]:
    """Real addresses for the locust crowd (bench/locustfile.py's kinds): the conference's
    pages, every sixth session, all its meetups, nearby searches from their towns, its feeds."""

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
        "my programme": ["/my/programme/"],
        "timetable, signed in": [conference.url],
        "session, signed in": [session.url for session in sessions],
        "meetup, signed in": [meetup.url for meetup in meetups],
        "session .ics": [f"/calendar/session/{session.pk}.ics" for session in sessions],
        "schedule.xml": [f"{feed}/schedule.xml"],
        "schedule.json": [f"{feed}/schedule.json"],
    }


def collect_static(root: Path, env: dict) -> None:
    """Collect static files for the production settings' manifest storage into
    RELAY_VAR_DIR/static, skipped when no source file changed since the last collection
    (compressing them all takes ~15 s)."""

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

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_status(port: int, path: str) -> int:
    """The status of GET ``path`` from the server on 127.0.0.1:``port``."""

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
