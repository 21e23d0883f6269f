"""WSGI entry point for gunicorn: ``gunicorn planner.wsgi``."""

import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planner.settings.production")

try:
    application = get_wsgi_application()
except ImproperlyConfigured as error:  # with preload_app, gunicorn stops here before any worker starts
    sys.exit(f"Relay cannot start: {error}")
