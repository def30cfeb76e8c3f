"""Editors without sockets, for tests that drive a Room themselves: a transport that records
what the room sends, and a y-websocket client (as the browser's editor behaves) whose messages
to and from the room wait in queues, so that the test decides when each one arrives and what
a dropped connection loses. Deterministic: nothing here starts a thread or reads a clock."""

from __future__ import annotations

import itertools
from collections import deque

from pycrdt import Doc, Map, Text, YSyncMessageType

from consult.live import documents, protocol
from consult.live.protocol import AwarenessEntry, ProtocolError, Sync
from consult.live.rooms import Connection, Room

UNLIMITED = 10.0**9  # no rate limit: the simulated people send as fast as the test likes


class Recorder:
    """A transport that keeps every message the room sends, and how it closed."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.close_code: int | None = None

    def send(self, message: bytes) -> None:
        self.sent.append(message)

    def close(self, code: int, reason: str) -> None:
        self.close_code = code

    def awareness(self) -> list[AwarenessEntry]:
        """Every cursor entry the room sent, in order."""
        return self.entries(self.sent)

    @staticmethod
    def entries(messages: list[bytes]) -> list[AwarenessEntry]:
        """The cursor entries in these messages, in order."""
        entries: list[AwarenessEntry] = []
        for message in messages:
            parsed = protocol.parse(message)
            if isinstance(parsed, list):
                entries += parsed
        return entries


def connection_to(
    transport, *, user_id: int = 1, name: str = "Ada", writable: bool = True, burst=UNLIMITED
) -> Connection:
    return Connection(
        user_id=user_id,
        name=name,
        colour="#1d4ed8",
        writable=writable,
        transport=transport,
        rate_per_second=UNLIMITED if burst == UNLIMITED else 0.0,
        burst=burst,
    )


def doc_of(client_id: int, state: bytes | None = None) -> Doc:
    """A document with a fixed client id (Yjs orders concurrent insertions by it), so that
    hypothesis replays a failing example exactly."""
    doc = Doc(client_id=client_id)
    doc.get(documents.BODY, type=Text)
    doc.get(documents.FIELDS, type=Map)
    if state:
        doc.apply_update(state)
    return doc


def utf8_offset(text: str, index: int) -> int:
    """pycrdt counts a Text's positions in UTF-8 bytes: character `index` of `text`. Written
    out here rather than taken from documents.utf8_offset, so that a mistake there cannot
    hide in the tests as well."""
    return len(text[:index].encode("utf-8"))


_tabs = itertools.count(1)


class SimClient:
    """One editor's tab: its own document, and (while online) a connection to the room.
    Edits made offline stay in the document and reach the room with the next sync, as with
    y-websocket; messages in flight when the connection drops are lost."""

    def __init__(self, room: Room, *, user_id: int, name: str, writable: bool = True) -> None:
        self.room = room
        self.user_id = user_id
        self.name = name
        self.writable = writable
        self.doc = doc_of(user_id + 1000 * next(_tabs))
        self.to_room: deque[bytes] = deque()
        self.from_room: deque[bytes] = deque()
        self.connection: Connection | None = None
        self.close_code: int | None = None
        self._applying_remote = False
        self._subscription = self.doc.observe(self._on_local)

    # --- the network ----------------------------------------------------------------------

    @property
    def online(self) -> bool:
        return self.connection is not None and not self.connection.closed

    def connect(self) -> None:
        """Open a connection: the room sends its sync step 1, this tab sends its own."""
        self.to_room.clear()
        self.from_room.clear()
        self.connection = connection_to(
            self, user_id=self.user_id, name=self.name, writable=self.writable
        )
        self.room.join(self.connection)
        self.to_room.append(protocol.sync_step1(self.doc.get_state()))

    def disconnect(self) -> None:
        """The connection drops: whatever was in flight either way is lost."""
        if self.connection is not None:
            self.room.leave(self.connection)
            self.connection.closed = True
        self.connection = None
        self.to_room.clear()
        self.from_room.clear()

    def send(self, message: bytes) -> None:  # the room's transport
        self.from_room.append(message)

    def close(self, code: int, reason: str) -> None:  # the room closed the connection
        self.close_code = code
        self.to_room.clear()

    def deliver_to_room(self) -> bool:
        if not self.online or not self.to_room:
            return False
        self.room.receive(self.connection, self.to_room.popleft())
        return True

    def deliver_from_room(self) -> bool:
        if not self.online or not self.from_room:
            return False
        self._handle(self.from_room.popleft())
        return True

    # --- the editor -----------------------------------------------------------------------

    def text(self) -> str:
        return documents.text_of(self.doc)

    def insert(self, index: int, words: str) -> None:
        """Type `words` before character `index`."""
        text = self.text()
        documents.body(self.doc).insert(utf8_offset(text, index), words)

    def delete(self, index: int, length: int) -> str:
        """Delete `length` characters from character `index`; what was deleted."""
        text = self.text()
        start, stop = utf8_offset(text, index), utf8_offset(text, index + length)
        if stop > start:
            del documents.body(self.doc)[start:stop]
        return text[index : index + length]

    # --- the protocol, as y-websocket's client speaks it ----------------------------------

    def _on_local(self, event) -> None:
        if not self._applying_remote and self.online and event.update != b"\x00\x00":
            self.to_room.append(protocol.create_update_message(event.update))

    def _handle(self, message: bytes) -> None:
        try:
            parsed = protocol.parse(message)
        except ProtocolError as error:
            raise AssertionError(f"the room sent a malformed message: {message!r}") from error
        if not isinstance(parsed, Sync):
            return
        if parsed.step == YSyncMessageType.SYNC_STEP1:
            self.to_room.append(protocol.sync_step2(self.doc.get_update(parsed.payload)))
            return
        self._applying_remote = True
        try:
            self.doc.apply_update(parsed.payload)
        finally:
            self._applying_remote = False


def settle(clients: list[SimClient]) -> None:
    """Deliver every message in flight, either way, until none is left."""
    moved = True
    while moved:
        moved = False
        for client in clients:
            while client.deliver_to_room():
                moved = True
            while client.deliver_from_room():
                moved = True


def fresh_text(room: Room) -> tuple[str, str | None]:
    """What a new tab gets from the room by syncing (sync step 1, then the room's step 2)."""
    client = SimClient(room, user_id=0, name="Fresh", writable=False)
    client.connect()
    settle([client])
    client.disconnect()
    return client.text(), documents.choice_of(client.doc)
