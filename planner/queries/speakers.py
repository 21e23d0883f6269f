"""Reads for the speakers' public pages: who speaks at a conference, one speaker with their
sessions there, and where each speaker's page is. Each function owns its joins, so the
pages cost the same number of queries however many speakers and sessions there are."""

from collections.abc import Iterable, Sequence

from django.db.models import Prefetch, QuerySet
from wagtail.images import get_image_model

from cms.caching import public
from planner.models import ConferencePage, SessionPage, Speaker


def speaker_url(conference: ConferencePage, speaker: Speaker, *, request=None) -> str:
    """The address of ``speaker``'s page under ``conference``: ‘/<conference>/speakers/<slug>/’
    (absolute when the site has more than one host). Never queries once Wagtail has the
    sites' root paths; pass the ``request`` when making many, which keeps them for it."""
    return conference.get_url(request) + conference.reverse_subpage("speaker", args=[speaker.slug])


def _sessions_at(conference: ConferencePage) -> QuerySet[SessionPage]:
    """Published public sessions of ``conference`` in time order, with stream and any cancellation."""
    return (
        public(SessionPage.objects.live())
        .child_of(conference)
        .select_related("stream", "cancellation")
        .order_by("start", "stream__sort_order", "title")
    )


def _with_programme_and_photo(speakers: QuerySet[Speaker], conference, photo_specs: Sequence[str]):
    """``speakers`` each with ``.programme`` (their sessions at ``conference``) and their photo
    with its renditions for ``photo_specs`` (so drawing them asks the database nothing more)."""
    return speakers.prefetch_related(
        Prefetch("sessions", queryset=_sessions_at(conference), to_attr="programme"),
        Prefetch("photo", queryset=get_image_model().objects.prefetch_renditions(*photo_specs)),
    )


def conference_speakers(conference: ConferencePage, *, photo_specs: Sequence[str] = ()) -> list[Speaker]:
    """Speakers in the published sessions of ``conference``, by name, each with ``.programme``
    (those sessions in time order, streams and cancellations loaded) and their photo with
    its renditions for ``photo_specs``."""
    sessions = public(SessionPage.objects.live()).child_of(conference)
    speakers = Speaker.objects.filter(pk__in=sessions.values("speakers")).order_by("name")
    return list(_with_programme_and_photo(speakers, conference, photo_specs))


def conference_speaker(conference: ConferencePage, slug: str, *, photo_specs: Sequence[str] = ()) -> Speaker | None:
    """The speaker called ``slug`` with ``.programme``, their published sessions at
    ``conference`` in time order, and their photo's renditions for ``photo_specs``; None
    when there is no such speaker or they have no published session at ``conference``."""
    found = next(iter(_with_programme_and_photo(Speaker.objects.filter(slug=slug), conference, photo_specs)), None)
    return found if found is not None and found.programme else None


def speaker_conference_urls(speaker_ids: Iterable[int]) -> dict[int, str]:
    """The page address of each of ``speaker_ids`` under the first published conference (by
    start date) they speak at in a published session; speakers with none are left out."""
    ids = list(speaker_ids)
    if not ids:
        return {}
    steplen = ConferencePage.steplen
    # The join the filter makes is the one the values read: each row one speaker of one session.
    talks = (
        public(SessionPage.objects.live())
        .filter(speakers__in=ids)
        .values_list("speakers", "speakers__slug", "path")
        .order_by()
    )
    paths_by_speaker: dict[int, tuple[str, set[str]]] = {}
    for speaker_id, slug, path in talks:
        paths_by_speaker.setdefault(speaker_id, (slug, set()))[1].add(path[:-steplen])
    if not paths_by_speaker:
        return {}
    parents = {path for _slug, paths in paths_by_speaker.values() for path in paths}
    conferences = list(public(ConferencePage.objects.live()).filter(path__in=parents).order_by("start_date", "path"))
    urls = {}
    for speaker_id, (slug, paths) in paths_by_speaker.items():
        first = next((c for c in conferences if c.path in paths), None)
        if first is not None:
            urls[speaker_id] = speaker_url(first, Speaker(pk=speaker_id, slug=slug))
    return urls
