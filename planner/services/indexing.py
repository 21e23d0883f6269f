"""Keeping sessions in the search index, once per write rather than once per save.

A session on its way to published is saved three times (created, revised, published) and
modelsearch indexed it at each: a third of an import's time. ``SessionPage`` therefore opts
out of modelsearch's own signal handlers (``search_auto_update = False``) and is indexed by
``index_saved_session`` instead, which does the same, except inside ``search_index_deferred``:
there each saved session is noted, and indexed once when the block ends."""

import threading
from contextlib import contextmanager

from modelsearch import index
from modelsearch.signal_handlers import post_delete_signal_handler, post_save_signal_handler

_local = threading.local()


@contextmanager
def search_index_deferred():
    """Index each session saved inside the block once, when it ends (not if it raises: the
    caller's transaction is being undone). Nested blocks defer to the outermost."""
    if getattr(_local, "pending", None) is not None:
        yield
        return
    _local.pending = {}
    try:
        yield
        pending = _local.pending
    finally:
        _local.pending = None
    for instance in pending.values():
        index.insert_or_update_object(instance)


def index_saved_session(sender, instance, **kwargs):
    """post_save for sessions: index now, or note it for the end of a deferred block."""
    pending = getattr(_local, "pending", None)
    if pending is not None and not kwargs.get("raw", False):
        pending[instance.pk] = instance
        return
    post_save_signal_handler(instance, **kwargs)


def unindex_deleted_session(sender, instance, **kwargs):
    """post_delete for sessions: out of the index at once, as modelsearch would."""
    post_delete_signal_handler(instance, **kwargs)
