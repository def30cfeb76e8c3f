"""Signing rules: freezing versions, opening signing, member, organisational and public
signatures with consent records, confirmation, withdrawal, verification and lists.

Counts are always derived from signature rows with status "confirmed"; each signer has one row
per version (a unique constraint), so repeated or concurrent requests cannot double-count."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import String, and_, bindparam, cast, delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached

from consult.accounts.models import User
from consult.accounts.services import normalise_email
from consult.audit.services import record
from consult.consultations.models import Consultation
from consult.drafting.models import Response
from consult.drafting.services import live_sections
from consult.errors import DomainError
from consult.extensions import db
from consult.links import public_url
from consult.mail import send_email, send_emails, shorten
from consult.organisations.models import Membership, Organisation
from consult.organisations.permissions import can
from consult.organisations.services import NotAllowed, membership_of
from consult.signing import consent
from consult.signing.models import ConsentRecord, ResignInvitation, Signature, Version
from consult.timeutil import isoformat, uk_time, utcnow
from consult.tokens import hash_token, new_token

UNCONFIRMED_LIFETIME = timedelta(days=7)
# The coordinator's chart counts signatures by UK day, not UTC day (an evening signature in
# British Summer Time belongs to that evening's date).
CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class SigningError(DomainError):
    """A rule was broken; the message is safe to show to the person."""


class LinkNotValid(SigningError):
    """A confirmation link that names no pending signature: unknown, or already used."""


class LinkExpired(SigningError):
    """A confirmation link older than UNCONFIRMED_LIFETIME: the signer must sign again."""


class SigningClosed(SigningError):
    """A confirmation link followed after signing closed (or stopped being public): the
    signature stays pending, uncounted, and is purged with the other unconfirmed ones."""


# --- versions -------------------------------------------------------------------------------


def canonical_content(response: Response, number: int, frozen_at: datetime) -> dict:
    """What a version is: the words people sign, and who and what they answer."""
    return {
        "format": "consult-version/1",
        "response": {"id": response.id, "title": response.title},
        "organisation": {
            "slug": response.organisation.slug,
            "name": response.organisation.name,
        },
        "consultation": {
            "slug": response.consultation.slug,
            "title": response.consultation.title,
            "publisher": response.consultation.publisher,
        },
        "version": number,
        "frozen_at": isoformat(frozen_at),
        "sections": [
            {
                "kind": section.kind,
                "number": section.number,
                "title": section.title,
                "choice": section.choice,
                "body": section.body,
            }
            for section in live_sections(response)
        ],
    }


def canonical_bytes(content: dict) -> bytes:
    """Exactly the bytes API.md defines; their SHA-256 is the fingerprint."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def _require_coordinator(membership: Membership, response: Response, action: str) -> None:
    if not can(membership, "freeze") or membership.organisation_id != response.organisation_id:
        raise NotAllowed(f"Only owners and coordinators can {action}.")


def freeze(membership: Membership, response: Response, note: str = "") -> Version:
    """Freeze the response as it is now into a new, numbered, fingerprinted version."""
    _require_coordinator(membership, response, "freeze a version")
    # Two coordinators freezing at the same moment must not both take the next number: the
    # response's row lock (PostgreSQL) makes them queue. SQLite has no row locks; there the
    # unique (response, number) constraint refuses the second one, which may simply retry.
    db.session.execute(select(Response.id).where(Response.id == response.id).with_for_update())
    number = (
        db.session.scalar(
            select(func.max(Version.number)).where(Version.response_id == response.id)
        )
        or 0
    ) + 1
    frozen_at = utcnow().replace(microsecond=0)
    content = canonical_content(response, number, frozen_at)
    data = canonical_bytes(content)
    version = Version(
        response_id=response.id,
        number=number,
        sha256=hashlib.sha256(data).hexdigest(),
        content=data.decode("utf-8"),
        title=content["response"]["title"],
        note=note.strip()[:500],
        created_by_id=membership.user_id,
        created_at=frozen_at,
        partner_link_nonce=secrets.token_hex(8),
    )
    db.session.add(version)
    db.session.flush()
    record(
        "version.frozen",
        actor=membership.user,
        organisation=response.organisation,
        subject=version,
        number=number,
        sha256=version.sha256,
    )
    return version


def content_of(version: Version) -> dict:
    return json.loads(version.content)


def versions_of(response: Response) -> list[Version]:
    return list(
        db.session.scalars(
            select(Version)
            .where(Version.response_id == response.id)
            .order_by(Version.number.desc())
        )
    )


def _publicly_visible_versions():
    """The condition of publicly_visible() in SQL."""
    return and_(Version.signing_public.is_(True), Version.signing_opened_at.is_not(None))


def previous_version(version: Version, *, public_only: bool = False) -> Version | None:
    """The latest version frozen before this one; for a viewer from outside the organisation
    (`public_only`), the latest earlier one that was itself opened to the public, since the
    others (members-only, or never opened) are not theirs to read, nor to compare with."""
    query = select(Version).where(
        Version.response_id == version.response_id, Version.number < version.number
    )
    if public_only:
        query = query.where(_publicly_visible_versions())
    return db.session.scalar(query.order_by(Version.number.desc()).limit(1))


# --- opening signing ------------------------------------------------------------------------


def is_open(version: Version, now: datetime | None = None) -> bool:
    if not version.signing_open:
        return False
    return version.signing_closes_at is None or (now or utcnow()) < version.signing_closes_at


def publicly_visible(version: Version) -> bool:
    """May anyone read the version, its consent statement and its public list of signatories?
    Yes once it has been opened for public signing, also after signing closed (what people
    signed stays readable); no while it is members-only or was never opened."""
    return version.signing_public and version.signing_opened_at is not None


def open_signing(
    membership: Membership, version: Version, public: bool, closes_at: datetime | None
) -> None:
    """Open (or change) signing. The first opening makes the fingerprint verifiable; each
    opening invites the earlier versions' signers who may sign now and were not invited yet
    (members-only first, the public if and when it opens to the public)."""
    response = version.response
    _require_coordinator(membership, response, "open signing")
    if closes_at is not None and closes_at <= utcnow():
        raise SigningError("The closing time must be in the future.")
    # Two coordinators opening at once queue on the version's row lock (PostgreSQL); the
    # invitations' unique (version, invitee) constraint keeps each one to a single e-mail.
    db.session.execute(select(Version.id).where(Version.id == version.id).with_for_update())
    db.session.refresh(version, ["signing_opened_at"])
    version.signing_open = True
    version.signing_public = public
    version.signing_closes_at = closes_at
    version.signing_opened_at = version.signing_opened_at or utcnow()
    version.published_at = version.published_at or utcnow()
    record(
        "signing.opened",
        actor=membership.user,
        organisation=response.organisation,
        subject=version,
        public=public,
    )
    _invite_earlier_signers(version)


def close_signing(membership: Membership, version: Version) -> None:
    _require_coordinator(membership, version.response, "close signing")
    version.signing_open = False
    record(
        "signing.closed",
        actor=membership.user,
        organisation=version.response.organisation,
        subject=version,
    )


def _earlier_signers(version: Version):
    """The confirmed signers of earlier versions who may sign `version` now, newest version
    first. Public signing: all of them. Members-only: the lead organisation's current members
    and the co-signing organisations (whose owners and coordinators sign with the partner
    link); public signers wait until the version is opened to the public."""
    query = (
        select(Signature.kind, Signature.email, Signature.name, Signature.organisation_id)
        .join(Version, Signature.version_id == Version.id)
        .where(
            Version.response_id == version.response_id,
            Version.number < version.number,
            Signature.status == "confirmed",
            Signature.email.is_not(None),
        )
        .order_by(Version.number.desc(), Signature.id)
    )
    if not version.signing_public:
        members = select(Membership.user_id).where(
            Membership.organisation_id == version.response.organisation_id
        )
        query = query.where(
            or_(
                and_(Signature.kind == "organisation", Signature.organisation_id.is_not(None)),
                and_(Signature.kind == "member", Signature.user_id.in_(members)),
            )
        )
    return db.session.execute(query)


def _invitee(kind: str, email: str, organisation_id: int | None) -> str:
    """Who is invited: an organisation once (whoever signed for it), a person once per
    address (however many earlier versions they signed, and in which capacity)."""
    if kind == "organisation" and organisation_id is not None:
        return hash_token(f"organisation:{organisation_id}")
    return hash_token(f"email:{normalise_email(email)}")


def _invite_earlier_signers(version: Version) -> int:
    """E-mail the earlier signers who may sign this version now (see _earlier_signers) and were
    not invited to it yet, with a link showing what changed (organisations: their partner
    link). Returns how many were invited.

    Made for thousands of signers: one query, one INSERT ... ON CONFLICT DO NOTHING RETURNING
    for the invitations (which also tells, under concurrency, who is new), and the e-mails
    into the outbox in one batch."""
    invitees: dict[str, tuple] = {}
    for row in _earlier_signers(version):
        invitees.setdefault(_invitee(row.kind, row.email, row.organisation_id), row)
    if not invitees:
        return 0
    now = utcnow()
    inserted = db.session.execute(
        _upsert(ResignInvitation)
        .on_conflict_do_nothing(index_elements=["version_id", "invitee_hash"])
        .returning(ResignInvitation.invitee_hash),
        [{"version_id": version.id, "invitee_hash": key, "created_at": now} for key in invitees],
    )
    new = {key for (key,) in inserted}
    if not new:
        return 0
    response = version.response
    subject = f"A new version of “{subject_title(version)}” is open for signing"
    changes_url = public_url("signing.changes", version_id=version.id)
    partner_url = public_url("signing.partner", version_id=version.id, token=partner_token(version))
    template = current_app.jinja_env.get_template("mail/resign.txt")
    messages = []
    for key in new:
        kind, email, name, _organisation_id = invitees[key]
        body = template.render(
            name=name,
            for_organisation=kind == "organisation",
            version=version,
            response=response,
            url=partner_url if kind == "organisation" else changes_url,
            changes_url=changes_url if version.signing_public else None,
        )
        messages.append((email, subject, body))
    send_emails(messages)
    record(
        "signing.resign_invited",
        organisation=response.organisation,
        subject=version,
        invited=len(new),
        public=version.signing_public,
    )
    return len(new)


# A title quoted in an e-mail's subject is cut to this many characters (the body has it whole):
# a subject is read in a list of e-mails, and must fit the outbox's column.
SUBJECT_TITLE_LENGTH = 80


def subject_title(version: Version) -> str:
    """The version's frozen title as an e-mail subject quotes it (shortened at a word)."""
    return shorten(version.title, SUBJECT_TITLE_LENGTH)


def _render_mail(template: str, **context) -> str:
    """An e-mail's text. Not render_template: its context processors are for pages (the
    header's organisations, read from the database for a logged-in visitor), which a
    coordinator opening signing would otherwise pay for once per earlier signer."""
    return current_app.jinja_env.get_template(template).render(**context)


# --- signatures -----------------------------------------------------------------------------


def _consent(
    signature: Signature, action: str, method: str, statement_version: str | None = None
) -> None:
    """Append a consent record. Giving consent records the statement shown (its version,
    `statement_version`); confirming and withdrawing refer to that same statement, copied
    from the signer's latest "given" record, not to whatever statement is current now."""
    shown = None
    if statement_version is None:
        shown = db.session.execute(
            select(ConsentRecord.statement_version, ConsentRecord.statement)
            .where(ConsentRecord.signature_id == signature.id, ConsentRecord.action == "given")
            .order_by(ConsentRecord.id.desc())
            .limit(1)
        ).first()
    if shown is None:
        response = signature.version.response
        version = statement_version or consent.CURRENT_VERSION
        shown = (
            version,
            consent.statement(response.organisation.name, response.consultation.title, version),
        )
    db.session.execute(
        _INSERT_CONSENT_RECORD,
        {
            "signature_id": signature.id,
            "action": action,
            "method": method,
            "statement_version": shown[0],
            "statement": shown[1],
            "consent_public": signature.consent_public,
            "created_at": utcnow(),
        },
    )


# Statements of the public signing path, built once (building and keying a statement costs
# more than running it): a plain INSERT for the append-only consent records, and the
# signature's INSERT ... ON CONFLICT DO NOTHING RETURNING in each database's dialect.
_INSERT_CONSENT_RECORD = ConsentRecord.__table__.insert()
_UPSERT_DIALECTS = {"postgresql": postgresql, "sqlite": sqlite}
_INSERT_SIGNATURE = {
    name: dialect.insert(Signature.__table__)
    .on_conflict_do_nothing(index_elements=["version_id", "signer_key"])
    .returning(Signature.__table__.c.id)
    for name, dialect in _UPSERT_DIALECTS.items()
}
_SIGNATURE_COLUMNS = [column.key for column in Signature.__table__.c if column.key != "id"]


def _upsert(model):
    """INSERT with ON CONFLICT for the database in use (both speak it, with RETURNING)."""
    return _UPSERT_DIALECTS[db.session.get_bind().dialect.name].insert(model)


_EXISTING_SIGNATURE = (
    select(Signature)
    .where(
        Signature.version_id == bindparam("version_id"),
        Signature.signer_key == bindparam("signer_key"),
    )
    .with_for_update()
    .execution_options(populate_existing=True)
)


def _insert_or_existing(values: dict) -> tuple[Signature, bool]:
    """Insert the signature, or return (locked) the row that the (version, signer) unique
    constraint says already exists. Returns (row, created).

    One INSERT ... ON CONFLICT DO NOTHING rather than an insert inside a savepoint: under a
    burst PostgreSQL makes the second insert wait for the first one's transaction and then
    does nothing, with no error to recover from; and on SQLite the driver's savepoint, when
    it was the first statement, committed the signature on its own at RELEASE, before its
    consent record, audit event and e-mail were written, so a failure after it left a
    signature without its consent record."""
    statement = _INSERT_SIGNATURE[db.session.get_bind().dialect.name]
    values = {column: values.get(column) for column in _SIGNATURE_COLUMNS}
    key = {"version_id": values["version_id"], "signer_key": values["signer_key"]}
    for _attempt in range(3):
        created_id = db.session.scalar(statement, values)
        if created_id is not None:
            # The row as inserted, every column known: an object for the session without
            # the ORM's insert machinery (a third of the public signing request's time).
            created = Signature(id=created_id, **values)
            make_transient_to_detached(created)
            db.session.add(created)
            return created, True
        existing = db.session.scalar(_EXISTING_SIGNATURE, key)
        if existing is not None:
            return existing, False
        # The conflicting row went away in between (purged or erased): insert again.
    raise SigningError("Your signature could not be recorded just now. Please try again.")


def _check_open(version: Version, public: bool) -> None:
    if not is_open(version):
        raise SigningError("Signing is closed for this version.")
    if public and not version.signing_public:
        raise SigningError("This version is open for signing by members only.")


def _clean(value: str | None, limit: int) -> str:
    return " ".join((value or "").split())[:limit]


# Built once, as they are on the public signing path: the account with an e-mail address
# (by the users' e-mail index), and a signer's pending or confirmed signature of a version,
# locked on PostgreSQL (by the unique (version, signer) index, never a scan of the version's
# signatures, which may be tens of thousands).
_USER_ID_BY_EMAIL = select(User.id).where(User.email == bindparam("email"))
_ACTIVE_SIGNATURE = (
    select(Signature)
    .where(
        Signature.version_id == bindparam("version_id"),
        Signature.signer_key == bindparam("signer_key"),
        Signature.status != "withdrawn",
    )
    .with_for_update()
)


def _active_signature(version: Version, signer_key: str) -> Signature | None:
    return db.session.scalar(
        _ACTIVE_SIGNATURE, {"version_id": version.id, "signer_key": signer_key}
    )


def _public_signature_of(version: Version, email: str) -> Signature | None:
    """The version's pending or confirmed public signature given with that address."""
    return _active_signature(version, f"email:{email}")


def _member_signature_of(version: Version, email: str) -> Signature | None:
    """The version's pending or confirmed signature by the account with that address."""
    user_id = db.session.scalar(_USER_ID_BY_EMAIL, {"email": email})
    return None if user_id is None else _active_signature(version, f"user:{user_id}")


def sign_as_member(
    user: User,
    version: Version,
    display_name: str | None,
    affiliation: str | None,
    consent_public: bool,
    on_behalf_of: Organisation | None = None,
    method: str = "account",
) -> Signature:
    """A logged-in person signs (confirmed at once), or signs for an organisation they
    coordinate (a coalition co-signature). Signing twice changes nothing.

    Someone who already signed with the public form using their account's address has
    signed: that signature becomes their account's (confirmed now if it was pending, as the
    account proves the address) rather than a second one that would count them twice."""
    lead = version.response.organisation
    if on_behalf_of is None:
        if membership_of(user, lead) is None:
            _check_open(version, public=True)  # not a member: only when open to the public
        else:
            _check_open(version, public=False)
        kind, key = "member", f"user:{user.id}"
        name = _clean(display_name, 200) or user.name
        email = user.email
        by_form = _public_signature_of(version, normalise_email(user.email))
        if by_form is not None:
            return _adopt_public_signature(
                user, by_form, method, name, _clean(affiliation, 200), consent_public
            )
    else:
        _check_open(version, public=False)
        partner = membership_of(user, on_behalf_of)
        if not can(partner, "sign_for_organisation"):
            raise NotAllowed(
                "Only an owner or coordinator of that organisation can sign on its behalf."
            )
        if on_behalf_of.id == lead.id:
            raise SigningError(f"{lead.name} leads this response; it does not co-sign it.")
        kind, key = "organisation", f"organisation:{on_behalf_of.id}"
        name = on_behalf_of.name
        email = user.email
        consent_public = True  # an organisation's name on a coalition response is public
    signature, created = _insert_or_existing(
        {
            "version_id": version.id,
            "kind": kind,
            "signer_key": key,
            "user_id": user.id,
            "organisation_id": on_behalf_of.id if on_behalf_of else None,
            "name": name,
            "email": email,
            "affiliation": _clean(affiliation, 200),
            "consent_public": consent_public,
            "status": "confirmed",
            "created_at": utcnow(),
            "confirmed_at": utcnow(),
        }
    )
    if not created and signature.status == "confirmed":
        return signature
    if not created:  # withdrawn earlier: signing again
        signature.status = "confirmed"
        signature.confirmed_at = utcnow()
        signature.withdrawn_at = None
        signature.user_id = user.id
        signature.name = name
        signature.affiliation = _clean(affiliation, 200)
        signature.consent_public = consent_public
    db.session.flush()
    _consent(signature, "given", method, consent.CURRENT_VERSION)
    record(
        "signature.confirmed",
        actor=user,
        organisation=lead,
        subject=signature,
        kind=kind,
    )
    return signature


def _adopt_public_signature(
    user: User,
    signature: Signature,
    method: str,
    name: str,
    affiliation: str,
    consent_public: bool,
) -> Signature:
    """The account holder's own public signature (same address) stands for them. A confirmed
    one is kept as its owner confirmed it; a pending one was typed by whoever knew the address,
    so it takes the account holder's name and choices now, and their consent."""
    signature.user_id = user.id
    if signature.status == "pending":
        signature.status = "confirmed"
        signature.confirmed_at = utcnow()
        signature.confirm_token_hash = None
        signature.name = name
        signature.affiliation = affiliation
        signature.consent_public = consent_public
        db.session.flush()
        _consent(signature, "given", method, consent.CURRENT_VERSION)
        record(
            "signature.confirmed",
            actor=user,
            organisation=signature.version.response.organisation,
            subject=signature,
            kind="public",
        )
    db.session.flush()
    return signature


@dataclass(frozen=True)
class PublicSignResult:
    """What happened, for tests and logs; the person is always told the same thing."""

    signature: Signature
    outcome: str  # "new", "resent", "already_signed"


def sign_publicly(
    version: Version,
    name: str,
    email: str,
    affiliation: str | None,
    consent_public: bool,
    statement_version: str,
    method: str = "web form",
) -> PublicSignResult:
    """A member of the public signs: pending until they follow the e-mailed link.

    Whatever the address's state (new, pending, confirmed, withdrawn, or a member who signed
    from their account with it), the caller learns nothing: one row per address, and exactly
    one e-mail to the address, which only its owner reads."""
    _check_open(version, public=True)
    if statement_version != consent.CURRENT_VERSION:
        raise SigningError("The consent statement has changed. Please read it again and sign.")
    email = normalise_email(email)
    name = _clean(name, 200)
    if not name:
        raise SigningError("Give your name.")
    affiliation = _clean(affiliation, 200)
    response = version.response
    confirm_token, confirm_hash = new_token()
    manage_token, manage_hash = new_token()
    signature = _member_signature_of(version, email)
    created = False
    if signature is None:
        signature, created = _insert_or_existing(
            {
                "version_id": version.id,
                "kind": "public",
                "signer_key": f"email:{email}",
                "user_id": None,
                "organisation_id": None,
                "name": name,
                "email": email,
                "affiliation": affiliation,
                "consent_public": consent_public,
                "status": "pending",
                "confirm_token_hash": confirm_hash,
                "manage_token_hash": manage_hash,
                "created_at": utcnow(),
            }
        )
    if not created and signature.status == "confirmed":
        # The address's owner gets a fresh link to manage the signature they already gave.
        signature.manage_token_hash = manage_hash
        _mail_signer(signature, "already_signed", manage_token=manage_token)
        return PublicSignResult(signature, "already_signed")
    if not created:  # pending again, or signing again after withdrawing: fresh links
        signature.status = "pending"
        signature.name = name
        signature.affiliation = affiliation
        signature.consent_public = consent_public
        signature.confirm_token_hash = confirm_hash
        signature.manage_token_hash = manage_hash
        signature.created_at = utcnow()
        signature.confirmed_at = None
        signature.withdrawn_at = None
    _consent(signature, "given", method, statement_version)
    _mail_signer(signature, "confirm", confirm_token=confirm_token, manage_token=manage_token)
    record("signature.pending", organisation=response.organisation, subject=signature)
    return PublicSignResult(signature, "new" if created else "resent")


def _mail_signer(
    signature: Signature,
    template: str,
    confirm_token: str | None = None,
    manage_token: str | None = None,
) -> None:
    version = signature.version
    subjects = {
        "confirm": f"Confirm your signature on “{subject_title(version)}”",
        "already_signed": f"You have already signed “{subject_title(version)}”",
    }
    body = _render_mail(
        f"mail/signature_{template}.txt",
        signature=signature,
        response=version.response,
        version=version,
        confirm_url=public_url("signing.confirm", token=confirm_token) if confirm_token else None,
        manage_url=public_url("signing.manage", token=manage_token) if manage_token else None,
        hours=int(UNCONFIRMED_LIFETIME.total_seconds() // 3600),
    )
    assert signature.email is not None
    send_email(signature.email, subjects[template], body)


def _by_token(column, token: str, lock: bool = False) -> Signature | None:
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    query = select(Signature).where(column == hash_token(token))
    if lock:  # two clicks at once: the second waits, then finds the link used
        query = query.with_for_update()
    return db.session.scalar(query)


def confirm(token: str) -> Signature:
    """Double opt-in: the e-mailed link confirms a pending public signature (once)."""
    signature = _by_token(Signature.confirm_token_hash, token, lock=True)
    if signature is None:
        raise LinkNotValid("This link is not valid or has already been used.")
    if signature.status == "pending" and signature.created_at < utcnow() - UNCONFIRMED_LIFETIME:
        raise LinkExpired("This link has expired. Please sign again.")
    if signature.status == "withdrawn":
        raise SigningError("This signature was withdrawn. Please sign again.")
    if signature.status == "pending":
        version = signature.version
        if not is_open(version):
            raise SigningClosed(
                f"Signing of version {version.number} of “{version.title}” has "
                "closed, so your signature can no longer be confirmed and does not count. "
                "Your details will be deleted within 7 days."
            )
        if not version.signing_public:
            raise SigningClosed(
                "This version is now open for signing by members only, so your signature "
                "can no longer be confirmed and does not count. Your details will be deleted "
                "within 7 days."
            )
        signature.status = "confirmed"
        signature.confirmed_at = utcnow()
        signature.confirm_token_hash = None
        _consent(signature, "confirmed", "e-mail link")
        record(
            "signature.confirmed",
            organisation=signature.version.response.organisation,
            subject=signature,
            kind="public",
        )
    return signature


def signature_for_manage_token(token: str) -> Signature | None:
    return _by_token(Signature.manage_token_hash, token)


def withdraw(signature: Signature, method: str, actor: User | None = None) -> None:
    """Counted out at once. The row stays (status withdrawn) with its consent history."""
    if signature.status == "withdrawn":
        return
    signature.status = "withdrawn"
    signature.withdrawn_at = utcnow()
    signature.confirm_token_hash = None
    _consent(signature, "withdrawn", method)
    record(
        "signature.withdrawn",
        actor=actor,
        organisation=signature.version.response.organisation,
        subject=signature,
        method=method,
    )


def set_name_published(signature: Signature, publish: bool, method: str) -> bool:
    """The signer stops publishing their name and affiliation with the response, or allows
    it again, keeping their signature (counted either way). Recorded as consent is, against
    the statement they agreed to. Returns whether anything changed."""
    if signature.kind == "organisation":
        raise SigningError("An organisation's co-signature is always listed by its name.")
    if signature.status == "withdrawn":
        raise SigningError("This signature is withdrawn: it is not listed anywhere.")
    if signature.consent_public == publish:
        return False
    signature.consent_public = publish
    _consent(signature, "name_published" if publish else "name_unpublished", method)
    record(
        "signature.publication_changed",
        organisation=signature.version.response.organisation,
        subject=signature,
        published=publish,
        method=method,
    )
    return True


ERASED_NAME = "Erased signer"


def erase_public_signer(signature: Signature) -> None:
    """The public signer's right to erasure: withdraw (counted out at once), then drop what
    identifies them. The row and its consent records stay, so the history of consent and
    withdrawal can still be shown, but they no longer say who it was: the name, e-mail
    address and affiliation go, and so does the signer key (it held the e-mail address)."""
    withdraw(signature, "e-mail link")
    if signature.email and signature.kind != "organisation":
        # The record that they were invited to sign again is keyed by their address (hashed):
        # it goes too.
        db.session.execute(
            delete(ResignInvitation).where(
                ResignInvitation.invitee_hash == _invitee(signature.kind, signature.email, None)
            )
        )
    signature.name = ERASED_NAME
    signature.email = None
    signature.affiliation = ""
    signature.consent_public = False
    signature.signer_key = f"erased:{signature.id}"
    signature.confirm_token_hash = None
    record(
        "signature.erased",
        organisation=signature.version.response.organisation,
        subject=signature,
    )
    db.session.flush()


def signatures_of_user(user: User) -> list[Signature]:
    return list(
        db.session.scalars(
            select(Signature)
            .where(Signature.user_id == user.id, Signature.status == "confirmed")
            .order_by(Signature.confirmed_at.desc())
        )
    )


# --- partner organisations' link ------------------------------------------------------------


def _partner_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="partner-link")


def partner_token(version: Version) -> str:
    """The secret part of the link partner organisations sign with: valid until replaced."""
    return _partner_serializer().dumps({"v": version.id, "n": version.partner_link_nonce})


def partner_token_valid(version: Version, token: str) -> bool:
    if not version.partner_link_nonce or len(token) > 300:
        return False
    try:
        data = _partner_serializer().loads(token)
    except BadData:
        return False
    return (
        isinstance(data, dict)
        and data.get("v") == version.id
        and isinstance(data.get("n"), str)
        and hmac.compare_digest(data["n"], version.partner_link_nonce)
    )


def replace_partner_link(membership: Membership, version: Version) -> None:
    """A new nonce: every partner link given out before stops working (a link forwarded too
    widely is revoked this way)."""
    _require_coordinator(membership, version.response, "replace the partner link")
    version.partner_link_nonce = secrets.token_hex(8)
    record(
        "signing.partner_link_replaced",
        actor=membership.user,
        organisation=version.response.organisation,
        subject=version,
    )


def organisation_signatures(version: Version, organisation_ids: list[int]) -> dict[int, Signature]:
    """The confirmed co-signatures of the version by these organisations, by organisation."""
    if not organisation_ids:
        return {}
    rows = db.session.scalars(
        select(Signature).where(
            Signature.version_id == version.id,
            Signature.kind == "organisation",
            Signature.status == "confirmed",
            Signature.organisation_id.in_(organisation_ids),
        )
    )
    return {signature.organisation_id: signature for signature in rows}


# --- counting, lists, verification ----------------------------------------------------------


def latest_version_after(version: Version, *, public_only: bool = False) -> Version | None:
    """The newest version of the same response frozen after this one, if any; for a viewer
    from outside the organisation (`public_only`), only one opened to the public: that a
    draft was frozen again is the organisation's business until it is published."""
    query = select(Version).where(
        Version.response_id == version.response_id, Version.number > version.number
    )
    if public_only:
        query = query.where(_publicly_visible_versions())
    return db.session.scalar(query.order_by(Version.number.desc()).limit(1))


def consent_history(signature: Signature) -> list[ConsentRecord]:
    """The signature's consent records, oldest first."""
    return list(
        db.session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.signature_id == signature.id)
            .order_by(ConsentRecord.created_at, ConsentRecord.id)
        )
    )


@dataclass(frozen=True)
class SignaturePage:
    """One page of the coordinator's list of signatures."""

    rows: list[Signature]
    total: int
    page: int
    pages: int


def signature_page(
    version: Version,
    *,
    kind: str | None = None,
    status: str | None = None,
    name: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> SignaturePage:
    """The version's signatures, newest first, filtered by kind, status and part of a name;
    a page past the end gives the last page."""
    query = select(Signature).where(Signature.version_id == version.id)
    if kind:
        query = query.where(Signature.kind == kind)
    if status:
        query = query.where(Signature.status == status)
    if name:
        query = query.where(func.lower(Signature.name).contains(name.lower(), autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = list(
        db.session.scalars(
            query.order_by(Signature.created_at.desc(), Signature.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    return SignaturePage(rows, total, page, pages)


def status_counts(version: Version) -> dict[str, int]:
    """How many of the version's signatures are pending, confirmed and withdrawn."""
    return dict(
        db.session.execute(
            select(Signature.status, func.count())
            .where(Signature.version_id == version.id)
            .group_by(Signature.status)
        ).all()
    )


def published_signatories(
    version: Version, page: int, per_page: int
) -> tuple[list[str], list[tuple[str, str]], bool]:
    """One page of the published signatories: co-signing organisations first, then the
    people who chose publication, each by name. Returns (organisations, [(name,
    affiliation)], whether there is a next page)."""
    rows = db.session.execute(
        select(Signature.kind, Signature.name, Signature.affiliation)
        .where(
            Signature.version_id == version.id,
            Signature.status == "confirmed",
            Signature.consent_public.is_(True),
        )
        .order_by((Signature.kind != "organisation"), func.lower(Signature.name), Signature.id)
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    ).all()
    more = len(rows) > per_page
    rows = rows[:per_page]
    organisations = [name for kind, name, _ in rows if kind == "organisation"]
    people = [(name, affiliation) for kind, name, affiliation in rows if kind != "organisation"]
    return organisations, people, more


def confirmed_count(version: Version) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Signature)
        .where(Signature.version_id == version.id, Signature.status == "confirmed")
    )


def public_lists(version: Version) -> tuple[list[str], list[tuple[str, str]]]:
    """(co-signing organisations, [(name, affiliation)] of individuals who chose publication)."""
    rows = db.session.execute(
        select(Signature.kind, Signature.name, Signature.affiliation)
        .where(
            Signature.version_id == version.id,
            Signature.status == "confirmed",
            Signature.consent_public.is_(True),
        )
        .order_by(func.lower(Signature.name), Signature.id)
    ).all()
    organisations = [name for kind, name, _ in rows if kind == "organisation"]
    people = [(name, affiliation) for kind, name, affiliation in rows if kind != "organisation"]
    return organisations, people


def mark_published(version: Version) -> None:
    """An exported copy carries the fingerprint: from now on the verification page answers
    for it (as it does once signing is opened), and shows its text (text_public)."""
    now = utcnow()
    version.published_at = version.published_at or now
    version.exported_at = version.exported_at or now


def text_public(version: Version) -> bool:
    """May someone who verifies the version's fingerprint read its text? Yes once it was
    opened for public signing (anyone could read it there) or exported (a copy went out, and
    whoever holds it can compare it with the original); never for a version only opened to
    members."""
    return publicly_visible(version) or version.exported_at is not None


def find_published(sha256: str) -> Version | None:
    """A version whose fingerprint may be confirmed publicly (exported or opened for signing)."""
    sha256 = sha256.strip().lower()
    if len(sha256) != 64 or any(char not in "0123456789abcdef" for char in sha256):
        return None
    return db.session.scalar(
        select(Version).where(Version.sha256 == sha256, Version.published_at.is_not(None))
    )


def london_date(moment: datetime) -> date:
    """The UK calendar day of a naive UTC time (GMT in winter, BST in summer)."""
    return uk_time(moment).date()


def daily_counts(version: Version) -> list[tuple[str, int]]:
    """Confirmed signatures per UK day (by confirmation time), for the coordinator's chart.

    The database counts per UTC hour ("YYYY-MM-DD HH", the same text on SQLite and
    PostgreSQL), and the hours are put into UK days here: the UK's offset from UTC is always
    whole hours, so this is exact, and it reads at most 24 rows a day however many signed."""
    hour = func.substr(cast(Signature.confirmed_at, String), 1, 13)
    rows = db.session.execute(
        select(hour, func.count())
        .where(
            Signature.version_id == version.id,
            Signature.status == "confirmed",
            Signature.confirmed_at.is_not(None),
        )
        .group_by(hour)
    ).all()
    days: dict[date, int] = {}
    for utc_hour, count in rows:
        day = london_date(datetime.strptime(utc_hour, "%Y-%m-%d %H"))
        days[day] = days.get(day, 0) + count
    return [(day.isoformat(), days[day]) for day in sorted(days)]


def csv_safe(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: make them plain text."""
    if value and value.startswith(CSV_FORMULA_PREFIXES):
        return "'" + value
    return value


def signatories_csv(version: Version, include_emails: bool) -> str:
    """Confirmed signatories. Names and affiliations only of those who consented to
    publication, unless the reader is a coordinator (include_emails), who sees all of them."""
    header = ["kind", "name", "affiliation", "publish_name", "confirmed_at"]
    if include_emails:
        header.insert(2, "email")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    rows = db.session.scalars(
        select(Signature)
        .where(Signature.version_id == version.id, Signature.status == "confirmed")
        .order_by(Signature.confirmed_at, Signature.id)
    )
    for signature in rows:
        if not include_emails and not signature.consent_public:
            continue
        row = [
            signature.kind,
            csv_safe(signature.name),
            csv_safe(signature.affiliation),
            "yes" if signature.consent_public else "no",
            isoformat(signature.confirmed_at),
        ]
        if include_emails:
            row.insert(2, csv_safe(signature.email or ""))
        writer.writerow(row)
    return out.getvalue()


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
