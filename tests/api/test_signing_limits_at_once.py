"""Public signing's rate limits counted in one round trip to Redis (consult/ratelimits.py).

The other signing tests count in memory, where Flask-Limiter does the counting; these put the
limiter on a real Redis (redis://127.0.0.1:6379/14, REDIS_LIMITS_TEST_URL to change it) and are
skipped without one. Each test counts under a key prefix of its own rather than emptying the
database: another run of the suite on this machine (the other database's, a second checkout's)
counting there at the same time would otherwise empty it under this one, or add to its counts."""

from __future__ import annotations

import os
import socket
import uuid

import pytest
import redis
from limits.storage import RedisStorage
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import func, select

from consult.extensions import limiter
from consult.signing.models import Signature
from tests.api.helpers import assert_error
from tests.api.test_signing_signatures import public_id, sign_publicly, url, version_id
from tests.signing.support import mails_to

REDIS_URL = os.environ.get("REDIS_LIMITS_TEST_URL", "redis://127.0.0.1:6379/14")
__all__ = ["public_id", "version_id"]  # fixtures used here


def _count_rows() -> int:
    from consult.extensions import db

    return db.session.scalar(select(func.count()).select_from(Signature))


def _count_in(monkeypatch, storage: RedisStorage) -> None:
    monkeypatch.setattr(limiter, "_storage", storage)
    monkeypatch.setattr(limiter, "_limiter", FixedWindowRateLimiter(storage))
    monkeypatch.setattr(limiter, "_storage_dead", False)


@pytest.fixture
def redis_limits(app, monkeypatch):
    """The limiter counting in Redis, as in production with several workers."""
    connection = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
    try:
        connection.ping()
    except (OSError, redis.RedisError):
        pytest.skip(f"no Redis at {REDIS_URL}")
    prefix = f"test-{uuid.uuid4().hex}"
    monkeypatch.setitem(app.config, "RATELIMIT_KEY_PREFIX", prefix)
    monkeypatch.setattr(limiter, "_key_prefix", prefix)
    storage = RedisStorage(REDIS_URL)
    _count_in(monkeypatch, storage)
    yield storage
    for key in connection.scan_iter(match=f"*{prefix}*"):
        connection.delete(key)


@pytest.fixture
def round_trips(redis_limits, monkeypatch, client, public_id) -> list[str]:
    """The commands sent to Redis from now on (after one signature has loaded the script)."""
    sign_publicly(client, public_id, "first@example.org")
    connection = redis_limits.get_connection()
    sent: list[str] = []
    execute = connection.execute_command

    def counting(*args, **options):
        sent.append(str(args[0]))
        return execute(*args, **options)

    monkeypatch.setattr(connection, "execute_command", counting)
    return sent


def test_a_public_signature_is_counted_in_one_round_trip(client, public_id, round_trips):
    reply = sign_publicly(client, public_id, "sam@example.org")

    assert reply.status_code == 202
    assert round_trips == ["EVALSHA"]


def test_the_kept_script_is_loaded_again_once_redis_has_forgotten_it(
    client, public_id, redis_limits, round_trips
):
    """The script is registered once per Redis client and kept; a Redis restarted (or its
    scripts flushed) must not make public signing fail or stop counting at once."""
    redis_limits.get_connection().script_flush()
    round_trips.clear()

    reply = sign_publicly(client, public_id, "sam@example.org")

    assert reply.status_code == 202
    assert round_trips == ["EVALSHA", "SCRIPT LOAD", "EVALSHA"]
    assert sign_publicly(client, public_id, "pat@example.org").status_code == 202
    assert round_trips[3:] == ["EVALSHA"]


def test_a_request_without_an_email_address_is_counted_once_too(client, public_id, round_trips):
    reply = client.post(url(public_id), json={"name": "No Address"})

    assert reply.status_code == 422
    assert round_trips == ["EVALSHA"]


def test_one_client_address_signs_twenty_times_a_minute_in_redis(
    client, make_client, public_id, redis_limits
):
    replies = [sign_publicly(client, public_id, f"person{n}@example.org") for n in range(21)]

    assert [r.status_code for r in replies[:20]] == [202] * 20
    assert_error(replies[20], 429)
    assert 0 < int(replies[20].headers["Retry-After"]) <= 60
    assert _count_rows() == 20
    assert sign_publicly(make_client("10.0.0.2"), public_id, "x@example.org").status_code == 202


def test_an_email_address_is_used_three_times_an_hour_in_redis(
    make_client, public_id, redis_limits
):
    replies = [
        sign_publicly(make_client(f"10.0.0.{n}"), public_id, "sam@example.org") for n in range(1, 5)
    ]

    assert [r.status_code for r in replies] == [202, 202, 202, 429]
    assert 60 < int(replies[-1].headers["Retry-After"]) <= 3600
    assert len(mails_to("sam@example.org")) == 3


def test_a_refused_address_does_not_use_up_the_email_allowance(
    client, make_client, public_id, redis_limits
):
    for n in range(20):
        sign_publicly(client, public_id, f"person{n}@example.org")
    for _ in range(3):  # held back by the address's limit, before the e-mail's is counted
        assert sign_publicly(client, public_id, "sam@example.org").status_code == 429

    assert sign_publicly(make_client("10.0.0.9"), public_id, "sam@example.org").status_code == 202


def test_members_signing_with_a_token_are_not_counted_in_redis(
    client, bearer, public_id, redis_limits
):
    for n in range(20):
        sign_publicly(client, public_id, f"person{n}@example.org")

    reply = client.post(url(public_id), json={"consent_public": False}, headers=bearer("member"))

    assert reply.status_code == 201


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_with_redis_down_the_limits_still_hold_in_memory(client, public_id, monkeypatch):
    _count_in(monkeypatch, RedisStorage(f"redis://127.0.0.1:{_closed_port()}/0"))

    replies = [sign_publicly(client, public_id, f"person{n}@example.org") for n in range(21)]

    assert [r.status_code for r in replies[:20]] == [202] * 20
    assert_error(replies[20], 429)
    assert limiter.limiter.storage is not limiter.storage  # Flask-Limiter fell back
    limiter.limiter.storage.reset()
