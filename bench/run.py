"""The whole bench in order, once Django is set up on the bench database."""

import time
from pathlib import Path

from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from bench import compare
from bench.jobs import measure_import, measure_pack, measure_pack_queue, measure_reminders
from bench.load import measure_load
from bench.pages import (
    largest_maps,
    measure_carry_forward,
    measure_discussions,
    measure_geography,
    measure_suggestion,
    measure_workspace,
)
from bench.scenes import big_conference, many_meetups
from bench.timing import measure, measure_posts, row
from planner.demo.programme import load_demo
from planner.demo.report import load_demo_report
from planner.models import ConferencePage, Delegate, RegionalEventPage, SessionPage, Speaker
from planner.queries.speakers import speaker_url
from planner.services.calendar import issue_calendar_token
from venues.gazetteer import load_outward_codes
from venues.models import OutwardCode

DEMO_SLUG = "connected-councils"
VAR = Path(__file__).resolve().parent.parent / "var"


def run(*, url: str, scale: int, repeat: int, packs: int, load_seconds: int, only: set[str], keep: bool) -> int:
    """Build the demo at ``scale`` (or, with ``keep``, reuse the one built before) and print
    the figures of each part in ``only``; 0 when done."""

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    kept = ConferencePage.objects.filter(slug=DEMO_SLUG).first() if keep else None
    if kept is None:
        load_demo(seed=1, scale=scale)
    else:
        # Not load_demo again: it would book the bench's own crowded meetups (they sit in the
        # demo conference, to continue its sessions) as if they were the demo's.
        load_demo_report(kept)
    demo_seconds = time.perf_counter() - started

    conference = ConferencePage.objects.get(slug=DEMO_SLUG)
    session = SessionPage.objects.live().child_of(conference).order_by("start").first()
    # The next meetup: the demo's first two have already happened, so they take no bookings.
    meetup = (
        RegionalEventPage.objects.live().child_of(conference).filter(start__gt=timezone.now()).order_by("start").first()
    )
    conference_sessions = SessionPage.objects.live().child_of(conference)
    pages = [
        ("home", "/"),
        ("conference (timetable)", conference.url),
        ("conference speakers", conference.url + "speakers/"),
        ("session", session.url),
        ("regional meetup", meetup.url),
        ("search ‘social care’", "/search/?q=social+care"),
        ("search ‘Leeds’", "/search/?q=Leeds"),
        ("search ‘algoritm’ (typo)", "/search/?q=algoritm"),
        ("speaker page", speaker_url(conference, Speaker.objects.filter(sessions__in=conference_sessions).first())),
        ("now and next", conference.url + "now/"),
        ("schedule changes", conference.url + "changes/"),
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
        f"Relay bench · scale {scale} · {SessionPage.objects.count()} sessions · "
        f"{Delegate.objects.count():,} delegates · {url.split('://')[0]}"
    )
    print(f"demo load{' (kept from the last run)' if kept else ''}: {demo_seconds:.1f} s")
    print(f"{'page':<28}{'median ms':>10}{'queries':>9}{'status':>8}")
    if "pages" in only:
        for name, path in pages:
            median, queries, status = measure(client, path, repeat)
            row(name, median, queries, status)

        cache.clear()
        started = time.perf_counter()
        client.get(f"/calendar/conference/{big.conference.pk}.ics")
        print(f"{'  same, first build (cold)':<28}{(time.perf_counter() - started) * 1000:>10.1f}")

    if "nearby" in only:
        if not OutwardCode.objects.exists():
            load_outward_codes()
        many = many_meetups()
        for name, path in [
            (f"near ?q=Leeds ({many} venues)", "/near/?q=Leeds"),
            ("near ?q=LS1 4AP (postcode)", "/near/?q=LS1+4AP"),
            ("near ?lat&lon, 80 km, json", "/near/?lat=53.8&lon=-1.55&format=json"),
            ("near ?lat&lon, 500 km, json", "/near/?lat=53.8&lon=-1.55&radius_km=500&format=json"),
            ("near, none in radius (Truro)", "/near/?lat=50.26&lon=-5.05&radius_km=1&place=Truro"),
            ("conference page with map", conference.url),
            ("meetup page with locator", meetup.url),
        ]:
            median, queries, status = measure(client, path, repeat)
            row(name, median, queries, status)
        measure_suggestion()
        measure_geography()
        largest_maps(client, ["/near/?q=Leeds", "/near/?lat=53.8&lon=-1.55&radius_km=500", conference.url, meetup.url])

    delegate = Delegate.objects.filter(bookings__status="confirmed", stars__isnull=False).distinct().first()
    client.force_login(delegate.user)

    if "personal" in only:
        token = issue_calendar_token(delegate=delegate)
        personal = [("my programme", "/my/programme/"), ("directory page 1 (signed in)", "/delegates/")]
        personal.append(("feed: personal", f"/calendar/me/{token}.ics"))
        for name, path in personal:
            median, queries, status = measure(client, path, repeat)
            row(name, median, queries, status)
        bookers = list(Delegate.objects.exclude(bookings__event=meetup).order_by("-pk")[: repeat + 1])
        median, queries = measure_posts(bookers, f"/meetups/{meetup.pk}/book/")
        row("book a place (POST)", median, queries, 302)
    if "discussions" in only:
        measure_discussions(client, conference, big.conference, repeat)
    if "meetups" in only:
        measure_carry_forward(conference, repeat)
    if "workspace" in only:
        measure_workspace(conference, big.conference, repeat)
    if "packs" in only:
        measure_pack(conference, repeat)
        measure_pack_queue(conference, url, count=packs)
    if "import" in only:
        measure_import()
    if "reminders" in only:
        measure_reminders(conference)
    if "load" in only:
        measure_load(conference, url, seconds=load_seconds)
    if url.startswith("sqlite"):  # the table compares SQLite runs; a PostgreSQL run prints its own figures
        compare.save(VAR, scale)
        compare.print_table(VAR)
    return 0
