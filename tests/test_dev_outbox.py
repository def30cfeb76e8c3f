"""The development outbox shows password-reset and invitation links: only in development, and
only to a browser on the server's own computer, so a server started without
CONSULT_ENV=production but reachable from elsewhere does not publish them."""

from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def development(app, monkeypatch):
    monkeypatch.setitem(app.config, "SHOW_DEV_OUTBOX", True)
    factories.make_user(email="victim@example.org")
    app.test_client().post("/password/forgot", data={"email": "victim@example.org"})
    return app


def _get(app, remote_addr: str = "127.0.0.1", host: str = "localhost:5000", **headers):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = remote_addr
    return client.get("/dev/outbox", headers={"Host": host, **headers})


@pytest.mark.parametrize(
    ("remote_addr", "host"),
    [("127.0.0.1", "localhost:5000"), ("127.0.0.1", "127.0.0.1:5000"), ("::1", "[::1]:5000")],
)
def test_the_outbox_is_shown_to_a_browser_on_the_same_computer(development, remote_addr, host):
    response = _get(development, remote_addr, host)
    assert response.status_code == 200
    assert "/password/reset/" in response.text


def test_the_outbox_is_refused_to_another_computer_and_says_why(development):
    response = _get(development, remote_addr="203.0.113.9")
    assert response.status_code == 403
    assert "/password/reset/" not in response.text
    assert "came from another computer" in response.text
    assert "CONSULT_ENV=production" in response.text


@pytest.mark.parametrize(
    "header", ["X-Forwarded-For", "X-Real-IP", "Forwarded", "X-Forwarded-Host"]
)
def test_the_outbox_is_refused_through_a_proxy(development, header):
    response = _get(development, **{header: "127.0.0.1"})
    assert response.status_code == 403
    assert "/password/reset/" not in response.text
    assert "through a proxy" in response.text


def test_the_outbox_is_refused_under_a_name_that_merely_points_here(development):
    """A web page at attacker.example whose name resolves to 127.0.0.1 (DNS rebinding) reads
    nothing: the page answers only to this computer's own names."""
    response = _get(development, host="attacker.example:5000")
    assert response.status_code == 403
    assert "/password/reset/" not in response.text


def test_the_outbox_does_not_exist_outside_development(app, db):
    assert not app.config["SHOW_DEV_OUTBOX"]
    assert _get(app).status_code == 404
