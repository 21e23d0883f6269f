"""A django-q2 Redis broker that does not lose a task whose worker dies.

django-q2's own Redis broker takes a task with BLPOP: once the cluster has it, Redis has
forgotten it, so a worker killed mid-task (out of memory, a deploy, SIGKILL) loses the task.
``ReliableRedis`` keeps every task it hands out in Redis until the cluster acknowledges it,
the way the ORM broker does with its lock column, and hands it out again after ``retry``
seconds. Delivery is therefore at least once: tasks must be idempotent (ours are).

Keys, next to django-q2's queue list ``django_q:<name>:q`` (which is unchanged, so tasks
queued by anything else are taken too):

- ``…:q:taken``      sorted set, ack id -> when it was handed out (Redis's clock, seconds)
- ``…:q:processing`` hash, ack id -> the task as queued
- ``…:q:deliveries`` hash, sha1 of the task -> times it has been handed out
- ``…:q:ack_seq``    counter the ack ids come from

Every change to them is one Lua script, so it is atomic: two clusters on two machines can
neither both take one task nor both put an expired one back. (Single Redis only: under Redis
Cluster these keys would need a shared hash tag.)
"""

import logging

from django_q.brokers.redis_broker import Redis
from django_q.conf import Conf
from django_q.signing import SignedPackage
from django_q.utils import get_func_repr

logger = logging.getLogger(__name__)

# Bounds the work one dequeue does putting expired tasks back; any others wait for the next.
REQUEUE_BATCH = 100

# How long one dequeue waits on an empty queue; django-q2's own Redis broker waits as long.
WAIT_SECONDS = 1

# KEYS: queue, taken, processing, deliveries, ack_seq. ARGV: retry, max_attempts, count, batch.
# First puts back (at the head: they have waited longest) tasks handed out more than
# `retry` seconds ago and never acknowledged (at most `batch` of them), or drops those already
# handed out `max_attempts` times; then takes up to `count` tasks. Returns {claimed, dropped, requeued}:
# claimed is [ack id, task, ack id, task, ...], dropped the tasks given up on.
CLAIM = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local retry, max_attempts, count = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local batch = tonumber(ARGV[4])
local dropped, requeued = {}, 0
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - retry, 'LIMIT', 0, batch)
for _, ack in ipairs(expired) do
  local task = redis.call('HGET', KEYS[3], ack)
  redis.call('ZREM', KEYS[2], ack)
  redis.call('HDEL', KEYS[3], ack)
  if task then
    local digest = redis.sha1hex(task)
    local delivered = tonumber(redis.call('HGET', KEYS[4], digest) or '0')
    if max_attempts > 0 and delivered >= max_attempts then
      redis.call('HDEL', KEYS[4], digest)
      table.insert(dropped, task)
    else
      redis.call('LPUSH', KEYS[1], task)
      requeued = requeued + 1
    end
  end
end
local claimed = {}
for _ = 1, count do
  local task = redis.call('LPOP', KEYS[1])
  if not task then break end
  local ack = tostring(redis.call('INCR', KEYS[5]))
  redis.call('ZADD', KEYS[2], now, ack)
  redis.call('HSET', KEYS[3], ack, task)
  redis.call('HINCRBY', KEYS[4], redis.sha1hex(task), 1)
  table.insert(claimed, ack)
  table.insert(claimed, task)
end
return {claimed, dropped, requeued}
"""

# KEYS: taken, processing, deliveries. ARGV: ack id. Forgets a task handed out; 1 if it was
# still held, 0 if not (already acknowledged, or put back after `retry`).
FORGET = """
local task = redis.call('HGET', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[1], ARGV[1])
if not task then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], redis.sha1hex(task))
return 1
"""


class ReliableRedis(Redis):
    """django-q2's Redis broker with delivery receipts: at-least-once delivery, retried after
    ``Conf.RETRY`` seconds, given up after ``Conf.MAX_ATTEMPTS`` deliveries (0: never).

    Like the ORM broker, the retry clock starts when the cluster takes a task, not when a
    worker starts it, so ``retry`` must cover a task's wait in the cluster's own small
    in-memory queue as well as its ``timeout``."""

    def __init__(self, list_key: str = None):
        super().__init__(list_key=list_key)
        self._register_scripts()

    def __setstate__(self, state):
        super().__setstate__(state)
        self._register_scripts()

    def _register_scripts(self):
        # redis-py runs them by sha and loads them again if Redis has forgotten them.
        self._claim = self.connection.register_script(CLAIM)
        self._forget = self.connection.register_script(FORGET)

    @property
    def _held_keys(self) -> list[str]:
        return [f"{self.list_key}:taken", f"{self.list_key}:processing", f"{self.list_key}:deliveries"]

    def dequeue(self):
        """Take up to ``Conf.BULK`` tasks, keeping each in Redis until it is acknowledged;
        first put back any task not acknowledged within ``Conf.RETRY`` seconds. Returns
        ``[(ack_id, task), ...]``, or None after waiting up to a second on an empty queue."""
        tasks = self._take()
        if not tasks:
            # Block until a task is queued, without taking it: moving the head of the list to
            # the head of the same list changes nothing (atomically, so a dying client cannot
            # lose it). Then take it, if no other cluster was quicker.
            self.connection.blmove(self.list_key, self.list_key, WAIT_SECONDS, "LEFT", "LEFT")
            tasks = self._take()
        return tasks or None

    def _take(self) -> list[tuple[str, bytes]]:
        claimed, dropped, requeued = self._claim(
            keys=[self.list_key, *self._held_keys, f"{self.list_key}:ack_seq"],
            args=[Conf.RETRY, Conf.MAX_ATTEMPTS or 0, max(1, Conf.BULK), REQUEUE_BATCH],
        )
        if requeued:
            logger.warning(
                "Queued %d task(s) on %s again: not acknowledged within %s s", requeued, self.list_key, Conf.RETRY
            )
        for task in dropped:
            self._log_dropped(task)
        return [(str(int(claimed[i])), claimed[i + 1]) for i in range(0, len(claimed), 2)]

    def _log_dropped(self, task: bytes) -> None:
        # Names the task, never its arguments: they may be personal data.
        try:
            package = SignedPackage.loads(task)
            what = f"{package.get('name')} ({package.get('id')}) '{get_func_repr(package.get('func'))}'"
        except Exception:  # a task that cannot be read is still worth reporting
            what = "an unreadable task"
        logger.error(
            "Gave up on %s from %s: handed out %d times, never acknowledged",
            what,
            self.list_key,
            Conf.MAX_ATTEMPTS,
        )

    def acknowledge(self, task_id):
        """Forget a task handed out (it is done, or failed and is not to be retried)."""
        return self._forget(keys=self._held_keys, args=[task_id])

    def fail(self, task_id):
        """Forget a task that could not be unpacked: retrying it would fail the same way."""
        return self.acknowledge(task_id)

    def delete(self, task_id):
        """Forget a task handed out, as ``acknowledge``."""
        return self.acknowledge(task_id)

    def lock_size(self) -> int:
        """Tasks handed out and not yet acknowledged."""
        return self.connection.zcard(f"{self.list_key}:taken")

    def purge_queue(self):
        """Remove every task, queued or handed out (as the ORM broker does)."""
        return self.connection.delete(self.list_key, *self._held_keys)

    def delete_queue(self):
        """Remove the queue and everything the broker keeps for it."""
        return self.connection.delete(self.list_key, *self._held_keys, f"{self.list_key}:ack_seq")
