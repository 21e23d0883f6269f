"""The public record of schedule changes: the changelog page and its feed."""

from django.http import Http404


def changelog(page, request):
    """Moves, cancellations and additions since the programme was first published."""
    raise Http404("The changelog is being built.")


def changelog_feed(page, request):
    """The changelog as a feed."""
    raise Http404("The changelog is being built.")
