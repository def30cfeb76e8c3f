"""Live editing fixtures: the test app on a real port (a WebSocket needs a real socket), fast
clocks, a response with a section, and clients that speak the y-websocket protocol."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from consult.accounts.services import create_api_token
from consult.extensions import db
from consult.live.client import LiveClient
from consult.live.hub import Hub
from tests.drafting.conftest import builtin_consultation, membership_of, section_of

FAST = {
    "LIVE_PAUSE_SECONDS": 0.3,
    "LIVE_LONGEST_BURST_SECONDS": 5.0,
    "LIVE_STORE_SECONDS": 0.1,
    "LIVE_RECHECK_SECONDS": 0.3,
    "LIVE_TICK_SECONDS": 0.05,
}


@pytest.fixture
def hub(app, monkeypatch) -> Hub:
    """This process's live hub with fast clocks (tests/conftest.py closes its rooms after)."""
    for key, value in FAST.items():
        monkeypatch.setitem(app.config, key, value)
    return app.extensions["live"]


@pytest.fixture(scope="session")
def server(app) -> Iterator[str]:
    """The app on a real port: its base URL (http://127.0.0.1:port)."""
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, name="live-test-server", daemon=True)
    thread.start()
    yield f"127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join(timeout=10)
    http.server_close()


@pytest.fixture
def response(team):
    from consult.drafting import services

    response = services.create_response(
        membership_of(team.owner, team.organisation), builtin_consultation(), "Our response"
    )
    db.session.commit()
    return response


@pytest.fixture
def summary(response):
    return section_of(response, "summary")


@pytest.fixture
def token_of(db):
    tokens: dict[int, str] = {}

    def _token(user) -> str:
        if user.id not in tokens:
            _record, tokens[user.id] = create_api_token(user, "live tests")
            db.session.commit()
        return tokens[user.id]

    return _token


@pytest.fixture
def connect(server, hub, token_of):
    """connect(user, section) -> a LiveClient, synced; all closed after the test."""
    clients: list[LiveClient] = []

    def _connect(user, section, *, synced: bool = True) -> LiveClient:
        client = LiveClient(
            f"ws://{server}/api/v1/live/sections/{section.id}", token=token_of(user)
        )
        clients.append(client)
        if synced:
            client.wait_synced()
        return client

    yield _connect
    for client in clients:
        client.close()
