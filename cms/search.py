"""Site search: the words a delegate typed, matched to sessions, speakers, meetups and pages,
ranked, and grouped by what they are.

How results rank (``Tier``, best first). A result's title or name decides its tier; its body
(summary, intro, speakers, stream, organisation: whatever the search index holds) only lifts
it into the last one:

1. TOWN:  a meetup whose venue's town is the query (‘Leeds’, ‘leeds meetup’).
2. EXACT: every word of the query is a whole word of the title or name (‘algorithms’).
3. CLOSE: every word begins a word of the title (‘algo’) or is a typo of one (‘algoritm’),
   closer ones first.
4. SOME:  at least half of the words (of two or more) match the title in those ways.
5. TEXT:  the words are all in the body (full-text search), not the title.

Within a tier: closer words first, then results whose body matches too, then those whose
title is mostly the query (‘Procurement’ before ‘Contracts that ... under the Procurement
Act’), then the group's own order (sessions and meetups by start, others by title or name).

Groups are shown best first: a group named in the query (‘leeds meetup’, ‘pritchard
speaker’) first, then by their top results, ranked as above; a tie goes to meetups, then
sessions, speakers and pages (the order of ``RELAY_SEARCH_GROUPS``). So ‘Leeds’ shows the Leeds
meetup first, and a session that only mentions Leeds in its summary comes after it.

Words: case, accents and a plural ‘s’ do not matter; common words (‘the’, ‘and’) are left out;
words that name a group choose it and need not match. A typo is a word of four letters or more
that shares most of its letter triples with a word of the title (PostgreSQL's pg_trgm measure,
word similarity at least 0.6; 0.75 under six letters, so ‘data’ is not ‘date’), or a word of
five or more with one letter wrong, missing, extra or swapped (‘Ramen’ for ‘Raman’).

Finding candidates. Titles, names and towns: every visible one is in a catalogue kept in the
cache for each content version (a few thousand rows), whose distinct words are matched here as
pg_trgm's GIN index would match them, on either database. In SQL instead, PostgreSQL computed
word similarity row by row (the planner will not use a trigram index on a table this small):
8 ms for the titles and 20 ms for the towns at 1,500 pages and 500 meetups, against about 1 ms
here. The body: through the search backend's index (FTS5 on SQLite; on PostgreSQL its tsvector
table read directly, so that its GIN indexes serve: ``found_in_index_postgres``).

What is searched lives in ``settings.RELAY_SEARCH_GROUPS`` (the site shell never imports the
planner). Only live pages outside private sections, and snippets shown through them.
"""

import html
import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cache, lru_cache
from itertools import islice, takewhile

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import F, Q, Value
from django.utils.html import strip_tags
from django.utils.module_loading import import_string
from wagtail.models import Page, get_page_models
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from cms.caching import cached, public, versioned

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10  # the words matched of one query; an essay pasted into the box matches no better

# Words too common to search by: left out of the query unless it has nothing else.
COMMON_WORDS = (
    "a an and are as at be but by for from has have how i in into is it its of on or our that the "
    "their them they this to was we what when where which who why will with you your"
)
STOPWORDS = frozenset(COMMON_WORDS.split())
WORD = re.compile(r"[^\W_]+")


class Tier(IntEnum):
    """How a result matched, best highest (see the module's notes)."""

    TEXT = 1
    SOME = 2
    CLOSE = 3
    EXACT = 4
    TOWN = 5


# What is searched


@dataclass(frozen=True)
class Group:
    """One kind of result and where it comes from; declared in ``settings.RELAY_SEARCH_GROUPS``.

    ``model``: a page type or a snippet; ``wagtailcore.Page`` takes every page no other group
    takes. ``name``: the field matched as its title. ``place``: a field matched as a town (a
    result whose town is the query comes first). ``order``: the field that orders equals.
    ``words``: words that name the group in a query. ``related``: what its line of context
    reads, loaded with it. Snippets: ``shown_through`` the relation to the live pages that
    make one public, and ``urls`` the dotted path of ``f(ids) -> {id: url}``."""

    key: str
    heading: str
    model: str
    name: str = "title"
    place: str = ""
    order: str = "title"
    words: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    shown_through: str = ""
    urls: str = ""

    @property
    def model_class(self):
        return apps.get_model(self.model)

    @property
    def is_page(self) -> bool:
        return issubclass(self.model_class, Page)


@cache
def search_groups() -> tuple[Group, ...]:
    """The groups of ``settings.RELAY_SEARCH_GROUPS`` (every page in one group without it)."""
    declared = getattr(settings, "RELAY_SEARCH_GROUPS", None) or [
        {"key": "pages", "heading": "Pages", "model": "wagtailcore.Page"}
    ]
    return tuple(
        Group(**{k: tuple(v) if isinstance(v, list) else v for k, v in declared_group.items()})
        for declared_group in declared
    )


def visible(group: Group):
    """Everything of ``group`` a visitor may see: live pages outside private sections (not the
    tree's root, nor the page types other groups take); snippets only while shown on one."""
    model = group.model_class
    if group.is_page:
        rows = public(model.objects.live()).filter(depth__gt=1)
        if model is Page:
            taken = [other.model_class for other in search_groups() if other.is_page and other.model_class is not Page]
            rows = rows.not_type(*taken) if taken else rows
        return rows
    if group.shown_through:
        relation = model._meta.get_field(group.shown_through)
        shown_on = public(relation.related_model.objects.live()).values(relation.field.name)
        return model.objects.filter(pk__in=shown_on)
    return model.objects.all()


def row_fields(group: Group) -> tuple:
    """What ranking reads of each candidate: (pk, title, town, order)."""
    return ("pk", group.name, group.place or Value(""), group.order)


# Words


@lru_cache(maxsize=20_000)
def words(text: str) -> tuple[str, ...]:
    """The words of ``text`` as search compares them: lower case, without accents, a plural ‘s’
    dropped (‘Meetups’ -> ‘meetup’, but ‘Glass’ stays)."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return tuple(_singular(word) for word in WORD.findall(text))


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


@lru_cache(maxsize=50_000)
def trigrams(word: str) -> frozenset[str]:
    """The letter triples of ``word`` as pg_trgm makes them (padded: ‘  w’, ‘ wo’, ... ‘d ’)."""
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def closeness(term: str, word: str) -> float:
    """How well ``word`` of a title matches ``term`` of the query: 1 the same word, 0.9 the
    term begins it, 0.5 to 0.9 a typo of it (closer by the share of letter triples), 0 not."""
    if term == word:
        return 1.0
    if len(term) >= 3 and word.startswith(term):
        return 0.9
    if len(term) < 4 or abs(len(word) - len(term)) > max(3, len(term) // 2):
        return 0.0
    ours, theirs = trigrams(term), trigrams(word)
    shared = len(ours & theirs)
    if shared / len(ours) < (0.6 if len(term) >= 6 else 0.75) and not one_slip(term, word):
        return 0.0
    return 0.5 + 0.4 * shared / len(ours | theirs)


def one_slip(term: str, word: str) -> bool:
    """Whether ``term`` (five letters or more) is ``word`` with one letter wrong, missing,
    extra, or two swapped: the typos letter triples miss in short words (‘Ramen’, ‘Raman’)."""
    if len(term) < 5 or abs(len(term) - len(word)) > 1:
        return False
    start = 0
    while start < min(len(term), len(word)) and term[start] == word[start]:
        start += 1
    a, b = term[start:], word[start:]
    return a[1:] == b[1:] or a[1:] == b or a == b[1:] or (a[:2] == b[1::-1] and a[2:] == b[2:])


# The query


@dataclass(frozen=True)
class Query:
    """What was asked: ``text`` as shown back, ``terms`` the words that must match, ``named``
    the keys of groups the query names, ``trimmed`` when it was cut to ``MAX_QUERY_LENGTH``."""

    text: str
    terms: tuple[str, ...]
    body_words: tuple[str, ...]
    named: frozenset[str] = frozenset()
    trimmed: bool = False

    @property
    def has_words(self) -> bool:
        """Whether it has any letters or digits at all (‘%%%’ has none)."""
        return WORD.search(self.text) is not None


def printable(text: str) -> str:
    """``text`` without NUL and other control characters (the database can neither store nor
    search them), trimmed of spaces."""
    return "".join(ch for ch in text if ch >= " " or ch == "\t").strip()


def searchable(text: str) -> str:
    """A query as the search backend can take it whole (the API's ``?search=``): printable,
    bounded, and with quotes only in pairs (an unpaired ‘"’ is a syntax error to the
    database's full-text parser)."""
    text = printable(text)[:MAX_QUERY_LENGTH]
    if text.count('"') % 2:
        text = text.replace('"', " ").strip()
    return text


def parse_query(raw: str) -> Query:
    """``raw`` (anything a browser can send) as a query: control characters gone, at most
    ``MAX_QUERY_LENGTH`` characters, its words sorted into terms and group names."""
    text = printable(raw)
    trimmed = len(text) > MAX_QUERY_LENGTH
    text = text[:MAX_QUERY_LENGTH].strip()
    naming = {_singular(word): group.key for group in search_groups() for word in group.words}
    said = WORD.findall(unicodedata.normalize("NFKD", text.casefold()))
    said = ["".join(ch for ch in word if not unicodedata.combining(ch)) for word in said]
    kept = [word for word in said if word not in STOPWORDS and _singular(word) not in naming]
    if not kept:  # ‘meetups’ alone: the group's own word is the search
        kept = [word for word in said if word not in STOPWORDS]
    kept = list(dict.fromkeys(kept))[:MAX_TERMS]
    return Query(
        text=text,
        terms=tuple(dict.fromkeys(_singular(word) for word in kept)),
        body_words=tuple(kept),
        named=frozenset(naming[_singular(word)] for word in said if _singular(word) in naming),
        trimmed=trimmed,
    )


# Ranking


@dataclass
class Hit:
    """One result of a group, ranked; ``pk`` finds its object when it is shown."""

    pk: int
    title: str
    tier: Tier
    score: float
    in_body: bool
    coverage: float
    order: object

    def sort_key(self) -> tuple:
        return (-self.tier, -self.score, not self.in_body, -self.coverage)


@dataclass
class GroupResults:
    """The hits of one group, best first; ``urls`` the addresses of its snippets by pk."""

    group: Group
    hits: list[Hit] = field(default_factory=list)
    urls: dict[int, str] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.hits)


class Matcher:
    """The terms of one query against titles, remembering each word it has measured."""

    def __init__(self, terms: tuple[str, ...]):
        self.terms = terms
        self._known: dict[str, tuple[float, ...]] = {}

    def strengths(self, word: str) -> tuple[float, ...]:
        """How well ``word`` matches each term."""
        found = self._known.get(word)
        if found is None:
            found = self._known[word] = tuple(closeness(term, word) for term in self.terms)
        return found

    def matches(self, word: str) -> bool:
        return any(self.strengths(word))

    def rank(self, title: str, place: str, order, *, pk: int, in_body: bool) -> Hit | None:
        """The hit ``title`` (and the town ``place``) makes, or None when it does not match."""
        title_words = [word for word in words(title) if word not in STOPWORDS] or list(words(title))
        place_words = set(words(place)) if place else set()
        if place_words and all(term in place_words for term in self.terms):
            return Hit(pk, title, Tier.TOWN, 1.0, in_body, 1.0, order)
        best = [0.0] * len(self.terms)
        matched_words = 0
        for word in (*title_words, *place_words):
            strengths = self.strengths(word)
            matched_words += any(strengths)
            best = [max(pair) for pair in zip(best, strengths, strict=True)]
        matched = sum(1 for strength in best if strength)
        score = sum(best) / len(best)
        coverage = matched_words / max(len(title_words) + len(place_words), 1)
        if matched == len(best):
            tier = Tier.EXACT if all(strength == 1.0 for strength in best) else Tier.CLOSE
        elif len(best) > 1 and matched * 2 >= len(best):
            tier = Tier.SOME
        elif in_body:
            tier, score = Tier.TEXT, 0.0
        else:
            return None
        return Hit(pk, title, tier, score, in_body, coverage, order)


# Candidates


@dataclass(frozen=True)
class Catalogue:
    """Every visible title, name and town, by group: ``rows[key][pk]`` is (title, town,
    order); ``by_word`` the (group key, pk) of the rows each word is in; ``urls[key][pk]``
    the address of each snippet. Being in it is what makes a result visible. Its words are
    found as pg_trgm's index finds them: ``vocabulary`` sorted for prefixes, ``by_trigram``
    the words each letter triple is in."""

    rows: dict[str, dict[int, tuple]]
    by_word: dict[str, tuple[tuple[str, int], ...]]
    urls: dict[str, dict[int, str]]
    vocabulary: tuple[str, ...]
    by_trigram: dict[str, tuple[str, ...]]

    def words_near(self, term: str) -> set[str]:
        """Words of the catalogue that ``term`` may match (a superset: ``closeness`` decides)."""
        start = bisect_left(self.vocabulary, term)
        near = set(takewhile(lambda word: word.startswith(term), islice(self.vocabulary, start, None)))
        if len(term) >= 4:
            ours = trigrams(term)
            shared = Counter(word for triple in ours for word in self.by_trigram.get(triple, ()))
            # One slip leaves all but four triples of a word of five letters or more.
            least = min(0.6 * len(ours), max(len(ours) - 4, 2))
            near.update(word for word, count in shared.items() if count >= least)
        return near


def build_catalogue() -> Catalogue:
    """The catalogue from the database: a query a group, and what the snippets' ``urls`` ask."""
    rows: dict[str, dict[int, tuple]] = {}
    urls: dict[str, dict[int, str]] = {}
    by_word: dict[str, list[tuple[str, int]]] = {}
    for group in search_groups():
        found = rows[group.key] = {
            pk: (title or "", place or "", order)
            for pk, title, place, order in visible(group).order_by().values_list(*row_fields(group))
        }
        if group.urls:
            urls[group.key] = import_string(group.urls)(list(found))
        for pk, (title, place, _order) in found.items():
            for word in {*words(title), *words(place)}:
                by_word.setdefault(word, []).append((group.key, pk))
    by_trigram: dict[str, list[str]] = {}
    for word in by_word:
        for triple in trigrams(word):
            by_trigram.setdefault(triple, []).append(word)
    return Catalogue(
        rows=rows,
        by_word={word: tuple(found) for word, found in by_word.items()},
        urls=urls,
        vocabulary=tuple(sorted(by_word)),
        by_trigram={triple: tuple(found) for triple, found in by_trigram.items()},
    )


# Part of the cache key: change it when the catalogue's shape changes, or a deploy would read
# the last release's catalogues until the content next changed.
CATALOGUE_KEY = "search-catalogue:1"
_latest: dict[str, Catalogue] = {}  # this process's copy of the current version's catalogue


def catalogue() -> Catalogue:
    """``build_catalogue()``, kept in the cache for this content version (and in this process,
    which spares unpickling it on each search)."""
    key = versioned(CATALOGUE_KEY)
    found = _latest.get(key)
    if found is None:
        found = cached(CATALOGUE_KEY, build_catalogue)
        _latest.clear()
        _latest[key] = found
    return found


def found_by_title(matcher: Matcher, found: Catalogue) -> set[tuple[str, int]]:
    """(group key, pk) of the rows whose title or town has a word near a term of the query."""
    near = set().union(*(found.words_near(term) for term in matcher.terms))
    return {row for word in near if matcher.matches(word) for row in found.by_word[word]}


def found_by_body(query: Query, found: Catalogue) -> set[tuple[str, int]]:
    """(group key, pk) of the rows holding every word of the query in the full-text index."""
    if connection.vendor == "postgresql":
        return found_in_index_postgres(query, found)
    backend = get_search_backend()
    text = " ".join(query.body_words)
    hits = set()
    page_keys = [group.key for group in search_groups() if group.is_page]
    if page_keys:  # one query for all the page groups
        for (pk,) in backend.search(
            text, Page.objects.live().values_list("pk"), operator="and", order_by_relevance=False
        ):
            hits.update((key, pk) for key in page_keys if pk in found.rows[key])
    for group in search_groups():
        if not group.is_page:
            # Snippets filter only on their declared filter fields: all are searched, and
            # those in the catalogue (the visible ones) kept.
            rows = group.model_class.objects.values_list("pk")
            for (pk,) in backend.search(text, rows, operator="and", order_by_relevance=False):
                if pk in found.rows[group.key]:
                    hits.add((group.key, pk))
    return hits


def found_in_index_postgres(query: Query, found: Catalogue) -> set[tuple[str, int]]:
    """``found_by_body`` on PostgreSQL, reading the backend's index table in one query. The
    backend's own search matches title and body joined (``title || body @@ query``), which no
    index serves (25 ms at 1,500 pages); here their GIN indexes find the rows holding any of
    the words, and only those are checked for all of them."""
    config = get_search_backend().config
    every_word = SearchQuery(" ".join(query.body_words), search_type="plain", config=config)
    any_word = SearchQuery(" | ".join(query.body_words), search_type="raw", config=config)
    types = ContentType.objects.get_for_models(Page, *get_page_models(), for_concrete_models=False)
    page_types = {content_type.pk for content_type in types.values()}
    group_of_type = {
        ContentType.objects.get_for_model(group.model_class).pk: group.key
        for group in search_groups()
        if not group.is_page
    }
    page_keys = [group.key for group in search_groups() if group.is_page]
    entries = (
        IndexEntry.objects.filter(Q(title=any_word) | Q(body=any_word), content_type__in=[*page_types, *group_of_type])
        .annotate(words=F("title")._combine(F("body"), "||", False))
        .filter(words=every_word)
        .values_list("content_type_id", "object_id")
    )
    hits = set()
    for content_type_id, object_id in entries:
        pk = int(object_id)
        keys = page_keys if content_type_id in page_types else [group_of_type[content_type_id]]
        hits.update((key, pk) for key in keys if pk in found.rows[key])
    return hits


def search(query: Query) -> list[GroupResults]:
    """Every group with a result for ``query``, best group first, each with its hits ranked.
    The same few queries however many rows there are."""
    if not query.terms:
        return []
    matcher = Matcher(query.terms)
    found = catalogue()
    by_body = found_by_body(query, found)
    candidates: dict[str, list[int]] = {}
    for key, pk in found_by_title(matcher, found) | by_body:
        candidates.setdefault(key, []).append(pk)
    results = []
    for group in search_groups():
        rows = found.rows[group.key]
        ranked = (
            matcher.rank(*rows[pk], pk=pk, in_body=(group.key, pk) in by_body) for pk in candidates.get(group.key, ())
        )
        hits = [hit for hit in ranked if hit is not None]
        if hits:
            hits.sort(key=lambda hit: (hit.order, hit.title))
            hits.sort(key=Hit.sort_key)  # stable: equals stay in the group's own order
            results.append(GroupResults(group, hits, found.urls.get(group.key, {})))
    position = {group.key: index for index, group in enumerate(search_groups())}
    results.sort(
        key=lambda result: (
            result.group.key not in query.named,
            *result.hits[0].sort_key(),
            position[result.group.key],
        )
    )
    return results


# Showing


@dataclass(frozen=True)
class Shown:
    """A result as the page shows it: its title linked to ``url``, and the ``object`` its
    line of context is read from (with what that line reads already loaded); for a page,
    ``about`` is its description or intro as plain text."""

    title: str
    url: str
    object: object
    about: str = ""


def plain_text(markup: str) -> str:
    """``markup`` (rich text or plain) as plain text: tags dropped, entities read."""
    return html.unescape(strip_tags(markup)).strip()


def load_shown(found: GroupResults, hits: list[Hit], request) -> list[Shown]:
    """``hits`` of ``found`` as shown, in their order; those without an address are left out.
    A query or two, whatever the number of hits."""
    group = found.group
    model = group.model_class
    rows = model._default_manager.filter(pk__in=[hit.pk for hit in hits])
    if model is Page:
        rows = rows.specific()
    elif group.related:
        rows = rows.select_related(*group.related)
    objects = {obj.pk: obj for obj in rows}
    urls = {pk: obj.get_url(request) for pk, obj in objects.items()} if group.is_page else found.urls
    shown = []
    for hit in hits:
        obj = objects.get(hit.pk)
        if obj is not None and urls.get(hit.pk):
            about = (obj.search_description or str(getattr(obj, "intro", ""))) if model is Page else ""
            shown.append(Shown(hit.title, urls[hit.pk], obj, plain_text(about)))
    return shown
