"""Several rate limits counted in one round trip to Redis.

Flask-Limiter counts each limit with a round trip of its own: public signing's four (20 a
minute and 300 an hour per client address, 3 an hour and 10 a day per e-mail address) took four
round trips, a third of the request's server time (issue 17, bench/floor.py). count_at_once()
counts them with one Lua script, in order, stopping at the first one exceeded as Flask-Limiter
does, with the same fixed windows (each starts at its key's first hit and ends when the key
expires).

It counts only while Flask-Limiter counts in Redis. With memory storage (one process, the
tests), with rate limits disabled, or once Flask-Limiter has taken Redis for dead and counts in
memory, it counts nothing and returns None: the caller leaves the counting to Flask-Limiter,
which also notices an outage and the recovery (SECURITY.md, promise 6). A Redis error here does
the same, so Flask-Limiter meets the outage in this very request. Keys are keyed hashes that
expire with their window, like Flask-Limiter's (SECURITY.md, promise 7)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from weakref import WeakKeyDictionary

from flask import current_app
from limits import RateLimitItem, parse_many
from limits.storage import RedisClusterStorage, RedisStorage
from redis import Redis
from redis.commands.core import Script

from consult.extensions import limiter, safe_hashed_key

# KEYS: the counters; ARGV: each counter's window in seconds and its allowance, in turn.
# Returns 0 when every counter is within its allowance, else the position (from 1) of the
# first one over it, which is counted, and after which nothing is; and that key's seconds left.
_COUNT_AT_ONCE = """
for i, key in ipairs(KEYS) do
    local count = redis.call('incrby', key, 1)
    if count == 1 then
        redis.call('expire', key, ARGV[2 * i - 1])
    end
    if count > tonumber(ARGV[2 * i]) then
        return {i, redis.call('ttl', key)}
    end
end
return {0, 0}
"""
KEY_PREFIX = "LIMITS:at-once"


@dataclass(frozen=True)
class Counted:
    """The request was counted against every limit up to `exceeded` (None: all of them,
    none exceeded); `retry_after`: seconds until the exceeded limit's window ends."""

    exceeded: RateLimitItem | None = None
    retry_after: int = 0


@lru_cache(maxsize=64)
def _parsed(limits: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(limits))


def _redis_storage() -> RedisStorage | None:
    """Flask-Limiter's Redis storage while it counts there, else None."""
    storage = limiter.storage
    if not (limiter.enabled and isinstance(storage, RedisStorage)):
        return None
    if isinstance(storage, RedisClusterStorage) or limiter.limiter.storage is not storage:
        return None  # the keys may lie on several nodes; or counting in memory after an outage
    return storage


# The script registered with each Redis client, kept as long as the client itself: registering
# costs a SHA-1 of the script on every request, and a Script held anywhere longer would call a
# client that Flask-Limiter has replaced (a new storage after init_app, say).
_SCRIPTS: WeakKeyDictionary[Redis, Script] = WeakKeyDictionary()


def _script_for(client: Redis) -> Script:
    script = _SCRIPTS.get(client)
    if script is None:
        script = _SCRIPTS[client] = client.register_script(_COUNT_AT_ONCE)
    return script


def count_at_once(limits: list[tuple[str, str, Callable[[], str]]]) -> Counted | None:
    """Count one hit against each (limits, scope, key function) in a single round trip, in
    order; None when not counted (the caller lets Flask-Limiter count instead)."""
    storage = _redis_storage()
    if storage is None:
        return None
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    items, keys, arguments = [], [], []
    for value, scope, key_func in limits:
        key = safe_hashed_key(key_func)()
        for item in _parsed(value):
            items.append(item)
            keys.append(item.key_for(KEY_PREFIX, prefix, scope, key))
            arguments += [item.get_expiry(), item.amount]
    script = _script_for(storage.get_connection())
    try:
        position, seconds_left = script(keys=keys, args=arguments)
    except Exception:  # Redis is down or failing: Flask-Limiter counts, and falls back
        current_app.logger.warning("Rate limits not counted at once; left to Flask-Limiter")
        return None
    if position == 0:
        return Counted()
    return Counted(items[position - 1], max(1, int(seconds_left)))
