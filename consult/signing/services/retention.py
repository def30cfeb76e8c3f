"""How long signers' details are kept (UK GDPR storage limitation): unconfirmed public
signatures go after UNCONFIRMED_LIFETIME; once a version's signing and its consultation have
ended, individual signers are anonymised. The rows and their consent histories stay, so the
counts never change. consult/retention.py runs these with the app's other purges."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, select

from consult.consultations.models import Consultation
from consult.drafting.models import Response
from consult.extensions import db
from consult.signing.models import ConsentRecord, Signature, Version
from consult.signing.services.signatures import UNCONFIRMED_LIFETIME
from consult.timeutil import utcnow


def purge_unconfirmed(now: datetime | None = None) -> int:
    """Purge public signatures left unconfirmed for 7 days; returns how many.

    A signature that was never confirmed is deleted with its records. One that had been
    confirmed and withdrawn before its signer started signing again keeps its row and its
    consent history (the evidence of what was consented to, and of the withdrawal): only the
    lapsed attempt is undone, and it is withdrawn again as it was."""
    cutoff = (now or utcnow()) - UNCONFIRMED_LIFETIME
    stale = and_(Signature.status == "pending", Signature.created_at < cutoff)
    history = select(ConsentRecord.signature_id).where(
        ConsentRecord.action.in_(("confirmed", "withdrawn"))
    )
    last_withdrawal = (
        select(func.max(ConsentRecord.created_at))
        .where(ConsentRecord.signature_id == Signature.id, ConsentRecord.action == "withdrawn")
        .scalar_subquery()
    )
    lapsed = db.session.execute(
        db.update(Signature)
        .where(stale, Signature.id.in_(history))
        .values(
            status="withdrawn",
            withdrawn_at=func.coalesce(last_withdrawal, cutoff),
            confirm_token_hash=None,
        )
        .execution_options(synchronize_session=False)
    )
    deleted = db.session.execute(
        db.delete(Signature)
        .where(stale, Signature.id.not_in(history))
        .execution_options(synchronize_session=False)
    )
    return (lapsed.rowcount or 0) + (deleted.rowcount or 0)


ANONYMISED_NAME = "Anonymised signer"


def anonymise_ended_signatures(ended_before: datetime) -> int:
    """Storage limitation (UK GDPR): once a version's signing and its consultation both ended
    before `ended_before`, individual signers' names, e-mail addresses and affiliations go.
    The rows stay, with their status and consent history, so counts never change; an
    organisation's co-signature keeps the organisation's name but forgets who signed it for
    the organisation. A version still
    open for signing is never touched (its end is unknown or after `ended_before`), nor one
    whose consultation has no closing date and whose signing was closed by hand. Returns how
    many signatures were anonymised."""
    closes = Version.signing_closes_at
    signing_ended = db.or_(closes < ended_before, db.and_(~Version.signing_open, closes.is_(None)))
    consultation_ended = db.or_(
        Consultation.closes_at < ended_before,
        db.and_(Consultation.closes_at.is_(None), closes < ended_before),
    )
    ended_versions = (
        select(Version.id)
        .join(Response, Response.id == Version.response_id)
        .join(Consultation, Consultation.id == Response.consultation_id)
        .where(signing_ended, consultation_ended)
    )
    ended = (
        Signature.version_id.in_(ended_versions),
        Signature.status != "pending",  # purge_unconfirmed deletes those
    )
    people = db.session.execute(
        db.update(Signature)
        .where(
            *ended,
            Signature.kind != "organisation",
            ~Signature.signer_key.startswith("anonymised:"),
            ~Signature.signer_key.startswith("erased:"),
        )
        .values(
            name=ANONYMISED_NAME,
            email=None,
            affiliation="",
            consent_public=False,
            user_id=None,
            signer_key=db.literal("anonymised:").concat(db.cast(Signature.id, db.String)),
            confirm_token_hash=None,
            manage_token_hash=None,
        )
        .execution_options(synchronize_session=False)
    )
    organisations = db.session.execute(
        db.update(Signature)
        .where(
            *ended,
            Signature.kind == "organisation",
            db.or_(Signature.user_id.is_not(None), Signature.email.is_not(None)),
        )
        .values(email=None, user_id=None, confirm_token_hash=None, manage_token_hash=None)
        .execution_options(synchronize_session=False)
    )
    return (people.rowcount or 0) + (organisations.rowcount or 0)
