"""Between instances: with REDIS_URL, every instance publishes what happens in its rooms
(updates, cursors) on one Redis pub/sub channel and passes on what the others publish to
its own rooms, so two people served by different instances edit together. A room opening
asks the others for what it lacks ("want", with its state vector); a change of membership
asks them to check rights again ("recheck", section id 0, the organisation's id). Without
Redis there is one process (README, "Live editing"), and the relay does nothing.

The channel is named for the Redis database in REDIS_URL ("consult:live:3"): pub/sub channels
are shared by every database of a Redis server, so two deployments kept apart by database
number (staging and production, say) would otherwise hear each other's words, section ids
being alike.

A message is: the sender instance's id (16 bytes), the kind (1 byte), the section id
(8 bytes, big-endian), then the payload."""

from __future__ import annotations

import logging
import secrets
import threading
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from consult.live.hub import Hub

log = logging.getLogger(__name__)

CHANNEL_PREFIX = "consult:live:"
KINDS = {"update": 1, "awareness": 2, "want": 3, "recheck": 4}
NAMES = {code: name for name, code in KINDS.items()}


class Relay(Protocol):
    def publish(self, section_id: int, kind: str, payload: bytes) -> None: ...

    def publish_many(self, section_id: int, messages: list[tuple[str, bytes]]) -> None: ...

    def ask_for(self, section_id: int, state_vector: bytes) -> None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


class NoRelay:
    """One process serves everyone: nothing to pass on."""

    def publish(self, section_id: int, kind: str, payload: bytes) -> None:
        pass

    def publish_many(self, section_id: int, messages: list[tuple[str, bytes]]) -> None:
        pass

    def ask_for(self, section_id: int, state_vector: bytes) -> None:
        pass

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


class RedisRelay:
    def __init__(self, url: str, hub: Hub) -> None:
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=5, health_check_interval=30)
        database = self.redis.connection_pool.connection_kwargs.get("db", 0)
        self.channel = f"{CHANNEL_PREFIX}{database}"
        self.hub = hub
        self.instance = secrets.token_bytes(16)
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()

    def publish(self, section_id: int, kind: str, payload: bytes) -> None:
        self.publish_many(section_id, [(kind, payload)])

    def publish_many(self, section_id: int, messages: list[tuple[str, bytes]]) -> None:
        """Several messages in one round trip (a room's, at the writer's turn), in order."""
        section = section_id.to_bytes(8, "big")
        try:
            pipeline = self.redis.pipeline(transaction=False)
            for kind, payload in messages:
                message = self.instance + bytes([KINDS[kind]]) + section + payload
                pipeline.publish(self.channel, message)
            pipeline.execute()
        except Exception:  # Redis down: people here still edit together; others catch up
            log.warning("Live editing: could not publish to Redis", exc_info=True)

    def ask_for(self, section_id: int, state_vector: bytes) -> None:
        self.publish(section_id, "want", state_vector)

    def start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stopping.clear()
                self._thread = threading.Thread(target=self._listen, name="live-relay", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        self._stopping.set()

    def _listen(self) -> None:
        while not self._stopping.is_set():
            try:
                pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                while not self._stopping.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message is not None:
                        self._receive(message["data"])
            except Exception:
                log.warning("Live editing: Redis relay lost; retrying", exc_info=True)
                self._stopping.wait(1.0)

    def _receive(self, data: bytes) -> None:
        if len(data) < 25 or data[:16] == self.instance:
            return
        kind = NAMES.get(data[16])
        if kind is None:
            return
        section_id = int.from_bytes(data[17:25], "big")
        with self.hub.app.app_context():
            self.hub.from_relay(section_id, kind, data[25:])


def make_relay(redis_url: str | None, hub: Hub) -> Relay:
    return RedisRelay(redis_url, hub) if redis_url else NoRelay()
