"""The versions API: freezing, listing, the canonical content byte for byte, the consent
statement, opening and closing signing, and verification of fingerprints."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import timedelta

import pytest

from consult.extensions import db
from consult.signing import consent
from consult.signing.models import Version
from consult.timeutil import utcnow
from tests.api.drafting_support import save
from tests.api.helpers import assert_documented, assert_error
from tests.signing.support import api_freeze, api_open

VERSIONS = "/api/v1/responses/{}/versions"


@pytest.fixture
def frozen(client, bearer, draft) -> dict:
    save(client, bearer("editor"), draft, draft.summary, "Our “summary”: ✊ no bans on protest.")
    return api_freeze(client, bearer("coordinator"), draft.response_id, note="For partners")


# --- freezing and listing -------------------------------------------------------------------


def test_freezing_answers_the_new_version(client, bearer, draft):
    reply = client.post(
        VERSIONS.format(draft.response_id), json={"note": "First"}, headers=bearer("owner")
    )

    assert reply.status_code == 201
    assert_documented(reply, "/api/v1/responses/{response_id}/versions", "post")
    body = reply.get_json()
    assert body["number"] == 1 and body["note"] == "First"
    assert len(body["sha256"]) == 64 and body["created_at"].endswith("Z")
    assert body["signing"] == {"open": False, "public": False, "closes_at": None,
                               "opened_at": None}  # fmt: skip
    assert reply.headers["Location"].endswith(f"/api/v1/versions/{body['id']}")


def test_freezing_needs_no_body_and_numbers_versions_in_turn(client, bearer, draft):
    first = client.post(VERSIONS.format(draft.response_id), headers=bearer("coordinator"))
    second = client.post(VERSIONS.format(draft.response_id), headers=bearer("coordinator"))

    assert (first.status_code, second.status_code) == (201, 201)
    assert [first.get_json()["number"], second.get_json()["number"]] == [1, 2]
    assert first.get_json()["sha256"] != second.get_json()["sha256"]


@pytest.mark.parametrize(("role", "status"), [("editor", 403), ("member", 403), ("outsider", 404)])
def test_only_owners_and_coordinators_freeze(client, bearer, draft, role, status):
    reply = client.post(VERSIONS.format(draft.response_id), json={}, headers=bearer(role))

    assert_error(reply, status)
    assert db.session.query(Version).count() == 0


def test_freezing_without_a_token_is_a_401(client, draft):
    assert_error(client.post(VERSIONS.format(draft.response_id), json={}), 401)


@pytest.mark.parametrize("note", ["x" * 501, 12, "bad\x00note"])
def test_a_bad_note_is_a_422(client, bearer, draft, note):
    reply = client.post(
        VERSIONS.format(draft.response_id), json={"note": note}, headers=bearer("owner")
    )
    assert_error(reply, 422)


def test_members_list_the_versions_newest_first(client, bearer, draft, frozen):
    api_freeze(client, bearer("owner"), draft.response_id)

    reply = client.get(VERSIONS.format(draft.response_id), headers=bearer("member"))

    assert reply.status_code == 200
    assert_documented(reply, "/api/v1/responses/{response_id}/versions", "get")
    assert [v["number"] for v in reply.get_json()] == [2, 1]
    assert_error(client.get(VERSIONS.format(draft.response_id), headers=bearer("outsider")), 404)
    assert_error(client.get(VERSIONS.format(draft.response_id)), 401)


# --- the canonical content ------------------------------------------------------------------


def test_the_content_is_exactly_the_fingerprinted_bytes(client, bearer, frozen):
    reply = client.get(f"/api/v1/versions/{frozen['id']}/content", headers=bearer("member"))

    assert reply.status_code == 200
    assert reply.mimetype == "application/json"
    data = reply.get_data()
    assert hashlib.sha256(data).hexdigest() == frozen["sha256"]
    stored = db.session.get(Version, frozen["id"])
    assert data == stored.content.encode("utf-8")
    # The canonical serialisation of API.md, and the UTF-8 text, not \u escapes.
    content = json.loads(data)
    assert data == json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    assert "“summary”: ✊".encode() in data
    assert_documented(reply, "/api/v1/versions/{version_id}/content", "get")
    assert reply.headers["ETag"] == f'"{frozen["sha256"]}"'
    digest = base64.b64encode(bytes.fromhex(frozen["sha256"])).decode()
    assert reply.headers["Repr-Digest"] == f"sha-256=:{digest}:"


def test_later_edits_do_not_change_the_content(client, bearer, draft, frozen):
    url = f"/api/v1/versions/{frozen['id']}/content"
    before = client.get(url, headers=bearer("member")).get_data()
    head = client.get(draft.url, headers=bearer("editor")).get_json()["sections"][0]
    save(client, bearer("editor"), draft, head["id"], "Changed after freezing.",
         head["head_revision"])  # fmt: skip

    after = client.get(url, headers=bearer("member")).get_data()

    assert after == before
    assert hashlib.sha256(after).hexdigest() == frozen["sha256"]


def test_the_content_is_public_only_once_open_for_public_signing(client, bearer, frozen):
    url = f"/api/v1/versions/{frozen['id']}/content"
    assert_error(client.get(url), 401)
    assert_error(client.get(url, headers=bearer("outsider")), 404)

    api_open(client, bearer("coordinator"), frozen["id"], public=False)
    assert_error(client.get(url), 401)
    assert_error(client.get(url, headers=bearer("outsider")), 404)

    api_open(client, bearer("coordinator"), frozen["id"], public=True)
    for headers in ({}, bearer("outsider")):
        reply = client.get(url, headers=headers)
        assert reply.status_code == 200
        assert hashlib.sha256(reply.get_data()).hexdigest() == frozen["sha256"]


@pytest.mark.parametrize("version_id", [999999, 2**31, 2**40])
def test_an_unknown_version_is_a_404_with_a_token_and_a_401_without(client, bearer, version_id):
    url = f"/api/v1/versions/{version_id}/content"
    assert_error(client.get(url, headers=bearer("member")), 404)
    assert_error(client.get(url), 401)


def test_a_version_shows_its_signing_state_and_count(client, bearer, frozen):
    reply = client.get(f"/api/v1/versions/{frozen['id']}", headers=bearer("member"))

    assert reply.status_code == 200
    assert_documented(reply, "/api/v1/versions/{version_id}", "get")
    assert reply.get_json()["signatures"] == {"count": 0}


def test_the_consent_statement_names_the_lead_organisation(client, bearer, team, frozen):
    api_open(client, bearer("coordinator"), frozen["id"], public=True)

    reply = client.get(f"/api/v1/versions/{frozen['id']}/consent")

    assert reply.status_code == 200
    assert_documented(reply, "/api/v1/versions/{version_id}/consent", "get")
    body = reply.get_json()
    assert body["version"] == consent.CURRENT_VERSION
    assert team.organisation.name in body["text"] and "political opinion" in body["text"]


# --- opening and closing --------------------------------------------------------------------


def test_opening_and_closing_signing(client, bearer, frozen):
    url = f"/api/v1/versions/{frozen['id']}/signing"

    opened = client.post(url, json={"public": True}, headers=bearer("owner"))
    assert opened.status_code == 200
    assert_documented(opened, "/api/v1/versions/{version_id}/signing", "post")
    assert opened.get_json()["signing"]["open"] is True
    assert opened.get_json()["signing"]["public"] is True
    assert opened.get_json()["signing"]["opened_at"].endswith("Z")

    closed = client.post(url, json={"open": False}, headers=bearer("coordinator"))
    assert closed.status_code == 200
    assert_documented(closed, "/api/v1/versions/{version_id}/signing", "post")
    assert closed.get_json()["signing"]["open"] is False


@pytest.mark.parametrize(
    "closes_at", ["{future}Z", "{future}+01:00", "{future}"], ids=["z", "offset", "naive"]
)
def test_a_closing_time_in_iso_8601_is_kept_in_utc(client, bearer, frozen, closes_at):
    future = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    value = closes_at.format(future=future.isoformat())

    body = api_open(client, bearer("owner"), frozen["id"], public=True, closes_at=value)

    expected = future - timedelta(hours=1) if value.endswith("+01:00") else future
    assert body["signing"]["closes_at"] == expected.isoformat() + "Z"
    assert body["signing"]["open"] is True


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"public": "yes"},
        {"public": True, "closes_at": "2001-01-01T00:00:00Z"},
        {"public": True, "closes_at": "next tuesday"},
        {"public": True, "closes_at": 1234},
        # Valid ISO 8601, but before the year 1 or after 9999 once in UTC (issue 12: a 500).
        {"public": True, "closes_at": "0001-01-01T00:00:00+14:00"},
        {"public": True, "closes_at": "9999-12-31T23:59:59-14:00"},
        {"open": "no"},
    ],
)
def test_bad_signing_settings_are_a_422(client, bearer, frozen, payload):
    reply = client.post(
        f"/api/v1/versions/{frozen['id']}/signing", json=payload, headers=bearer("owner")
    )
    assert_error(reply, 422)
    assert db.session.get(Version, frozen["id"]).signing_open is False


@pytest.mark.parametrize(("role", "status"), [("editor", 403), ("member", 403), ("outsider", 404)])
def test_only_owners_and_coordinators_open_signing(client, bearer, frozen, role, status):
    url = f"/api/v1/versions/{frozen['id']}/signing"
    assert_error(client.post(url, json={"public": True}, headers=bearer(role)), status)
    assert_error(client.post(url, json={"public": True}), 401)


# --- verification ---------------------------------------------------------------------------


def test_a_fingerprint_is_verified_once_signing_was_opened(client, bearer, team, frozen):
    url = f"/api/v1/verify/{frozen['sha256']}"
    assert_error(client.get(url), 404)

    api_open(client, bearer("coordinator"), frozen["id"], public=False)
    reply = client.get(url)  # no token needed

    assert reply.status_code == 200
    assert_documented(reply, "/api/v1/verify/{sha256}", "get")
    body = reply.get_json()
    assert body["version"] == 1
    assert body["organisation"]["name"] == team.organisation.name
    assert body["response"]["title"] == "Our response"
    assert body["created_at"] == frozen["created_at"]
    assert body["signatures"] == {"count": 0}
    assert client.get(url.upper().replace("/API/V1/VERIFY/", "/api/v1/verify/")).status_code == 200


@pytest.mark.parametrize("fingerprint", ["0" * 64, "abc", "z" * 64, "%00" * 3])
def test_unknown_fingerprints_are_a_404(client, fingerprint):
    assert_error(client.get(f"/api/v1/verify/{fingerprint}"), 404)
