"""This process's rooms, and the clock that does their database work.

The hub keeps one Room per section that someone has open here. Messages are handled by the
sockets' own threads (consult/live/sockets.py), straight into the room: that is the latency
people feel. The clock, one thread, does the slower work every LIVE_TICK_SECONDS, outside the
rooms' locks: it stores each changed document (merged with what is stored), writes a revision
for each person whose burst of edits ended (a pause, leaving, a burst running too long), and
every LIVE_RECHECK_SECONDS checks everyone's rights again (a member removed is disconnected;
a change of role reconnects them with their new rights), notes who is here for the presence
lists, and takes in edits another process stored. Rooms nobody is in are stored and closed."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from consult.drafting import events
from consult.drafting.models import Response, Revision, Section
from consult.drafting.services import mark_present
from consult.extensions import db
from consult.live import services
from consult.live.outbox import Outbox
from consult.live.permissions import credentials_alive, rights_now
from consult.live.relay import Relay, make_relay
from consult.live.rooms import (
    CLOSE_GONE,
    CLOSE_LOGGED_OUT,
    CLOSE_RIGHTS_CHANGED,
    Connection,
    Room,
)
from consult.organisations import events as organisation_events

log = logging.getLogger(__name__)


class Hub:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.config = app.config
        self.rooms: dict[int, Room] = {}
        self.lock = threading.Lock()
        self.relay: Relay = make_relay(app.config.get("REDIS_URL"), self)
        self.outbox = Outbox(app.config["LIVE_SEND_WINDOW_SECONDS"])
        self._stored_at: dict[int, object] = {}
        self._last_recheck = 0.0
        self._recheck_soon: set[int] = set()  # organisations
        self._clock: threading.Thread | None = None
        self._stopping = threading.Event()

    # --- from the sockets ---------------------------------------------------------------------

    def join(self, section: Section, connection: Connection) -> Room:
        """Put the connection in the section's room, opening the room from the stored state
        (made from the head revision the first time). Called in the request, which commits."""
        self._start_clock()
        with self.lock:
            room = self.rooms.get(section.id)
        if room is None:
            state = services.document_state(section)
            db.session.commit()
            with self.lock:
                room = self.rooms.get(section.id)
                if room is None:
                    room = Room(
                        section.id,
                        section.response.organisation_id,
                        state,
                        publish=lambda messages, sid=section.id: self.relay.publish_many(
                            sid, messages
                        ),
                        schedule=self.outbox.schedule,
                        kind=section.kind,
                        max_bytes=self.config["LIVE_MAX_DOCUMENT_BYTES"],
                    )
                    self.rooms[section.id] = room
                    with room.lock:  # pycrdt documents are not to be read mid-transaction
                        state_vector = room.doc.get_state()
                    self.relay.ask_for(section.id, state_vector)
        with self.lock:
            # The clock may have closed the room between the two locks, and another join may
            # have opened a new one since: join whichever is open, never a closed one.
            room = self.rooms.setdefault(section.id, room)
            room.join(connection)
        return room

    def leave(self, room: Room, connection: Connection) -> None:
        room.leave(connection)

    # --- from elsewhere -----------------------------------------------------------------------

    def pass_on(self, updates: Iterable[tuple[int, bytes]]) -> None:
        """Edits made outside the live document (committed): to the rooms here and elsewhere."""
        for section_id, update in updates:
            room = self.rooms.get(section_id)
            if room is not None:
                room.absorb(update)
            self.relay.publish(section_id, "update", update)

    def recheck(self, organisation_ids: set[int], *, relay: bool = True) -> None:
        """Check the rights of everyone connected to these organisations' sections at the
        clock's next tick (a member removed, a role changed), here and on other instances."""
        self._recheck_soon |= organisation_ids
        if relay:
            for organisation_id in organisation_ids:
                self.relay.publish(0, "recheck", organisation_id.to_bytes(8, "big"))

    def from_relay(self, section_id: int, kind: str, payload: bytes) -> None:
        if kind == "recheck":
            self.recheck({int.from_bytes(payload[:8], "big")}, relay=False)
            return
        room = self.rooms.get(section_id)
        if room is None:
            return
        if kind == "update":
            room.absorb(payload)
        elif kind == "awareness":
            room.absorb_awareness(payload)
        elif kind == "want":
            try:
                with room.lock:
                    missing = room.doc.get_update(payload)
            except ValueError:
                return
            self.relay.publish(section_id, "update", missing)

    def flush_response(self, response: Response) -> None:
        """Before a freeze: everything typed here into the database (the freeze then writes it
        as revisions: services.catch_up_response)."""
        section_ids = {section.id for section in response.sections}
        for section_id, room in list(self.rooms.items()):
            if section_id in section_ids:
                state, editor_id = room.snapshot()
                services.store(section_id, state, editor_id)
                room.due(time.monotonic(), 0, 0, everyone=True)

    # --- the clock ----------------------------------------------------------------------------

    def _start_clock(self) -> None:
        with self.lock:
            if self._clock is None or not self._clock.is_alive():
                self._stopping.clear()
                self._clock = threading.Thread(target=self._run, name="live-clock", daemon=True)
                self._clock.start()
            self.relay.start()

    def stop(self) -> None:
        """Store everything and stop the clock (tests; a process shutting down)."""
        self._stopping.set()
        if self._clock is not None:
            self._clock.join(timeout=10)
        self.work(everyone=True)
        self.relay.stop()

    def _run(self) -> None:
        while not self._stopping.wait(self.config["LIVE_TICK_SECONDS"]):
            try:
                self.work()
            except Exception:  # the clock must keep going; the next tick tries again
                log.exception("Live editing: the clock's work failed")

    def work(self, everyone: bool = False) -> None:
        """One tick: store, write revisions, and (every LIVE_RECHECK_SECONDS) recheck."""
        now = time.monotonic()
        recheck = everyone or now - self._last_recheck >= self.config["LIVE_RECHECK_SECONDS"]
        soon, self._recheck_soon = self._recheck_soon, set()
        for room in list(self.rooms.values()):
            with self.app.app_context():
                try:
                    self._save(room, now, everyone)
                    if recheck or room.organisation_id in soon:
                        self._recheck(room)
                    db.session.commit()
                except Exception:
                    db.session.rollback()
                    room.unstored = True
                    log.exception("Live editing: could not store section %s", room.section_id)
                finally:
                    db.session.remove()
            self._close_if_empty(room)
        if recheck:  # counted from the end: a long pass over many rooms does not run back to back
            self._last_recheck = time.monotonic()

    def _save(self, room: Room, now: float, everyone: bool) -> None:
        config = self.config
        empty = room.is_empty()
        due = room.due(
            now,
            config["LIVE_PAUSE_SECONDS"],
            config["LIVE_LONGEST_BURST_SECONDS"],
            everyone=everyone or empty,
        )
        if not due and not (
            room.unstored and now - room.last_stored >= config["LIVE_STORE_SECONDS"]
        ):
            return
        state, editor_id = room.snapshot()
        merged = services.store(room.section_id, state, editor_id) if not due else state
        for author_id in due:
            merged = services.checkpoint(room.section_id, author_id, merged) or merged
        if merged:
            room.absorb(merged)

    def _recheck(self, room: Room) -> None:
        people = room.people()
        if people:
            rights = rights_now(room.organisation_id, room.section_id, {c.user_id for c in people})
            alive = credentials_alive({c.credential for c in people if c.credential})
            present: dict[int, bool] = {}  # user id: editing (in any of their tabs)
            for connection in people:
                right = rights[connection.user_id]
                if connection.credential is not None and connection.credential not in alive:
                    connection.close(CLOSE_LOGGED_OUT, "Your session ended; log in again.")
                elif right == "none":
                    connection.close(CLOSE_GONE, "You no longer have access to this section.")
                elif (right == "write") != connection.writable:
                    connection.close(CLOSE_RIGHTS_CHANGED, "Your rights changed; reconnecting.")
                else:
                    user_id = connection.user_id
                    present[user_id] = present.get(user_id, False) or connection.writable
            if db.session.get(Section, room.section_id) is not None:
                mark_present(room.section_id, present)
        stored = services.updated_since([room.section_id]).get(room.section_id)
        if stored is not None and self._stored_at.get(room.section_id) != stored[1]:
            self._stored_at[room.section_id] = stored[1]
            room.absorb(stored[0])

    def _close_if_empty(self, room: Room) -> None:
        with self.lock:
            if room.is_empty() and not room.unstored and not room.bursts:
                self.rooms.pop(room.section_id, None)
                self._stored_at.pop(room.section_id, None)


def current_hub() -> Hub:
    return current_app.extensions["live"]


# --- wiring: drafting's events, and commits ---------------------------------------------------


def _on_section_locked(section: Section, **_extra) -> None:
    services.catch_up(section)


def _on_head_moved(section: Section, revision: Revision, **_extra) -> None:
    services.apply_head(section, revision)


def _on_freezing(response: Response, **_extra) -> None:
    hub = current_app.extensions.get("live")
    if hub is not None:
        hub.flush_response(response)
    services.catch_up_response(response)


def _on_membership_changed(organisation_id: int, **_extra) -> None:
    services.recheck_after_commit(organisation_id)


def _after_commit(session: Session) -> None:
    updates, rechecks = services.take_pending(session)
    if (updates or rechecks) and has_app_context():
        hub = current_app.extensions.get("live")
        if hub is not None:
            hub.pass_on(updates)
            if rechecks:
                hub.recheck(rechecks)


def _after_rollback(session: Session) -> None:
    services.take_pending(session)


_wired = False


def wire() -> None:
    """Connect to drafting's events and to commits, once a process."""
    global _wired
    if _wired:
        return
    _wired = True
    events.section_locked.connect(_on_section_locked)
    events.head_moved.connect(_on_head_moved)
    events.response_freezing.connect(_on_freezing)
    organisation_events.membership_changed.connect(_on_membership_changed)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _after_rollback)
