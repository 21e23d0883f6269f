"""Production settings for the outage test's gunicorn, with one change that has nothing to do
with the database: static files without the manifest that collectstatic builds (10 s here)."""

from planner.settings.production import *  # noqa: F403
from planner.settings.production import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
