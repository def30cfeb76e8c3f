"""The y-websocket protocol (what the `y-websocket` client speaks), read defensively: every
message from a socket is untrusted bytes. A message is a varuint type, then:
  0 sync:      a varuint step (0 step 1: a state vector; 1 step 2, 2 update: an update),
               then one length-prefixed payload;
  1 awareness: one length-prefixed payload: a count, then (client id, clock, JSON state:
               an object or null, strict JSON as browsers read it, not nested deeply);
  3 query awareness (no payload).
Anything else, or anything truncated, is a ProtocolError, which the room ignores."""

from __future__ import annotations

import json
from dataclasses import dataclass

from pycrdt import (
    YMessageType,
    YSyncMessageType,
    create_awareness_message,
    create_update_message,
    write_message,
    write_var_uint,
)

QUERY_AWARENESS = 3
# Client ids and clocks fit in 53 bits (JS numbers): Yjs in a browser picks 32-bit client
# ids, but yrs-based clients (pycrdt, so consult/live/client.py) pick 53-bit ones.
MAX_CLIENT_ID = 2**53 - 1
MAX_CLOCK = 2**53 - 1
MAX_AWARENESS_ENTRIES = 64
MAX_AWARENESS_DEPTH = 32  # a y-codemirror cursor state is about 5 deep

__all__ = [
    "AwarenessEntry",
    "ProtocolError",
    "QueryAwareness",
    "Sync",
    "awareness_message",
    "create_update_message",
    "parse",
    "sync_step1",
    "sync_step2",
]


class ProtocolError(ValueError):
    """A message that is not the y-websocket protocol (truncated, unknown, oversized)."""


@dataclass(frozen=True)
class Sync:
    step: int  # YSyncMessageType
    payload: bytes


@dataclass(frozen=True)
class AwarenessEntry:
    client_id: int
    clock: int
    state: dict | None  # None: the client left


@dataclass(frozen=True)
class QueryAwareness:
    pass


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def varuint(self, maximum: int) -> int:
        value = shift = 0
        while True:
            if self.at >= len(self.data) or shift > 63:
                raise ProtocolError("truncated number")
            byte = self.data[self.at]
            self.at += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                break
        if value > maximum:
            raise ProtocolError("number out of range")
        return value

    def payload(self) -> bytes:
        length = self.varuint(len(self.data))
        if self.at + length > len(self.data):
            raise ProtocolError("truncated payload")
        chunk = self.data[self.at : self.at + length]
        self.at += length
        return chunk

    def string(self) -> str:
        try:
            return self.payload().decode("utf-8")
        except UnicodeDecodeError as error:
            raise ProtocolError("not UTF-8") from error

    def done(self) -> bool:
        return self.at == len(self.data)


def parse(message: bytes) -> Sync | list[AwarenessEntry] | QueryAwareness:
    """What a message says; ProtocolError if it is not one the protocol knows."""
    reader = _Reader(message)
    kind = reader.varuint(255)
    if kind == YMessageType.SYNC:
        step = reader.varuint(255)
        if step not in (
            YSyncMessageType.SYNC_STEP1,
            YSyncMessageType.SYNC_STEP2,
            YSyncMessageType.SYNC_UPDATE,
        ):
            raise ProtocolError("unknown sync step")
        return Sync(step, reader.payload())
    if kind == YMessageType.AWARENESS:
        return _awareness(_Reader(reader.payload()))
    if kind == QUERY_AWARENESS:
        return QueryAwareness()
    raise ProtocolError("unknown message type")


def _awareness(reader: _Reader) -> list[AwarenessEntry]:
    count = reader.varuint(MAX_AWARENESS_ENTRIES)
    entries = []
    for _ in range(count):
        client_id = reader.varuint(MAX_CLIENT_ID)
        clock = reader.varuint(MAX_CLOCK)
        try:
            state = json.loads(reader.string(), parse_constant=_not_json)
        except (ValueError, RecursionError) as error:
            raise ProtocolError("awareness state is not JSON") from error
        if state is not None and not isinstance(state, dict):
            raise ProtocolError("awareness state is not an object")
        if _too_deep(state):
            raise ProtocolError("awareness state nested too deep")
        entries.append(AwarenessEntry(client_id, clock, state))
    return entries


def _not_json(constant: str) -> None:
    """NaN and Infinity: Python reads them, browsers' JSON.parse does not, so one person's
    cursor would break everyone else's."""
    raise ProtocolError(f"{constant} is not JSON")


def _too_deep(state: dict | None) -> bool:
    """Nested deeper than any cursor is (writing it out again would exhaust the stack)."""
    level = [state]
    for _ in range(MAX_AWARENESS_DEPTH):
        level = [
            child
            for value in level
            if isinstance(value, dict | list)
            for child in (value.values() if isinstance(value, dict) else value)
        ]
        if not level:
            return False
    return True


def _sync(step: int, payload: bytes) -> bytes:
    return bytes([YMessageType.SYNC, step]) + write_message(payload)


def sync_step1(state_vector: bytes) -> bytes:
    return _sync(YSyncMessageType.SYNC_STEP1, state_vector)


def sync_step2(update: bytes) -> bytes:
    return _sync(YSyncMessageType.SYNC_STEP2, update)


def awareness_message(entries: list[AwarenessEntry]) -> bytes:
    """One awareness message holding `entries` (an empty list sends nothing useful)."""
    parts = [write_var_uint(len(entries))]
    for entry in entries:
        state = json.dumps(entry.state, separators=(",", ":")).encode()
        parts += [
            write_var_uint(entry.client_id),
            write_var_uint(entry.clock),
            write_var_uint(len(state)),
            state,
        ]
    return create_awareness_message(b"".join(parts))
