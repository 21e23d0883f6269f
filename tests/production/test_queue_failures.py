"""A worker killed in the middle of a task (out of memory, a deploy, a host going down) does
not lose the task: the broker hands it out again once its ``retry`` time has passed, and the
task's effect, one delegate's pack, happens once.

Each case runs a real ``manage.py qcluster`` (settings: qsettings.py, timeout 5 s, retry 8 s)
on a throwaway database of its own. Its task (slow_tasks.py) runs the real pack code and stops
the first attempt inside it, where the test SIGKILLs that worker."""

import os
import signal
from pathlib import Path

import pytest

from tests.production.support import (
    PYTHON,
    REDIS,
    descends_from,
    query_one,
    relay_env,
    shell_json,
    start,
    stop,
    unique_name,
    wait_until,
)

TIMEOUT, RETRY = 5, 8
MADE_ONCE_AFTER_ONE_RETRY = {"status": "done", "attempts": 2, "runs": 2, "pdfs": 1, "partials": 0, "queued": 0}


@pytest.mark.parametrize(
    "stop_at",
    [
        "drawing",
        "renaming",
    ],
)
def test_orm_broker_on_sqlite_runs_a_killed_pack_task_again_and_makes_the_pack_once(sqlite_database, workdir, stop_at):
    """The default set-up: SQLite file, ORM broker, one worker; killed while drawing the PDF,
    or with the PDF written to its temporary name and not yet renamed into place."""
    database_url, scene = sqlite_database
    outcome = kill_worker_mid_pack(database_url=database_url, scene=scene, workdir=workdir, stop_at=stop_at)
    assert_made_once_after_one_retry(outcome)


def test_orm_broker_on_postgresql_runs_a_killed_pack_task_again_and_makes_the_pack_once(postgres_database, workdir):
    """Production without Redis: PostgreSQL, ORM broker, two workers."""
    database_url, scene = postgres_database
    assert_made_once_after_one_retry(kill_worker_mid_pack(database_url=database_url, scene=scene, workdir=workdir))


def test_redis_broker_runs_a_killed_pack_task_again_and_makes_the_pack_once(postgres_database, workdir, redis_db13):
    """Production with Redis: PostgreSQL for data, Redis (database 13 here) as the broker."""
    database_url, scene = postgres_database
    outcome = kill_worker_mid_pack(database_url=database_url, scene=scene, workdir=workdir, redis=redis_db13)
    assert_made_once_after_one_retry(outcome)


def assert_made_once_after_one_retry(outcome: dict) -> None:
    """One pack file, made by a second run of the task that began once ``RETRY`` had passed."""
    log, retried_after = outcome.pop("log"), outcome.pop("retried_after")
    assert outcome == MADE_ONCE_AFTER_ONE_RETRY, f"qcluster log:\n{log}"
    # The retry is counted from when the task was handed out, a moment before the first run
    # started (a busy machine may take a second or two to import the task).
    assert RETRY - 3 <= retried_after <= RETRY + 5, f"qcluster log:\n{log}"


def kill_worker_mid_pack(*, database_url: str, scene: dict, workdir: Path, stop_at="drawing", redis=None) -> dict:
    """Queue one pack, start a cluster, SIGKILL the worker when the first attempt reaches
    ``stop_at``, wait up to ``RETRY`` + 10 s for the pack, stop the cluster; what came of it."""
    name = unique_name("relay_fail")  # the cluster's name, and so its queue's
    env = relay_env(
        database_url=database_url,
        var_dir=workdir,
        settings="tests.production.qsettings",
        RELAY_FAIL_CLUSTER=name,
        RELAY_FAIL_TIMEOUT=str(TIMEOUT),
        RELAY_FAIL_RETRY=str(RETRY),
        **({"REDIS_URL": REDIS} if redis else {}),
    )
    markers = workdir / "markers"
    markers.mkdir()
    pack_file_id = shell_json(
        "from tests.production.scene import queue_pack_stopping_once as queue; "
        f"queue(meetup_id={scene['meetup_id']}, marker_dir={str(markers)!r}, stop_at={stop_at!r})",
        env=env,
    )["pack_file_id"]

    def status() -> str:
        return query_one(database_url, "SELECT status FROM planner_packfile WHERE id = %s", (pack_file_id,))[0]

    def queued() -> int:
        if redis:  # waiting, or handed out and not yet acknowledged (as the ORM count includes)
            return redis.llen(f"django_q:{name}:q") + redis.zcard(f"django_q:{name}:q:taken")
        return query_one(database_url, "SELECT count(*) FROM django_q_ormq WHERE key = %s", (name,))[0]

    log = workdir / "qcluster.log"
    cluster = start([PYTHON, "manage.py", "qcluster"], env=env, log=log)
    try:
        try:
            worker = wait_until(lambda: number_in(markers / "stopped"), timeout=30)
            assert worker, f"The first attempt never reached {stop_at}. qcluster log:\n{log.read_text()[-3000:]}"
            assert descends_from(worker, cluster.pid)  # only ever kill a worker of our own cluster
            os.kill(worker, signal.SIGKILL)
            wait_until(lambda: status() == "done" and queued() == 0, timeout=RETRY + 10, every=0.25)
        finally:
            stop(cluster)
        runs = [float(line.split()[1]) for line in (markers / "attempts").read_text().splitlines()]
        folder = workdir / "packs" / f"meetup-{scene['meetup_id']}"
        files = [path.name for path in folder.iterdir()] if folder.exists() else []
        attempts = query_one(database_url, "SELECT attempts FROM planner_packfile WHERE id = %s", (pack_file_id,))[0]
        return {
            "status": status(),
            "attempts": attempts,
            "runs": len(runs),
            "pdfs": sum(1 for file in files if file.endswith(".pdf") and not file.startswith(".partial-")),
            "partials": sum(1 for file in files if file.startswith(".partial-")),
            "queued": queued(),
            "retried_after": runs[1] - runs[0] if len(runs) > 1 else None,
            "log": log.read_text()[-3000:],
        }
    finally:
        if redis:
            for key in redis.scan_iter(match=f"*{name}*"):
                redis.delete(key)


def number_in(path: Path) -> int | None:
    try:
        return int(path.read_text())
    except (FileNotFoundError, ValueError):
        return None
