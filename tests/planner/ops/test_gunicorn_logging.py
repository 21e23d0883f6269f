"""Access logs never hold a personal calendar token."""

from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config

from planner.ops.gunicorn_logging import RedactingLogger, redact_tokens

TOKEN = "Zx9_ab-Cdefghijklmnopqrstuvwxyz0123456789AB"


def test_token_is_redacted_from_paths_and_referers():
    assert redact_tokens(f"GET /calendar/me/{TOKEN}.ics HTTP/1.1") == "GET /calendar/me/[token] HTTP/1.1"
    assert redact_tokens("/calendar/conference/4.ics") == "/calendar/conference/4.ics"


def test_gunicorn_access_log_atoms_carry_no_token():
    logger = RedactingLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/calendar/me/{TOKEN}.ics",
        "PATH_INFO": f"/calendar/me/{TOKEN}.ics",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://relay.example.org/calendar/me/{TOKEN}.ics",
    }
    atoms = logger.atoms(
        SimpleNamespace(status="200 OK", sent=10, headers=[]), SimpleNamespace(headers=[]), environ, timedelta(0)
    )
    assert all(TOKEN not in str(value) for value in atoms.values())
    assert atoms["U"] == "/calendar/me/[token]"
