"""A privacy sweep: a delegate who turns hidden and renames is named nowhere anyone else can see.

DESIGN.md: a person's visibility to other delegates is opt-in; every derived output applies
the same check (``planner.queries.people.visible_delegates``); contact details pass only between
connected delegates. A hidden person is "a delegate" wherever they must be mentioned.

The scene (built once for the module, through the services users go through): a delegate,
visible to their conference at first, books a meetup, writes a thread, a reply and a question
(two become findings), stars sessions, is asked to connect by Olive, asks Rita, connects with
Ada and is blocked by Bram; packs are drawn and pages read (warming the caches); then, through
the profile page, they turn hidden and change their name. Everything is then read as:

- ``anonymous``; ``olive`` (her request to them still waits: "Requests you sent", her data
  export); ``bram`` (blocked them: "Blocked"); ``cora`` (visible to the conference, discussed
  with them, not connected); ``facilitator`` (of another meetup, through the Wagtail admin):
  none of these may read anything about them;
- ``rita`` (they asked her to connect) and ``ada`` (connected): the one rule lets people a
  delegate revealed themself to by asking or connecting see them ("whoever chose to reveal
  themselves to the viewer", ``visible_delegates``), so both may read the new name, job title
  and organisation, Ada the email too (connected); neither the old name;
- ``self``, who may read everything about themself: the control that shows the readers do
  find the name. Planners and moderators are out of scope.

What is read: every route in the URLconf (planner.urls, recursively; of the admin, Relay's own
screens) with the scene's real ids; every page in the page tree and its sub-pages; the API
(each type's listing with fields=*, each page's detail, search); the feeds (ICS, schedule.xml
and .json, each role's own private feed); the directory searched for every needle, site and
admin search; the CSV and XLSX exports (programme, a meetup's delegate list, the admin
reports); the data export (my-data.json); PDFs (packs, badges, findings, pack-run downloads,
read with pypdf: text, metadata, outline); then a breadth-first crawl of every same-site link
they give (bounded: MAX_PAGES per role). Besides: each delegate's pack files as drawn, and
the digest emails sent after the change. The API, the public feeds and the findings report
(named by the public rule) read no session, so anonymous and Olive read them, not every role.

Every place a needle shows where that role may not read it is collected, and the assertion
prints them all, one a line: ``role path: [what] …snippet…``.
"""

import contextlib
import html
import io
import itertools
import json
import re
import zipfile
from collections import deque
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from unittest import mock
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import transaction
from django.test import Client, TestCase
from django.test.utils import override_settings
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from openpyxl import load_workbook
from pypdf import PdfReader
from wagtail.models import Page

from planner import services
from planner.models import Block, Booking, Connection, Contribution, Delegate, PackFile, PackRun, Visibility
from planner.packs.context import check_in_token
from planner.queries import carry_forward, discussion, tables
from planner.services.agenda import set_star
from planner.services.bookings import book_meetup
from planner.services.calendar import issue_calendar_token
from planner.services.connections import block_delegate, request_connection, respond_to_connection
from planner.services.discussion import accept_answer, moderate_contribution, post_contribution
from planner.services.emails import send_notification_digests
from planner.services.facilitation import name_facilitator
from planner.services.letters import emails_off_token
from planner.services.packs import pack_path, start_pack_run
from planner.services.report import KeyFindingPlan, SectionPlan, add_findings_report
from tests.factories import SpeakerFactory, UserFactory, london, make_conference, make_meetup, make_session
from tests.factories import registered_person as person

pytestmark = pytest.mark.django_db

OLD_NAME = "Zebedee Quillfeather-Hidden"
NEW_NAME = "Xanthippe Renamed-Secret"
ORGANISATION = "Wyvernshire Lantern Trust"
JOB = "Head of Snarkhunting"
EMAIL = "zq.lantern7731@wyvern-mail.example"
CORA_EMAIL = "cora.fenwright@kirklees.gov.uk"  # a visible delegate connected to nobody


@dataclass(frozen=True)
class Needle:
    what: str
    text: str

    @property
    def pattern(self) -> re.Pattern:
        # Whitespace may fall anywhere inside a word in extracted PDF text or a folded line.
        return re.compile(r"\s*".join(re.escape(ch) for ch in self.text), re.IGNORECASE)


NEEDLES = [
    Needle("old name", "Zebedee"),
    Needle("old name", "Quillfeather"),
    Needle("new name", "Xanthippe"),
    Needle("new name", "Renamed-Secret"),
    Needle("organisation", "Wyvernshire"),
    Needle("job title", "Snarkhunting"),
    Needle("email", EMAIL.split("@")[0]),
    Needle("Cora's email", CORA_EMAIL.split("@")[0]),
]
PATTERNS = [(needle, needle.pattern) for needle in NEEDLES]
ABOUT_THEM = {"old name", "new name", "organisation", "job title", "email"}

# What each role may read. Everyone else in the scene may read nothing above.
ALLOWED = {
    "self": ABOUT_THEM,
    "rita": {"new name", "organisation", "job title"},  # they asked her: revealed, not contact details
    "ada": {"new name", "organisation", "job title", "email"},  # connected: contact details too
    "cora": {"Cora's email"},
}
CRAWLED = ("anonymous", "olive", "bram", "rita", "ada", "cora", "facilitator")  # "self" is the control
# The API, the public feeds, the findings page and the organisers' report (made to be shared:
# named by the public rule) read no session: anonymous and one delegate read them; every role reads the rest.
SAME_FOR_EVERYONE = re.compile(r"^/(api/|calendar/(?!me/)|[\w-]+/findings/|[\w-]+/report/)")
SAME_FOR_EVERYONE_READ_BY = {"anonymous", "olive"}
# Shows only the viewer's own profile (and draws every time zone: 0.7 s a time).
NOT_CRAWLED = {"/account/profile/"}

MAX_PAGES = 400  # per role, seeds included
MAX_QUERY_VARIANTS = 2  # per path, for links found by the crawl (?day=, ?tz=, ?next=, ...)
SKIPPED_PREFIXES = ("/static/", "/media/", "/documents/", "/django-admin/")
SKIPPED_WORDS = ("logout",)


# -- the scene ------------------------------------------------------------------------------


def build_scene(pack_dir) -> dict:
    """The programme and people, the hidden person's activity, then the change of mind."""
    conference = make_conference(slug="privacy-sweep-2027")
    streams = list(conference.streams.order_by("sort_order"))
    speaker = SpeakerFactory(name="Priya Shah")
    discharge = make_session(conference, title="Hospital discharge", speakers=[speaker])
    deals = make_session(conference, title="Town deals", start=london(conference.start_date, 11))
    data = make_session(conference, title="Open data at scale", stream=streams[1], start=london(date(2027, 3, 9), 10))
    north_west = make_meetup(
        conference,
        title="North West meetup",
        agenda=[
            services.AgendaItemPlan(
                title="Discharge round table",
                start_time=london(date(2027, 4, 14), 10, 30).time(),
                end_time=london(date(2027, 4, 14), 12).time(),
                continues=[discharge],
            )
        ],
    )
    yorkshire = make_meetup(
        conference,
        title="Yorkshire meetup",
        day=date(2027, 4, 21),
        agenda=[
            services.AgendaItemPlan(
                title="Discharge and town deals",
                start_time=london(date(2027, 4, 21), 10, 30).time(),
                end_time=london(date(2027, 4, 21), 12).time(),
                continues=[discharge, deals],
            )
        ],
    )

    them = person(conference, OLD_NAME, Visibility.CONFERENCE, organisation=ORGANISATION, role=JOB, user__email=EMAIL)
    olive = person(conference, "Olive Asker", organisation="Wigan Council")
    bram = person(conference, "Bram Blocker", organisation="Bury Council")
    rita = person(conference, "Rita Recipient", organisation="Bolton Council")
    ada = person(conference, "Ada Connected", organisation="Stockport Council")
    cora = person(conference, "Cora Fenwright", organisation="Kirklees Council", user__email=CORA_EMAIL)
    asha = person(conference, "Asha Patel", Visibility.EVERYONE, organisation="Salford City Council")
    for delegate in (them, olive, bram, rita, ada, cora, asha):
        delegate.interests.set(streams[:2])

    planner = UserFactory(email="planner@example.org", is_superuser=True, is_staff=True)
    facilitator = UserFactory(email="fern.facilitator@leeds.gov.uk", first_name="Fern", last_name="Facilitator")
    name_facilitator(event=yorkshire, email=facilitator.email)

    for delegate in (them, olive, rita, cora, asha):
        book_meetup(delegate=delegate, event=north_west)
    for delegate in (ada, bram):
        book_meetup(delegate=delegate, event=yorkshire)
    for session in (discharge, deals):
        set_star(delegate=them, session=session, starred=True)
    set_star(delegate=cora, session=discharge, starred=True)
    set_star(delegate=ada, session=deals, starred=True)

    cora_thread = post_contribution(author=cora, session=discharge, body="Trusted assessors cut our delays by a third.")
    their_reply = post_contribution(
        author=them, session=discharge, body="We saw the same in our discharge lounge.", parent=cora_thread
    )
    question = post_contribution(author=them, session=discharge, body="Who funds step-down flats?", is_question=True)
    answer = post_contribution(
        author=ada, session=discharge, body="Our better care fund, for two years.", parent=question
    )
    post_contribution(author=cora, session=discharge, body="Ask the housing team as well.", parent=question)
    accept_answer(question=question, answer=answer, by=them)
    their_thread = post_contribution(
        author=them, session=deals, body="Town deals worked when the landlords were in the room."
    )
    post_contribution(author=bram, session=deals, body="And when the bus operator came.", parent=their_thread)
    post_contribution(author=asha, session=deals, body="Our deal stalled on land assembly.")
    post_contribution(author=asha, session=data, body="Open data needs an owner, not a portal.")
    for finding in (their_thread, their_reply, cora_thread):
        moderate_contribution(contribution=finding, moderator=planner, action="finding")
    # The organisers' report quotes them (and Cora): "a delegate" in every output, as the
    # public rule says, before and after they turn hidden.
    add_findings_report(
        conference=conference,
        title="What the sweep found",
        sections=[
            SectionPlan(
                heading="Discharge and deals",
                summary="<p>Rooms with everyone in them decide faster.</p>",
                findings=[KeyFindingPlan("Bring landlords in.", [their_thread.pk, their_reply.pk, cora_thread.pk])],
            )
        ],
    )

    request_connection(requester=olive, recipient=them)  # waits in Olive's "Requests you sent"
    request_connection(requester=them, recipient=rita, via=cora_thread)  # waits for Rita's answer
    respond_to_connection(connection=request_connection(requester=them, recipient=ada), responder=ada, accept=True)
    block_delegate(blocker=bram, blocked=them)

    with TestCase.captureOnCommitCallbacks(execute=True):  # drawn while they were still visible
        start_pack_run(event=yorkshire, by=planner)
    warm_the_caches(conference, cora)

    change_of_mind(them, streams)
    them.refresh_from_db()

    with TestCase.captureOnCommitCallbacks(execute=True):
        runs_after = [start_pack_run(event=event, by=planner) for event in (north_west, yorkshire)]

    delegates = {"self": them, "olive": olive, "bram": bram, "rita": rita, "ada": ada, "cora": cora}
    return {
        "conference": conference,
        "meetups": [north_west, yorkshire],
        "them": them,
        "delegates": delegates,
        "asha": asha,
        "users": {**{role: d.user for role, d in delegates.items()}, "facilitator": facilitator, "anonymous": None},
        "planner": planner,
        "calendar_tokens": {role: issue_calendar_token(delegate=d) for role, d in delegates.items()},
        "runs_after": runs_after,
        "pack_dir": pack_dir,
    }


def warm_the_caches(conference, viewer):
    """Read the pages whose parts are cached (feeds, digests, tables, activity) while the
    person is still visible, so a cache that kept a name would show in the sweep."""
    pages = [conference.url, f"{conference.url}findings/", "/calendar/regional.ics"]
    pages += [page.url for page in Page.objects.live().descendant_of(conference).specific()]
    for client in (Client(), logged_in(viewer.user)):
        for path in pages:
            client.get(path)


def change_of_mind(them, streams):
    """Through the profile page, as a person would: hidden, and a new name."""
    client = logged_in(them.user)
    response = client.post(
        "/account/profile/",
        {
            "name": NEW_NAME,
            "organisation": ORGANISATION,
            "role": JOB,
            "home_town": "",
            "interests": [stream.pk for stream in streams[:2]],
            "visibility": Visibility.HIDDEN,
            "time_zone": "Europe/London",
            "email_digest": "on",
        },
        follow=True,
    )
    assert response.status_code == 200 and "Your profile is saved." in response.content.decode()


def logged_in(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


# What the pages cache lives minutes; the sweep may take longer on a slow machine, so what was
# warmed before the change is kept for the whole module.
CACHE_LIFETIMES = [
    (carry_forward, "LEFT_OFF_CACHE_SECONDS"),
    (tables, "TABLES_CACHE_SECONDS"),
    (discussion, "ACTIVITY_CACHE_SECONDS"),
]


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module in a transaction rolled back at its end. The tests only read."""
    pack_dir = tmp_path_factory.mktemp("packs")
    with ExitStack() as stack:
        for module, name in CACHE_LIFETIMES:
            stack.enter_context(mock.patch.object(module, name, 3600))
        stack.enter_context(django_db_blocker.unblock())
        stack.enter_context(override_settings(RELAY_PACK_DIR=pack_dir))
        stack.enter_context(transaction.atomic())
        cache.clear()
        yield build_scene(pack_dir)
        transaction.set_rollback(True)
    cache.clear()


@pytest.fixture(autouse=True)
def empty_cache():
    """Overrides tests/conftest.py's: the caches warmed before the change must survive into
    the sweep (the scene clears the cache before and after the module)."""
    yield


# -- reading any output as text -------------------------------------------------------------


def pdf_text(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    parts = [page.extract_text() or "" for page in reader.pages]
    parts += [str(value) for value in (reader.metadata or {}).values()]

    def titles(outline):
        for item in outline:
            yield from titles(item) if isinstance(item, list) else [str(getattr(item, "title", ""))]

    parts += titles(reader.outline)
    return "\n".join(parts)


def xlsx_text(body: bytes) -> str:
    book = load_workbook(io.BytesIO(body), read_only=True)
    return "\n".join(
        " | ".join("" if value is None else str(value) for value in row)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def bytes_text(body: bytes, content_type: str = "") -> str:
    """Text a person could read in ``body``: PDF text and metadata, spreadsheet cells, each
    file of a zip, unfolded ICS lines, JSON with its escapes undone, HTML entities decoded."""
    if body.startswith(b"%PDF"):
        return pdf_text(body)
    if body.startswith(b"PK\x03\x04"):
        archive = zipfile.ZipFile(io.BytesIO(body))
        if "xl/workbook.xml" in archive.namelist():
            return xlsx_text(body)
        return "\n".join(f"{name}\n{bytes_text(archive.read(name))}" for name in archive.namelist())
    text = body.decode("utf-8-sig", errors="replace")
    if "calendar" in content_type or text.startswith("BEGIN:VCALENDAR"):
        text = re.sub(r"\r?\n[ \t]", "", text).replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n")
    if "json" in content_type:
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), ensure_ascii=False)
    return html.unescape(text)


def response_text(response) -> str:
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    headers = " ".join(response.get(name, "") for name in ("Location", "Content-Disposition", "Link", "Refresh"))
    return headers + "\n" + bytes_text(body, response.get("Content-Type", ""))


@dataclass
class Leak:
    role: str
    where: str
    what: str
    snippet: str

    def __str__(self) -> str:
        return f"{self.role} {self.where}: [{self.what}] …{self.snippet}…"


def find_leaks(role: str, where: str, text: str, *, also=()) -> list[Leak]:
    """Each needle ``role`` may not read (nor ``also`` allows) that ``text`` holds, once
    per kind, with some context."""
    flat = " ".join(text.split())
    allowed = ALLOWED.get(role, set()) | set(also)
    leaks, seen = [], set()
    for needle, pattern in PATTERNS:
        if needle.what in allowed or needle.what in seen:
            continue
        if match := pattern.search(flat):
            seen.add(needle.what)
            snippet = flat[max(match.start() - 70, 0) : match.end() + 70]
            leaks.append(Leak(role, where, needle.what, snippet))
    return leaks


# -- where to look --------------------------------------------------------------------------


def routes(patterns=None, prefix=""):
    """(route, name) of every ``path()`` in the URLconf, recursively."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if isinstance(entry.pattern, RoutePattern):
                yield from routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry.pattern, RoutePattern):
            yield prefix + str(entry.pattern), entry.name or ""


PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
NOT_WALKED = {"uidb64"}  # emailed one-time links: no real value to give them
LEFT_OUT = {  # the routes the walk cannot fill, and why
    "account/confirm/<uidb64>/<token>/",  # one-time emailed links
    "account/reset/<uidb64>/<token>/",
    "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",  # no private pages
}


def parameter_values(scene, role) -> dict[str, list]:
    conference = scene["conference"]
    pages = list(Page.objects.live().descendant_of(conference, inclusive=True).specific())
    bookings = list(Booking.objects.order_by("pk"))
    return {
        "conference_id": [conference.pk],
        "event_id": [meetup.pk for meetup in scene["meetups"]],
        "session_id": [page.pk for page in pages if page.specific_class.__name__ == "SessionPage"],
        "page_id": [page.pk for page in pages],
        "contribution_id": list(Contribution.objects.order_by("pk").values_list("pk", flat=True)),
        "delegate_id": list(Delegate.objects.order_by("pk").values_list("pk", flat=True)),
        "connection_id": list(Connection.objects.order_by("pk").values_list("pk", flat=True)),
        "booking_id": [booking.pk for booking in bookings],
        "run_id": list(PackRun.objects.order_by("pk").values_list("pk", flat=True)),
        "kind": ["combined", "zip"],
        "stream_slug": list(conference.streams.values_list("slug", flat=True)),
        # Check-in codes are printed on everyone's pack and badge.
        "check_in:token": [check_in_token(booking.pk) for booking in bookings],
        # A private feed's token is its owner's password: each role reads its own feed.
        "feed_personal:token": [scene["calendar_tokens"][role]] if role in scene["calendar_tokens"] else [],
        # An email's way out of reminders is in every email its owner gets: each role has its own.
        "emails_off:token": [emails_off_token(scene["delegates"][role].pk)] if role in scene["delegates"] else [],
    }


def walked_urls(scene, role) -> tuple[list[tuple[str, str]], list[str]]:
    """(url, route) for every URLconf route filled with the scene's real ids; and the
    routes left out."""
    values = parameter_values(scene, role)
    urls, left_out = [], []
    for route, name in routes():
        if route.startswith(("django-admin/", "documents/")):
            continue
        if route.startswith("admin/") and not name.startswith("planner_"):
            continue  # Wagtail's own admin: reached by the facilitator's crawl instead
        params = PARAMETER.findall(route)
        given = [values.get(f"{name}:{param}", values.get(param)) for param in params]
        if any(param in NOT_WALKED or options is None for param, options in zip(params, given, strict=True)):
            left_out.append(route)
            continue
        for combination in itertools.product(*given):
            urls.append((fill(route, combination), route))
    return urls, left_out


def fill(route: str, values) -> str:
    """``route`` with its parameters replaced by ``values``, in order, as an address."""
    given = iter(values)
    return "/" + PARAMETER.sub(lambda _parameter: str(next(given)), route)


def explicit_urls(scene) -> list[str]:
    """Pages in the page tree, the API, searches for every needle, the report exports."""
    conference = scene["conference"]
    pages = [page for page in Page.objects.live().specific() if page.url]
    # Searched for by a prefix, so the search box echoing the query is not a match.
    words = [needle.text[: -max(len(needle.text) // 4, 2)] for needle in NEEDLES]
    names = [words[0], words[2]]  # pages only: the site search and the API search for a name
    urls = ["/", "/delegates/", "/my/connections/", "/account/my-data.json", "/healthz"]
    urls += [page.url for page in pages]
    urls += [f"{conference.url}{sub}" for sub in ("speakers/", "findings/", "findings/pdf/")]
    urls += [f"{conference.url}report/{sub}" for sub in ("", "pdf/", "text/")]
    urls += [f"/delegates/?{urlencode({'interest': stream.pk})}" for stream in conference.streams.all()]
    urls += [f"/delegates/?{urlencode({'q': word})}" for word in words]
    urls += [f"/search/?{urlencode({'q': name})}" for name in names]
    urls += [f"/api/v2/pages/?{urlencode({'search': name, 'fields': '*'})}" for name in names]
    urls += ["/near/?q=Leeds", "/near/?q=Leeds&format=json"]
    types = ["planner.ConferencePage", "planner.SessionPage", "planner.RegionalEventPage"]
    types += ["cms.HomePage", "cms.StandardPage"]
    urls += [f"/api/v2/pages/?{urlencode({'type': kind, 'fields': '*', 'limit': 100})}" for kind in types]
    urls += ["/api/v2/pages/?fields=*&limit=100", "/api/v2/images/", "/api/v2/documents/"]
    urls += [f"/api/v2/pages/{page.pk}/" for page in pages]
    for report in ("bookings", "registrations"):
        urls += [f"/admin/{report}/", f"/admin/{report}/?export=csv", f"/admin/{report}/?export=xlsx"]
    urls += ["/admin/", "/admin/my-meetups/", "/admin/reported/", "/admin/programme-files/", "/admin/reports/"]
    urls += [f"/admin/pages/{conference.pk}/", f"/admin/pages/search/?{urlencode({'q': names[1]})}"]
    return urls


def local_path(link: str, base: str) -> str | None:
    """``link`` (found on ``base``) as a same-site path and query, or None."""
    link = html.unescape(link).strip()
    if link.startswith("webcal://"):
        link = "http://" + link.removeprefix("webcal://")
    parts = urlsplit(urljoin("http://testserver" + base, link))
    if parts.scheme not in {"http", "https"} or parts.hostname not in {"testserver", "localhost"}:
        return None
    if parts.path.startswith(SKIPPED_PREFIXES) or any(word in parts.path for word in SKIPPED_WORDS):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


LINK = re.compile(r"""(?:href|src)\s*=\s*["']([^"'#][^"']*)["']""", re.IGNORECASE)


def refuses_everyone_alike(response) -> bool:
    """POST only, or log in first: the same answer whatever the ids in the address."""
    return response.status_code == 405 or (response.status_code == 302 and "/login/" in response.get("Location", ""))


@dataclass
class Crawl:
    leaks: list[Leak]
    fetched: int
    server_errors: list[str]


def sweep(role: str, client: Client, seeds: list[tuple[str, str]], allowance) -> Crawl:
    """Fetch every seed (url, route), then every same-site link found, breadth first, up to
    MAX_PAGES. Once a route answers 405 or "log in", its other ids are not asked again.
    ``allowance(url)`` is what else ``role`` may read at that address."""
    reads_shared = role in SAME_FOR_EVERYONE_READ_BY

    def wanted(url: str | None) -> bool:
        return bool(url) and url not in NOT_CRAWLED and (reads_shared or not SAME_FOR_EVERYONE.match(url))

    queue, seen, variants, refused = deque(), set(), {}, set()
    for url, route in seeds:
        if wanted(url) and url not in seen:
            seen.add(url)
            queue.append((url, route))
    leaks, errors, fetched = [], [], 0
    while queue and fetched < MAX_PAGES:
        url, route = queue.popleft()
        if route in refused:
            continue
        response = client.get(url)
        fetched += 1
        if route and refuses_everyone_alike(response):
            refused.add(route)
        if response.status_code >= 500:
            errors.append(f"{role} {url}: HTTP {response.status_code}")
        text = response_text(response)
        leaks += find_leaks(role, url, text, also=allowance(url))
        found = [response["Location"]] if response.has_header("Location") else []
        if "html" in response.get("Content-Type", ""):
            found += LINK.findall(text)
        for path in (local_path(link, url.split("?")[0]) for link in found):
            if not wanted(path) or path in seen:
                continue
            bare = path.split("?")[0]
            variants[bare] = variants.get(bare, 0) + 1
            if "?" in path and variants[bare] > MAX_QUERY_VARIANTS:
                continue
            seen.add(path)
            queue.append((path, ""))
    return Crawl(leaks, fetched, errors)


def report(leaks: list[Leak]) -> str:
    return f"{len(leaks)} place(s) show what the viewer may not see:\n" + "\n".join(map(str, leaks))


# -- the sweeps -----------------------------------------------------------------------------


def pack_run_allowance(scene):
    """A pack run's download is its delegates' packs: it may show what each of them may see."""
    roles = {delegate.pk: role for role, delegate in scene["delegates"].items()}
    owners = {}
    for run_id, delegate_id in PackFile.objects.values_list("run_id", "booking__delegate_id"):
        owners.setdefault(run_id, set()).add(roles.get(delegate_id, ""))
    download = re.compile(r"^/admin/meetups/\d+/packs/(\d+)/")

    def allowance(url):
        match = download.match(url)
        if not match:
            return set()
        return set().union(*(ALLOWED.get(role, set()) for role in owners.get(int(match[1]), ())))

    return allowance


def test_a_hidden_delegates_name_appears_nowhere_another_person_can_see(scene):
    """Every URL in the URLconf with real ids, every page, API listing, feed, search, export
    and PDF, and every same-site link from them, as each role."""
    allowance = pack_run_allowance(scene)
    leaks, errors = [], []
    for role in CRAWLED:
        urls, _left_out = walked_urls(scene, role)
        seeds = [(url, "") for url in explicit_urls(scene)] + urls
        assert len(seeds) < MAX_PAGES, f"{len(seeds)} seeds: raise MAX_PAGES or the crawl misses some"
        crawl = sweep(role, logged_in(scene["users"][role]), seeds, allowance)
        assert crawl.fetched > 100, f"{role} read only {crawl.fetched} addresses"
        leaks += crawl.leaks
        errors += crawl.server_errors
    assert not leaks and not errors, report(leaks) + "".join(f"\nServer error: {error}" for error in errors)


def test_every_route_in_the_urlconf_is_walked_with_real_ids(scene):
    """A new route whose parameters the walk cannot fill must be taught to it, not skipped."""
    urls, left_out = walked_urls(scene, "olive")
    assert set(left_out) <= LEFT_OUT, f"teach parameter_values() these: {set(left_out) - LEFT_OUT}"
    walked = {route for _url, route in urls}
    for expected in ["my/connections/", "account/my-data.json", "calendar/me/<str:token>.ics"]:
        assert expected in walked
    assert any(url.startswith("/admin/meetups/") and url.endswith("/delegates.csv") for url, _route in urls)


def test_a_delegates_own_pack_files_never_name_a_hidden_delegate(scene):
    """The packs a run drew after the change, each read as its owner would read it."""
    roles = {delegate.pk: role for role, delegate in scene["delegates"].items()}
    leaks = []
    files = PackFile.objects.filter(run__in=scene["runs_after"], status="done").select_related("booking", "run")
    assert files.count() == Booking.objects.filter(status="confirmed").count()
    for pack_file in files:
        role = roles.get(pack_file.booking.delegate_id, f"delegate {pack_file.booking.delegate_id}")
        path = pack_path(pack_file.run.event_id, pack_file.booking_id, pack_file.digest)
        leaks += find_leaks(role, f"pack file {path.name} (run {pack_file.run_id})", pdf_text(path.read_bytes()))
    assert not leaks, report(leaks)


def test_digest_emails_sent_after_the_change_never_name_a_hidden_delegate(scene):
    """Requests, replies and accepted answers waiting for the next digest are sent now."""
    roles = {delegate.user.email: role for role, delegate in scene["delegates"].items()}
    send_notification_digests()
    assert mail.outbox, "no digest went: the sweep would read nothing"
    leaks = []
    for message in mail.outbox:
        for recipient in message.to:
            role = roles.get(recipient, recipient)
            parts = [message.subject, message.body, *(content for content, _type in message.alternatives)]
            leaks += find_leaks(role, f"email “{message.subject}”", "\n".join(parts))
    assert not leaks, report(leaks)


def test_where_they_may_be_seen_the_sweep_does_find_them(scene):
    """The allowed places really show the person, so the sweep is not blind: they
    themself, Rita (asked by them) and Ada (connected, so with the email)."""
    seen = {}
    for role, path in [
        ("self", "/account/profile/"),
        ("self", "/account/my-data.json"),
        ("self", f"/my/pack/{scene['meetups'][0].pk}/pdf/"),
        ("rita", "/my/connections/"),
        ("ada", "/my/connections/"),
        ("ada", "/account/my-data.json"),
    ]:
        text = response_text(logged_in(scene["users"][role]).get(path))
        seen[role, path] = {needle.what for needle, pattern in PATTERNS if pattern.search(" ".join(text.split()))}
    assert {"new name", "organisation", "job title", "email"} <= seen["self", "/account/profile/"]
    assert {"new name", "email"} <= seen["self", "/account/my-data.json"]
    assert {"new name", "organisation"} <= seen["self", f"/my/pack/{scene['meetups'][0].pk}/pdf/"]
    assert {"new name", "organisation"} <= seen["rita", "/my/connections/"]
    assert {"new name", "email"} <= seen["ada", "/my/connections/"]
    assert "new name" in seen["ada", "/account/my-data.json"]


def test_the_readers_find_names_in_every_kind_of_file(scene):
    """A planner (out of the sweep's scope) sees everyone: their XLSX and CSV exports, badge
    PDF and pack downloads show the person, so a missing name in the sweep is not a misread."""
    planner = logged_in(scene["planner"])
    north_west = scene["meetups"][0]
    run = scene["runs_after"][0]
    for path in [
        "/admin/bookings/?export=xlsx",
        "/admin/registrations/?export=csv",
        f"/admin/meetups/{north_west.pk}/delegates.csv",
        f"/admin/meetups/{north_west.pk}/badges/",
        f"/admin/meetups/{north_west.pk}/packs/{run.pk}/combined/",
        f"/admin/meetups/{north_west.pk}/packs/{run.pk}/zip/",
    ]:
        response = planner.get(path)
        assert response.status_code == 200, path
        assert find_leaks("planner", path, response_text(response)), f"{path}: the name was not read"
    feed = response_text(Client().get(f"/calendar/conference/{scene['conference'].pk}.ics"))
    assert "Hospital discharge" in feed  # unfolded ICS


def test_the_scene_is_what_the_sweep_assumes(scene):
    """They are hidden under the new name, and the requests, connection and block are in place."""
    them = Delegate.objects.get(pk=scene["them"].pk)
    people = scene["delegates"]
    assert (them.name, them.visibility) == (NEW_NAME, Visibility.HIDDEN)
    assert Connection.objects.filter(requester=people["olive"], recipient=them, status="pending").exists()
    assert Connection.objects.filter(requester=them, recipient=people["rita"], status="pending").exists()
    assert Connection.objects.filter(requester=them, recipient=people["ada"], status="accepted").exists()
    assert Block.objects.filter(blocker=people["bram"], blocked=them).exists()
