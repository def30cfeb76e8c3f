"""Live co-editing: each section's text as a Yjs document that everyone with the section open
edits at once (the y-websocket protocol over a WebSocket, API.md "Live editing"), kept in step
with the revisions, which stay the record (services.py). protocol.py reads messages, rooms.py
holds a section's document and connections, hub.py this process's rooms and their clock,
relay.py passes edits between instances through Redis, sockets.py is the WebSocket."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from consult.live.hub import Hub, wire

    wire()
    app.extensions["live"] = Hub(app)
