"""Consent records: who consented, when, how, to exactly which statement (version and text),
and their withdrawal, for every kind of signature (UK GDPR Art. 7(1), Art. 9(2)(a))."""

from __future__ import annotations

from consult.extensions import db
from consult.signing import consent
from consult.signing import services as signing
from tests.signing.support import consent_records, sign, sign_and_confirm


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
