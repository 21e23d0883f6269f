"""Enqueue django-q2 tasks only once the surrounding transaction has committed."""

from django.db import transaction
from django_q.tasks import async_task


def enqueue_after_commit(task_path: str, *args, keep_success: bool = True) -> None:
    """Queue ``task_path(*args)`` when the current transaction commits (at once if none).

    Pass ids, never model instances: tasks are pickled and may run after the row changed.
    ``keep_success=False`` is for tasks that record their own outcome (a batch of packs):
    django-q2 then stores only their failures, and its monitor does not prune its saved
    results once per task.
    """
    options = {} if keep_success else {"save": False}
    transaction.on_commit(lambda: async_task(task_path, *args, **options))
