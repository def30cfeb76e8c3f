"""The WebSocket itself (simple-websocket, the engine of flask-sock): served by the app's own
WSGI server in a thread of its own (Werkzeug's in `make run`, gunicorn's gthread workers in
production: README, "Live editing"), so the session cookie, the bearer token and the loaders
are the ones every page and API call uses.

Each connection has one thread, this request's: it reads the socket (simple-websocket's reading
loop, run here rather than in a thread of its own, so that a message needs no hand-off between
threads) and passes each message to the room. Writing is the process's writer's (consult/live/
outbox.py: one thread for every socket, never blocking), and a person whose connection cannot
keep up is disconnected (their editor reconnects and catches up) instead of holding everyone
else's messages."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, current_app, request
from simple_websocket import Server

from consult.accounts.models import User
from consult.drafting.models import Section
from consult.extensions import db
from consult.live.hub import current_hub
from consult.live.outbox import Wire
from consult.live.rooms import CLOSE_TOO_SLOW, Connection

# Colours for people's cursors: dark enough for white text on them (WCAG AA), told apart by
# the name beside each cursor as well as by colour.
COLOURS = ("#1d4ed8", "#b91c1c", "#047857", "#7c3aed", "#b45309", "#be185d", "#0e7490", "#4d7c0f")


def colour_of(user_id: int) -> str:
    return COLOURS[user_id % len(COLOURS)]


class _NotStarted:
    """In place of the reading thread simple-websocket would start: InlineServer.run reads."""

    def __init__(self, target: Callable[[], None]) -> None:
        self.name = "live-reader"

    def start(self) -> None:
        pass


class InlineServer(Server):
    """simple-websocket's server, read by the request's own thread (run): its loop answers
    pings and the closing handshake, and hands each whole message to `on_message`."""

    def __init__(self, environ: dict, **options) -> None:
        self.on_message: Callable[[bytes | str], None] = lambda message: None
        self.closed_here = False
        super().__init__(environ, thread_class=_NotStarted, **options)

    def run(self) -> None:
        """Read until either side closes the connection (when the server closed it, until
        the client answers, or the next ping finds it gone)."""
        self._thread()

    def close(self, reason: int | None = None, message: str | None = None) -> None:
        self.closed_here = True
        super().close(reason, message)

    def _handle_events(self) -> bool:
        keep_going = super()._handle_events()
        # Every message read before a closing frame counts (both may come in one read).
        while self.input_buffer and not self.closed_here:  # the room closed it: no more
            self.on_message(self.input_buffer.pop(0))
        return keep_going and not self.closed_here


class _Handled(Response):
    """What the view returns once the socket is closed: nothing more must be written to it,
    or the browser takes the bytes for a broken frame and reports close code 1006 instead of
    ours (4404, 4403). gunicorn stops at StopIteration; Werkzeug's server (`make run`) at a
    dropped connection, which it expects and does not log as an error (as flask-sock does)."""

    def __init__(self, mode: str) -> None:
        super().__init__()
        self.mode = mode

    def __call__(self, environ, start_response):
        if self.mode == "gunicorn":
            raise StopIteration()
        if self.mode == "werkzeug":
            raise ConnectionError("the WebSocket is closed")
        return []


def serve(
    section: Section, user: User, writable: bool, credential: tuple[str, str] | None
) -> Response:
    """Upgrade the request and pass messages to the section's room until either side closes."""
    config = current_app.config
    hub = current_hub()
    socket = InlineServer(
        request.environ,
        max_message_size=config["LIVE_MAX_MESSAGE_BYTES"],
        ping_interval=config["LIVE_PING_SECONDS"],
        receive_bytes=65536,
    )
    wire = Wire(socket, hub.outbox, config["LIVE_SEND_QUEUE"])
    connection = Connection(
        user_id=user.id,
        name=user.name,
        colour=colour_of(user.id),
        writable=writable,
        transport=wire,
        rate_per_second=config["LIVE_MESSAGES_PER_SECOND"],
        burst=config["LIVE_MESSAGE_BURST"],
        credential=credential,
    )
    wire.on_too_slow = lambda: connection.close(CLOSE_TOO_SLOW, "Too far behind; reconnecting.")
    room = hub.join(section, connection)
    db.session.commit()
    db.session.close()  # no database connection held while the socket is open

    def receive(message: bytes | str) -> None:
        if isinstance(message, str):
            connection.strike()  # the protocol is binary
        else:
            room.receive(connection, message)

    socket.on_message = receive
    try:
        socket.run()
    finally:
        hub.leave(room, connection)
        connection.close(1000, "")
        wire.finish()
    return _Handled(socket.mode)
