"""Throwaway databases for the failure tests, each migrated once per test run (a migration
takes about 10 s) with the scene from scene.py, then copied for every test that needs one."""

import shutil
import tempfile
from pathlib import Path

import pytest
import redis

from tests.production.support import (
    REDIS,
    copy_sqlite,
    create_postgres_database,
    drop_postgres_database,
    manage,
    relay_env,
    shell_json,
    unique_name,
)

BUILD_SCENE = "from tests.production.scene import build_meetup_with_one_booking as build; build()"


@pytest.fixture
def workdir():
    """A temporary folder (Relay's var/ for the subprocesses), removed however the test ends."""
    folder = Path(tempfile.mkdtemp(prefix="relay_fail_"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def sqlite_scene():
    """(path, scene): a migrated SQLite file holding the scene; tests work on copies."""
    folder = Path(tempfile.mkdtemp(prefix="relay_fail_"))
    try:
        path = folder / "scene.sqlite3"
        env = relay_env(database_url=f"sqlite:///{path}", var_dir=folder, settings="planner.settings.dev")
        manage("migrate", "--no-input", "-v0", env=env, timeout=120)
        yield path, shell_json(BUILD_SCENE, env=env)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_scene():
    """(name, scene): a migrated ``relay_fail_*`` PostgreSQL database holding the scene, used
    only as a template; tests work on copies."""
    name = unique_name("relay_fail_scene")
    folder = Path(tempfile.mkdtemp(prefix="relay_fail_"))
    try:
        url = create_postgres_database(name)
        env = relay_env(database_url=url, var_dir=folder, settings="planner.settings.dev")
        manage("migrate", "--no-input", "-v0", env=env, timeout=120)
        yield name, shell_json(BUILD_SCENE, env=env)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        drop_postgres_database(name)


@pytest.fixture
def sqlite_database(sqlite_scene, workdir):
    """(url, scene) of a fresh copy of the SQLite scene."""
    path, scene = sqlite_scene
    return copy_sqlite(path, workdir / "relay.sqlite3"), scene


@pytest.fixture
def postgres_database(postgres_scene):
    """(url, scene) of a fresh ``relay_fail_*`` copy of the PostgreSQL scene, dropped after."""
    template, scene = postgres_scene
    name = unique_name("relay_fail")
    try:
        yield create_postgres_database(name, template=template), scene
    finally:
        drop_postgres_database(name)


def redis_client(url: str):
    """A client for the Redis at ``url``. Unreachable Redis fails the test, with the reason."""
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis is not reachable at {url} ({error}); start Redis: this case is not skipped.")
    return client


@pytest.fixture
def redis_db13():
    """A client for Redis database 13."""
    client = redis_client(REDIS)
    yield client
    client.close()
