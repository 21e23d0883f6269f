"""The conference's speakers: the index (a grid with photos and an A–Z) and each speaker's page.

Both are kept in the cache for the content version (``pages.fragments``), which every save of
a speaker, session or page moves on: a warm page costs no query of its own."""

import string
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import Http404
from django.template.response import TemplateResponse

from cms.caching import cached
from planner.models import Speaker
from planner.pages.fragments import page_fragment, render_route
from planner.queries import programme
from planner.queries import speakers as queries
from planner.queries.speakers import speaker_url

__all__ = ["initials", "speaker", "speaker_links", "speaker_url", "speakers"]

# Renditions of a speaker's photo, cropped around its focal point: (1x, 2x) for sharp screens.
CARD_PHOTO = ("fill-80x80-c100|format-webp", "fill-160x160-c100|format-webp")
PAGE_PHOTO = ("fill-240x240-c100|format-webp", "fill-480x480-c100|format-webp")
# Left out of initials and of the A–Z, so ‘Dr Amira Shah’ is AS, under A.
HONORIFICS = {"cllr", "councillor", "dame", "dr", "lady", "lord", "miss", "mr", "mrs", "ms", "mx", "prof", "rev", "sir"}
TINTS = 4  # colours for the initials (relay.css: .portrait--tint-0 to -3)
OTHER = "Other"  # the A–Z's group for names that start with no letter from A to Z


@dataclass(frozen=True)
class Portrait:
    """A speaker's photo at 1x and 2x, or, without one, their initials on a colour."""

    src: str = ""
    src_2x: str = ""
    width: int = 0
    height: int = 0
    initials: str = ""
    tint: int = 0


@dataclass(frozen=True)
class SpeakerLink:
    url: str
    text: str


@dataclass
class SpeakerCard:
    speaker: Speaker
    url: str
    portrait: Portrait

    @property
    def cancelled(self) -> int:
        """How many of their sessions here are cancelled."""
        return sum(1 for session in self.speaker.programme if session.called_off)


@dataclass
class LetterGroup:
    """One letter of the A–Z: its anchor on the page and the speakers under it (maybe none)."""

    letter: str
    cards: list[SpeakerCard] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"letter-{self.letter if self.letter != OTHER else 'other'}"


def speakers(page, request) -> TemplateResponse:
    """Everyone speaking at the conference, under their initial letters, with the sessions they speak in."""
    viewer_zone = programme.viewer_zone(request, default=page.time_zone)
    speaker_list = page_fragment(
        page,
        request,
        f"speakers:{viewer_zone.key}",
        "planner/includes/speaker_list.html",
        lambda: index_context(page, request, viewer_zone),
    )
    return render_route(page, request, "planner/conference_speakers.html", speaker_list=speaker_list)


def index_context(page, request, viewer_zone) -> dict:
    """What the speakers index shows: the A–Z, and each letter's speakers as cards."""
    cards = [
        SpeakerCard(speaker, speaker_url(page, speaker, request=request), portrait(speaker, CARD_PHOTO))
        for speaker in queries.conference_speakers(page, photo_specs=CARD_PHOTO)
    ]
    alphabet = by_letter(cards)
    return {
        "speaker_count": len(cards),
        "alphabet": alphabet,
        "groups": [group for group in alphabet if group.cards],
        "viewer_zone": viewer_zone,
    }


def speaker(page, request, slug: str) -> TemplateResponse:
    """One speaker's page at this conference: photo, affiliation, bio, links and their
    sessions here. Not found unless they speak in a published session of this conference."""
    viewer_zone = programme.viewer_zone(request, default=page.time_zone)

    def find():
        # False, not None, for no such speaker: the cache keeps it, so a wrong address costs no query.
        return queries.conference_speaker(page, slug, photo_specs=PAGE_PHOTO) or False

    found = cached(f"speaker:{page.pk}:{slug}", find)
    if not found:
        raise Http404("No one of that name speaks at this conference.")
    profile = page_fragment(
        page,
        request,
        f"speaker:{slug}:{viewer_zone.key}",
        "planner/includes/speaker_profile.html",
        lambda: {
            "page": page,
            "speaker": found,
            "portrait": portrait(found, PAGE_PHOTO),
            "links": speaker_links(found.links),
            "viewer_zone": viewer_zone,
            "zone_choices": programme.common_zones(viewer_zone.key),
        },
    )
    return render_route(page, request, "planner/speaker.html", speaker=found, profile=profile)


def portrait(speaker: Speaker, specs: Sequence[str]) -> Portrait:
    """``speaker``'s photo in the renditions ``specs`` (1x, 2x), or their initials."""
    if speaker.photo is None:
        return Portrait(initials=initials(speaker.name), tint=speaker.pk % TINTS)
    one, two = (speaker.photo.get_renditions(*specs)[spec] for spec in specs)
    return Portrait(src=one.url, src_2x=two.url, width=one.width, height=one.height)


def _words(name: str) -> list[str]:
    """The words of ``name`` without a leading title (‘Dr’, ‘Cllr’...)."""
    words = name.split()
    while len(words) > 1 and words[0].casefold().rstrip(".") in HONORIFICS:
        words = words[1:]
    return words


def initials(name: str) -> str:
    """‘AS’ for ‘Dr Amira Shah’: the first letters of the first and last names."""
    words = _words(name)
    picked = words[:1] + words[1:][-1:]
    return "".join(next((c for c in word if c.isalnum()), "") for word in picked).upper()


def _folded(name: str) -> str:
    """``name`` without its title, accents or case, to sort and group by: ‘émile’ for ‘Dr Émile’."""
    decomposed = unicodedata.normalize("NFKD", " ".join(_words(name)))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def by_letter(cards: list[SpeakerCard]) -> list[LetterGroup]:
    """Every letter from A to Z with the cards of the names starting with it (sorted by
    name), then ‘Other’ for names starting otherwise, when there are any."""
    groups = {letter: LetterGroup(letter) for letter in string.ascii_uppercase}
    for card in sorted(cards, key=lambda card: _folded(card.speaker.name)):
        first = _folded(card.speaker.name)[:1].upper()
        groups.setdefault(first if first in groups else OTHER, LetterGroup(OTHER)).cards.append(card)
    return list(groups.values())


def speaker_links(text: str) -> list[SpeakerLink]:
    """The web addresses in ``text``, one a line, each named by its host (and its path when
    two share a host); lines that are not http(s) addresses are left out."""
    is_url = URLValidator(schemes=["http", "https"])
    urls = []
    for line in text.splitlines():
        try:
            is_url(line.strip())
        except ValidationError:
            continue
        urls.append(line.strip())
    hosts = [urlsplit(url).hostname.removeprefix("www.") for url in urls]
    return [
        SpeakerLink(url, host if hosts.count(host) == 1 else host + urlsplit(url).path.rstrip("/"))
        for url, host in zip(urls, hosts, strict=True)
    ]
