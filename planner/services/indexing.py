"""Keeping the search and reference indexes up to date a batch at a time rather than a row at a time.

A session on its way to published is saved three times (created, revised, published) and
modelsearch indexed it at each: a third of an import's time. ``SessionPage`` therefore opts
out of modelsearch's own signal handlers (``search_auto_update = False``) and is indexed by
``index_saved_session`` instead, which does the same, except inside ``search_index_deferred``:
there each saved session is noted, and all are indexed in one pass per model when the block
ends. Rows written in bulk, which send no signals, are indexed by ``index_objects`` and
``record_references``."""

import logging
import threading
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from modelsearch.backends import get_search_backends_with_name
from modelsearch.signal_handlers import post_delete_signal_handler, post_save_signal_handler
from wagtail.models import ReferenceIndex

logger = logging.getLogger(__name__)
_local = threading.local()


@contextmanager
def search_index_deferred():
    """Index each object saved or passed to ``index_objects`` inside the block once, when it
    ends (not if it raises: the caller's transaction is being undone). Nested blocks defer to
    the outermost."""
    if getattr(_local, "pending", None) is not None:
        yield
        return
    _local.pending = {}
    try:
        yield
        pending = _local.pending
    finally:
        _local.pending = None
    index_in_bulk(pending.values())


def index_objects(instances: Iterable) -> None:
    """Bring ``instances`` (new or changed, of indexed models) up to date in the search index:
    now in one pass per model, or when the enclosing ``search_index_deferred`` block ends."""
    pending = getattr(_local, "pending", None)
    if pending is None:
        index_in_bulk(instances)
        return
    for instance in instances:
        pending[(type(instance), instance.pk)] = instance


def index_in_bulk(instances: Iterable) -> None:
    """What modelsearch's ``insert_or_update_object`` does for each instance, in one pass per
    model and backend: two queries for the batch, where it makes two for each object."""
    by_model = defaultdict(list)
    for instance in instances:
        indexed = instance.get_indexed_instance()
        if indexed is not None:
            by_model[type(indexed)].append(indexed)
    for model, objects in by_model.items():
        # The same check as modelsearch's: only objects among the model's indexed objects.
        kept = set(model.get_indexed_objects().filter(pk__in=[o.pk for o in objects]).values_list("pk", flat=True))
        objects = [o for o in objects if o.pk in kept]
        if not objects:
            continue
        for name, backend in get_search_backends_with_name(with_auto_update=True):
            try:
                backend.add_bulk(model, objects)
            except Exception:
                logger.exception(
                    "Exception raised while adding %d %s into the '%s' search backend",
                    len(objects),
                    model.__name__,
                    name,
                )
                # A database backend's error has broken the transaction: raise it, as modelsearch does.
                if not backend.catch_indexing_errors:
                    raise


def record_references(objects: list) -> None:
    """Reference index entries (what Wagtail's ‘usage’ counts are read from) for newly
    inserted ``objects`` of one model, in one insert: what Wagtail's post_save handler records
    for each. Their child relations must be held in memory (assigned, even if empty), or
    reading them costs a query an object."""
    if not objects or not ReferenceIndex.is_indexed(type(objects[0])):
        return
    model = type(objects[0])
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    base_content_type = ReferenceIndex._get_base_content_type(model)
    # Wagtail has no public way to read an object's references without writing them one object
    # at a time; its own extractor is used, so the rows are exactly what it would write.
    rows = [
        ReferenceIndex(
            content_type=content_type,
            base_content_type=base_content_type,
            object_id=obj.pk,
            to_content_type_id=to_content_type_id,
            to_object_id=to_object_id,
            model_path=model_path,
            content_path=content_path,
            content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
        )
        for obj in objects
        for to_content_type_id, to_object_id, model_path, content_path in set(
            ReferenceIndex._extract_references_from_object(obj)
        )
    ]
    ReferenceIndex.objects.bulk_create(rows, ignore_conflicts=connection.features.supports_ignore_conflicts)


def index_saved_session(sender, instance, **kwargs):
    """post_save for sessions: index now, or note it for the end of a deferred block."""
    pending = getattr(_local, "pending", None)
    if pending is not None and not kwargs.get("raw", False):
        pending[(type(instance), instance.pk)] = instance
        return
    post_save_signal_handler(instance, **kwargs)


def unindex_deleted_session(sender, instance, **kwargs):
    """post_delete for sessions: out of the index at once, as modelsearch would."""
    post_delete_signal_handler(instance, **kwargs)
