"""Bad-input sweep: every URL of the site, as each role, with hostile values in the
parameters it reads; no answer may be a server error (5xx) or show a traceback.

URLs are walked from ``planner.urls`` (in the Wagtail admin: Relay's own views and its
snippets' list and edit views), plus the pages and their routes, with ids from the sweep
world (conftest.py). A parameter counts as read when a form on one of the pages posts it
there, or when the view looked it up in ``request.GET``/``request.POST`` while probed
(the middleware's lookups, the same for every URL, do not count).

Sampling, to stay near a minute per database on two cores:

1. a plain GET and POST of every URL as every role (what gets in, which forms, what is read);
2. every URL × method, for each role that gets in and one that does not, with every
   parameter (those read and ``COMMON_PARAMS``) set at once to one value of ``CORPUS``;
3. every (URL, parameter), one at a time (the rest as the page's form sends them), with the
   ``SHARP`` values, the parameter's ``EXTRA_VALUES`` and, on SQLite, two more of the corpus
   in turn; the roles that get in take the values in turn. A list view is swept through its
   lighter ``results/`` twin, a path segment (``<token>``) with GET only, Wagtail's snippet
   edit forms by POST, field by field (Wagtail's own workflow fields in step 2 only).

Each request runs in a savepoint that is rolled back, so nothing one does (cancel, log out,
delete the account) changes what the next one sees. Each role's test lists all its failures
at the end as ``METHOD path param=value role -> status exception``."""

import logging
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from importlib import import_module
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.signals import got_request_exception
from django.db import connection, transaction
from django.http import QueryDict
from django.template.base import Template
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from wagtail.models import Page

from planner.ops import outage
from tests.sweeps.conftest import ROLES

CORPUS = (
    "",
    "x" * 10_240,
    "-1",
    "0",
    "99999999999999999999",
    "\x00",
    "a\x00b",
    "Ŵêlsh ✓ 𝔘",
    "../../etc/passwd",
    "abc",
    "https://evil.example/",
    "//evil.example/",
    "javascript:alert(1)",
    "[]",
    "{}",
    "true",
    "1.5e308",
    "<script>alert(1)</script>",
)
# Sent to every (URL, parameter) one at a time; of the rest, ROTATING more each, in turn (on
# SQLite: the rest reach Python code alike on both databases, and CI runs SQLite first).
SHARP = ("", "x" * 10_240, "-1", "0", "99999999999999999999", "\x00", "abc", "1.5e308")
REST = tuple(value for value in CORPUS if value not in SHARP)
ROTATING = {"sqlite": 2, "postgresql": 0}
# Values that open another code path for one parameter (Wagtail's list exports, JSON answers).
EXTRA_VALUES = {"export": ("csv", "xlsx"), "format": ("json",)}
# Sent in every all-at-once request; swept one at a time where the view reads them.
COMMON_PARAMS = (
    "q",
    "next",
    "page",
    "format",
    "lat",
    "lon",
    "radius_km",
    "search",
    "stream",
    "day",
    "speaker",
    "offset",
    "limit",
    "fields",
    "type",
    "order",
    "token",
    "export",
)
IGNORED_FIELDS = {"csrfmiddlewaretoken"}
WAGTAIL_INTERNAL_PREFIX = "_w_"  # Wagtail's own fragment flags (_w_filter_fragment, ...)
LOGIN_PATHS = ("/account/login/", "/admin/login/")
ADMIN_HOME = "/admin/"  # where Wagtail sends someone its permissions refuse
# Gunicorn refuses a request line over 4094 bytes (limit_request_line), so a path segment is
# swept with at most this much of the 10 kB value.
LONGEST_PATH_SEGMENT = 4000
SNIPPET_VIEWS = ("list", "list_results", "edit")  # Wagtail's other snippet views are Wagtail's
PASSWORD = "correct horse battery"  # tests.factories.UserFactory's


@dataclass
class Target:
    """One URL to sweep and what is known about the parameters it reads."""

    route: str  # the URL pattern, or "page: <type>"
    template: str  # the path, with {name} for each str/slug path segment
    path_args: dict = field(default_factory=dict)
    one_at_a_time: tuple = ("GET", "POST")  # the methods also swept one parameter at a time
    twin_of: "Target | None" = None  # the list page whose results/ this is
    get_params: set = field(default_factory=set)
    post_params: set = field(default_factory=set)
    post_defaults: dict = field(default_factory=dict)  # what its forms send as they are
    answers: dict = field(default_factory=dict)  # (method, role) -> (status, Location) of the probe
    allowed: dict = field(default_factory=dict)  # method -> roles not answered 405
    reachers: dict = field(default_factory=dict)  # method -> roles past login and permissions

    @property
    def path(self) -> str:
        return self.with_segment(None, None)

    def with_segment(self, name, value) -> str:
        args = {**self.path_args, name: value} if name else self.path_args
        return self.template.format(**{key: quote(str(v), safe="") for key, v in args.items()})


@dataclass
class Outcome:
    status: int
    location: str
    error: str  # "" unless the request failed
    reads_get: set
    reads_post: set
    response: object


def path_values(world) -> tuple[dict, dict]:
    """Values for path parameters, by parameter name, and overrides by URL name."""
    by_name = {
        "conference_id": world.conference.pk,
        "event_id": world.meetup.pk,
        "session_id": world.session.pk,
        "booking_id": world.booking.pk,
        "contribution_id": world.own_contribution.pk,
        "delegate_id": world.visible.pk,
        "connection_id": world.pending_connection.pk,
        "page_id": world.session.pk,
        "run_id": world.pack_run.pk,
        "kind": "combined",
        "stream_slug": world.stream.slug,
        "uidb64": world.verify_uidb64,
        "token": world.verify_token,
        "pk": world.conference.pk,
    }
    by_url = {
        "check_in": {"token": world.check_in_token},
        "feed_personal": {"token": world.calendar_token},
        "account:password_reset_confirm": {"token": default_token_generator.make_token(world.delegate.user)},
        "discussion:thread": {"contribution_id": world.thread.pk},
        "discussion:report": {"contribution_id": world.thread.pk},
        "discussion:moderate": {"contribution_id": world.reported.pk},
        "discussion:accept": {"contribution_id": world.answer.pk},
        "planner_import_run": {"run_id": world.import_run.pk},
        "planner_booking_manage": {"booking_id": world.waiting_booking.pk},
        "wagtailsnippets_planner_stream": {"pk": world.stream.pk},
        "wagtailsnippets_planner_speaker": {"pk": world.speaker.pk},
        "wagtailsnippets_planner_theme": {"pk": world.theme.pk},
        "evidence_chooser:chosen": {"pk": world.thread.pk},  # a marked finding, citable
        "wagtailapi:images": {"pk": 1},  # none exist: a 404 after reading the parameters
        "wagtailapi:documents": {"pk": 1},
    }
    return by_name, by_url


def in_scope(route: str, name: str, callback) -> bool:
    """Everything but Django's admin; in Wagtail's admin, Relay's own views and its snippets'
    list and edit views."""
    if route.startswith("django-admin/"):
        return False
    if not route.startswith("admin/"):
        return True
    view = getattr(callback, "view_class", callback)
    if view.__module__.startswith(("planner.", "cms.", "venues.")):
        return True
    namespace, _, view_name = name.rpartition(":")
    return namespace.startswith("wagtailsnippets_planner_") and view_name in SNIPPET_VIEWS


def url_targets(world) -> list[Target]:
    """A target for every URL pattern in scope. Regex patterns with groups are left out:
    Wagtail's page-serving catch-all (``page_targets`` stands in) and document serving."""
    by_name, by_url = path_values(world)

    def fill(pattern, name: str, args: dict) -> str | None:
        if isinstance(pattern, RegexPattern):
            if pattern.regex.groups:
                return None
            return re.sub(r"\\(.)", r"\1", str(pattern).lstrip("^").rstrip("$").replace("\\Z", ""))
        assert isinstance(pattern, RoutePattern)
        overrides = {}
        for key, values in by_url.items():
            if name == key or name.startswith(key + ":"):
                overrides.update(values)

        def segment(match):
            converter, param = match.group(1) or "str", match.group(2)
            value = overrides.get(param, by_name.get(param, 1))
            if converter in ("str", "slug", "path"):
                args[param] = value
                return "{" + param + "}"
            return str(value)

        return re.sub(r"<(?:(\w+):)?(\w+)>", segment, str(pattern).lstrip("^"))

    def walk(patterns, prefix, namespaces, outer_args):
        for entry in patterns:
            args = dict(outer_args)
            if isinstance(entry, URLResolver):
                inner = [*namespaces, entry.namespace] if entry.namespace else namespaces
                part = fill(entry.pattern, ":".join(inner), args)
                if part is not None:
                    yield from walk(entry.url_patterns, prefix + part, inner, args)
            elif isinstance(entry, URLPattern):
                name = ":".join([*namespaces, entry.name or ""])
                part = fill(entry.pattern, name, args)
                if part is not None and in_scope(prefix + part, name, entry.callback):
                    route, template = prefix + str(entry.pattern), "/" + prefix + part
                    editing = name.startswith("wagtailsnippets_") and name.endswith(":edit")
                    # A snippet's edit form: its fields one at a time, by POST (its GET reads nothing).
                    methods = ("POST",) if editing else ("GET", "POST")
                    yield Target(route=route, template=template, path_args=args, one_at_a_time=methods)

    targets = list(walk(get_resolver("planner.urls").url_patterns, "", [], {}))
    by_template = {target.template: target for target in targets}
    for target in targets:  # a list view's results/ twin: the same view without the admin's frame
        index = by_template.get(target.template.removesuffix("results/"))
        if target.template.endswith("/results/") and index is not None:
            index.one_at_a_time, target.twin_of = (), index
    return targets


def page_targets(world) -> list[Target]:
    """The pages (home, conference, a session, the meetup, the findings report, a missing one)
    and each route of a routable page that takes no arguments (the conference's speakers,
    findings, PDF; the report's PDF and text)."""

    pages = [Page.objects.get(depth=2).specific, world.conference, world.session, world.meetup, world.report]
    targets = [Target(route=f"page: {type(page).__name__}", template=page.url) for page in pages]
    for page in pages:
        for pattern in getattr(page, "get_subpage_urls", list)():
            route = str(pattern.pattern)
            if isinstance(pattern.pattern, RoutePattern) and route and "<" not in route:
                targets.append(Target(route=f"page: {type(page).__name__} {route}", template=page.url + route))
    targets.append(Target(route="page: missing", template="/no-such-page/"))
    return targets


def form_default(element) -> str | None:
    """What a browser sends for a control left as it is; empty text boxes get plausible words."""
    if element.name == "textarea":
        return element.get_text() or "Plain words from the sweep."
    if element.name == "select":
        options = element.find_all("option")
        chosen = next((o for o in options if o.has_attr("selected")), options[0] if options else None)
        return None if chosen is None else chosen.get("value", chosen.get_text())
    kind = (element.get("type") or "text").lower()
    value = element.get("value")
    if kind in ("checkbox", "radio"):
        return (value or "on") if element.has_attr("checked") else None
    if kind == "file":
        return None
    if kind in ("submit", "button", "image", "reset", "hidden") or value:
        return value or ""
    return {
        "email": "sweep@example.org",
        "password": PASSWORD,
        "number": "1",
        "range": "1",
        "date": "2027-03-08",
        "time": "10:00",
        "datetime-local": "2027-03-08T10:00",
        "url": "https://example.org/",
        "tel": "0113 496 0000",
        "search": "Leeds",
    }.get(kind, "Plain words from the sweep.")


def forms_in(html: bytes, page_path: str):
    """(target path, method, field names, defaults, query keys of the action) for each form."""
    for form in BeautifulSoup(html, "html.parser").find_all("form"):
        action = urlsplit(urljoin("http://testserver" + page_path, form.get("action") or page_path))
        if action.netloc != "testserver":
            continue
        names, defaults = [], {}
        for element in form.find_all(["input", "select", "textarea", "button"]):
            name = element.get("name")
            if not name or name in IGNORED_FIELDS:
                continue
            names.append(name)
            value = form_default(element)
            if value is not None:
                defaults.setdefault(name, value)
        for element in form.find_all("input", attrs={"type": "radio"}):  # none checked: the first
            if element.get("name") and element["name"] not in defaults:
                defaults[element["name"]] = element.get("value", "on")
        keys = {key for key, _ in parse_qsl(action.query, keep_blank_values=True)}
        yield action.path, (form.get("method") or "get").upper(), names, defaults, keys


def not_the_views_reads() -> tuple[str, ...]:
    """Files whose lookups do not count as the view reading a parameter: QueryDict's own
    (items(), dict() and copy() look up every key) and the middleware's."""
    files = ["django/utils/datastructures.py", "django/http/request.py"]
    files += [import_module(dotted.rpartition(".")[0]).__file__ for dotted in settings.MIDDLEWARE]
    return tuple(files)


class ReadRecorder:
    """Records the keys code looks up in any QueryDict, with the QueryDict's id."""

    def __init__(self):
        self.reads: list[tuple[int, str]] = []

    def patch(self, monkeypatch):
        recorder, skipped = self, not_the_views_reads()
        for method in ("get", "getlist", "__getitem__", "__contains__", "pop"):
            original = getattr(QueryDict, method)

            def recording(self, key, *args, _original=original, **kwargs):
                if isinstance(key, str) and not sys._getframe(1).f_code.co_filename.endswith(skipped):
                    recorder.reads.append((id(self), key))
                return _original(self, key, *args, **kwargs)

            monkeypatch.setattr(QueryDict, method, recording)


def wagtails_own(name: str) -> bool:
    """A field Wagtail's edit view posts for its own workflow (which button, the lock), not
    one of the snippet's: swept all at once with the rest, not one at a time."""
    return name.startswith("action-") or name == "is_editing"


def swept(key: str) -> bool:
    return key not in IGNORED_FIELDS and not key.startswith(WAGTAIL_INTERNAL_PREFIX)


def shown(value: str) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:20]}…' ({len(value)} chars)"


def first_line(error: BaseException) -> str:
    text = (str(error).strip().splitlines() or [""])[0]
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[:150])  # a NUL, shown as \x00
    return f"{type(error).__name__}: {text}{'…' if len(str(error)) > 150 else ''}"


def reaches(status: int, location: str) -> bool:
    """The role got past login and permission checks: not refused (a 404 is a view refusing
    a stranger), not sent to log in, not sent back to the admin's home (Wagtail's refusal)."""
    if status in (401, 403, 404, 405):
        return False
    return not (300 <= status < 400 and (location.startswith(LOGIN_PATHS) or location == ADMIN_HOME))


class Sweep:
    """Clients for the four roles, the targets, and the failures found so far, by role."""

    def __init__(self, world, recorder: ReadRecorder):
        self.recorder = recorder
        self.errors: list[BaseException] = []
        self.failures: dict[str, list[str]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)
        self.clients, self.cookies = {}, {}
        for role in ROLES:
            client = Client(raise_request_exception=False)
            if world.users[role] is not None:
                client.force_login(world.users[role])
            self.clients[role] = client
            self.cookies[role] = {key: morsel.value for key, morsel in client.cookies.items()}
        self.targets = url_targets(world) + page_targets(world)
        self.by_path = {target.path: target for target in self.targets}

    def record_exception(self, sender=None, request=None, error=None, **kwargs):
        """got_request_exception's receiver (and the outage middleware's, whose 503 skips it)."""
        self.errors.append(error or sys.exc_info()[1])

    def send(self, role, method, path, *, query=None, body=None) -> Outcome:
        """One request as ``role``, with nothing but its login cookie, rolled back."""
        client = self.clients[role]
        client.cookies = SimpleCookie(self.cookies[role])
        if method == "POST":
            cache.clear()  # the rate limits (counted on POSTs only) start afresh
        self.errors.clear()
        self.recorder.reads.clear()
        self.counts[role] += 1
        url = path + ("?" + urlencode(query) if query else "")
        with transaction.atomic():
            response = client.get(url) if method == "GET" else client.post(url, body or {})
            content = b"".join(response.streaming_content) if response.streaming else response.content
            transaction.set_rollback(True)
        request = response.wsgi_request
        get_id, post_id = id(request.GET), id(getattr(request, "_post", None))
        reads_get = {key for owner, key in self.recorder.reads if owner == get_id and swept(key)}
        reads_post = {key for owner, key in self.recorder.reads if owner == post_id and swept(key)}
        error = first_line(self.errors[0]) if self.errors else ""
        if response.status_code >= 500 or b"Traceback" in content:
            error = error or ("Traceback in the body" if b"Traceback" in content else "(no exception recorded)")
        location = response.get("Location", "")
        return Outcome(response.status_code, location, error, reads_get, reads_post, response)

    def check(self, role, method, target: Target, param: str, value: str, *, path=None, query=None, body=None):
        path = path or target.path
        outcome = self.send(role, method, path, query=query, body=body)
        if outcome.error:
            line = f"{method} {path} {param}={shown(value)} {role} -> {outcome.status} {outcome.error}"
            self.failures[role].append(line)
        return outcome

    def discover(self):
        """Each target as each role, plainly: who gets in, which forms post where (from the
        pages' HTML), which parameters the view reads. A role refused the GET is taken to be
        refused the POST alike (login and permission checks come before the method's)."""
        for method in ("GET", "POST"):
            for target in self.targets:
                for role in ROLES:
                    got = target.answers.get(("GET", role))
                    if method == "POST" and got[0] != 405 and not reaches(*got):
                        target.answers[method, role] = got
                        continue
                    body = target.post_defaults if method == "POST" else None
                    outcome = self.check(role, method, target, "(none)", "", body=body)
                    target.answers[method, role] = (outcome.status, outcome.location)
                    self.learn(target, method, outcome)
                    if method == "GET" and outcome.status == 200 and "html" in outcome.response["Content-Type"]:
                        self.learn_forms(outcome.response.content, target.path)
                target.allowed[method] = [role for role in ROLES if target.answers[method, role][0] != 405]
                reachers = [role for role in target.allowed[method] if reaches(*target.answers[method, role])]
                target.reachers[method] = reachers or target.allowed[method]

    def learn(self, target: Target, method: str, outcome: Outcome):
        target.get_params |= outcome.reads_get
        if method == "POST":
            target.post_params |= outcome.reads_post

    def learn_forms(self, html: bytes, page_path: str):
        for path, method, names, defaults, query_keys in forms_in(html, page_path):
            target = self.by_path.get(path)
            if target is None:
                continue
            target.get_params |= query_keys
            if method == "POST":
                target.post_params.update(names)
                for name, value in defaults.items():
                    target.post_defaults.setdefault(name, value)
            else:
                target.get_params.update(names)

    def all_at_once(self):
        """Every target × allowed method × role that gets in, and one of the roles refused (in
        turn), with every parameter set to one value (the values rotate through the corpus).
        A POST is left out where the view reads no form field and answered the plain POST as
        it answered the GET (a page, a feed): the probe covered it."""
        turn = 0
        for index, target in enumerate(self.targets):
            for method in ("GET", "POST"):
                query_names = sorted(set(COMMON_PARAMS) | target.get_params)
                body_names = sorted(set(COMMON_PARAMS) | target.post_params)
                refused = [role for role in target.allowed[method] if role not in target.reachers[method]]
                one_refused = [refused[index % len(refused)]] if refused else []
                for role in [*target.reachers[method], *one_refused]:
                    answers = target.answers
                    if method == "POST" and not target.post_params and answers["POST", role] == answers["GET", role]:
                        continue
                    value, turn = CORPUS[turn % len(CORPUS)], turn + 1
                    query, body = dict.fromkeys(query_names, value), None
                    if method == "POST":
                        body = {**target.post_defaults, **dict.fromkeys(body_names, value)}
                    self.learn(target, method, self.check(role, method, target, "*", value, query=query, body=body))

    def one_at_a_time_plan(self):
        """(role, method, target, parameter, value, request) for each (target, parameter): the
        sharp values, the parameter's own and (on SQLite) two more of the corpus, rotating;
        the roles that get in take the values in turn."""
        pair, rotating = 0, ROTATING.get(connection.vendor, 2)
        for target in self.targets:
            for method in target.one_at_a_time:
                reachers = target.reachers[method]
                if method == "GET":
                    twin = target.twin_of.get_params if target.twin_of else set()
                    params = sorted(target.get_params | twin) + [f"<{name}>" for name in sorted(target.path_args)]
                else:
                    params = sorted(name for name in target.post_params if not wagtails_own(name))
                for param in params if reachers else ():
                    more = [REST[(pair * rotating + k) % len(REST)] for k in range(rotating)]
                    for v_index, value in enumerate((*SHARP, *EXTRA_VALUES.get(param, ()), *more)):
                        role = reachers[(pair + v_index) % len(reachers)]
                        if param.startswith("<"):
                            request = {"path": target.with_segment(param[1:-1], value[:LONGEST_PATH_SEGMENT])}
                        elif method == "GET":
                            request = {"query": {param: value}}
                        else:
                            request = {"body": {**target.post_defaults, param: value}}
                        yield role, method, target, param, value, request
                    pair += 1

    def one_at_a_time(self, role: str):
        for their_role, method, target, param, value, request in self.one_at_a_time_plan():
            if their_role == role:
                self.check(role, method, target, param, value, **request)


class quiet:
    """Refused requests would each log a line (and a 500 its traceback): thousands of them."""

    def __enter__(self):
        logging.disable(logging.CRITICAL)

    def __exit__(self, *exc):
        logging.disable(logging.NOTSET)


def recording_outages(sweep: Sweep, unavailable):
    """The outage middleware's 503 page, noting the error (it never reaches got_request_exception)."""

    def recording(request, error):
        sweep.record_exception(error=error)
        return unavailable(request, error)

    return recording


@pytest.fixture(scope="module")
def sweep(world_for_module, django_db_blocker):
    """The targets probed, then every URL × role swept with all parameters at once."""
    recorder = ReadRecorder()
    with pytest.MonkeyPatch.context() as monkeypatch, django_db_blocker.unblock():
        sweep = Sweep(world_for_module, recorder)
        recorder.patch(monkeypatch)
        # The test client copies every template's context for response.context: half the time
        # of a page with a long <select>. Nothing here reads it, so render as Django does.
        monkeypatch.setattr(Template, "_render", lambda template, context: template.nodelist.render(context))
        monkeypatch.setattr(outage, "unavailable", recording_outages(sweep, outage.unavailable))
        got_request_exception.connect(sweep.record_exception)
        if connection.vendor == "postgresql":
            # The test tables were never analysed, so the planner's guesses send small queries to
            # the JIT compiler (0.3 s each). Undone with the module's transaction.
            with connection.cursor() as cursor:
                cursor.execute("SET jit = off")
        try:
            started = time.perf_counter()
            with quiet():
                sweep.discover()
                sweep.all_at_once()
            seconds = time.perf_counter() - started
            print(f"\nprobed, then all at once: {sum(sweep.counts.values())} requests, {seconds:.1f} s")
            yield sweep
        finally:
            got_request_exception.disconnect(sweep.record_exception)


def sweep_as(sweep, role: str) -> None:
    before, started = sweep.counts[role], time.perf_counter()
    with quiet():
        sweep.one_at_a_time(role)
    print(f"{role}: {sweep.counts[role] - before} requests one at a time, {time.perf_counter() - started:.1f} s")
    failures = sweep.failures[role]
    if failures:
        pytest.fail(f"{len(failures)} requests as {role} failed:\n" + "\n".join(failures), pytrace=False)


@pytest.mark.django_db
def test_no_url_answers_500_to_hostile_input_as_anonymous(sweep):
    sweep_as(sweep, "anonymous")


@pytest.mark.django_db
def test_no_url_answers_500_to_hostile_input_as_delegate(sweep):
    sweep_as(sweep, "delegate")


@pytest.mark.django_db
def test_no_url_answers_500_to_hostile_input_as_facilitator(sweep):
    sweep_as(sweep, "facilitator")


@pytest.mark.django_db
def test_no_url_answers_500_to_hostile_input_as_planner(sweep):
    sweep_as(sweep, "planner")
