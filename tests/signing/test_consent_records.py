"""Consent records: who consented, when, how, to exactly which statement (version and text),
and their withdrawal, for every kind of signature (UK GDPR Art. 7(1), Art. 9(2)(a))."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from consult.extensions import db
from consult.signing import consent
from consult.signing import services as signing
from consult.signing.models import ConsentRecord, Signature
from consult.timeutil import utcnow
from tests.signing.support import confirm_token, consent_records, sign, sign_and_confirm


def test_a_public_signature_records_consent_given_confirmed_and_withdrawn(team, public_version):
    _, signature = sign_and_confirm(public_version, "sam@example.org", consent_public=True)
    signing.withdraw(signature, "e-mail link")
    db.session.commit()

    records = consent_records(signature)

    assert [(r.action, r.method) for r in records] == [
        ("given", "web form"),
        ("confirmed", "e-mail link"),
        ("withdrawn", "e-mail link"),
    ]
    statement = consent.statement(
        team.organisation.name, public_version.response.consultation.title
    )
    for record in records:
        assert record.statement_version == consent.CURRENT_VERSION
        assert record.statement == statement
        assert record.created_at is not None
        assert record.consent_public is True
    assert team.organisation.name in statement
    assert "political opinion" in statement
    assert "withdraw" in statement


def test_the_statement_names_the_lead_organisation_and_the_consultation(public_version):
    response = public_version.response
    text = consent.statement(response.organisation.name, response.consultation.title)

    assert response.organisation.name in text and response.consultation.title in text


def test_each_attempt_records_the_consent_then_given(public_version):
    sign(public_version, "sam@example.org", consent_public=False)
    result = sign(public_version, "sam@example.org", consent_public=True)

    records = consent_records(result.signature)
    assert [(r.action, r.consent_public) for r in records] == [("given", False), ("given", True)]


def test_member_signatures_record_how_they_were_given(team, members_version):
    by_page = signing.sign_as_member(team.member, members_version, None, None, False)
    by_api = signing.sign_as_member(team.editor, members_version, None, None, True, method="api")
    db.session.commit()

    assert [(r.action, r.method) for r in consent_records(by_page)] == [("given", "account")]
    assert [(r.action, r.method) for r in consent_records(by_api)] == [("given", "api")]


def test_the_record_keeps_the_text_shown_even_if_the_organisation_is_renamed(team, public_version):
    _, signature = sign_and_confirm(public_version, "sam@example.org")
    shown = consent_records(signature)[0].statement
    team.organisation.name = "Renamed Group"
    db.session.commit()

    assert consent_records(signature)[0].statement == shown
    assert "Renamed Group" not in shown


# --- the statement shown stays the statement recorded ----------------------------------------


@pytest.fixture
def newer_statement(monkeypatch):
    """A new consent statement comes into use (after some people signed under the old one)."""

    def publish() -> str:
        texts = dict(consent._STATEMENTS)
        texts["2099-01"] = "A newer statement for {organisation} and “{consultation}”."
        monkeypatch.setattr(consent, "_STATEMENTS", texts)
        monkeypatch.setattr(consent, "CURRENT_VERSION", "2099-01")
        return "2099-01"

    return publish


def test_confirming_records_the_statement_shown_when_signing_not_a_newer_one(
    team, public_version, newer_statement
):
    sign(public_version, "sam@example.org")
    newer_statement()

    signature = signing.confirm(confirm_token("sam@example.org"))
    db.session.commit()

    given, confirmed = consent_records(signature)
    assert given.statement_version == "2026-11"
    assert (confirmed.statement_version, confirmed.statement) == (
        given.statement_version,
        given.statement,
    )


def test_withdrawing_records_the_statement_consented_to_even_after_renaming_and_a_new_one(
    team, public_version, newer_statement
):
    _, public = sign_and_confirm(public_version, "sam@example.org")
    member = signing.sign_as_member(team.member, public_version, None, None, False)
    db.session.commit()
    team.organisation.name = "Renamed Group"
    newer_statement()

    signing.withdraw(public, "e-mail link")
    signing.withdraw(member, "account")
    db.session.commit()

    for signature in (public, member):
        records = consent_records(signature)
        assert records[-1].action == "withdrawn"
        assert records[-1].statement_version == "2026-11"
        assert records[-1].statement == records[0].statement
        assert "Renamed Group" not in records[-1].statement


# --- purging lapsed attempts keeps the history of what was consented -------------------------


def consent_records_of(signature_id: int) -> list[ConsentRecord]:
    return list(
        db.session.scalars(select(ConsentRecord).where(ConsentRecord.signature_id == signature_id))
    )


def _age(signature: Signature, days: float) -> None:
    db.session.execute(
        update(Signature)
        .where(Signature.id == signature.id)
        .values(created_at=utcnow() - timedelta(days=days))
    )
    db.session.commit()


def test_purging_a_lapsed_new_attempt_keeps_the_earlier_consent_history(public_version):
    _, signature = sign_and_confirm(public_version, "sam@example.org")
    signing.withdraw(signature, "e-mail link")
    db.session.commit()
    sign(public_version, "sam@example.org")  # signing again, never confirmed
    _age(signature, 8)

    assert signing.purge_unconfirmed(utcnow()) == 1
    db.session.commit()
    db.session.expire_all()

    kept = db.session.get(Signature, signature.id)
    assert kept is not None and kept.status == "withdrawn"
    records = consent_records(kept)
    assert [r.action for r in records] == ["given", "confirmed", "withdrawn", "given"]
    assert kept.withdrawn_at == records[2].created_at  # withdrawn as it was
    assert kept.confirm_token_hash is None
    assert signing.confirmed_count(public_version) == 0
    # The address can still sign again, and the history stays with the one row.
    sign_and_confirm(public_version, "sam@example.org")
    assert signing.confirmed_count(public_version) == 1
    assert len(consent_records(kept)) == 6


def test_purging_still_deletes_signatures_never_confirmed(public_version):
    never = sign(public_version, "never@example.org").signature
    never_id = never.id
    _age(never, 8)

    assert signing.purge_unconfirmed(utcnow()) == 1
    db.session.commit()
    db.session.expunge_all()

    assert db.session.get(Signature, never_id) is None
    assert consent_records_of(never_id) == []
