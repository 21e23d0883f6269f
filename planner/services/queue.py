"""Enqueue django-q2 tasks only once the surrounding transaction has committed."""

from django.db import transaction
from django_q.tasks import async_task


def enqueue_after_commit(task_path: str, *args) -> None:
    """Queue ``task_path(*args)`` when the current transaction commits (at once if none).

    Pass ids, never model instances: tasks are pickled and may run after the row changed.
    """
    transaction.on_commit(lambda: async_task(task_path, *args))
