"""planner.ops.queue_broker.ReliableRedis against a real Redis (database 12): a task handed out
stays in Redis until acknowledged, comes back after ``retry`` seconds, is given up after
``max_attempts`` deliveries, and two clusters putting it back at once do not double it."""

import logging
import pickle
import threading
import time

import pytest
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.signing import SignedPackage

from planner.ops import queue_broker
from planner.ops.queue_broker import ReliableRedis
from tests.production.conftest import redis_client
from tests.production.support import unique_name

REDIS_12 = "redis://127.0.0.1:6379/12"


@pytest.fixture
def redis_db12():
    """A client for Redis database 12."""
    client = redis_client(REDIS_12)
    yield client
    client.close()


@pytest.fixture
def queue_name(redis_db12, monkeypatch):
    """A queue of the test's own on Redis database 12, retry 1 s, no attempt limit; removed after."""
    monkeypatch.setattr(Conf, "REDIS", REDIS_12)
    monkeypatch.setattr(Conf, "DJANGO_REDIS", None)
    monkeypatch.setattr(Conf, "RETRY", 1)
    monkeypatch.setattr(Conf, "MAX_ATTEMPTS", 0)
    monkeypatch.setattr(Conf, "BULK", 1)
    monkeypatch.setattr(queue_broker, "WAIT_SECONDS", 0.1)  # an empty queue answers quickly
    name = unique_name("relay_broker")
    yield name
    for key in redis_db12.scan_iter(match=f"django_q:{name}:*"):
        redis_db12.delete(key)


def package(number: int, **extra) -> str:
    """A signed task as django-q2 queues it."""
    return SignedPackage.dumps({"id": f"task-{number}", "name": f"name-{number}", "func": "planner.tasks.x", **extra})


def ids(tasks: list[bytes]) -> list[str]:
    """The ids of tasks as the broker hands them out."""
    return [SignedPackage.loads(task)["id"] for task in tasks]


def test_a_task_stays_held_until_acknowledged_then_is_gone(queue_name):
    broker = ReliableRedis(list_key=queue_name)
    broker.enqueue(package(1))
    broker.enqueue(package(2))
    assert (broker.queue_size(), broker.lock_size()) == (2, 0)

    [(ack_id, task)] = broker.dequeue()

    assert ids([task]) == ["task-1"]
    assert (broker.queue_size(), broker.lock_size()) == (1, 1)
    assert broker.acknowledge(ack_id) == 1
    assert (broker.queue_size(), broker.lock_size()) == (1, 0)
    time.sleep(1.1)  # past retry: an acknowledged task never comes back
    assert ids(task for _, task in broker.dequeue()) == ["task-2"]
    assert broker.dequeue() is None


def test_an_unacknowledged_task_is_handed_out_again_after_retry(queue_name, monkeypatch):
    monkeypatch.setattr(Conf, "RETRY", 2)
    broker = ReliableRedis(list_key=queue_name)
    broker.enqueue(package(1))
    [(first_ack, _)] = broker.dequeue()

    assert broker.dequeue() is None  # within retry: still held for the first worker
    time.sleep(2.1)
    [(second_ack, task)] = broker.dequeue()

    assert ids([task]) == ["task-1"]
    assert second_ack != first_ack
    # The first worker, slow rather than dead, acknowledging late changes nothing.
    assert broker.acknowledge(first_ack) == 0
    assert (broker.queue_size(), broker.lock_size()) == (0, 1)
    assert broker.acknowledge(second_ack) == 1
    assert (broker.queue_size(), broker.lock_size()) == (0, 0)


def test_a_task_never_acknowledged_is_given_up_after_max_attempts_without_its_arguments(
    queue_name, monkeypatch, redis_db12, caplog
):
    monkeypatch.setattr(Conf, "MAX_ATTEMPTS", 2)
    broker = ReliableRedis(list_key=queue_name)
    broker.enqueue(package(1, args=("ada@example.org",)))
    deliveries = []
    with caplog.at_level(logging.ERROR, logger="planner.ops.queue_broker"):
        for _ in range(3):
            deliveries += broker.dequeue() or []
            time.sleep(1.1)
        deliveries += broker.dequeue() or []

    assert ids(task for _, task in deliveries) == ["task-1", "task-1"]
    assert (broker.queue_size(), broker.lock_size()) == (0, 0)
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "name-1 (task-1)" in record.getMessage()
    assert "ada@example.org" not in record.getMessage()
    # Nothing is left behind for it but the ack id counter.
    assert {key.decode() for key in redis_db12.scan_iter(match=f"django_q:{queue_name}:*")} == {
        f"django_q:{queue_name}:q:ack_seq"
    }


def test_two_clusters_putting_expired_tasks_back_at_once_hand_each_out_once(queue_name):
    first_machine = ReliableRedis(list_key=queue_name)
    for number in range(50):
        first_machine.enqueue(package(number))
    while first_machine.dequeue():  # taken by a cluster that then dies
        pass
    assert (first_machine.queue_size(), first_machine.lock_size()) == (0, 50)
    time.sleep(1.1)

    taken = {"a": [], "b": []}
    start = threading.Barrier(2)

    def machine(label: str) -> None:
        broker = ReliableRedis(list_key=queue_name)  # its own connection
        start.wait()
        while tasks := broker.dequeue():
            taken[label] += [task for _, task in tasks]

    threads = [threading.Thread(target=machine, args=(label,)) for label in taken]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(ids(taken["a"] + taken["b"])) == sorted(f"task-{number}" for number in range(50))
    assert taken["a"] and taken["b"]  # both machines really took part
    assert (first_machine.queue_size(), first_machine.lock_size()) == (0, 50)


def test_purge_and_delete_remove_queued_and_held_tasks(queue_name, redis_db12):
    broker = ReliableRedis(list_key=queue_name)
    for number in range(3):
        broker.enqueue(package(number))
    broker.dequeue()
    assert broker.ping() is True

    broker.purge_queue()

    assert (broker.queue_size(), broker.lock_size()) == (0, 0)
    broker.enqueue(package(9))
    broker.delete_queue()
    assert list(redis_db12.scan_iter(match=f"django_q:{queue_name}:*")) == []


def test_the_broker_class_setting_selects_it_and_it_survives_pickling(queue_name, monkeypatch):
    """The cluster hands its broker to the pusher and monitor processes."""
    monkeypatch.setattr(Conf, "BROKER_CLASS", "planner.ops.queue_broker.ReliableRedis")
    broker = pickle.loads(pickle.dumps(get_broker(queue_name)))  # noqa: S301 (our own object, in-process)

    broker.enqueue(package(1))

    assert type(broker) is ReliableRedis
    [(ack_id, task)] = broker.dequeue()
    assert (ids([task]), broker.acknowledge(ack_id)) == (["task-1"], 1)
