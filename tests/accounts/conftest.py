"""Helpers for the accounts tests (clients come from the root conftest: each request runs in
its own application context, as in production)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from consult.accounts.models import EmailLink, User, UserSession
from consult.extensions import db as _db
from consult.timeutil import utcnow
from tests import factories

SESSION_COOKIE = "consult_session"


def log_in(client, email: str, password: str = factories.PASSWORD, **kwargs):
    return client.post("/login", data={"email": email, "password": password}, **kwargs)


def logged_in_client(make_client, user, password: str = factories.PASSWORD):
    client = make_client()
    response = log_in(client, user.email, password)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert is_logged_in(client)
    return client


def is_logged_in(client) -> bool:
    """Whether the account page is served (not a redirect to the log-in page)."""
    response = client.get("/account")
    if response.status_code == 200:
        return True
    assert response.status_code == 302, response.status_code
    assert response.headers["Location"].startswith("/login")
    return False


def session_value(client, key: str):
    with client.session_transaction() as session:
        return session.get(key)


def sign_up(client, email: str, name: str = "Sam Signer", password: str = factories.PASSWORD):
    return client.post("/signup", data={"name": name, "email": email, "password": password})


def user_by_email(email: str) -> User | None:
    return _db.session.scalar(_db.select(User).where(User.email == email.lower()))


def links(purpose: str | None = None) -> list[EmailLink]:
    query = _db.select(EmailLink).order_by(EmailLink.id)
    if purpose:
        query = query.where(EmailLink.purpose == purpose)
    return list(_db.session.scalars(query))


def age_links(purpose: str, **delta) -> None:
    """Make every link for `purpose` expire: its expiry is moved into the past."""
    from datetime import timedelta

    for link in links(purpose):
        link.expires_at = utcnow() - timedelta(**delta)
    _db.session.commit()


def sessions_of(user) -> list[UserSession]:
    return list(_db.session.scalars(_db.select(UserSession).where(UserSession.user_id == user.id)))


def flashes(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", text).strip()
        for text in re.findall(r'<div class="flash[^"]*"[^>]*>\s*<p>(.*?)</p>', html, re.S)
    ]


class _Fields(HTMLParser):
    """Inputs by id, and the text of every element that has an id (hints, errors)."""

    _VOID = {"input", "br", "img", "meta", "link", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.inputs: dict[str, dict[str, str | None]] = {}
        self.text: dict[str, str] = {}
        self._stack: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("id"):
            self.inputs[attributes["id"]] = attributes
        if tag in self._VOID:
            return
        element_id = attributes.get("id")
        if element_id:
            self.text[element_id] = ""
        self._stack.append(element_id)

    def handle_data(self, data):
        for element_id in self._stack:
            if element_id:
                self.text[element_id] += data

    def handle_endtag(self, tag):
        if tag not in self._VOID and self._stack:
            self._stack.pop()


def parse_fields(html: str) -> _Fields:
    parser = _Fields()
    parser.feed(html)
    return parser


def assert_inline_error(html: str, field_id: str, message: str) -> None:
    """The field is marked invalid and points, by aria-describedby, at an error saying `message`."""
    fields = parse_fields(html)
    field = fields.inputs[field_id]
    assert field.get("aria-invalid") == "true", field
    described_by = (field.get("aria-describedby") or "").split()
    assert f"{field_id}-error" in described_by, field
    assert message in fields.text[f"{field_id}-error"]
