"""Publishing many new pages under one parent at once, as an import does.

``add_child`` then ``save_revision().publish()`` costs about ninety queries a page: treebeard
locks and counts, ``full_clean`` runs twice, the page row is written three times, and every
signal handler runs for each. ``publish_new_pages`` writes the same rows a table at a time:
the pages in the tree, their revisions, the ‘created’ and ‘published’ entries of their history,
their many-to-many links, and their places in the reference and search indexes. It sends no
signals: the caller does what its own receivers of ``page_published`` would have done."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, F, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from modelcluster.models import get_all_child_relations
from treebeard.exceptions import PathOverflow
from wagtail.actions.publish_page_revision import PublishPagePermissionError
from wagtail.log_actions import get_active_log_context
from wagtail.models import Page, PageLogEntry, Revision

from planner.services.indexing import index_objects, record_references


@transaction.atomic
def publish_new_pages(*, parent: Page, pages: list[Page], user) -> None:
    """Add ``pages`` (new, all of one page type, already validated and given free slugs) as
    the last children of ``parent`` and publish each through a revision, logged as created
    and published by ``user``: a few queries a table, whatever the number of pages. Refused,
    as Wagtail's publish would refuse it, if ``user`` may not publish under ``parent``."""
    if not pages:
        return
    model = type(pages[0])
    if any(type(page) is not model for page in pages):
        raise ValueError("publish_new_pages takes pages of one type at a time.")
    if user is not None and not parent.permissions_for_user(user).can_publish_subpage():
        raise PublishPagePermissionError("You do not have permission to publish this page.")
    # Treebeard's add_child locks the parent while it finds the last child and counts the new
    # one; so does this, once for all of them (PostgreSQL; SQLite's write lock serialises).
    Page.objects.select_for_update().filter(pk=parent.pk).exists()
    now = timezone.now()
    place_in_tree(parent, pages)
    content_type = ContentType.objects.get_for_model(model)
    for page in pages:
        page.content_type, page.locale_id, page.draft_title = content_type, parent.locale_id, page.title
        page.live, page.has_unpublished_changes, page.expired = True, False, False
        page.first_published_at = page.last_published_at = page.latest_revision_created_at = now
        for relation in get_all_child_relations(model):
            name = relation.get_accessor_name()
            if getattr(page, name).all():  # in memory: the page is not saved yet
                raise ValueError(f"publish_new_pages cannot write a page's {name}.")
            setattr(page, name, [])  # held in memory, so the revision and the references read it without a query
    insert_rows(model, pages)
    # The parent's child count, as treebeard keeps it (a count, not a recount, under the parent's lock).
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
    parent.numchild += len(pages)
    add_many_to_many(model, pages)

    revisions = Revision.objects.bulk_create(
        [
            Revision(
                content_type=content_type,
                base_content_type=page.get_base_content_type(),
                object_id=str(page.pk),
                user=user,
                content=page.serializable_data(),
                object_str=str(page),
                created_at=now,
            )
            for page in pages
        ]
    )
    for page, revision in zip(pages, revisions, strict=True):
        page.latest_revision = page.live_revision = revision
    # Each new page points at its one revision: one UPDATE over the new pages' run of paths
    # (bulk_update's CASE over every id costs more to build than the inserts).
    own_revision = Subquery(
        Revision.objects.filter(
            base_content_type=revisions[0].base_content_type, object_id=Cast(OuterRef("pk"), CharField())
        ).values("pk")[:1]
    )
    Page.objects.filter(depth=pages[0].depth, path__range=(pages[0].path, pages[-1].path)).update(
        latest_revision=own_revision, live_revision=own_revision
    )

    # What add_child's save and publish log (who, as Wagtail's log() decides): one entry each,
    # here naming the user for both, where add_child names none.
    context = get_active_log_context()
    logged_by, uuid = user or context.user, context.uuid
    PageLogEntry.objects.bulk_create(
        [
            PageLogEntry(
                content_type=content_type,
                label=page.get_admin_display_title(),
                action=action,
                timestamp=now,
                data={},
                uuid=uuid,
                user=logged_by,
                page_id=page.pk,
                revision=revision,
                content_changed=True,
            )
            for page in pages
            for action, revision in (("wagtail.create", None), ("wagtail.publish", page.live_revision))
        ]
    )
    record_references(pages)
    index_objects(pages)


def place_in_tree(parent: Page, pages: list[Page]) -> None:
    """Treebeard's path, depth and url_path for each page, after the parent's last child
    (with treebeard's own path arithmetic, as its add_child does for one)."""
    last = parent.get_last_child()
    first = Page._str2int(last.path[-Page.steplen :]) + 1 if last else 1
    if first + len(pages) - 1 >= len(Page.alphabet) ** Page.steplen:
        raise PathOverflow(f"No room for {len(pages)} more pages under page {parent.pk}.")
    depth = parent.depth + 1
    for step, page in enumerate(pages, start=first):
        page.depth, page.path = depth, Page._get_path(parent.path, depth, step)
        page.numchild = 0
        page.set_url_path(parent)
        page._cached_parent_obj = parent  # treebeard's get_parent() reads it: no query


def insert_rows(model, pages: list[Page]) -> None:
    """Insert the pages' rows: the Page table's, then their own table's.

    ``bulk_create`` refuses models with a parent table, so the page part goes through it as
    plain ``Page`` rows (which returns their ids) and the page type's own columns through the
    same batched insert ``bulk_create`` uses."""
    page_fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
    rows = Page.objects.bulk_create(
        [Page(**{f.attname: getattr(page, f.attname) for f in page_fields}) for page in pages]
    )
    for page, row in zip(pages, rows, strict=True):
        page.id = page.pk = row.pk
        page._state.adding, page._state.db = False, row._state.db
    model._base_manager.all()._batched_insert(pages, fields=model._meta.local_concrete_fields, batch_size=None)


def add_many_to_many(model, pages: list[Page]) -> None:
    """The rows of the pages' many-to-many fields (the speakers of a session), held in memory
    until now as modelcluster holds them, in one insert per field."""
    for field in model._meta.local_many_to_many:
        through = field.remote_field.through
        source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
        links = {(page.pk, other.pk) for page in pages for other in getattr(page, field.name).all()}
        through.objects.bulk_create([through(**{source: a, target: b}) for a, b in sorted(links)])
