#!/usr/bin/env python
"""Django's command-line utility for Relay."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planner.settings.dev")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:  # a missing or malformed setting: say which, not a traceback
        sys.exit(f"Relay cannot start: {error}")
