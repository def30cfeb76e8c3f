"""Junk through every form and every API write: each POST, PUT, PATCH and DELETE route of the
URL map (the access matrix's routes, with its real objects in the path), sent by the owner of
the organisation with every field set to NUL bytes, control characters, bad UTF-8, formula
prefixes, markup, 1 MB of text, and (for the API) wrong JSON types and broken JSON (deeply
nested, numbers too long to convert, NaN). Never a 5xx; the API answers errors in JSON.
Bodies over the size limit get 413, not a crash."""

from __future__ import annotations

import pytest

from consult.extensions import limiter
from tests.conftest import login
from tests.security import figures
from tests.security.test_access_matrix import (
    API_KINDS,
    NORMAL,
    build_world,
    requests_to_make,
    url_for_rule,
)

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
DEFAULT_FIELDS = ("name", "email", "title", "body", "password", "role", "note", "token")
JUNK_TEXT = [
    "",
    "   ",
    "a\x00b",
    "\x01\x07\x1b[31m\x7f",
    "\u202egnp.exe",
    '=HYPERLINK("https://evil.example","x")',
    "+1+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "<script>alert(1)</script>",
    "\U0001f3f3\ufe0f\u200d\U0001f308\U0001d54f" * 50,  # flag sequence, astral letter
    "x" * 10_000,
    "-1",
    "99999999999999999999999",
    "../../etc/passwd",
]
ONE_MEGABYTE = "é" * 500_000  # 1 MB of UTF-8, under the 2 MB request limit
JUNK_JSON = [None, True, 0, -1, 2**70, 1.5e308, [], {}, ["x"], {"nested": {"a": [1]}}]
BROKEN_JSON = [b"not json", b'{"name": ', b'{"name": "\xff\xfe"}', b'"\\ud800"', b"[]", b"null"]
# What issue 12 found: nesting that overflows the parser, a number too long for Python to
# convert, and numbers JSON does not have.
BROKEN_JSON += [b"[" * 100_000, b'{"name": ' + b"9" * 5_000 + b"}", b'{"name": NaN}']
BAD_UTF8_FORM = b"%FF%FE%00%C3%28"


def _fields(access, method: str, world) -> list[str]:
    body = access.body.get(method, {})
    if callable(body):
        body = body(world)
    return list(body) or list(DEFAULT_FIELDS)


def _inputs(api: bool, fields: list[str]):
    """(kind, keyword arguments for client.open) of every junk input for one route."""
    texts = [*JUNK_TEXT, ONE_MEGABYTE]
    if api:
        for value in texts + JUNK_JSON:
            yield "json", {"json": dict.fromkeys(fields, value)}
        for raw in BROKEN_JSON:
            yield "raw", {"data": raw, "content_type": "application/json"}
        yield "form-to-api", {"data": {fields[0]: "x"}}
    else:
        for value in texts:
            yield "form", {"data": dict.fromkeys(fields, value)}
        raw = b"&".join(field.encode() + b"=" + BAD_UTF8_FORM for field in fields)
        yield "bad-utf8", {"data": raw, "content_type": "application/x-www-form-urlencoded"}


def test_junk_in_every_form_and_api_write_is_never_a_server_error(
    app, client, team, api_token, monkeypatch
):
    monkeypatch.setattr(limiter, "enabled", False)  # measure the handlers, not the limiter
    world = build_world(app, team, "owner")
    login(client, team.owner)
    headers = api_token(team.owner)
    failures, tried, routes = [], 0, 0
    for phase, rule, method, endpoint, access in requests_to_make(app):
        if phase != NORMAL or method not in WRITES:
            continue
        routes += 1
        url = url_for_rule(app, endpoint, rule, access, world)
        api = access.kind in API_KINDS
        for kind, arguments in _inputs(api, _fields(access, method, world)):
            response = client.open(url, method=method, headers=headers if api else {}, **arguments)
            tried += 1
            where = f"{method} {url} ({endpoint}) with {kind}"
            if response.status_code >= 500:
                failures.append(f"{where}: {response.status_code}")
            elif api and response.status_code >= 400 and not response.is_json:
                failures.append(f"{where}: {response.status_code} not in JSON")

    figures.add("junk inputs tried", tried)
    figures.add("junk: write routes fuzzed", routes)
    print(f"junk inputs: {tried} requests to {routes} write routes, {len(failures)} failures")
    assert routes > 40
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("path", ["/login", "/api/v1/organisations"])
def test_a_body_over_the_size_limit_is_refused_with_413(app, client, team, api_token, path):
    too_big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    if path.startswith("/api/"):
        response = client.post(
            path, data=too_big, content_type="application/json", headers=api_token(team.owner)
        )
        assert response.status_code == 413
        assert response.get_json()["error"]["code"] == "too_large"
    else:
        response = client.post(path, data={"email": too_big, "password": "x"})
        assert response.status_code == 413
        assert "too large" in response.get_data(as_text=True)
    figures.add("oversized bodies refused")
