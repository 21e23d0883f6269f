"""Now and next: what is on in each stream during the conference, in the viewer's zone."""

from django.http import Http404


def now_and_next(page, request):
    """What is on now and next in each stream."""
    raise Http404("Now and next is being built.")
