"""Public signatures: explicit consent, one per normalised e-mail address, the same answer
whatever the address's state (no enumeration), double opt-in with a 7-day link, purging of
unconfirmed signatures, withdrawal counted out at once, and signing again afterwards."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from consult.extensions import db
from consult.signing import services as signing
from consult.signing.models import ConsentRecord, Signature
from consult.timeutil import utcnow
from tests.signing.support import (
    all_mail_count,
    confirm_token,
    mails_to,
    membership,
    sign,
    sign_and_confirm,
    signatures_of,
    token_in,
)

# --- explicit consent -----------------------------------------------------------------------


@pytest.mark.parametrize("statement", ["", "2020-01", "true", "yes"])
def test_a_signature_needs_consent_to_the_current_statement(public_version, statement):
    with pytest.raises(signing.SigningError, match="consent statement"):
        sign(public_version, "sam@example.org", statement=statement)
    db.session.rollback()

    assert signatures_of(public_version) == []
    assert all_mail_count() == 0


def test_a_name_is_required(public_version):
    with pytest.raises(signing.SigningError, match="name"):
        sign(public_version, "sam@example.org", name="   ")


# --- one signature per address --------------------------------------------------------------


def test_addresses_differing_in_case_and_spaces_are_one_signature(public_version):
    first = sign(public_version, " Sam@Example.org ")
    second = sign(public_version, "sam@example.org")
    third = sign(public_version, "SAM@EXAMPLE.ORG\t")

    rows = signatures_of(public_version)
    assert len(rows) == 1
    assert rows[0].email == "sam@example.org"
    assert rows[0].signer_key == "email:sam@example.org"
    assert first.signature.id == second.signature.id == third.signature.id
    assert [first.outcome, second.outcome, third.outcome] == ["new", "resent", "resent"]
    assert len(mails_to("sam@example.org")) == 3


def test_confirmed_addresses_are_counted_once_however_written(public_version):
    sign_and_confirm(public_version, "Sam@Example.org")
    sign(public_version, " sam@example.ORG ")

    assert signing.confirmed_count(public_version) == 1
    assert len(signatures_of(public_version)) == 1


# --- no enumeration -------------------------------------------------------------------------


def _state(version, address: str, state: str) -> None:
    if state == "new":
        return
    if state in ("pending", "confirmed", "withdrawn"):
        sign(version, address)
    if state in ("confirmed", "withdrawn"):
        signing.confirm(confirm_token(address))
        db.session.commit()
    if state == "withdrawn":
        signature = db.session.scalar(select(Signature).where(Signature.email == address))
        signing.withdraw(signature, "e-mail link")
        db.session.commit()


@pytest.mark.parametrize("state", ["new", "pending", "confirmed", "withdrawn"])
def test_signing_looks_the_same_whatever_the_address_has_done(public_version, state):
    address = f"{state}@example.org"
    _state(public_version, address, state)
    mails_before = len(mails_to(address))

    result = sign(public_version, address.upper())

    # Whatever the state: no error, exactly one row, exactly one new e-mail to the address
    # (which only its owner reads), nothing to anyone else.
    assert isinstance(result, signing.PublicSignResult)
    assert len(signatures_of(public_version)) == 1
    assert len(mails_to(address)) == mails_before + 1
    assert all_mail_count() == mails_before + 1
    expected = {
        "new": ("new", "pending"),
        "pending": ("resent", "pending"),
        "confirmed": ("already_signed", "confirmed"),
        "withdrawn": ("resent", "pending"),
    }[state]
    assert (result.outcome, result.signature.status) == expected


def test_an_already_signed_address_gets_a_fresh_link_to_manage_its_signature(public_version):
    address = "sam@example.org"
    sign_and_confirm(public_version, address)
    old_manage = token_in(mails_to(address)[0], "manage")

    sign(public_version, address)

    mail = mails_to(address)[-1]
    assert "already signed" in mail.subject
    new_manage = token_in(mail, "manage")
    assert signing.signature_for_manage_token(new_manage) is not None
    assert signing.signature_for_manage_token(old_manage) is None
    assert "/signatures/confirm/" not in mail.body


# --- double opt-in --------------------------------------------------------------------------


def test_a_pending_signature_never_counts(public_version):
    sign(public_version, "sam@example.org", consent_public=True)

    assert signing.confirmed_count(public_version) == 0
    organisations, people = signing.public_lists(public_version)
    assert people == [] and organisations == []
    assert "Sam Signer" not in signing.signatories_csv(public_version, include_emails=True)


def test_the_emailed_link_confirms_once(public_version):
    sign(public_version, "sam@example.org")
    token = confirm_token("sam@example.org")

    signature = signing.confirm(token)
    db.session.commit()

    assert signature.status == "confirmed" and signature.confirmed_at is not None
    assert signing.confirmed_count(public_version) == 1
    with pytest.raises(signing.LinkNotValid):
        signing.confirm(token)
    assert signing.confirmed_count(public_version) == 1


@pytest.mark.parametrize("token", ["", "not-a-token", "x" * 500])
def test_a_made_up_link_confirms_nothing(public_version, token):
    sign(public_version, "sam@example.org")

    with pytest.raises(signing.LinkNotValid):
        signing.confirm(token)
    assert signing.confirmed_count(public_version) == 0


def test_signing_again_while_pending_replaces_the_link(public_version):
    sign(public_version, "sam@example.org")
    first = confirm_token("sam@example.org")
    sign(public_version, "sam@example.org")
    second = confirm_token("sam@example.org")

    with pytest.raises(signing.LinkNotValid):
        signing.confirm(first)
    signing.confirm(second)
    db.session.commit()
    assert signing.confirmed_count(public_version) == 1


def _age(signature_id: int, days: float) -> None:
    db.session.execute(
        update(Signature)
        .where(Signature.id == signature_id)
        .values(created_at=utcnow() - timedelta(days=days))
    )
    db.session.commit()


def test_a_link_older_than_seven_days_is_refused(public_version):
    result = sign(public_version, "sam@example.org")
    _age(result.signature.id, 7.01)

    with pytest.raises(signing.LinkExpired):
        signing.confirm(confirm_token("sam@example.org"))
    assert signing.confirmed_count(public_version) == 0


def test_a_link_just_under_seven_days_old_still_works(public_version):
    result = sign(public_version, "sam@example.org")
    _age(result.signature.id, 6.99)

    assert signing.confirm(confirm_token("sam@example.org")).status == "confirmed"


def test_purging_deletes_only_pending_signatures_older_than_seven_days(public_version):
    old_pending = sign(public_version, "old@example.org").signature.id
    sign(public_version, "new@example.org")
    _, old_confirmed = sign_and_confirm(public_version, "kept@example.org")
    _, old_withdrawn = sign_and_confirm(public_version, "gone@example.org")
    signing.withdraw(old_withdrawn, "e-mail link")
    db.session.commit()
    for signature_id in (old_pending, old_confirmed.id, old_withdrawn.id):
        _age(signature_id, 8)

    assert signing.purge_unconfirmed() == 1
    db.session.commit()

    left = {s.email for s in signatures_of(public_version)}
    assert left == {"new@example.org", "kept@example.org", "gone@example.org"}
    # Its consent records go with it (they only said who had not confirmed).
    assert (
        db.session.scalar(select(ConsentRecord).where(ConsentRecord.signature_id == old_pending))
        is None
    )
    assert signing.confirmed_count(public_version) == 1


def test_after_purging_the_address_can_sign_again(public_version):
    first = sign(public_version, "sam@example.org").signature.id
    _age(first, 8)
    signing.purge_unconfirmed()
    db.session.commit()

    result = sign(public_version, "sam@example.org")

    assert result.outcome == "new"  # (SQLite may give the new row the same id)
    assert len(signatures_of(public_version)) == 1


# --- withdrawal -----------------------------------------------------------------------------


def test_withdrawing_counts_the_signature_out_at_once_and_keeps_the_row(public_version):
    _, signature = sign_and_confirm(public_version, "sam@example.org", consent_public=True)
    assert signing.confirmed_count(public_version) == 1
    manage = token_in(mails_to("sam@example.org")[0], "manage")

    signing.withdraw(signing.signature_for_manage_token(manage), "e-mail link")
    db.session.commit()

    assert signing.confirmed_count(public_version) == 0
    assert signing.public_lists(public_version) == ([], [])
    assert signature.status == "withdrawn" and signature.withdrawn_at is not None
    assert len(signatures_of(public_version)) == 1
    # Withdrawing twice changes nothing.
    signing.withdraw(signature, "e-mail link")
    assert signing.confirmed_count(public_version) == 0


def test_a_withdrawn_signature_cannot_be_confirmed_by_its_old_link(public_version):
    sign(public_version, "sam@example.org")
    token = confirm_token("sam@example.org")
    signature = signatures_of(public_version)[0]
    signing.withdraw(signature, "e-mail link")
    db.session.commit()

    with pytest.raises(signing.SigningError):
        signing.confirm(token)
    assert signing.confirmed_count(public_version) == 0


def test_signing_again_after_withdrawing_needs_a_new_confirmation(public_version):
    _, signature = sign_and_confirm(public_version, "sam@example.org")
    signing.withdraw(signature, "e-mail link")
    db.session.commit()

    again = sign(public_version, "sam@example.org", name="Sam Again", consent_public=True)

    assert again.signature.id == signature.id  # still one row for the address
    assert again.signature.status == "pending"
    assert signing.confirmed_count(public_version) == 0
    signing.confirm(confirm_token("sam@example.org"))
    db.session.commit()
    assert signing.confirmed_count(public_version) == 1
    assert signing.public_lists(public_version) == ([], [("Sam Again", "")])


# --- open, closed, members only -------------------------------------------------------------


def test_public_signing_needs_a_version_open_to_the_public(version, members_version):
    with pytest.raises(signing.SigningError, match="members only"):
        sign(members_version, "sam@example.org")


def test_nobody_signs_before_opening_or_after_closing(team, version):
    with pytest.raises(signing.SigningError, match="closed"):
        sign(version, "sam@example.org")
    coordinator = membership(team.coordinator, team.organisation)
    signing.open_signing(coordinator, version, True, None)
    signing.close_signing(coordinator, version)
    db.session.commit()

    with pytest.raises(signing.SigningError, match="closed"):
        sign(version, "sam@example.org")


def test_signing_closes_by_itself_at_the_closing_time(team, version):
    coordinator = membership(team.coordinator, team.organisation)
    signing.open_signing(coordinator, version, True, utcnow() + timedelta(hours=1))
    db.session.commit()
    assert signing.is_open(version)

    assert not signing.is_open(version, now=utcnow() + timedelta(hours=2))
    with pytest.raises(signing.SigningError, match="future"):
        signing.open_signing(coordinator, version, True, utcnow() - timedelta(minutes=1))


# --- all or nothing -------------------------------------------------------------------------


def test_a_failure_after_the_insert_leaves_no_signature_behind(public_version, monkeypatch):
    """The signature, its consent record, the audit event and the e-mail commit together.
    (On SQLite the savepoint formerly used committed the signature on its own.)"""

    def broken_mail(*_args, **_kwargs):
        raise RuntimeError("mail template broke")

    monkeypatch.setattr("consult.signing.services.signatures._mail_signer", broken_mail)
    with pytest.raises(RuntimeError):
        signing.sign_publicly(public_version, "Sam", "sam@example.org", None, False, "2026-11")
    db.session.rollback()

    assert signatures_of(public_version) == []
    assert db.session.scalar(select(ConsentRecord)) is None


# --- confirming after signing closed ---------------------------------------------------------


@pytest.mark.parametrize("change", ["closed", "members_only", "closing_time_passed"])
def test_a_link_followed_after_public_signing_ended_confirms_nothing_and_keeps_it_pending(
    team, public_version, change
):
    pending = sign(public_version, "sam@example.org").signature
    coordinator = membership(team.coordinator, team.organisation)
    if change == "closed":
        signing.close_signing(coordinator, public_version)
    elif change == "members_only":
        signing.open_signing(coordinator, public_version, False, None)
    else:
        public_version.signing_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    with pytest.raises(signing.SigningClosed, match="can no longer be confirmed"):
        signing.confirm(confirm_token("sam@example.org"))
    db.session.rollback()

    assert db.session.get(Signature, pending.id).status == "pending"
    assert signing.confirmed_count(public_version) == 0
