"""gunicorn settings read automatically from the project directory (see README: Deployment)."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
wsgi_app = "planner.wsgi:application"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
# Personal calendar feed tokens are passwords: redact them from access log lines.
logger_class = "planner.gunicorn_logging.RedactingLogger"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
