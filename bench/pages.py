"""Pages, feeds and searches: the public site, a signed-in delegate's, the discussions,
a meetup's carry-forward and the planner's workspace."""

import re
import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count
from django.test import Client

from bench.scenes import fill_discussion, meetup_like
from bench.timing import RESULTS, measure, measure_posts, row
from planner.models import (
    Booking,
    BookingStatus,
    Contribution,
    Delegate,
    FindingsReportPage,
    RegionalEventPage,
    SessionPage,
)
from planner.queries import carry_forward as cf
from planner.queries.geography import delegate_towns
from planner.queries.hosting import hosting_towns
from planner.queries.tables import meetup_tables
from venues.geography import suggest_sites


def measure_suggestion() -> None:
    """Time the k-medoids suggestion (k=5) over delegates' towns, from the towns that can host."""

    started = time.perf_counter()
    towns = delegate_towns()
    suggest_sites(towns, 5, candidates=hosting_towns())
    elapsed = (time.perf_counter() - started) * 1000
    label = f"suggest 5 towns ({Delegate.objects.count():,} del.)"
    row(label, elapsed, "", len(towns))


def measure_geography() -> None:
    """The planner's delegate geography page (its map, catchments and carbon), once cold (the
    suggestion computed) and then kept."""
    client = planner_client()
    cache.clear()
    started = time.perf_counter()
    client.get("/admin/geography/")
    row("geography page, cold", (time.perf_counter() - started) * 1000)
    median, queries, status = measure(client, "/admin/geography/", 5)
    row("geography page", median, queries, status)
    largest_maps(client, ["/admin/geography/"])


SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def largest_maps(client, paths: list[str]) -> None:
    """The size of the largest server-drawn SVG map on each page (the issue's budget: 60 KB)."""
    for path in paths:
        body = client.get(path).content.decode()
        sizes = [len(svg.encode()) for svg in SVG.findall(body) if 'class="uk-map"' in svg]
        if sizes:
            print(f"  largest map on {path[:40]:<40}{max(sizes) / 1024:>8.1f} KB")
            RESULTS[f"map size {path}"] = {"kb": round(max(sizes) / 1024, 1)}


def measure_discussions(client, conference, big_conference, repeat: int) -> None:
    """Session pages with 20 and 200 contributions (the same query count), a thread, the
    connections page, posting, the findings page and PDF, and the organisers' findings report
    (page, PDF, text)."""

    sessions = list(SessionPage.objects.child_of(big_conference).order_by("pk")[:2])
    for session, size in zip(sessions, (20, 200), strict=True):
        fill_discussion(session, size)
        median, queries, status = measure(client, session.url, repeat)
        row(f"session, {size} contributions", median, queries, status)
    busiest = Contribution.objects.filter(parent=None).order_by("-reply_count").first()
    rows = [
        (f"thread ({busiest.reply_count} replies)", f"/discussion/{busiest.pk}/"),
        ("my connections", "/my/connections/"),
        ("findings page", conference.url + "findings/"),
        ("findings PDF", conference.url + "findings/pdf/"),
    ]
    report = FindingsReportPage.objects.live().child_of(conference).first()
    if report is not None:
        rows += [
            ("findings report", report.url),
            ("report PDF", report.url + "pdf/"),
            ("report text", report.url + "text/"),
        ]
    for name, path in rows:
        median, queries, status = measure(client, path, max(3, repeat // 3) if "PDF" in name else repeat)
        row(name, median, queries, status)
    settings.RELAY_POSTING_LIMITS = [(10**6, 60)]  # the bench posts faster than any person may
    session = SessionPage.objects.live().child_of(conference).order_by("start").first()
    posters = list(Delegate.objects.filter(registrations__conference=conference).order_by("-pk")[: repeat + 1])
    median, queries = measure_posts(
        posters, f"/sessions/{session.pk}/discuss/", {"body": "Benchmark: we **shared** the data weekly."}
    )
    row("post a contribution (POST)", median, queries, 302)


def measure_carry_forward(conference, repeat: int) -> None:
    """The busiest meetup's page, anonymous and signed in, its planner dashboard, and the
    table suggestion for its bookings and for 2,000 people."""

    meetup = (  # the demo's busiest, not the bench's own crowded copies (below)
        RegionalEventPage.objects.live()
        .child_of(conference)
        .exclude(slug__startswith="bench-")
        .annotate(n=Count("bookings"))
        .order_by("-n", "pk")
        .first()
    )
    booked = cf.attendee_ids(meetup)
    anonymous = Client()
    median, queries, status = measure(anonymous, meetup.url, repeat)
    row(f"meetup page ({len(booked)} booked), anon", median, queries, status)
    delegate = Booking.objects.filter(event=meetup, status="confirmed").order_by("pk").first().delegate
    signed_in = Client()
    signed_in.force_login(delegate.user)
    median, queries, status = measure(signed_in, meetup.url, repeat)
    row("meetup page, delegate", median, queries, status)
    median, queries, status = measure(planner_client(), f"/admin/meetups/{meetup.pk}/dashboard/", repeat)
    row("meetup dashboard", median, queries, status)
    crowded_meetup_pages(conference, meetup, repeat)
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
            tables, _saved = meetup_tables(meetup, size=6, booked=people)
            timings.append((time.perf_counter() - started) * 1000)
        row(label, statistics.median(timings), "", len(tables))


def measure_workspace(conference, big, repeat: int) -> None:
    """The planner's programme view (grid and problems) for the demo's 90 sessions and the
    synthetic 900, and the admin home with its conference panels, as a superuser."""

    client = planner_client()
    for target in (conference, big):
        sessions = SessionPage.objects.child_of(target).count()
        median, queries, status = measure(client, f"/admin/conferences/{target.pk}/programme/", repeat)
        row(f"programme view ({sessions})", median, queries, status)
    median, queries, status = measure(client, "/admin/", repeat)
    row("admin home with panels", median, queries, status)


def planner_client() -> Client:
    """A client signed in as the bench's planner (a superuser, made once)."""
    planner = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create_superuser(
        "bench-planner", "bench@example.invalid", "bench-planner-password"
    )
    client = Client()
    client.force_login(planner)
    return client


def crowded_meetup_pages(conference, template, repeat: int) -> None:
    """The signed-in meetup page (the delegate's day) at 120 and at 2,000 confirmed (or as
    many delegates as there are): copies of ``template``'s agenda, booked in bulk with the
    people who wrote in its sessions first, so the page has tables, people and digests."""
    sessions = [s.pk for s in cf.continued_sessions(template)]
    writers = list(
        Contribution.objects.filter(session_id__in=sessions, author__isnull=False)
        .values_list("author_id", flat=True)
        .distinct()
        .order_by("author_id")
    )
    everyone = list(dict.fromkeys(writers + list(Delegate.objects.order_by("pk").values_list("pk", flat=True)[:4000])))
    for size in (120, 2000):
        size = min(size, len(everyone))
        slug = f"bench-crowd-{size}"
        fresh = not RegionalEventPage.objects.filter(slug=slug).exists()
        meetup = meetup_like(template, slug=slug, title=f"Bench meetup, {size} booked", capacity=size, days_later=90)
        if fresh:
            Booking.objects.bulk_create(
                [Booking(delegate_id=pk, event=meetup, status=BookingStatus.CONFIRMED) for pk in everyone[:size]]
            )
        viewer = Delegate.objects.get(pk=everyone[0])
        signed_in = Client()
        signed_in.force_login(viewer.user)
        median, queries, status = measure(signed_in, meetup.url, repeat)
        row(f"meetup day, {size:,} booked", median, queries, status)
        median, queries, status = measure(planner_client(), f"/admin/meetups/{meetup.pk}/dashboard/", repeat)
        row(f"meetup dashboard, {size:,} booked", median, queries, status)
