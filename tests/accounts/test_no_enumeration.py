"""Nothing the public pages say reveals whether an e-mail address has an account."""

from __future__ import annotations

import re

import pytest
from flask import request_finished, template_rendered
from sqlalchemy import event as sqlalchemy_event

from consult.accounts.models import User
from consult.extensions import db
from tests import factories
from tests.accounts.conftest import flashes, links, log_in, sign_up, user_by_email


def _page_without(response, *addresses: str) -> str:
    """The page with the addresses and the (random, per-session) CSRF token masked."""
    text = re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', response.text)
    for address in addresses:
        text = text.replace(address, "ADDRESS")
    return text


def _outcome(response) -> tuple:
    """What the person sees: status, where they are sent, the page."""
    return response.status_code, response.headers.get("Location")


def test_sign_up_with_a_taken_address_looks_the_same_and_tells_the_owner(make_client):
    owner = factories.make_user(email="owner@example.org", name="Original Owner")
    original_hash = owner.password_hash

    new_client, taken_client = make_client(), make_client()
    fresh = sign_up(new_client, "fresh@example.org", name="Someone")
    taken = sign_up(taken_client, "Owner@Example.org", name="Impostor")
    assert _outcome(fresh) == _outcome(taken)
    assert _page_without(
        new_client.get(fresh.headers["Location"]), "fresh@example.org"
    ) == _page_without(taken_client.get(taken.headers["Location"]), "owner@example.org")

    # The owner is told by e-mail; nobody gets a confirmation link for their address.
    [warning] = factories.emails_to("owner@example.org")
    assert "tried to sign up" in warning.subject
    assert "/confirm/" not in warning.body
    assert "Original Owner" in warning.body
    # And the existing account is untouched.
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 2
    again = user_by_email("owner@example.org")
    assert again.name == "Original Owner" and again.password_hash == original_hash
    assert [link.user_id for link in links("confirm_email")] == [
        user_by_email("fresh@example.org").id
    ]


def test_login_failure_is_identical_for_unknown_address_and_wrong_password(make_client):
    factories.make_user(email="known@example.org")
    unknown = log_in(make_client(), "nobody@example.org", "some password here")
    wrong = log_in(make_client(), "known@example.org", "some password here")
    assert unknown.status_code == wrong.status_code == 200
    assert "That e-mail and password do not match an account." in wrong.text
    assert _page_without(unknown, "nobody@example.org") == _page_without(wrong, "known@example.org")


def test_forgot_password_answers_the_same_for_known_and_unknown_addresses(make_client):
    factories.make_user(email="known@example.org")
    known_client, unknown_client = make_client(), make_client()
    known = known_client.post("/password/forgot", data={"email": "known@example.org"})
    unknown = unknown_client.post("/password/forgot", data={"email": "nobody@example.org"})
    assert _outcome(known) == _outcome(unknown)
    assert known.status_code == 302
    known_page = known_client.get(known.headers["Location"])
    unknown_page = unknown_client.get(unknown.headers["Location"])
    assert _page_without(known_page) == _page_without(unknown_page)
    assert any("If that address has an account" in f for f in flashes(known_page.text))
    assert len(factories.emails_to("known@example.org")) == 1
    assert factories.emails_to("nobody@example.org") == []


def test_resend_confirmation_answers_the_same_whoever_asks(make_client):
    factories.make_user(email="waiting@example.org", confirmed=False)
    factories.make_user(email="confirmed@example.org", confirmed=True)
    pages = []
    for address in ("waiting@example.org", "confirmed@example.org", "nobody@example.org"):
        browser = make_client()
        response = browser.post("/confirm", data={"email": address})
        assert response.status_code == 302
        pages.append(
            (response.headers["Location"], _page_without(browser.get(response.headers["Location"])))
        )
    assert pages[0] == pages[1] == pages[2]
    assert len(factories.emails_to("waiting@example.org")) == 1
    assert factories.emails_to("confirmed@example.org") == []
    assert factories.emails_to("nobody@example.org") == []


class _WorkBeforeTheAnswer:
    """The SQL statements run and templates rendered before a response left the app (Flask's
    request_finished), and the e-mails that exist once the response has been sent."""

    def __init__(self, app) -> None:
        self.app = app
        self.statements: list[str] = []
        self.templates: list[str] = []
        self._answered = False

    def _statement(self, _conn, _cursor, statement, *_args) -> None:
        if not self._answered:
            self.statements.append(statement)

    def _rendered(self, _app, template, **_extra) -> None:
        if not self._answered:
            self.templates.append(template.name)

    def _finished(self, _app, **_extra) -> None:
        self._answered = True

    def post(self, client, path: str, email: str) -> tuple[list[str], list[str]]:
        self.statements, self.templates, self._answered = [], [], False
        engine = db.engine
        sqlalchemy_event.listen(engine, "before_cursor_execute", self._statement)
        template_rendered.connect(self._rendered, self.app)
        request_finished.connect(self._finished, self.app)
        try:
            assert client.post(path, data={"email": email}).status_code == 302
        finally:
            sqlalchemy_event.remove(engine, "before_cursor_execute", self._statement)
            template_rendered.disconnect(self._rendered, self.app)
            request_finished.disconnect(self._finished, self.app)
        return self.statements, self.templates


@pytest.mark.parametrize(("path", "confirmed"), [("/password/forgot", True), ("/confirm", False)])
def test_sending_a_link_does_the_same_work_before_answering_for_known_and_unknown_addresses(
    app, make_client, path, confirmed
):
    """The answer leaves before the account is even looked up, so its timing cannot tell
    whether the address has an account; the link is e-mailed after it."""
    factories.make_user(email="known@example.org", confirmed=confirmed)
    work = _WorkBeforeTheAnswer(app)

    known = work.post(make_client(), path, "known@example.org")
    unknown = work.post(make_client(), path, "unknown@example.org")

    assert known == unknown
    assert not any("users" in statement for statement in known[0])
    assert len(factories.emails_to("known@example.org")) == 1
    assert factories.emails_to("unknown@example.org") == []
