"""gunicorn settings read automatically from the project directory (see README: Deploying)."""

import multiprocessing
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the project, wherever gunicorn starts

from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from planner.settings.env import env_int, env_str  # noqa: E402

try:
    bind = env_str("GUNICORN_BIND", "127.0.0.1:8000")
    # gunicorn's rule of thumb: two per core, plus one.
    workers = env_int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1, minimum=1)
    forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1")
    # Requests are small; a slow client cannot hold a worker longer than this.
    timeout = env_int("GUNICORN_TIMEOUT", 30, minimum=1)
    # Relay writes its own access line per request (JSON, with the request id); set
    # GUNICORN_ACCESS_LOG=- for gunicorn's as well. Either way tokens are redacted.
    accesslog = env_str("GUNICORN_ACCESS_LOG") or None
except ImproperlyConfigured as error:
    # One line naming the variable, as manage.py gives, not gunicorn's traceback of this file.
    sys.exit(f"Relay cannot start: {error}")

wsgi_app = "planner.wsgi:application"
# Load Relay once, in the master, before forking: a missing or malformed setting stops
# gunicorn at start with a message naming it, instead of workers failing to boot one by one.
preload_app = True
logger_class = "planner.ops.gunicorn_logging.RedactingLogger"
limit_request_line = 8190
