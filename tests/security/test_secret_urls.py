"""Pages whose URL holds a link token (reset, confirmation, invitation, signing and signer
links) send no Referer and are never cached, whatever they answer: the invitation page leaked
its token to every site it linked to and could be kept by a shared cache."""

from __future__ import annotations

import pytest

from consult.extensions import db
from consult.organisations import services as organisations
from tests.signing.support import membership


def _secret_rules(app) -> list:
    return [rule for rule in app.url_map.iter_rules() if "token" in rule.arguments]


def _assert_secret_headers(response) -> None:
    assert response.headers["Referrer-Policy"] == "no-referrer", response.request.path
    assert "no-store" in response.headers["Cache-Control"], response.request.path


def test_the_invitation_page_sends_no_referer_and_is_not_cached(client, team):
    _invitation, token = organisations.invite(
        membership(team.owner, team.organisation), "invitee@example.org", "editor"
    )
    db.session.commit()
    response = client.get(f"/invitations/{token}")
    assert response.status_code == 200
    _assert_secret_headers(response)


def test_every_page_with_a_token_in_its_url_sends_no_referer_and_is_not_cached(app, make_client):
    rules = _secret_rules(app)
    assert len(rules) >= 10, [rule.rule for rule in rules]
    for rule in rules:
        path = rule.build({name: 1 for name in rule.arguments} | {"token": "no-such-token"})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = make_client().open(path, method=method, json={} if "/api/" in path else None)
            assert response.status_code < 500, (method, path)
            _assert_secret_headers(response)


@pytest.mark.parametrize("path", ["/login", "/password/forgot", "/verify/" + "a" * 64])
def test_pages_without_a_secret_keep_the_same_origin_referrer_policy(client, path):
    assert client.get(path).headers["Referrer-Policy"] == "same-origin"
