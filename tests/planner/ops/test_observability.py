"""Logs a person can trust: JSON lines with the request id, and never a token or an email
address, even in a traceback."""

import io
import json
import logging
import logging.config
import re

import pytest
from django.conf import settings
from django.test import Client

from planner.settings.base import logging_config


@pytest.fixture
def json_log():
    """The production logging configuration, writing to a buffer instead of stdout."""
    config = logging_config("json", access_level="INFO")
    config["handlers"]["console"]["stream"] = buffer = io.StringIO()
    logging.config.dictConfig(config)
    yield buffer

    logging.config.dictConfig(settings.LOGGING)


def lines(buffer) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_log_lines_are_json_with_the_request_id_and_no_token(client, db, json_log):
    token = "s3cret-calendar-token-0123456789"
    response = client.get(f"/calendar/me/{token}.ics", headers={"X-Request-ID": "proxy-given-id-42"})
    assert response.status_code == 404
    assert response["X-Request-ID"] == "proxy-given-id-42"
    written = lines(json_log)
    assert written and all(line["request_id"] == "proxy-given-id-42" for line in written)
    assert any(line["logger"] == "relay.requests" and line["status"] == 404 for line in written)
    assert token not in json_log.getvalue() and "/calendar/me/[token]" in json_log.getvalue()


def test_a_malformed_request_id_is_replaced_not_repeated(client, db):
    response = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.urls("tests.planner.failing_urls")
def test_an_error_logs_its_request_id_and_the_page_shows_it(db, json_log):
    browser = Client(raise_request_exception=False)
    response = browser.get("/broken/")
    assert response.status_code == 500
    rid = response["X-Request-ID"]
    error = next(line for line in lines(json_log) if line["level"] == "ERROR")
    assert error["request_id"] == rid and "RuntimeError" in error["error"]
    assert "someone@example.org" not in json_log.getvalue()  # redacted from the traceback too
    assert rid in response.content.decode()  # the reference a delegate can quote
