"""Deny by default, for the API as for the pages: every API endpoint needs a caller unless it
is named in an allow-list (consult.security.PUBLIC_ENDPOINTS, and the endpoints anyone may
call for a version open to the public), and the refusal comes before any view runs, so a view
that forgets to ask for its caller is still safe."""

from __future__ import annotations

import re

import pytest

from consult import create_app
from consult.api.auth import PUBLIC_VERSION_ENDPOINTS, needs_caller
from consult.security import PUBLIC_ENDPOINTS
from tests.api.helpers import assert_error

_VARIABLE = re.compile(r"<(?:([^:<>]+):)?([^<>]+)>")


def spy():
    """A view that records each call in its `calls` list."""
    calls: list[dict] = []

    def view(**kwargs):
        calls.append(kwargs)
        return {"reached": True}

    view.calls = calls
    return view


def _url(rule) -> str:
    """A URL the rule matches: 1 for a number, a word for anything else."""
    return _VARIABLE.sub(lambda m: "1" if m.group(1) == "int" else "something", rule.rule)


def _protected_routes(app) -> list[tuple[str, str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and needs_caller(rule.endpoint):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.append((rule.endpoint, method, _url(rule)))
    return routes


def test_every_api_endpoint_outside_the_allow_lists_refuses_anonymous_callers_first(
    app, client, monkeypatch, no_rate_limit
):
    routes = _protected_routes(app)
    spies = {endpoint: spy() for endpoint, _method, _url in routes}
    for endpoint, view in spies.items():
        monkeypatch.setitem(app.view_functions, endpoint, view)

    for endpoint, method, url in routes:
        response = client.open(url, method=method, json={"name": "x"})

        assert_error(response, 401, "unauthorised")
        assert spies[endpoint].calls == [], (endpoint, method)
    assert len(routes) >= 25  # the API's endpoints were found


BILL_ENDPOINTS = {
    "api.create_bill",
    "api.list_bills",
    "api.get_bill",
    "api.add_print",
    "api.get_print",
    "api.print_clauses",
    "api.print_lines",
    "api.create_amendment",
    "api.list_amendments",
    "api.get_amendment",
    "api.save_amendment",
    "api.check_amendment",
    "api.delete_amendment",
    "api.update_bill",
}


def test_the_bills_endpoints_are_among_those_refused_without_a_caller(app):
    """Issue 14's endpoints are walked by the test above: none is in an allow-list."""
    protected = {endpoint for endpoint, _method, _url in _protected_routes(app)}

    assert protected >= BILL_ENDPOINTS


@pytest.fixture
def app_with_a_new_endpoint(app):
    """A fresh app (same database) with an API endpoint that no allow-list names and whose
    view never asks for its caller: what a new endpoint looks like before anyone reviews it."""
    fresh = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_ENABLED": False,
            "SERVER_NAME": "consult.test",
        }
    )
    view = spy()
    fresh.add_url_rule("/api/v1/new-thing", "api.new_thing", view, methods=["GET", "POST"])
    return fresh, view


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_new_api_endpoint_is_refused_to_anonymous_callers_before_its_view_runs(
    app_with_a_new_endpoint, method
):
    fresh, view = app_with_a_new_endpoint

    response = fresh.test_client().open("/api/v1/new-thing", method=method, json={})

    assert_error(response, 401, "unauthorised")
    assert view.calls == []


def test_a_new_api_endpoint_serves_a_caller_with_a_token(app_with_a_new_endpoint, team, api_token):
    fresh, view = app_with_a_new_endpoint

    response = fresh.test_client().get("/api/v1/new-thing", headers=api_token(team.member))

    assert response.status_code == 200
    assert len(view.calls) == 1


def test_a_bad_token_is_refused_even_on_a_public_endpoint(client):
    response = client.get(
        "/api/v1/verify/" + "0" * 64, headers={"Authorization": "Bearer not-a-token"}
    )

    assert_error(response, 401)


def test_the_allow_lists_name_only_endpoints_that_exist(app):
    missing = (PUBLIC_ENDPOINTS | PUBLIC_VERSION_ENDPOINTS) - set(app.view_functions)

    assert not missing


def test_the_public_api_endpoints_are_the_ones_the_contract_makes_public(app):
    """API.md marks these *public*: the document, confirming and withdrawing with the e-mailed
    link, and verifying a fingerprint. Public signing goes through an endpoint that anyone may
    call only for a version open to the public."""
    public = {name for name in PUBLIC_ENDPOINTS if name.startswith("api.")}

    assert public == {
        "api.openapi",
        "api.confirm_signature",
        "api.withdraw_by_token",
        "api.verify_fingerprint",
    }
    assert PUBLIC_VERSION_ENDPOINTS.isdisjoint(PUBLIC_ENDPOINTS)
