"""Login required by default, the public allow-list, and the headers account pages carry."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests import factories
from tests.accounts.conftest import SESSION_COOKIE, log_in, logged_in_client

PUBLIC_PAGES = [
    "/",
    "/privacy",
    "/healthz",
    "/login",
    "/signup",
    "/signup/check-your-email",
    "/confirm",
    "/confirm/some-token",
    "/password/forgot",
    "/account/email/confirm/some-token",
    "/api/v1/openapi.json",
]


@pytest.mark.parametrize("path", ["/account", "/account?tab=tokens"])
def test_account_pages_send_anonymous_visitors_to_login_with_next(client, path):
    response = client.get(path)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == [path]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_load_without_login(client, path):
    response = client.get(path)
    assert response.status_code == 200, path


def test_reset_page_is_public(client, db):
    user = factories.make_user()
    client.post("/password/forgot", data={"email": user.email})
    link = factories.link_in_last_email(user.email, "/password/reset/")
    assert client.get(link).status_code == 200


def test_only_the_listed_account_endpoints_are_public(app):
    """A new account page is private unless someone decides otherwise on purpose."""
    from consult.security import PUBLIC_ENDPOINTS

    account_endpoints = {
        rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("accounts.")
    }
    public = account_endpoints & PUBLIC_ENDPOINTS
    assert public == {
        "accounts.signup",
        "accounts.signup_sent",
        "accounts.login",
        "accounts.login_two_factor",
        "accounts.confirm_email",
        "accounts.resend_confirmation",
        "accounts.forgot_password",
        "accounts.reset_password",
        "accounts.confirm_email_change",
    }
    for private in ("accounts.account", "accounts.logout", "accounts.create_token"):
        assert private not in PUBLIC_ENDPOINTS


def test_account_page_carries_strict_security_headers(make_client, db):
    browser = logged_in_client(make_client, factories.make_user())
    response = browser.get("/account")
    assert response.status_code == 200
    headers = response.headers
    csp = [part.strip() for part in headers["Content-Security-Policy"].split(";")]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert not any("unsafe-inline" in part or "unsafe-eval" in part for part in csp)
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin"}
    assert headers["Cache-Control"] == "no-store"


def test_login_and_confirmation_pages_are_protected_too(client):
    for path in ("/login", "/confirm/some-token"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_is_httponly_and_samesite_lax(client, db):
    user = factories.make_user()
    response = log_in(client, user.email)
    assert response.status_code == 302
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(SESSION_COOKIE)]
    attributes = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "path=/" in attributes
    assert not any(a.startswith("domain=") for a in attributes)


def test_pages_with_a_link_token_in_the_url_are_not_leaked_or_cached(client, db):
    user = factories.make_user(confirmed=False)
    client.post("/password/forgot", data={"email": user.email})
    reset = factories.link_in_last_email(user.email, "/password/reset/")
    client.post("/confirm", data={"email": user.email})
    confirm = factories.link_in_last_email(user.email, "/confirm/")
    for path in (reset, confirm, "/account/email/confirm/some-token"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Referrer-Policy"] == "no-referrer", path
        assert response.headers["Cache-Control"] == "no-store", path
        # The other security headers are still there.
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
