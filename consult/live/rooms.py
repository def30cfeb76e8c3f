"""A room: one section's live document in this process, and the people connected to it.

Every message from a socket arrives here (Room.receive), under the room's lock: a sync step 1
is answered with what the client lacks; an update from someone who may write is applied and
passed to everyone else at once (the latency people feel); awareness (cursors, names) is passed
on with the sender's name and colour put in by the server, so nobody can pose as someone else,
and a cursor (a tab's client id) is its person's alone, while their connection drops too.
Malformed messages are ignored and counted; updates that would put anything where the section's
kind has nothing, or grow the document beyond its limit, are refused before they are applied
(consult/live/guard.py), and updates that would put control characters in a text (the body, or
an amendment's field) or make it longer than it may be are undone by a server edit, so the
document everyone holds is always one that could be saved. The database work (storing the state,
writing revisions) is done by the clock (consult/live/hub.py), outside the lock.

What is passed on to everyone waits for the process's writer (consult/live/outbox.py) when the
room has one: Room.flush then gives each person, in one piece, every update since the last
turn but their own, and the latest cursor of each person who moved. Without one (tests that
drive a room themselves), each message goes out at once."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from pycrdt import Text, TextEvent, TransactionEvent

from consult.bills.amendments import FREE_TEXT_LIMITS
from consult.drafting.services.text import MAX_BODY_LENGTH, has_control_characters
from consult.live import documents, protocol
from consult.live.guard import DEFAULT_MAX_DOCUMENT_BYTES, Behind, Guard, Refusal
from consult.live.protocol import AwarenessEntry, ProtocolError, QueryAwareness, Sync

# Close codes the editor understands (static/js/live-editor): the person may no longer see the
# section (as for an outsider: API.md, "Live editing"), or their rights changed (reconnect).
CLOSE_GONE = 4404
CLOSE_RIGHTS_CHANGED = 4403
CLOSE_LOGGED_OUT = 4401  # the session ended (logged out, elsewhere too) or the token revoked
CLOSE_POLICY = 1008  # too many messages, or too many malformed ones
CLOSE_TOO_SLOW = 1013  # the person's connection could not keep up; they reconnect and resync

MAX_STRIKES = 20  # malformed messages one connection may send before it is closed
MAX_CLIENT_IDS = 8  # awareness client ids one connection may speak for (a tab each)
MAX_AWARENESS_STATE = 2048  # bytes of JSON one cursor state may take


class Transport(Protocol):
    """Where a connection's messages go: the socket (consult/live/outbox.py) or a test's list.
    `write` takes `count` messages already framed, by Room.flush, for rooms with a writer."""

    def send(self, message: bytes) -> None: ...

    def write(self, data: bytes, count: int) -> None: ...

    def close(self, code: int, reason: str) -> None: ...


@dataclass
class Connection:
    """One open socket in a room: who it is, whether they may write, and its allowances."""

    user_id: int
    name: str
    colour: str
    writable: bool
    transport: Transport
    rate_per_second: float = 60.0
    burst: float = 300.0
    # ("session", hash) or ("token", hash): checked again while connected (hub._recheck)
    credential: tuple[str, str] | None = None
    id: int = field(default_factory=lambda: next(_connection_ids))
    client_ids: set[int] = field(default_factory=set)
    strikes: int = 0
    closed: bool = False
    _allowance: float = -1.0
    _checked: float = field(default_factory=time.monotonic)

    def send(self, message: bytes) -> None:
        if not self.closed:
            self.transport.send(message)

    def close(self, code: int, reason: str) -> None:
        if not self.closed:
            self.closed = True
            self.transport.close(code, reason)

    def allow_message(self) -> bool:
        """A token bucket: `burst` messages at once, `rate_per_second` after that."""
        now = time.monotonic()
        if self._allowance < 0:
            self._allowance = self.burst
        self._allowance = min(
            self.burst, self._allowance + (now - self._checked) * self.rate_per_second
        )
        self._checked = now
        if self._allowance < 1:
            return False
        self._allowance -= 1
        return True

    def strike(self) -> None:
        self.strikes += 1
        if self.strikes > MAX_STRIKES:
            self.close(CLOSE_POLICY, "Too many malformed messages.")

    def identity(self) -> dict:
        return {"name": self.name, "color": self.colour, "colorLight": self.colour + "33"}


_connection_ids = iter(range(1, 2**62))


@dataclass
class Burst:
    """A person's run of edits since their last revision: it ends when they pause or leave."""

    first: float
    last: float
    left: bool = False


class Room:
    """One section's document and connections in this process. `publish([(kind, payload)])`
    passes what happens here to the other instances (consult/live/relay.py): with a writer, at
    its turn, outside the room's lock, rather than from the reading thread at each keystroke."""

    def __init__(
        self,
        section_id: int,
        organisation_id: int,
        state: bytes,
        publish: Callable[[list[tuple[str, bytes]]], None] = lambda messages: None,
        schedule: Callable[[Room], None] | None = None,
        *,
        kind: str = "",
        max_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES,
    ) -> None:
        self.section_id = section_id
        self.organisation_id = organisation_id
        self.lock = threading.RLock()
        self.doc = documents.new_doc(state)
        self.guard = Guard(self.doc, kind, max_bytes)
        self.connections: dict[int, Connection] = {}
        self.awareness: dict[int, AwarenessEntry] = {}
        self._owners: dict[int, int | None] = {}  # client id -> connection id (None: remote)
        self._departed: dict[int, int] = {}  # client id -> user id of the connection that left
        self.bursts: dict[int, Burst] = {}
        self.unstored = False
        self.last_editor_id: int | None = None
        self.last_stored = time.monotonic()
        self._publish = publish
        self._schedule = schedule  # the writer's: the room has something to pass on
        self._outgoing: list[tuple[bytes, int | None]] = []  # (message, sender's connection id)
        self._cursors: dict[int, tuple[AwarenessEntry, int | None]] = {}  # by client id
        self._relayed: list[tuple[str, bytes]] = []  # for the other instances, in order
        self._scheduled = False  # with the writer, until its flush takes what waits
        self._updates: list[bytes] = []
        # The texts people type in, with the most characters each may hold, and what the
        # update being applied inserted in each: (UTF-8 offset, length, text).
        self._limits = _text_limits(kind)
        self._inserted: dict[str, list[tuple[int, int, str]]] = {}
        self._subscriptions = [self.doc.observe(self._on_transaction)] + [
            self._text(name).observe(self._observer(name)) for name in self._limits
        ]

    # --- what the document tells us ----------------------------------------------------------

    def _on_transaction(self, event: TransactionEvent) -> None:
        if event.update != b"\x00\x00":
            self._updates.append(event.update)

    def _text(self, name: str) -> Text:
        return self.doc.get(name, type=Text)

    def _observer(self, name: str) -> Callable[[TextEvent], None]:
        # One argument only: pycrdt passes a callback that takes two the transaction too.
        return lambda event: self._on_text(name, event)

    def _on_text(self, name: str, event: TextEvent) -> None:
        # pycrdt counts positions in UTF-8 bytes, not in characters: "é" takes two.
        found = self._inserted.setdefault(name, [])
        at = 0
        for part in event.delta:
            if "retain" in part:
                at += part["retain"]
            elif "insert" in part:
                inserted = part["insert"]
                chunk = inserted if isinstance(inserted, str) else ""
                length = len(chunk.encode("utf-8")) if chunk else 1
                found.append((at, length, chunk))
                at += length

    def _take_updates(self) -> list[bytes]:
        updates, self._updates = self._updates, []
        return updates

    # --- joining and leaving ------------------------------------------------------------------

    def join(self, connection: Connection) -> None:
        """Add the connection and start the sync: our state vector (the client answers with
        whatever it has that we lack: words typed offline) and who else is here."""
        with self.lock:
            self.connections[connection.id] = connection
            connection.send(protocol.sync_step1(self.doc.get_state()))
            if self.awareness:
                connection.send(protocol.awareness_message(list(self.awareness.values())))

    def leave(self, connection: Connection) -> None:
        with self.lock:
            self.connections.pop(connection.id, None)
            gone = [
                AwarenessEntry(client_id, self.awareness[client_id].clock + 1, None)
                for client_id in connection.client_ids
                if client_id in self.awareness
            ]
            for entry in gone:
                self.awareness.pop(entry.client_id, None)
                self._owners.pop(entry.client_id, None)
                self._departed[entry.client_id] = connection.user_id
            if gone:
                self._pass_on_cursors(gone, None)
                self._relay("awareness", protocol.awareness_message(gone))
            burst = self.bursts.get(connection.user_id)
            still_here = any(c.user_id == connection.user_id for c in self.connections.values())
            if burst is not None and not still_here:
                burst.left = True

    def is_empty(self) -> bool:
        with self.lock:
            return not self.connections

    def people(self) -> list[Connection]:
        with self.lock:
            return list(self.connections.values())

    # --- messages -----------------------------------------------------------------------------

    def receive(self, connection: Connection, message: bytes) -> None:
        """Handle one message from a connection; never raises for what the client sent."""
        if connection.closed:
            return
        if not connection.allow_message():
            connection.close(CLOSE_POLICY, "Too many messages; reconnecting resends them.")
            return
        try:
            parsed = protocol.parse(message)
        except ProtocolError:
            connection.strike()
            return
        with self.lock:
            if isinstance(parsed, Sync):
                self._sync(connection, parsed)
            elif isinstance(parsed, QueryAwareness):
                if self.awareness:
                    connection.send(protocol.awareness_message(list(self.awareness.values())))
            else:
                self._awareness(connection, parsed)

    def _sync(self, connection: Connection, message: Sync) -> None:
        if message.step == protocol.YSyncMessageType.SYNC_STEP1:
            try:
                missing = self.doc.get_update(message.payload)
            except ValueError:
                connection.strike()
                return
            connection.send(protocol.sync_step2(missing))
        elif connection.writable:
            self._apply(connection, message.payload)
        # A read-only connection's edits are ignored: its editor does not let them type.

    def _apply(self, connection: Connection, update: bytes) -> None:
        if update == b"\x00\x00":
            return
        self._inserted = {}
        try:
            parsed, refusal = self.guard.check(self.doc, update)
            if refusal is not None:
                self._refuse(connection, refusal)
                return
            self.doc.apply_update(update)
        except Behind:  # the sender's editor sends it again with what it follows
            connection.send(protocol.sync_step1(self.doc.get_state()))
            return
        except ValueError:
            self._take_updates()
            connection.strike()
            return
        self.guard.applied(self.doc, parsed, len(update))
        updates = self._take_updates()
        if not updates:
            return  # nothing new (a duplicate, or waiting for what it depends on)
        for applied in updates:
            self._broadcast(protocol.create_update_message(applied), connection)
            self._relay("update", applied)
        self._note_edit(connection.user_id)
        self._refuse_unsaveable()

    def _refuse(self, connection: Connection, refusal: Refusal) -> None:
        """Apply, and send everyone, the update that stands in for one the document may not
        take (consult/live/guard.py); its sender's editor, given theirs, deletes what it had
        typed, as when the room undoes unsaveable words (below)."""
        self.doc.apply_update(refusal.everyone)
        self._take_updates()
        self.guard.grew(len(refusal.everyone))
        connection.send(protocol.create_update_message(refusal.sender))
        self._broadcast(protocol.create_update_message(refusal.everyone), connection)
        self._relay("update", refusal.everyone)
        self._note_edit(connection.user_id)

    def _refuse_unsaveable(self) -> None:
        """Undo the last update's insertions into each text that could not be saved with them:
        the body, or an amendment's field (as its form would refuse them)."""
        inserted, self._inserted = self._inserted, {}
        refused = [
            (self._text(name), chunks)
            for name, chunks in inserted.items()
            if chunks and _unsaveable_text(self._text(name), self._limits[name], chunks)
        ]
        if not refused:
            return
        with self.doc.transaction():
            for text, chunks in refused:
                for start, length, _chunk in sorted(chunks, reverse=True):
                    del text[start : start + length]
        for undo in self._take_updates():
            self._broadcast(protocol.create_update_message(undo), None)
            self._relay("update", undo)

    def _note_edit(self, user_id: int) -> None:
        now = time.monotonic()
        burst = self.bursts.get(user_id)
        if burst is None:
            self.bursts[user_id] = Burst(now, now)
        else:
            burst.last = now
            burst.left = False
        self.unstored = True
        self.last_editor_id = user_id

    def _awareness(self, connection: Connection, entries: list[AwarenessEntry]) -> None:
        accepted = []
        for entry in entries:
            owner = self._owners.get(entry.client_id, connection.id)
            if owner != connection.id:
                continue  # another person's cursor: not theirs to move
            if self._departed.get(entry.client_id, connection.user_id) != connection.user_id:
                continue  # the cursor of someone whose connection dropped: theirs on return
            if (
                entry.client_id not in connection.client_ids
                and len(connection.client_ids) >= MAX_CLIENT_IDS
            ):
                continue
            known = self.awareness.get(entry.client_id)
            if known is not None and entry.clock < known.clock:
                continue
            if entry.state is None:
                self.awareness.pop(entry.client_id, None)
                self._owners.pop(entry.client_id, None)
                connection.client_ids.discard(entry.client_id)
                accepted.append(entry)
                continue
            state = dict(entry.state, user=connection.identity())
            if len(json.dumps(state)) > MAX_AWARENESS_STATE:
                continue
            kept = AwarenessEntry(entry.client_id, entry.clock, state)
            self.awareness[entry.client_id] = kept
            self._owners[entry.client_id] = connection.id
            connection.client_ids.add(entry.client_id)
            accepted.append(kept)
        if accepted:
            self._pass_on_cursors(accepted, connection)
            self._relay("awareness", protocol.awareness_message(accepted))

    def _broadcast(self, message: bytes, sender: Connection | None) -> None:
        if self._schedule is None:
            for connection in list(self.connections.values()):
                if connection is not sender:
                    connection.send(message)
            return
        self._schedule_once()
        self._outgoing.append((message, None if sender is None else sender.id))

    def _relay(self, kind: str, payload: bytes) -> None:
        if self._schedule is None:
            self._publish([(kind, payload)])
            return
        self._schedule_once()
        self._relayed.append((kind, payload))

    def _schedule_once(self) -> None:
        if not self._scheduled:
            self._scheduled = True
            self._schedule(self)

    def _pass_on_cursors(self, entries: list[AwarenessEntry], sender: Connection | None) -> None:
        """Cursors wait for the writer's turn like updates, but only each one's latest state
        goes out (as the awareness protocol keeps only the latest: a higher clock wins)."""
        if self._schedule is None:
            self._broadcast(protocol.awareness_message(entries), sender)
            return
        self._schedule_once()
        for entry in entries:
            self._cursors[entry.client_id] = (entry, None if sender is None else sender.id)

    def flush(self, frame: Callable[[bytes], bytes]) -> list[tuple[Connection, bytes, int]]:
        """What the writer sends each connection for what waited since its last turn: the
        bytes (each message framed once by `frame`) and how many messages they hold. Someone
        who sent nothing gets the same bytes as everyone else; a sender, all but their own.
        What waited for the other instances is published too, outside the lock."""
        with self.lock:
            self._scheduled = False
            relayed, self._relayed = self._relayed, []
            outgoing, self._outgoing = self._outgoing, []
            cursors, self._cursors = self._cursors, {}
            batches = self._batches(frame, outgoing, cursors)
        if relayed:
            self._publish(relayed)
        return batches

    def _batches(
        self,
        frame: Callable[[bytes], bytes],
        outgoing: list[tuple[bytes, int | None]],
        cursors: dict[int, tuple[AwarenessEntry, int | None]],
    ) -> list[tuple[Connection, bytes, int]]:
        """Under the lock: the messages framed once, and who gets which (Room.flush)."""
        if not outgoing and not cursors:
            return []
        framed = [(frame(message), sender) for message, sender in outgoing]
        if cursors:
            entries = [entry for entry, _sender in cursors.values()]
            framed.append((frame(protocol.awareness_message(entries)), None))
        everyone = b"".join(data for data, _sender in framed)
        senders = {sender for _message, sender in outgoing} | {
            sender for _entry, sender in cursors.values()
        }
        batches = []
        for connection in self.connections.values():
            if connection.closed:
                continue
            if connection.id not in senders:
                batches.append((connection, everyone, len(framed)))
                continue
            own = [data for data, sender in framed if sender != connection.id]
            others = [entry for entry, sender in cursors.values() if sender != connection.id]
            if cursors:
                own.pop()  # the cursors' message: made again without theirs
                if others:
                    own.append(frame(protocol.awareness_message(others)))
            if own:
                batches.append((connection, b"".join(own), len(own)))
        return batches

    # --- from elsewhere: other instances, the database ---------------------------------------

    def absorb(self, state_or_update: bytes) -> bool:
        """Apply an update made elsewhere (another instance, an API save, the stored state);
        pass on to everyone here whatever was new. True if anything was."""
        with self.lock:
            try:
                self.doc.apply_update(state_or_update)
            except ValueError:
                self._take_updates()
                return False
            self._inserted = {}
            updates = self._take_updates()
            self.guard.grew(sum(len(update) for update in updates))  # what was new here
            for update in updates:
                self._broadcast(protocol.create_update_message(update), None)
            return bool(updates)

    def absorb_awareness(self, message: bytes) -> None:
        """Cursors of people on another instance (already checked there)."""
        try:
            parsed = protocol.parse(message)
        except ProtocolError:
            return
        if not isinstance(parsed, list):
            return
        with self.lock:
            accepted = []
            for entry in parsed:
                if self._owners.get(entry.client_id, None) is not None:
                    continue  # one of ours: only its own connection moves it
                if entry.state is None:
                    self.awareness.pop(entry.client_id, None)
                    self._owners.pop(entry.client_id, None)
                else:
                    self.awareness[entry.client_id] = entry
                    self._owners[entry.client_id] = None
                accepted.append(entry)
            if accepted:
                self._pass_on_cursors(accepted, None)

    # --- for the clock ------------------------------------------------------------------------

    def snapshot(self) -> tuple[bytes, int | None]:
        """The whole state, and who typed last; marks it stored (the clock stores it)."""
        with self.lock:
            self.unstored = False
            self.last_stored = time.monotonic()
            return self.doc.get_update(), self.last_editor_id

    def due(self, now: float, pause: float, longest: float, everyone: bool = False) -> list[int]:
        """The people whose burst of edits has ended (paused, left, or running too long):
        each gets a revision now. `everyone`: all with edits (before a freeze, at shutdown)."""
        with self.lock:
            ended = [
                user_id
                for user_id, burst in self.bursts.items()
                if everyone
                or burst.left
                or now - burst.last >= pause
                or now - burst.first >= longest
            ]
            for user_id in ended:
                del self.bursts[user_id]
            return ended

    def text_and_choice(self) -> tuple[str, str | None]:
        with self.lock:
            return documents.text_of(self.doc), documents.choice_of(self.doc)

    def close_all(self, code: int, reason: str) -> None:
        for connection in self.people():
            connection.close(code, reason)


def _text_limits(kind: str) -> dict[str, int]:
    """The texts of a document of this kind people type in, and the most characters each
    may hold: a section's body; an amendment's free-text fields, as its form limits them."""
    limits = {documents.BODY: MAX_BODY_LENGTH}  # an amendment's stays empty (documents.py)
    if kind == "amendment":
        limits |= {
            documents.AMENDMENT_PREFIX + name: FREE_TEXT_LIMITS[name]
            for name in documents.AMENDMENT_TEXTS
        }
    return limits


def _unsaveable_text(text: Text, limit: int, inserted: list[tuple[int, int, str]]) -> bool:
    """Whether a text holding these insertions could not be saved."""
    # len() counts UTF-8 bytes, never fewer than characters: the whole text is read only when
    # it may be too long.
    too_long = len(text) > limit and len(str(text)) > limit
    return too_long or any(_unsaveable(chunk) for *_, chunk in inserted)


def _unsaveable(chunk: str) -> bool:
    """Whether inserted text holds what no revision may (see check_plain_text)."""
    if "\x00" in chunk or has_control_characters(chunk):
        return True
    try:
        chunk.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
