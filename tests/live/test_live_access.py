"""Who may use a section's live document, through the real socket (issue 15's third safety
bar): the checks run before the upgrade (no handshake for anyone refused), a browser's
cookie works only from the app's own pages, members watch but cannot type, rights are
checked again while people are connected, and one connection's abuse (too big, too many)
closes that connection only."""

from __future__ import annotations

import base64
import http.client
import os
import time

import pytest
import requests
from simple_websocket import Client

from consult.drafting import services as drafting
from consult.extensions import db
from consult.live import protocol
from consult.live.client import LiveClient
from consult.live.rooms import CLOSE_GONE, CLOSE_POLICY, CLOSE_RIGHTS_CHANGED
from consult.organisations import services as organisations
from tests.drafting.conftest import builtin_consultation, membership_of, section_of
from tests.factories import PASSWORD

MISSING = 2_000_000_000


def handshake(server: str, section_id: int, headers: dict[str, str] | None = None):
    """A WebSocket handshake by hand: (status, headers, body) of the server's answer."""
    host, port = server.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request(
        "GET",
        f"/api/v1/live/sections/{section_id}",
        headers={
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
            "Sec-WebSocket-Version": "13",
            **(headers or {}),
        },
    )
    answer = connection.getresponse()
    try:  # after a 101 the socket is the WebSocket's: nothing more to read as HTTP
        return answer.status, answer.headers, b"" if answer.status == 101 else answer.read()
    finally:
        connection.close()


def refused_before_the_upgrade(answer, status: int) -> bytes:
    code, headers, body = answer
    assert code == status, body
    assert "upgrade" not in headers.get("Connection", "").lower()
    assert "Sec-WebSocket-Accept" not in headers
    return body


def round_trip(client: LiveClient) -> None:
    """Wait until the server has handled everything this client sent: a connection's
    messages are handled in order, so ask for a sync and wait for the answer."""
    client.synced.clear()
    state = client.in_document(lambda doc: doc.get_state())
    client.socket.send(protocol.sync_step1(state))
    client.wait_synced()


def wait_for_close(client: LiveClient, timeout: float = 10) -> float:
    """Seconds until the server closed the client's socket."""
    started = time.monotonic()
    with client.changed:
        while client.close_code is None:
            left = started + timeout - time.monotonic()
            assert left > 0, "the server never closed the socket"
            client.changed.wait(left)
    return time.monotonic() - started


def room_text(hub, section) -> str:
    return hub.rooms[section.id].text_and_choice()[0]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- before the upgrade -----------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"}])
def test_no_one_is_upgraded_without_signing_in(server, summary, hub, headers):
    refused_before_the_upgrade(handshake(server, summary.id, headers), 401)


@pytest.fixture
def rival_section(team):
    """A section of the other organisation's own response."""
    rival = drafting.create_response(
        membership_of(team.outsider, team.other_organisation), builtin_consultation(), "Theirs"
    )
    db.session.commit()
    return section_of(rival, "summary")


def test_an_outsider_is_told_the_section_does_not_exist(
    server, team, summary, hub, token_of, rival_section
):
    """Before the upgrade, and in the same words as for a section that does not exist, so
    an id says nothing about another organisation's work."""
    missing = refused_before_the_upgrade(
        handshake(server, MISSING, bearer(token_of(team.outsider))), 404
    )
    ours = refused_before_the_upgrade(
        handshake(server, summary.id, bearer(token_of(team.outsider))), 404
    )
    assert ours == missing
    for upgrade in (True, False):
        answers = [
            _ask(server, section_id, token_of(team.editor), upgrade)
            for section_id in (rival_section.id, MISSING)
        ]
        assert answers[0] == answers[1]
        assert answers[0][0] == 404


def _ask(server: str, section_id: int, token: str, upgrade: bool) -> tuple[int, bytes]:
    if upgrade:
        status, _headers, body = handshake(server, section_id, bearer(token))
    else:
        answer = requests.get(
            f"http://{server}/api/v1/live/sections/{section_id}", headers=bearer(token), timeout=10
        )
        status, body = answer.status_code, answer.content
    return status, body


# --- members watch, editors type --------------------------------------------------------------


def test_a_member_sees_edits_but_their_own_are_ignored(team, summary, connect, hub):
    eddie = connect(team.editor, summary)
    mo = connect(team.member, summary)
    eddie.edit(lambda body: body.insert(0, "Editor's words."))
    mo.wait_for(lambda text: text == "Editor's words.")
    mo.edit(lambda body: body.insert(0, "Member's words. "))
    round_trip(mo)  # the server has had (and ignored) the member's update
    assert room_text(hub, summary) == "Editor's words."
    eddie.edit(lambda body: body.insert(len(body), " More."))
    assert (
        mo.wait_for(lambda text: text.endswith("More.")) == "Member's words. Editor's words. More."
    )
    round_trip(eddie)
    assert eddie.text() == room_text(hub, summary) == "Editor's words. More."
    assert mo.close_code is None  # watching is not an offence


# --- a browser's session cookie ---------------------------------------------------------------


@pytest.fixture
def browser_cookie(server, team, hub) -> str:
    """An editor signed in through the real login form: the Cookie header their browser
    would send."""
    browser = requests.Session()
    answer = browser.post(
        f"http://{server}/login",
        data={"email": team.editor.email, "password": PASSWORD},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text[:300]
    return "; ".join(f"{name}={value}" for name, value in browser.cookies.items())


@pytest.mark.parametrize("origin", ["http://attacker.example", "null", None])
def test_a_session_cookie_from_another_sites_page_is_refused(
    server, summary, browser_cookie, origin
):
    headers = {"Cookie": browser_cookie}
    if origin is not None:
        headers["Origin"] = origin
    refused_before_the_upgrade(handshake(server, summary.id, headers), 403)


def test_a_session_cookie_from_our_own_page_may_edit(server, summary, browser_cookie, hub, app):
    """Our own page: its origin is the address the browser asked for (Host), or the public
    address behind a proxy (PUBLIC_URL). The Python client sends Host without the port,
    so the edit goes through the public address; the handshake by hand checks the other."""
    own_page = {"Cookie": browser_cookie, "Origin": f"http://{server}"}
    assert handshake(server, summary.id, own_page)[0] == 101
    client = LiveClient(
        f"ws://{server}/api/v1/live/sections/{summary.id}",
        headers={"Cookie": browser_cookie, "Origin": app.config["PUBLIC_URL"]},
    )
    try:
        client.wait_synced()
        client.edit(lambda body: body.insert(0, "Typed in the browser."))
        round_trip(client)
        assert room_text(hub, summary) == "Typed in the browser."
    finally:
        client.close()


# --- rights checked again while connected -----------------------------------------------------


def test_a_member_removed_without_notice_is_disconnected_by_the_periodic_check(
    team, summary, connect, app, server, token_of
):
    """The services tell the hub at once (tests/live/test_live_editing.py); a membership
    gone any other way (by hand in the database, another process without the relay) is
    found by the check every LIVE_RECHECK_SECONDS."""
    mo = connect(team.member, summary)
    time.sleep(app.config["LIVE_RECHECK_SECONDS"])  # past the clock's first check
    db.session.delete(membership_of(team.member, team.organisation))
    db.session.commit()
    waited = wait_for_close(mo)
    assert mo.close_code == CLOSE_GONE
    # within the recheck interval, give or take a tick (and a busy machine's second)
    assert waited < app.config["LIVE_RECHECK_SECONDS"] + app.config["LIVE_TICK_SECONDS"] + 1.0
    refused_before_the_upgrade(handshake(server, summary.id, bearer(token_of(team.member))), 404)


def test_an_editor_made_a_member_is_reconnected_read_only(team, summary, connect, hub):
    eddie = connect(team.editor, summary)
    eddie.edit(lambda body: body.insert(0, "Before."))
    round_trip(eddie)
    organisations.change_role(
        membership_of(team.owner, team.organisation),
        membership_of(team.editor, team.organisation),
        "member",
    )
    db.session.commit()
    wait_for_close(eddie)
    assert eddie.close_code == CLOSE_RIGHTS_CHANGED
    again = connect(team.editor, summary)
    assert again.text() == "Before."
    again.edit(lambda body: body.insert(0, "After. "))
    round_trip(again)
    assert room_text(hub, summary) == "Before."


# --- one connection's abuse -------------------------------------------------------------------


def test_a_message_too_big_closes_that_socket_and_harms_no_one(
    team, summary, connect, hub, monkeypatch, app
):
    monkeypatch.setitem(app.config, "LIVE_MAX_MESSAGE_BYTES", 32 * 1024)
    eddie = connect(team.editor, summary)
    cora = connect(team.coordinator, summary)
    eddie.edit(lambda body: body.insert(0, "Kept."))
    cora.wait_for(lambda text: text == "Kept.")
    cora.edit(lambda body: body.insert(len(body), " " + "x" * 40 * 1024))
    wait_for_close(cora)
    assert cora.close_code == 1009
    eddie.edit(lambda body: body.insert(len(body), " Still here."))
    round_trip(eddie)
    assert room_text(hub, summary) == "Kept. Still here."
    assert eddie.close_code is None


def test_a_flood_of_messages_closes_that_socket(
    team, summary, connect, server, token_of, hub, monkeypatch, app
):
    monkeypatch.setitem(app.config, "LIVE_MESSAGE_BURST", 20)
    monkeypatch.setitem(app.config, "LIVE_MESSAGES_PER_SECOND", 1)
    eddie = connect(team.editor, summary)
    flood = Client.connect(
        f"ws://{server}/api/v1/live/sections/{summary.id}", headers=bearer(token_of(team.owner))
    )
    for _ in range(40):
        flood.send(bytes([protocol.QUERY_AWARENESS]))
    deadline = time.monotonic() + 10
    while flood.connected and time.monotonic() < deadline:
        time.sleep(0.02)
    assert flood.close_reason == CLOSE_POLICY
    eddie.edit(lambda body: body.insert(0, "Unharmed."))
    round_trip(eddie)
    assert room_text(hub, summary) == "Unharmed."
