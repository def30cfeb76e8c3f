"""Signatures: members, organisations (co-signing for a coalition) and the public sign a
version, each with a consent record; the public confirms by an e-mailed link (double opt-in);
signers withdraw, stop or start publishing their name, and erase their details.

Counts are always derived from signature rows with status "confirmed"; each signer has one row
per version (a unique constraint), so repeated or concurrent requests cannot double-count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import String, bindparam, cast, delete, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached

from consult.accounts.models import User
from consult.accounts.services import normalise_email
from consult.audit.services import record
from consult.extensions import db
from consult.links import public_url
from consult.mail import send_email
from consult.organisations.models import Organisation
from consult.organisations.permissions import membership_of
from consult.organisations.services import NotAllowed
from consult.signing import consent, robots
from consult.signing.models import ConsentRecord, ResignInvitation, Signature, Version
from consult.signing.permissions import SigningTarget, can_sign_for, is_open
from consult.signing.services.errors import LinkExpired, LinkNotValid, SigningClosed, SigningError
from consult.signing.services.versions import invitee_key, subject_title
from consult.timeutil import utcnow
from consult.tokens import hash_token, new_token

# How long a public signer's confirmation link works; unconfirmed signatures are purged then.
UNCONFIRMED_LIFETIME = timedelta(days=7)
ERASED_NAME = "Erased signer"

# --- consent records ------------------------------------------------------------------------


def _consent(
    signature: Signature,
    action: str,
    method: str,
    statement_version: str | None = None,
    shown: tuple[str, str] | None = None,
) -> None:
    """Append a consent record. Giving consent records the statement shown (its version,
    `statement_version`, or `shown`: its version and text, as public signing has them already);
    confirming and withdrawing refer to that same statement, copied from the signer's latest
    "given" record, not to whatever statement is current now."""
    if shown is None and statement_version is None:
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
            consent.statement(response.organisation.name, response.subject.title, version),
        )
    db.session.connection().execute(
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


# --- signing --------------------------------------------------------------------------------


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
_SIGNATURES = Signature.__table__
_USER_ID_BY_EMAIL = select(User.id).where(User.email == bindparam("email"))
# The account with that e-mail address has a pending or confirmed signature of the version
# (by the users' e-mail index, then the unique (version, signer) index).
_MEMBER_SIGNED = select(Signature.signer_key).where(
    Signature.version_id == bindparam("version_id"),
    Signature.signer_key == literal("user:") + cast(_USER_ID_BY_EMAIL.scalar_subquery(), String),
    Signature.status != "withdrawn",
)
# A public signature's INSERT, which inserts nothing either when the address signed already
# (the unique key) or when its account did (_MEMBER_SIGNED): the question every public
# signature asks, and nearly always "no", answered in the same statement.
_INSERT_PUBLIC_SIGNATURE = {
    name: dialect.insert(_SIGNATURES)
    .from_select(
        _SIGNATURE_COLUMNS,
        select(
            *(bindparam(key, type_=_SIGNATURES.c[key].type) for key in _SIGNATURE_COLUMNS)
        ).where(~_MEMBER_SIGNED.exists()),
    )
    .on_conflict_do_nothing(index_elements=["version_id", "signer_key"])
    .returning(_SIGNATURES.c.id)
    for name, dialect in _UPSERT_DIALECTS.items()
}


_EXISTING_SIGNATURE = (
    select(Signature)
    .where(
        Signature.version_id == bindparam("version_id"),
        Signature.signer_key == bindparam("signer_key"),
    )
    .with_for_update()
    .execution_options(populate_existing=True)
)


def _insert_or_existing(values: dict, public: bool = False) -> tuple[Signature, bool]:
    """Insert the signature, or return (locked) the row that the (version, signer) unique
    constraint says already exists. Returns (row, created). A `public` signature is not
    inserted either when the account with its address signed: that signature is returned.

    One INSERT ... ON CONFLICT DO NOTHING rather than an insert inside a savepoint: under a
    burst PostgreSQL makes the second insert wait for the first one's transaction and then
    does nothing, with no error to recover from; and on SQLite the driver's savepoint, when
    it was the first statement, committed the signature on its own at RELEASE, before its
    consent record, audit event and e-mail were written, so a failure after it left a
    signature without its consent record."""
    connection = db.session.connection()
    statements = _INSERT_PUBLIC_SIGNATURE if public else _INSERT_SIGNATURE
    statement = statements[connection.dialect.name]
    values = {column: values.get(column) for column in _SIGNATURE_COLUMNS}
    key = {"version_id": values["version_id"], "signer_key": values["signer_key"]}
    for _attempt in range(3):
        created_id = connection.scalar(statement, values)
        if created_id is not None:
            # The row as inserted, every column known: an object for the session without
            # the ORM's insert machinery (a third of the public signing request's time).
            created = Signature(id=created_id, **values)
            make_transient_to_detached(created)
            db.session.add(created)
            return created, True
        if public:
            member = _member_signature_of(values["version_id"], values["email"])
            if member is not None:
                return member, False
        existing = db.session.scalar(_EXISTING_SIGNATURE, key)
        if existing is not None:
            return existing, False
        # The conflicting row went away in between (purged or erased): insert again.
    raise SigningError("Your signature could not be recorded just now. Please try again.")


def _check_open(version: Version | SigningTarget, public: bool) -> None:
    if not is_open(version):
        raise SigningError("Signing is closed for this version.")
    if public and not version.signing_public:
        raise SigningError("This version is open for signing by members only.")


def _clean(value: str | None, limit: int) -> str:
    return " ".join((value or "").split())[:limit]


# Built once, as it is on the public signing path: a signer's pending or confirmed signature of
# a version, locked on PostgreSQL (by the unique (version, signer) index, never a scan of the
# version's signatures, which may be tens of thousands).
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
    return _active_signature_by_key(version.id, signer_key)


def _active_signature_by_key(version_id: int, signer_key: str) -> Signature | None:
    return db.session.scalar(
        _ACTIVE_SIGNATURE, {"version_id": version_id, "signer_key": signer_key}
    )


def _public_signature_of(version: Version, email: str) -> Signature | None:
    """The version's pending or confirmed public signature given with that address."""
    return _active_signature(version, f"email:{email}")


def _member_signature_of(version_id: int, email: str) -> Signature | None:
    """The version's pending or confirmed signature by the account with that address (locked
    on PostgreSQL, as _active_signature locks it)."""
    key = db.session.connection().scalar(_MEMBER_SIGNED, {"version_id": version_id, "email": email})
    return None if key is None else _active_signature_by_key(version_id, key)


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
        if not can_sign_for(partner):
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
    version: Version | SigningTarget,
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
    one e-mail to the address, which only its owner reads.

    The version may come as a SigningTarget (the public API reads one row, not ORM objects):
    the rows are written with plain statements, in the caller's transaction."""
    target = version if isinstance(version, SigningTarget) else SigningTarget.of(version)
    _check_open(target, public=True)
    if statement_version != consent.CURRENT_VERSION:
        raise SigningError("The consent statement has changed. Please read it again and sign.")
    email = normalise_email(email)
    name = _clean(name, 200)
    if not name:
        raise SigningError("Give your name.")
    affiliation = _clean(affiliation, 200)
    db.session.flush()  # what the caller left pending, before statements past the session
    confirm_token, confirm_hash = new_token()
    manage_token, manage_hash = new_token()
    signature, created = _insert_or_existing(
        {
            "version_id": target.id,
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
        },
        public=True,
    )
    if not created and signature.status == "confirmed":
        # The address's owner gets a fresh link to manage the signature they already gave.
        signature.manage_token_hash = manage_hash
        _mail_signer(signature, "already_signed", manage_token=manage_token, target=target)
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
    shown = consent.statement(target.organisation_name, target.subject_title, statement_version)
    _consent(signature, "given", method, statement_version, shown=(statement_version, shown))
    _mail_signer(
        signature,
        "confirm",
        confirm_token=confirm_token,
        manage_token=manage_token,
        target=target,
    )
    record("signature.pending", organisation_id=target.organisation_id, subject=signature)
    return PublicSignResult(signature, "new" if created else "resent")


def sign_with_form(
    version: Version,
    stamp: str | None,
    honeypot: str | None,
    name: str,
    email: str,
    affiliation: str | None,
    consent_public: bool,
    statement_version: str,
) -> robots.Verdict:
    """The public signing form: its checks against robots first (robots.admit), and only if
    they let it through, sign_publicly. Returns their verdict: "sign" when it signed; otherwise
    why nothing was ("ask_again": held back, and counted; "expired": draw the form again).
    A refusal (SigningError) leaves the stamp usable once the caller rolls back."""
    verdict = robots.admit(stamp, honeypot, version)
    if verdict.outcome == "sign":
        sign_publicly(version, name, email, affiliation, consent_public, statement_version)
    return verdict


def _render_mail(template: str, **context) -> str:
    """An e-mail's text. Not render_template: its context processors are for pages (the
    header's organisations, read from the database for a logged-in visitor), which a
    coordinator opening signing would otherwise pay for once per earlier signer."""
    return current_app.jinja_env.get_template(template).render(**context)


def _mail_signer(
    signature: Signature,
    template: str,
    confirm_token: str | None = None,
    manage_token: str | None = None,
    target: SigningTarget | None = None,
) -> None:
    version = target or SigningTarget.of(signature.version)
    title = subject_title(version)
    subjects = {
        "confirm": f"Confirm your signature on “{title}”",
        "already_signed": f"You have already signed “{title}”",
    }
    body = _render_mail(
        f"mail/signature_{template}.txt",
        signature=signature,
        version=version,
        confirm_url=public_url("signing.confirm", token=confirm_token) if confirm_token else None,
        manage_url=public_url("signing.manage", token=manage_token) if manage_token else None,
        hours=int(UNCONFIRMED_LIFETIME.total_seconds() // 3600),
    )
    assert signature.email is not None
    send_email(signature.email, subjects[template], body)


# --- confirming, withdrawing, erasing -------------------------------------------------------


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
    """The signature an e-mailed management link names (None for an unknown link)."""
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
                ResignInvitation.invitee_hash == invitee_key(signature.kind, signature.email, None)
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
    """The person's confirmed signatures, latest first (their account page lists them)."""
    return list(
        db.session.scalars(
            select(Signature)
            .where(Signature.user_id == user.id, Signature.status == "confirmed")
            .order_by(Signature.confirmed_at.desc())
        )
    )


def consent_history(signature: Signature) -> list[ConsentRecord]:
    """The signature's consent records, oldest first."""
    return list(
        db.session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.signature_id == signature.id)
            .order_by(ConsentRecord.created_at, ConsentRecord.id)
        )
    )
