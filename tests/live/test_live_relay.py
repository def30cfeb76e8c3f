"""The relay between instances (consult/live/relay.py) on a real Redis: instances on the same
Redis database hear each other, and a deployment on another database of the same server hears
nothing, although Redis shares pub/sub channels between its databases. Skipped without Redis
at 127.0.0.1:6379."""

from __future__ import annotations

import queue
import secrets
import time

import pytest
import redis

from consult.live.relay import RedisRelay


class _Hub:
    """What a relay needs of the hub: an app for its context, and where messages go."""

    def __init__(self, app) -> None:
        self.app = app
        self.heard: queue.Queue = queue.Queue()

    def from_relay(self, section_id: int, kind: str, payload: bytes) -> None:
        self.heard.put((section_id, kind, payload))


@pytest.fixture
def relays(app):
    """relays(database) -> a started relay on that Redis database, with its hub; stopped after."""
    started: list[RedisRelay] = []

    def start(database: int) -> tuple[RedisRelay, _Hub]:
        url = f"redis://127.0.0.1:6379/{database}"
        try:
            redis.Redis.from_url(url, socket_timeout=2).ping()
        except (OSError, redis.RedisError):
            pytest.skip(f"no Redis at {url}")
        hub = _Hub(app)
        relay = RedisRelay(url, hub)
        relay.start()
        started.append(relay)
        return relay, hub

    yield start
    for relay in started:
        relay.stop()


def _subscribed(relay: RedisRelay) -> None:
    deadline = time.monotonic() + 10
    while relay.redis.pubsub_numsub(relay.channel)[0][1] == 0:
        assert time.monotonic() < deadline, "the relay never subscribed"
        time.sleep(0.02)


def _heard_in_section(hub: _Hub, section_id: int, wait: float) -> list[tuple]:
    """What the hub heard for this section (another suite run may share the channel)."""
    heard, deadline = [], time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            message = hub.heard.get(timeout=0.05)
        except queue.Empty:
            if heard:
                break
            continue
        if message[0] == section_id:
            heard.append(message)
    return heard


def test_instances_on_one_redis_database_hear_each_other_and_another_database_does_not(relays):
    section_id = secrets.randbelow(2**40) + 1
    sender, _ = relays(11)
    colleague, colleague_hub = relays(11)
    other_deployment, other_hub = relays(12)
    for relay in (colleague, other_deployment):
        _subscribed(relay)

    sender.publish(section_id, "update", b"words")

    assert _heard_in_section(colleague_hub, section_id, wait=5) == [
        (section_id, "update", b"words")
    ]
    assert _heard_in_section(other_hub, section_id, wait=1) == []
    assert other_deployment.channel != sender.channel
