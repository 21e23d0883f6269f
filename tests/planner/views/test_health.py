"""/healthz tells a load balancer whether the database and the task queue answer."""

import json

import pytest
from django_q.conf import Conf

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_when_database_and_queue_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "queue": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_ok_with_the_redis_broker(client, monkeypatch):
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "REDIS", "redis://127.0.0.1:6379/15")
    response = client.get("/healthz")
    assert json.loads(response.content)["queue"] == "ok"


def test_healthz_is_503_naming_the_queue_when_redis_is_unreachable(client, monkeypatch):
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "REDIS", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable", "database": "ok", "queue": "failing"}
