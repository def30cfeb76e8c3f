"""The signatures API: members, organisations and the public sign; explicit consent; one
signature per address and the same answer for every address (no enumeration); confirming,
withdrawing, the lists, and the rate limits of public signing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from consult.extensions import db, limiter
from consult.signing.models import Signature
from consult.timeutil import utcnow
from tests import factories
from tests.api.helpers import assert_documented, assert_error, log_in_with_csrf
from tests.signing.support import (
    api_freeze,
    api_open,
    confirm_token,
    mails_to,
    public_body,
    token_in,
)

SIGNATURES = "/api/v1/versions/{version_id}/signatures"


def _count_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(Signature))


@pytest.fixture
def version_id(client, bearer, draft) -> int:
    """A frozen version, signing not opened."""
    return api_freeze(client, bearer("owner"), draft.response_id)["id"]


@pytest.fixture
def public_id(client, bearer, version_id) -> int:
    api_open(client, bearer("coordinator"), version_id, public=True)
    return version_id


@pytest.fixture
def members_id(client, bearer, version_id) -> int:
    api_open(client, bearer("coordinator"), version_id, public=False)
    return version_id


def url(version_id: int) -> str:
    return SIGNATURES.format(version_id=version_id)


LISTED = ("count", "organisations", "public")


def signatures(client, version_id: int, headers=None) -> dict:
    """The first page of the list, without its paging fields."""
    reply = client.get(url(version_id), headers=headers or {})
    assert reply.status_code == 200, reply.get_data(as_text=True)[:300]
    return {key: value for key, value in reply.get_json().items() if key in LISTED}


def sign_publicly(client, version_id: int, email: str, **more):
    return client.post(url(version_id), json=public_body(email, **more))


def confirm(client, address: str):
    return client.post("/api/v1/signatures/confirm", json={"token": confirm_token(address)})


# --- members --------------------------------------------------------------------------------


def test_a_member_signs_at_once(client, bearer, members_id):
    reply = client.post(
        url(members_id),
        json={"display_name": "Mo", "affiliation": "Tenant", "consent_public": True},
        headers=bearer("member"),
    )

    assert reply.status_code == 201
    assert_documented(reply, SIGNATURES.replace("{version_id}", "{version_id}"), "post")
    assert reply.get_json()["status"] == "confirmed"
    listed = signatures(client, members_id, bearer("member"))
    assert listed == {"count": 1, "organisations": [], "public": [
        {"name": "Mo", "affiliation": "Tenant"}]}  # fmt: skip


def test_signing_twice_is_one_signature_with_the_same_id(client, bearer, members_id):
    body = {"consent_public": False}
    first = client.post(url(members_id), json=body, headers=bearer("editor"))
    second = client.post(url(members_id), json=body, headers=bearer("editor"))

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.get_json()["id"] == second.get_json()["id"]
    assert signatures(client, members_id, bearer("editor"))["count"] == 1


@pytest.mark.parametrize(
    "body",
    [{}, {"consent_public": "yes"}, {"consent_public": False, "consent_statement": "1999-01"},
     {"consent_public": False, "display_name": "x" * 201}],
)  # fmt: skip
def test_bad_member_signatures_are_a_422(client, bearer, members_id, body):
    assert_error(client.post(url(members_id), json=body, headers=bearer("member")), 422)
    assert _count_rows() == 0


def test_outsiders_cannot_see_or_sign_a_members_only_version(client, bearer, members_id):
    reply = client.post(url(members_id), json={"consent_public": False}, headers=bearer("outsider"))
    assert_error(reply, 404)


def test_an_outsider_with_an_account_signs_a_public_version_on_explicit_consent(
    client, bearer, public_id
):
    no_consent = client.post(
        url(public_id), json={"consent_public": False}, headers=bearer("outsider")
    )
    error = assert_error(no_consent, 422)
    assert "consent_statement" in error["fields"]

    reply = client.post(
        url(public_id),
        json={"consent_public": False, "consent_statement": public_body("x")["consent_statement"]},
        headers=bearer("outsider"),
    )
    assert reply.status_code == 201


def test_member_signing_of_a_closed_version_is_a_409(client, bearer, version_id):
    reply = client.post(url(version_id), json={"consent_public": False}, headers=bearer("member"))
    assert_error(reply, 409, "signing_closed")


# --- organisations --------------------------------------------------------------------------


def test_a_coordinator_of_another_organisation_co_signs_for_it(
    client, bearer, api_token, public_id
):
    partner = factories.make_organisation(name="Allied Group")
    person = factories.add_member(partner, role="coordinator")

    reply = client.post(
        url(public_id), json={"on_behalf_of": partner.slug}, headers=bearer("owner")
    )
    assert_error(reply, 403)  # the team's owner does not coordinate Allied Group

    reply = client.post(url(public_id), json={"on_behalf_of": partner.slug},
                        headers=api_token(person))  # fmt: skip
    assert reply.status_code == 201
    assert reply.get_json()["kind"] == "organisation"
    listed = signatures(client, public_id)
    assert listed["organisations"] == [{"name": "Allied Group"}]
    assert listed["public"] == [] and listed["count"] == 1


def test_a_members_only_version_is_co_signed_by_coordinators_who_can_see_it(
    client, bearer, api_token, team, members_id
):
    """Through the API an organisation co-signs a members-only version only if its signer is
    also a member of the lead organisation; partners without that use the partner link."""
    partner = factories.make_organisation(name="Allied Group")
    outside = factories.add_member(partner, role="coordinator")
    factories.add_member(partner, team.member, role="owner")

    assert_error(client.post(url(members_id), json={"on_behalf_of": partner.slug},
                             headers=api_token(outside)), 404)  # fmt: skip
    reply = client.post(url(members_id), json={"on_behalf_of": partner.slug},
                        headers=bearer("member"))  # fmt: skip
    assert reply.status_code == 201


@pytest.mark.parametrize("role", ["editor", "member"])
def test_editors_and_members_of_an_organisation_cannot_sign_for_it(
    client, api_token, public_id, role
):
    partner = factories.make_organisation(name="Allied Group")
    person = factories.add_member(partner, role=role)

    reply = client.post(url(public_id), json={"on_behalf_of": partner.slug},
                        headers=api_token(person))  # fmt: skip
    assert_error(reply, 403)
    assert _count_rows() == 0


@pytest.mark.parametrize("slug", ["no-such-group", "NOT A SLUG", 12])
def test_an_unknown_organisation_is_refused_like_a_foreign_one(client, bearer, members_id, slug):
    reply = client.post(url(members_id), json={"on_behalf_of": slug}, headers=bearer("owner"))
    assert_error(reply, 422 if isinstance(slug, int) else 403)


def test_the_lead_organisation_does_not_co_sign(client, bearer, team, members_id):
    reply = client.post(
        url(members_id), json={"on_behalf_of": team.organisation.slug}, headers=bearer("owner")
    )
    error = assert_error(reply, 422)
    assert "on_behalf_of" in error["fields"]


# --- the public -----------------------------------------------------------------------------


def test_a_public_signature_is_pending_with_a_confirmation_email(client, public_id):
    reply = sign_publicly(client, public_id, "Sam@Example.org")

    assert reply.status_code == 202
    assert_documented(reply, SIGNATURES, "post")
    assert reply.get_json() == {"status": "pending"}
    assert len(mails_to("sam@example.org")) == 1
    assert signatures(client, public_id)["count"] == 0


def test_the_same_address_twice_is_one_signature_and_the_same_answer(client, public_id):
    first = sign_publicly(client, public_id, " Sam@Example.org ")
    second = sign_publicly(client, public_id, "sam@example.org")

    assert (first.status_code, first.get_json()) == (second.status_code, second.get_json())
    assert _count_rows() == 1


@pytest.mark.parametrize("state", ["pending", "confirmed", "withdrawn"])
def test_every_address_gets_the_same_answer_whatever_it_did_before(
    client, make_client, public_id, state
):
    address = f"{state}@example.org"
    sign_publicly(client, public_id, address)
    if state in ("confirmed", "withdrawn"):
        assert confirm(client, address).status_code == 200
    if state == "withdrawn":
        manage = token_in(mails_to(address)[0], "manage")
        assert client.post("/api/v1/signatures/withdraw", json={"token": manage}).status_code == 200
    fresh = make_client("10.9.9.9")

    again = sign_publicly(fresh, public_id, address.upper())
    new = sign_publicly(fresh, public_id, "never-signed@example.org")

    assert again.status_code == new.status_code == 202
    assert again.get_json() == new.get_json() == {"status": "pending"}
    assert set(again.headers.keys()) == set(new.headers.keys())
    assert _count_rows() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"consent_statement": None}, "consent_statement"),
        ({"consent_statement": False}, "consent_statement"),
        ({"consent_statement": True}, "consent_statement"),
        ({"consent_statement": ""}, "consent_statement"),
        ({"consent_statement": "2020-01"}, "consent_statement"),
        ({"consent_public": None}, "consent_public"),
        ({"consent_public": "true"}, "consent_public"),
        ({"email": "not-an-address"}, "email"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"affiliation": "=" * 201}, "affiliation"),
    ],
)
def test_public_signatures_need_explicit_consent_and_valid_fields(client, public_id, change, field):
    body = {k: v for k, v in {**public_body("sam@example.org"), **change}.items() if v is not None}

    error = assert_error(client.post(url(public_id), json=body), 422)

    assert field in error["fields"]
    assert _count_rows() == 0
    assert mails_to("sam@example.org") == []


def test_public_signing_of_a_members_only_version_is_refused(client, bearer, members_id):
    assert_error(sign_publicly(client, members_id, "sam@example.org"), 401)
    reply = client.post(url(members_id), json=public_body("sam@example.org"),
                        headers=bearer("member"))  # fmt: skip
    assert_error(reply, 409, "signing_closed")
    assert _count_rows() == 0


def test_public_signing_after_closing_is_a_409(client, bearer, public_id):
    client.post(f"/api/v1/versions/{public_id}/signing", json={"open": False},
                headers=bearer("owner"))  # fmt: skip

    assert_error(sign_publicly(client, public_id, "sam@example.org"), 409, "signing_closed")


def test_anonymous_signing_of_an_unknown_version_is_a_401(client):
    assert_error(sign_publicly(client, 424242, "sam@example.org"), 401)


# --- confirming -----------------------------------------------------------------------------


def test_the_emailed_token_confirms_once(client, public_id):
    sign_publicly(client, public_id, "sam@example.org", consent_public=True)
    token = confirm_token("sam@example.org")

    reply = client.post("/api/v1/signatures/confirm", json={"token": token})

    assert reply.status_code == 200
    assert_documented(reply, "/api/v1/signatures/confirm", "post")
    assert reply.get_json() == {"status": "confirmed"}
    assert signatures(client, public_id) == {"count": 1, "organisations": [], "public": [
        {"name": "Sam Signer", "affiliation": ""}]}  # fmt: skip
    again = client.post("/api/v1/signatures/confirm", json={"token": token})
    assert_error(again, 404, "invalid_token")
    assert signatures(client, public_id)["count"] == 1


@pytest.mark.parametrize("body", [{"token": "made-up"}, {"token": "x" * 200}])
def test_a_made_up_token_is_a_404(client, public_id, body):
    assert_error(client.post("/api/v1/signatures/confirm", json=body), 404, "invalid_token")


@pytest.mark.parametrize("body", [{}, {"token": ""}, {"token": 5}, {"token": "x" * 201}])
def test_a_missing_or_malformed_token_is_a_422(client, body):
    assert_error(client.post("/api/v1/signatures/confirm", json=body), 422)


def test_a_token_older_than_seven_days_is_a_422(client, public_id):
    sign_publicly(client, public_id, "sam@example.org")
    db.session.execute(update(Signature).values(created_at=utcnow() - timedelta(days=8)))
    db.session.commit()

    reply = confirm(client, "sam@example.org")

    assert_error(reply, 422, "link_expired")
    assert signatures(client, public_id)["count"] == 0


# --- withdrawing ----------------------------------------------------------------------------


def test_the_emailed_manage_token_withdraws_at_once(client, public_id):
    sign_publicly(client, public_id, "sam@example.org")
    confirm(client, "sam@example.org")
    manage = token_in(mails_to("sam@example.org")[0], "manage")

    reply = client.post("/api/v1/signatures/withdraw", json={"token": manage})

    assert reply.status_code == 200
    assert_documented(reply, "/api/v1/signatures/withdraw", "post")
    assert reply.get_json()["status"] == "withdrawn"
    assert signatures(client, public_id)["count"] == 0
    again = client.post("/api/v1/signatures/withdraw", json={"token": manage})
    assert again.status_code == 200
    assert_error(client.post("/api/v1/signatures/withdraw", json={"token": "nope"}), 404)


def test_a_withdrawn_signature_cannot_be_confirmed(client, public_id):
    sign_publicly(client, public_id, "sam@example.org")
    manage = token_in(mails_to("sam@example.org")[0], "manage")
    client.post("/api/v1/signatures/withdraw", json={"token": manage})

    assert_error(confirm(client, "sam@example.org"), 404)


def test_the_signer_withdraws_with_their_token_and_nobody_else_can(client, bearer, members_id):
    signature_id = client.post(
        url(members_id), json={"consent_public": True}, headers=bearer("member")
    ).get_json()["id"]
    target = f"/api/v1/signatures/{signature_id}"

    assert_error(client.delete(target), 401)
    for other in ("owner", "coordinator", "editor", "outsider"):
        assert_error(client.delete(target, headers=bearer(other)), 404)
    reply = client.delete(target, headers=bearer("member"))

    assert reply.status_code == 200
    assert_documented(reply, "/api/v1/signatures/{signature_id}", "delete")
    assert signatures(client, members_id, bearer("member"))["count"] == 0
    # And signing again counts again.
    client.post(url(members_id), json={"consent_public": True}, headers=bearer("member"))
    assert signatures(client, members_id, bearer("member"))["count"] == 1


def test_any_coordinator_of_the_organisation_withdraws_its_co_signature(
    client, api_token, public_id
):
    partner = factories.make_organisation(name="Allied Group")
    signer = factories.add_member(partner, role="coordinator")
    colleague = factories.add_member(partner, role="owner")
    editor = factories.add_member(partner, role="editor")
    signature_id = client.post(
        url(public_id), json={"on_behalf_of": partner.slug}, headers=api_token(signer)
    ).get_json()["id"]

    target = f"/api/v1/signatures/{signature_id}"
    assert_error(client.delete(target, headers=api_token(editor)), 404)
    assert client.delete(target, headers=api_token(colleague)).status_code == 200


def test_nobody_withdraws_a_public_signature_with_a_token(client, bearer, public_id):
    sign_publicly(client, public_id, "sam@example.org")
    signature_id = db.session.scalar(select(Signature.id))

    for role in ("owner", "coordinator", "member"):
        assert_error(client.delete(f"/api/v1/signatures/{signature_id}",
                                   headers=bearer(role)), 404)  # fmt: skip


# --- the lists ------------------------------------------------------------------------------


def test_the_list_counts_confirmed_signatures_and_names_only_those_who_chose(
    client, bearer, public_id
):
    sign_publicly(client, public_id, "ann@example.org", name="Ann Public", consent_public=True,
                  affiliation="Uni")  # fmt: skip
    sign_publicly(client, public_id, "bob@example.org", name="Bob Private")
    sign_publicly(client, public_id, "pat@example.org", name="Pat Pending", consent_public=True)
    confirm(client, "ann@example.org")
    confirm(client, "bob@example.org")

    reply = client.get(url(public_id))  # anyone, while public signing is open

    assert reply.status_code == 200
    assert_documented(reply, SIGNATURES, "get")
    assert reply.get_json() == {
        "count": 2,
        "organisations": [],
        "public": [{"name": "Ann Public", "affiliation": "Uni"}],
        "page": 1,
        "per_page": 100,
        "next": None,
    }
    assert b"@" not in reply.get_data()


def test_the_list_comes_in_pages_organisations_first_with_a_link_to_the_next(
    client, api_token, public_id, no_rate_limit
):
    partner = factories.make_organisation(name="Zeta Allies")
    client.post(
        url(public_id),
        json={"on_behalf_of": partner.slug},
        headers=api_token(factories.add_member(partner, role="coordinator")),
    )
    for name in ("Cat", "Ann", "Bob"):
        address = f"{name.lower()}@example.org"
        sign_publicly(client, public_id, address, name=name, consent_public=True)
        confirm(client, address)

    first = client.get(url(public_id) + "?per_page=2")
    assert first.status_code == 200
    assert_documented(first, SIGNATURES, "get")
    body = first.get_json()
    assert body["count"] == 4 and (body["page"], body["per_page"]) == (1, 2)
    assert body["organisations"] == [{"name": "Zeta Allies"}]
    assert body["public"] == [{"name": "Ann", "affiliation": ""}]
    second = client.get(body["next"]).get_json()
    assert second["organisations"] == []
    assert [person["name"] for person in second["public"]] == ["Bob", "Cat"]
    assert second["count"] == 4 and second["next"] is None


@pytest.mark.parametrize("query", ["page=0", "page=x", "per_page=501", "per_page=-1"])
def test_a_bad_page_is_a_clear_422(client, public_id, query):
    error = assert_error(client.get(f"{url(public_id)}?{query}"), 422)
    assert set(error["fields"]) <= {"page", "per_page"}


def test_a_link_followed_after_signing_closed_is_a_409_and_stays_pending(client, bearer, public_id):
    sign_publicly(client, public_id, "ann@example.org")
    client.post(f"/api/v1/versions/{public_id}/signing", json={"open": False},
                headers=bearer("coordinator"))  # fmt: skip

    assert_error(confirm(client, "ann@example.org"), 409, "signing_closed")
    assert db.session.scalar(select(Signature.status)) == "pending"
    assert signatures(client, public_id, bearer("member"))["count"] == 0


def test_the_list_of_a_members_only_version_is_for_members(client, bearer, members_id):
    assert_error(client.get(url(members_id)), 401)
    assert_error(client.get(url(members_id), headers=bearer("outsider")), 404)
    assert signatures(client, members_id, bearer("member"))["count"] == 0


# --- sessions, rate limits ------------------------------------------------------------------


def test_a_browser_session_signs_with_its_csrf_token(client, team, members_id, csrf_on):
    token = log_in_with_csrf(client, team.member)

    refused = client.post(url(members_id), json={"consent_public": False})
    signed = client.post(url(members_id), json={"consent_public": False},
                         headers={"X-CSRFToken": token})  # fmt: skip

    assert_error(refused, 400, "csrf_failed")
    assert signed.status_code == 201


def test_an_email_address_can_be_used_three_times_an_hour(make_client, public_id):
    replies = [
        sign_publicly(make_client(f"10.0.0.{n}"), public_id, "sam@example.org") for n in range(1, 5)
    ]

    assert [r.status_code for r in replies] == [202, 202, 202, 429]
    assert_error(replies[-1], 429)
    # Told to wait for the hour's window to end, not a made-up minute.
    assert 60 < int(replies[-1].headers["Retry-After"]) <= 3600
    assert "X-RateLimit-Remaining" not in replies[0].headers
    assert len(mails_to("sam@example.org")) == 3


def test_one_client_address_can_sign_twenty_times_a_minute(client, make_client, public_id):
    replies = [sign_publicly(client, public_id, f"person{n}@example.org") for n in range(21)]

    assert [r.status_code for r in replies[:20]] == [202] * 20
    assert_error(replies[20], 429)
    assert int(replies[20].headers["Retry-After"]) > 0
    assert _count_rows() == 20
    # Another address is not held back.
    assert sign_publicly(make_client("10.0.0.2"), public_id, "x@example.org").status_code == 202


def _counting_in_the_shared_storage() -> bool:
    """Whether the limiter counts in its configured storage (Redis in production; memory in
    these tests), not in the per-process memory it falls back to when it takes the storage
    for dead."""
    return limiter.limiter.storage is limiter.storage


def test_deeply_nested_json_is_a_400_and_still_counted_by_the_shared_limit(client, public_id):
    deep = client.post(url(public_id), data=b"[" * 100_000, content_type="application/json")

    assert "nested" in assert_error(deep, 400)["message"]
    assert _counting_in_the_shared_storage()
    # The nested request was one of the address's twenty a minute.
    replies = [sign_publicly(client, public_id, f"person{n}@example.org") for n in range(20)]
    assert [r.status_code for r in replies[:19]] == [202] * 19
    assert_error(replies[19], 429)
    assert _counting_in_the_shared_storage()


def test_an_address_that_is_not_valid_unicode_is_a_422_and_keeps_the_shared_storage(
    client, public_id
):
    # JSON may spell a lone surrogate; the per-address limit hashes the address it is given.
    reply = sign_publicly(client, public_id, "\udfff@example.org")

    assert_error(reply, 422)
    assert _counting_in_the_shared_storage()


def test_a_failing_rate_limit_key_counts_by_address_and_keeps_the_shared_storage(
    client, public_id, monkeypatch
):
    def broken(_email: str) -> str:
        raise RuntimeError("a bug in a key function")

    monkeypatch.setattr("consult.api.signing.normalise_email", broken)

    replies = [sign_publicly(client, public_id, f"person{n}@example.org") for n in range(21)]

    assert all(reply.status_code < 500 for reply in replies[:20])
    assert_error(replies[20], 429)  # still limited, per address
    assert _counting_in_the_shared_storage()


def test_a_failing_exemption_test_applies_the_limit_and_keeps_the_shared_storage(
    client, public_id, monkeypatch
):
    def broken() -> bool:
        raise RuntimeError("a bug in an exemption test")

    monkeypatch.setattr("consult.api.signing._is_public_signing", broken)

    replies = [sign_publicly(client, public_id, f"person{n}@example.org") for n in range(21)]

    assert [reply.status_code for reply in replies[:20]] == [202] * 20
    assert_error(replies[20], 429)
    assert _counting_in_the_shared_storage()


def test_members_signing_with_a_token_are_not_held_by_the_public_limits(client, bearer, public_id):
    for n in range(20):
        sign_publicly(client, public_id, f"person{n}@example.org")

    reply = client.post(url(public_id), json={"consent_public": False}, headers=bearer("member"))

    assert reply.status_code == 201
