"""Pages, feeds and searches: the public site, a signed-in delegate's, the discussions,
a meetup's carry-forward and the planner's workspace."""

import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.test import Client

from bench.scenes import fill_discussion, meetup_like
from bench.timing import measure, measure_posts
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
from planner.queries.tables import meetup_tables
from venues.geography import suggest_sites


def measure_suggestion() -> None:
    """Time the k-medoids suggestion (k=5) over delegates' towns."""

    started = time.perf_counter()
    towns = delegate_towns()
    suggest_sites(towns, 5)
    elapsed = (time.perf_counter() - started) * 1000
    label = f"suggest 5 towns ({Delegate.objects.count():,} del.)"
    print(f"{label:<28}{elapsed:>10.1f}{'':>9}{len(towns):>8}")


def measure_discussions(client, conference, big_conference, repeat: int) -> None:
    """Session pages with 20 and 200 contributions (the same query count), a thread, the
    connections page, posting, the findings page and PDF, and the organisers' findings report
    (page, PDF, text)."""

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
    report = FindingsReportPage.objects.live().child_of(conference).first()
    if report is not None:
        rows += [
            ("findings report", report.url),
            ("report PDF", report.url + "pdf/"),
            ("report text", report.url + "text/"),
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


def measure_carry_forward(conference, repeat: int) -> None:
    """The busiest meetup's page, anonymous and signed in, its planner dashboard, and the
    table suggestion for its bookings and for 2,000 people."""

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
        print(f"{label:<28}{statistics.median(timings):>10.1f}{'':>9}{len(tables):>8}")


def measure_workspace(conference, big, repeat: int) -> None:
    """The planner's programme view (grid and problems) for the demo's 90 sessions and the
    synthetic 900, and the admin home with its conference panels, as a superuser."""

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
        print(f"{f'meetup day, {size:,} booked':<28}{median:>10.1f}{queries:>9}{status:>8}")
