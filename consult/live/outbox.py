"""Writing to the sockets: one thread a process (the Outbox) instead of one a connection.

Typing makes many small updates, and each goes to everyone else in the room: with 20 people a
keystroke is 19 messages. Written one by one, from a thread a connection, that costs a frame,
a hand-off and a system call per message per person, and 200 people typing saturate the
server (bench/live.py). So a room's broadcasts wait (Room.flush) until the Outbox's next turn,
at most LIVE_SEND_WINDOW_SECONDS after the previous one: each message is framed once, and each
person gets one write holding every update of that turn (not their own) and the latest
cursor of each person who moved (Room.flush). An idle room's first keystroke goes out at once.

Writes never block: what the socket cannot take now waits in the connection's backlog (Wire),
written when the socket can take more; a person more than LIVE_SEND_QUEUE messages behind is
told to reconnect (close 1013) and catches up by syncing, instead of holding the room back.
The messages are the y-websocket protocol's, unchanged: one WebSocket message each, sent as
one unfragmented, uncompressed binary frame, which every client reads (permessage-deflate
lets a server send a message uncompressed)."""

from __future__ import annotations

import contextlib
import logging
import selectors
import socket
import threading
import time
from collections import deque
from typing import TYPE_CHECKING

from simple_websocket import ConnectionClosed, Server

from consult.live.rooms import CLOSE_TOO_SLOW

if TYPE_CHECKING:
    from consult.live.rooms import Room

log = logging.getLogger(__name__)

BINARY_FIN = 0x82  # FIN, no RSV1 (not compressed), opcode 2 (binary)


def frame(message: bytes) -> bytes:
    """A server's WebSocket frame holding `message` (servers do not mask)."""
    length = len(message)
    if length < 126:
        header = bytes((BINARY_FIN, length))
    elif length < 65536:
        header = bytes((BINARY_FIN, 126)) + length.to_bytes(2, "big")
    else:
        header = bytes((BINARY_FIN, 127)) + length.to_bytes(8, "big")
    return header + message


class Wire:
    """A connection's writing end, and its Transport (consult/live/rooms.py): frames go out
    without blocking; what the socket cannot take waits here for the Outbox. simple-websocket
    writes its own frames (pongs, pings, the closing frame) through `socket_for_websocket`,
    so that they never cut into one of ours."""

    def __init__(self, websocket: Server, outbox: Outbox, limit: int) -> None:
        self.websocket = websocket
        self.sock = websocket.sock
        self.outbox = outbox
        self.limit = limit  # messages behind before the person is told to reconnect
        self.on_too_slow = lambda: self.close(CLOSE_TOO_SLOW, "Too far behind; reconnecting.")
        self._lock = threading.Lock()
        self._backlog: deque[memoryview] = deque()
        self._behind = 0  # messages waiting in the backlog
        self._started = False  # the backlog's first frame is partly written
        self.closing = False  # the closing frame is written or waiting: nothing after it
        self.dead = False  # the socket failed or is closed
        websocket.sock = _Socket(self)

    # --- the room's Transport -----------------------------------------------------------------

    def send(self, message: bytes) -> None:
        """One message, to this person alone (a sync answer), at once."""
        self.write(frame(message), 1)

    def close(self, code: int, reason: str) -> None:
        """Send the closing frame after what is waiting; a person too far behind does
        not get what is waiting: they sync again on reconnecting."""
        with self._lock:
            if self.closing or self.dead:
                return
            if code == CLOSE_TOO_SLOW:
                self._drop_backlog()
            self.closing = True
        with contextlib.suppress(ConnectionClosed, OSError):
            self.websocket.close(code, reason)  # writes through _Socket, after the backlog

    # --- writing ------------------------------------------------------------------------------

    def write(self, data: bytes, count: int, control: bool = False) -> None:
        """`count` framed messages; `control`: simple-websocket's own frames, which go
        out even while closing."""
        too_slow = False
        with self._lock:
            if self.dead or (self.closing and not control):
                return
            if self._backlog:
                if not control and self._behind + count > self.limit:
                    too_slow = True
                else:
                    self._backlog.append(memoryview(data))
                    self._behind += count
            else:
                sent = self._send_now(data)
                if sent < len(data) and not self.dead:
                    self._backlog.append(memoryview(data)[sent:])
                    self._behind = count
                    self._started = sent > 0
                    self.outbox.watch(self)
        if too_slow:
            self.on_too_slow()

    def drain(self) -> bool:
        """Write what the socket takes now (the Outbox's thread); True if all of it."""
        with self._lock:
            while self._backlog and not self.dead:
                chunk = self._backlog[0]
                sent = self._send_now(chunk)
                if sent < len(chunk):
                    self._backlog[0] = chunk[sent:]
                    self._started = self._started or sent > 0
                    return False
                self._backlog.popleft()
                self._started = False
            self._behind = 0
            return True

    def finish(self, timeout: float = 5.0) -> None:
        """Wait (the request's thread, at the end) until what is waiting is written, so that
        the server closing the socket does not cut it off."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self.dead or not self._backlog:
                    break
            time.sleep(0.01)
        with self._lock:
            self.dead = True
            self._backlog.clear()

    def waiting(self) -> bool:
        return bool(self._backlog)

    def _send_now(self, data: bytes | memoryview) -> int:
        try:
            return self.sock.send(data, socket.MSG_DONTWAIT)
        except (BlockingIOError, InterruptedError):
            return 0
        except OSError:
            self.dead = True
            self._backlog.clear()
            return 0

    def _drop_backlog(self) -> None:
        """Keep only the rest of a frame already begun (the peer must get whole frames)."""
        first = self._backlog[0] if self._backlog and self._started else None
        self._backlog.clear()
        if first is not None:
            self._backlog.append(first)
        self._behind = 0


class _Socket:
    """The socket as simple-websocket sees it: it reads it itself, and writes through Wire."""

    def __init__(self, wire: Wire) -> None:
        self._wire = wire

    def send(self, data: bytes) -> int:
        self._wire.write(data, 0, control=True)
        return len(data)

    def recv(self, size: int) -> bytes:
        return self._wire.sock.recv(size)

    def fileno(self) -> int:
        return self._wire.sock.fileno()

    def close(self) -> None:
        """At the end of the reading loop: what waits (a closing frame) goes out first."""
        self._wire.finish()
        self._wire.sock.close()


class Outbox:
    """This process's writer: flushes rooms with something to send, at most once every
    `window` seconds, and writes backlogs when their sockets can take more."""

    def __init__(self, window: float) -> None:
        self.window = window
        self._lock = threading.Lock()
        self._rooms: dict[int, Room] = {}  # by id(): rooms waiting for the next turn
        self._watched: set[Wire] = set()  # wires with a backlog
        self._woken = False
        self._thread: threading.Thread | None = None
        # made with the thread, in the process that writes (not in a master before forking)
        self._wake_reader: socket.socket | None = None
        self._wake_writer: socket.socket | None = None

    def schedule(self, room: Room) -> None:
        """The room has something to broadcast (called under the room's lock)."""
        with self._lock:
            self._rooms[id(room)] = room
            self._wake()

    def watch(self, wire: Wire) -> None:
        with self._lock:
            self._watched.add(wire)
            self._wake()

    def _wake(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._wake_reader, self._wake_writer = socket.socketpair()
            self._wake_reader.setblocking(False)
            self._wake_writer.setblocking(False)
            self._woken = False
            self._thread = threading.Thread(
                target=self._run, args=(self._wake_reader,), name="live-outbox", daemon=True
            )
            self._thread.start()
        if not self._woken and self._wake_writer is not None:
            self._woken = True
            with contextlib.suppress(BlockingIOError):
                self._wake_writer.send(b"\x00")

    def _run(self, wake_reader: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        selector.register(wake_reader, selectors.EVENT_READ)
        last_flush = 0.0
        while True:
            try:
                last_flush = self._turn(selector, last_flush)
            except Exception:  # the writer must keep going; a room's people resync
                log.exception("Live editing: the outbox's turn failed")

    def _turn(self, selector: selectors.BaseSelector, last_flush: float) -> float:
        with self._lock:
            rooms = bool(self._rooms)
            watched = list(self._watched)
        timeout = None
        if rooms:
            timeout = max(0.0, last_flush + self.window - time.monotonic())
        registered = []
        for wire in watched:
            try:
                selector.register(wire.sock, selectors.EVENT_WRITE, wire)
                registered.append(wire)
            except (ValueError, KeyError, OSError):  # closed meanwhile
                wire.dead = True
                self._forget(wire)
        try:
            ready = selector.select(timeout)
        finally:
            for wire in registered:
                with contextlib.suppress(ValueError, KeyError, OSError):
                    selector.unregister(wire.sock)
        for key, _events in ready:
            if key.data is None:
                self._clear_wake(key.fileobj)
            elif key.data.drain() or key.data.dead:
                self._forget(key.data)
        if rooms and time.monotonic() >= last_flush + self.window:
            with self._lock:
                due, self._rooms = list(self._rooms.values()), {}
            for room in due:
                for connection, data, count in room.flush(frame):
                    connection.transport.write(data, count)
            return time.monotonic()
        return last_flush

    def _forget(self, wire: Wire) -> None:
        """Stop watching a wire with nothing left to write (a write since may have left
        more: it is watched again by then, under this lock)."""
        with self._lock:
            if wire.dead or not wire.waiting():
                self._watched.discard(wire)

    def _clear_wake(self, wake_reader) -> None:
        with self._lock:
            self._woken = False
            with contextlib.suppress(BlockingIOError):
                while wake_reader.recv(4096):
                    pass
