"""/healthz: tells a load balancer whether this instance can serve and queue work."""

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django_q.brokers import get_broker

logger = logging.getLogger(__name__)


def database_answers() -> bool:
    """True when the default database runs a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception as error:  # one line per probe: a load balancer probes every few seconds
        logger.warning(
            "healthz: the database did not answer: %s",
            str(error).splitlines()[0] if str(error) else type(error).__name__,
        )
        return False


def queue_answers() -> bool:
    """True when the django-q2 broker answers a ping and can count its queue."""
    try:
        broker = get_broker()
        broker.ping()
        broker.queue_size()
        return True
    except Exception as error:
        logger.warning(
            "healthz: the task queue did not answer: %s",
            str(error).splitlines()[0] if str(error) else type(error).__name__,
        )
        return False


@never_cache
def healthz(request):
    """200 with ``{"status": "ok", ...}`` when database and queue answer, else 503 naming the failure."""
    checks = {"database": database_answers(), "queue": queue_answers()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable", **{k: "ok" if v else "failing" for k, v in checks.items()}}
    return JsonResponse(body, status=200 if healthy else 503)
