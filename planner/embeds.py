"""Recordings embedded without asking anyone: an offline Wagtail embed finder.

Wagtail's own finder fetches each address's player from its provider (oEmbed) when a page
is first shown: a request from our server to YouTube, Vimeo or whoever, at run time. This
one knows the two players sessions are recorded on and writes them itself, from the address
alone: YouTube's privacy-enhanced player (youtube-nocookie.com, no cookies until the viewer
presses play) and Vimeo's with do-not-track. It accepts nothing else, and the oEmbed finder
is not configured after it (settings ``WAGTAILEMBEDS_FINDERS``), so any other address finds
no embed and the page shows it as a plain link: no address ever makes the server call out."""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.utils.html import format_html
from wagtail.embeds.exceptions import EmbedNotFoundException
from wagtail.embeds.finders.base import EmbedFinder

YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com", "www.youtube-nocookie.com"}
YOUTUBE_PATHS = {"embed", "live", "shorts", "v"}  # /embed/<id> and the like
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
VIMEO_ID = re.compile(r"^[0-9]{1,12}$")
VIMEO_HASH = re.compile(r"^[0-9a-f]{6,20}$")  # an unlisted video's key: vimeo.com/<id>/<hash>
WIDTH, HEIGHT = 640, 360  # the iframe's proportions; relay.css makes it as wide as the column


@dataclass(frozen=True)
class Player:
    provider: str
    src: str


def youtube_id(host: str, path: list[str], query: str) -> str:
    if host == "youtu.be":
        return path[0] if len(path) == 1 else ""
    if path == ["watch"]:
        return parse_qs(query).get("v", [""])[0]
    return path[1] if len(path) == 2 and path[0] in YOUTUBE_PATHS else ""


def vimeo_player(path: list[str], query: str) -> str:
    """Vimeo's player address for vimeo.com/<id>, vimeo.com/<id>/<hash>, .../channels/x/<id>
    or player.vimeo.com/video/<id>; '' when the address names no video."""
    numbered = [i for i, part in enumerate(path) if VIMEO_ID.match(part)]
    if not numbered:
        return ""
    at = numbered[-1]
    video, rest = path[at], path[at + 1 :]
    key = rest[0] if len(rest) == 1 and VIMEO_HASH.match(rest[0]) else parse_qs(query).get("h", [""])[0]
    key = key if VIMEO_HASH.match(key) else ""
    return f"https://player.vimeo.com/video/{video}?dnt=1" + (f"&h={key}" if key else "")


def player_for(url: str) -> Player | None:
    """The privacy-friendly player for a YouTube or Vimeo address, or None for any other."""
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower()
    path = [part for part in parts.path.split("/") if part]
    if host in YOUTUBE_HOSTS or host == "youtu.be":
        video = youtube_id(host, path, parts.query)
        if YOUTUBE_ID.match(video):
            return Player("YouTube", f"https://www.youtube-nocookie.com/embed/{video}")
        return None
    if host in VIMEO_HOSTS and (src := vimeo_player(path, parts.query)):
        return Player("Vimeo", src)
    return None


def player_html(player: Player) -> str:
    return str(
        format_html(
            '<iframe class="video-player" src="{}" title="Recording, played on {}" width="{}" height="{}" '
            'loading="lazy" allow="fullscreen; picture-in-picture; encrypted-media" '
            'referrerpolicy="strict-origin-when-cross-origin"></iframe>',
            player.src,
            player.provider,
            WIDTH,
            HEIGHT,
        )
    )


class OfflineVideoFinder(EmbedFinder):
    """YouTube and Vimeo players, written from the address without a request."""

    def accept(self, url) -> bool:
        return player_for(url) is not None

    def find_embed(self, url, max_width=None, max_height=None) -> dict:
        player = player_for(url)
        if player is None:
            raise EmbedNotFoundException
        return {
            "title": "",
            "author_name": "",
            "provider_name": player.provider,
            "type": "video",
            "thumbnail_url": "",
            "width": WIDTH,
            "height": HEIGHT,
            "html": player_html(player),
        }


embed_finder_class = OfflineVideoFinder  # what WAGTAILEMBEDS_FINDERS names the module by
