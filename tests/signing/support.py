"""Helpers for the signing service and API tests: short calls for signing, and the links in
the e-mails signers receive."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from consult.accounts.services import normalise_email
from consult.consultations.models import Consultation
from consult.extensions import db
from consult.mail import OutboxMessage
from consult.organisations.models import Membership
from consult.signing import consent
from consult.signing import services as signing
from consult.signing.models import ConsentRecord, Signature, Version

BUILTIN_SLUG = "facial-recognition-framework"


def builtin_consultation() -> Consultation:
    return db.session.scalar(select(Consultation).where(Consultation.slug == BUILTIN_SLUG))


def membership(user, organisation) -> Membership:
    return db.session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation.id
        )
    )


def sign(version: Version, email: str, name: str = "Sam Signer", **choices):
    """A public signature through the service, committed; returns the PublicSignResult."""
    result = signing.sign_publicly(
        version,
        name,
        email,
        choices.get("affiliation"),
        choices.get("consent_public", False),
        choices.get("statement", consent.CURRENT_VERSION),
    )
    db.session.commit()
    return result


def mails_to(address: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.to == address).order_by(OutboxMessage.id)
        )
    )


def all_mail_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def token_in(message: OutboxMessage, kind: str) -> str:
    """The token of the /signatures/<kind>/<token> link in an e-mail ("confirm" or "manage")."""
    match = re.search(rf"/signatures/{kind}/([A-Za-z0-9_\-]+)", message.body)
    assert match, f"no {kind} link in: {message.body}"
    return match.group(1)


def confirm_token(address: str) -> str:
    """The confirmation token from the newest e-mail to the address."""
    return token_in(mails_to(address)[-1], "confirm")


def sign_and_confirm(version: Version, email: str, name: str = "Sam Signer", **choices):
    result = sign(version, email, name, **choices)
    signature = signing.confirm(confirm_token(normalise_email(email)))
    db.session.commit()
    return result, signature


def signatures_of(version: Version) -> list[Signature]:
    return list(
        db.session.scalars(
            select(Signature).where(Signature.version_id == version.id).order_by(Signature.id)
        )
    )


def consent_records(signature: Signature) -> list[ConsentRecord]:
    return list(
        db.session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.signature_id == signature.id)
            .order_by(ConsentRecord.id)
        )
    )


# --- the JSON API ---------------------------------------------------------------------------


def api_freeze(client, headers, response_id: int, note: str | None = None) -> dict:
    body = {} if note is None else {"note": note}
    reply = client.post(f"/api/v1/responses/{response_id}/versions", json=body, headers=headers)
    assert reply.status_code == 201, reply.get_data(as_text=True)[:500]
    return reply.get_json()


def api_open(client, headers, version_id: int, public: bool = True, **more) -> dict:
    reply = client.post(
        f"/api/v1/versions/{version_id}/signing", json={"public": public, **more}, headers=headers
    )
    assert reply.status_code == 200, reply.get_data(as_text=True)[:500]
    return reply.get_json()


def public_body(email: str, **more) -> dict:
    """A complete public signature request."""
    return {
        "name": "Sam Signer",
        "email": email,
        "consent_public": False,
        "consent_statement": consent.CURRENT_VERSION,
        **more,
    }
