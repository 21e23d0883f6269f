"""Settings for the queue failure tests' ``qcluster``: development settings with a task
timeout and retry short enough that a killed task comes back within seconds, and a cluster
name of the test's own (``RELAY_FAIL_CLUSTER``), which is also its queue's name and prefixes
its cache keys, so the test can remove everything it wrote to a shared Redis."""

import os

from planner.settings.dev import *  # noqa: F403
from planner.settings.dev import CACHES, Q_CLUSTER

Q_CLUSTER = {
    **Q_CLUSTER,
    "name": os.environ["RELAY_FAIL_CLUSTER"],
    "timeout": int(os.environ.get("RELAY_FAIL_TIMEOUT", "5")),
    "retry": int(os.environ.get("RELAY_FAIL_RETRY", "8")),
}
CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": os.environ["RELAY_FAIL_CLUSTER"]}}
