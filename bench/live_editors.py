"""The headless editors of bench/live.py: a person's typing (Typist), two y-websocket clients
(Peer on an asyncio loop: wsproto's handshake and frames out, a lean reader of the frames in;
ThreadedPeer over consult.live.client.LiveClient), and the Ledger that matches each
keystroke's update with its arrivals at the peers."""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from drafting import VOCABULARY
from pycrdt import Assoc, StickyIndex, Text, TransactionEvent, YSyncMessageType
from wsproto import ConnectionType, WSConnection
from wsproto.events import (
    AcceptConnection,
    CloseConnection,
    Message,
    Pong,
    RejectConnection,
    Request,
)

from consult.live import documents, protocol
from consult.live.protocol import AwarenessEntry, Sync

DELETE_SHARE = 0.15
JUMP_SHARE = 0.03  # keystrokes that first move the cursor somewhere else
EMPTY_UPDATE = b"\x00\x00"


# --- a person typing --------------------------------------------------------------------------


class Typist:
    """One person's keystrokes: words at a cursor, which a share `jump` of keystrokes first
    moves to a random place (1.0: every keystroke somewhere new); a share `delete` are
    backspaces. The cursor sticks to the character before it, as an editor's does, so
    that others' edits elsewhere do not move it."""

    def __init__(self, seed: int, jump: float = JUMP_SHARE, delete: float = DELETE_SHARE) -> None:
        self.rng = random.Random(seed)
        self.jump = jump
        self.delete = delete
        self.cursor: StickyIndex | None = None
        self.deletions = 0
        self._letters: list[str] = []

    def keystroke(self, body: Text) -> bool:
        """Type one key into `body` (inside the caller's transaction); True if the cursor
        moved first (an editor then tells the others where it is)."""
        length = len(body)
        at = self.cursor.get_index() if self.cursor is not None else length + 1
        moved = at > length or self.rng.random() < self.jump
        if moved:
            at = self.rng.randint(0, length)
        if at > 0 and self.rng.random() < self.delete:
            at -= 1
            del body[at : at + 1]
            self.deletions += 1
        else:
            if not self._letters:
                self._letters = list(reversed(" " + self.rng.choice(VOCABULARY)))
            body.insert(at, self._letters.pop())
            at += 1
        self.cursor = body.sticky_index(at, Assoc.BEFORE)
        return moved

    def cursor_state(self) -> dict:
        """An awareness state as y-codemirror's: the cursor as a relative position."""
        position = self.cursor.to_json() if self.cursor is not None else None
        return {"cursor": {"anchor": position, "head": position}}


# --- matching keystrokes with their arrivals -------------------------------------------------


@dataclass
class Ledger:
    """Each update as sent (its first sending time) and each arrival at a peer, keyed by the
    update's bytes; matched once the typing is over (arrivals may be read in another thread
    before the sender has noted its update)."""

    sent: dict[int, float] = field(default_factory=dict)
    arrivals: list[tuple[int, float]] = field(default_factory=list)
    cursors: int = 0

    def send(self, update: bytes, at: float) -> None:
        self.sent.setdefault(hash(update), at)

    def arrive(self, update: bytes, at: float) -> None:
        self.arrivals.append((hash(update), at))


@dataclass
class Latencies:
    deliveries: list[float]  # every arrival at a peer
    to_all: list[float]  # each keystroke, to the last of its peers
    keystrokes: int
    missing: int  # deliveries that never came
    unmatched: int  # arrivals that match no update sent


def match(ledger: Ledger, start: float, stop: float, peers: int) -> Latencies:
    """The keystrokes sent between `start` and `stop`, with their arrivals."""
    timed = {key: at for key, at in ledger.sent.items() if start <= at < stop}
    arrived: dict[int, list[float]] = defaultdict(list)
    unmatched = 0
    for key, at in ledger.arrivals:
        if key in timed:
            arrived[key].append(at - timed[key])
        elif key not in ledger.sent and at >= start:
            unmatched += 1
    deliveries = [latency for latencies in arrived.values() for latency in latencies]
    to_all = [max(latencies) for latencies in arrived.values() if len(latencies) >= peers]
    return Latencies(
        deliveries, to_all, len(timed), len(timed) * peers - len(deliveries), unmatched
    )


# --- two kinds of headless editor -------------------------------------------------------------


class Peer:
    """An editor on this process's asyncio loop: y-websocket over wsproto's frames, the
    document in pycrdt, as the browser's editor does (sync step 1 and 2, then updates)."""

    def __init__(self, number: int, ledger: Ledger) -> None:
        self.typist = Typist(number)
        self.ledger = ledger
        self.doc = documents.new_doc()
        self.body = documents.body(self.doc)
        self.socket = WSConnection(ConnectionType.CLIENT)
        self.accepted = asyncio.Event()
        self.synced = asyncio.Event()
        self.close_code: int | None = None
        self._remote = False
        self._message = bytearray()
        self._subscription = self.doc.observe(self._on_local)

    async def open(self, host: str, port: int, path: str, token: str) -> None:
        self.reader, self.writer = await asyncio.open_connection(host, port)
        self._write(
            Request(
                host=f"{host}:{port}",
                target=path,
                extra_headers=[("Authorization", f"Bearer {token}")],
            )
        )
        self._reading = asyncio.create_task(self._read())
        await asyncio.wait_for(self.accepted.wait(), 60)
        self.send(protocol.sync_step1(self.doc.get_state()))
        await asyncio.wait_for(self.synced.wait(), 60)

    def keystroke(self) -> None:
        with self.doc.transaction():
            moved = self.typist.keystroke(self.body)
        if moved:
            self.ledger.cursors += 1
            state = self.typist.cursor_state()
            entry = AwarenessEntry(self.doc.client_id, self.ledger.cursors, state)
            self.send(protocol.awareness_message([entry]))

    def send(self, message: bytes) -> None:
        self._write(Message(data=message))

    async def close(self) -> None:
        if self.close_code is None:
            self._write(CloseConnection(code=1000))
        self.writer.close()
        self._reading.cancel()

    def _write(self, event) -> None:
        self.writer.write(self.socket.send(event))

    def _on_local(self, event: TransactionEvent) -> None:
        if not self._remote and event.update != EMPTY_UPDATE:
            self.ledger.send(event.update, time.perf_counter())
            self.send(protocol.create_update_message(event.update))

    async def _read(self) -> None:
        """The handshake's answer through wsproto; then the server's frames, read here: the
        generator reads some 17,000 a second with 200 editors, and wsproto's parser (pure
        Python, general) cost more than the server's own work, delaying every arrival."""
        buffer = bytearray()
        while b"\r\n\r\n" not in buffer:
            data = await self.reader.read(65536)
            if not data:
                return
            buffer += data
        end = buffer.index(b"\r\n\r\n") + 4
        self.socket.receive_data(bytes(buffer[:end]))
        del buffer[:end]
        for event in self.socket.events():
            if isinstance(event, AcceptConnection):
                self.accepted.set()
            elif isinstance(event, RejectConnection):
                self.close_code = event.status_code
                return
        while self._frames(buffer, time.perf_counter()):
            data = await self.reader.read(65536)
            if not data:
                return
            buffer += data

    def _frames(self, buffer: bytearray, arrived: float) -> bool:
        """Handle the whole frames in `buffer` (a server's: never masked) and drop them from
        it; False once the server closed."""
        at = 0
        while len(buffer) - at >= 2:
            first, length, head = buffer[at], buffer[at + 1] & 0x7F, 2
            if length == 126:
                length, head = int.from_bytes(buffer[at + 2 : at + 4], "big"), 4
            elif length == 127:
                length, head = int.from_bytes(buffer[at + 2 : at + 10], "big"), 10
            if len(buffer) - at < head + length:
                break
            payload = bytes(buffer[at + head : at + head + length])
            at += head + length
            opcode = first & 0x0F
            if opcode in (0x0, 0x2):  # a continuation, or a binary message
                self._message += payload
                if first & 0x80:
                    self._handle(bytes(self._message), arrived)
                    self._message.clear()
            elif opcode == 0x9:
                self._write(Pong(payload=payload))
            elif opcode == 0x8:
                self.close_code = int.from_bytes(payload[:2], "big") if payload else 1005
                return False
        del buffer[:at]
        return True

    def _handle(self, message: bytes, arrived: float) -> None:
        parsed = protocol.parse(message)
        if not isinstance(parsed, Sync):
            return  # others' cursors
        if parsed.step == YSyncMessageType.SYNC_STEP1:
            self.send(protocol.sync_step2(self.doc.get_update(parsed.payload)))
            return
        if parsed.step == YSyncMessageType.SYNC_UPDATE:
            self.ledger.arrive(parsed.payload, arrived)
        self._remote = True
        try:
            self.doc.apply_update(parsed.payload)
        finally:
            self._remote = False
        if parsed.step == YSyncMessageType.SYNC_STEP2:
            self.synced.set()


class ThreadedPeer:
    """The same editor over consult.live.client.LiveClient: simple-websocket's reader thread
    and the client's own, per editor; keystrokes are typed from the loop's thread."""

    def __init__(self, number: int, ledger: Ledger) -> None:
        self.typist = Typist(number)
        self.ledger = ledger
        self._typed_at = 0.0

    async def open(self, host: str, port: int, path: str, token: str) -> None:
        from consult.live.client import LiveClient

        self.client = await asyncio.to_thread(LiveClient, f"ws://{host}:{port}{path}", token=token)
        self.client.on_update = lambda update: self.ledger.arrive(update, time.perf_counter())
        self._subscription = self.client.doc.observe(self._on_local)
        await asyncio.to_thread(self.client.wait_synced, 60)

    def keystroke(self) -> None:
        moved = []
        self._typed_at = time.perf_counter()
        self.client.edit(lambda body: moved.append(self.typist.keystroke(body)))
        if moved[0]:
            self.ledger.cursors += 1
            self.client.set_cursor(self.typist.cursor_state())

    async def close(self) -> None:
        self.client.close()

    def _on_local(self, event: TransactionEvent) -> None:
        # Only keystrokes are made in the main thread; remote updates in the client's reader.
        if threading.current_thread() is threading.main_thread():
            self.ledger.send(event.update, self._typed_at)


PEERS = {"asyncio": Peer, "threads": ThreadedPeer}
