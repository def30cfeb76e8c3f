"""A person's rights over their data (UK GDPR Art. 15, 17, 20): download it, and erase it.

LINKS names every column that points at a person (a foreign key to users.id) or holds their
e-mail address, with the part of the download it appears in and what erasure does to it.
tests/privacy/ walks the database schema and fails when a column is missing here, so a new
table that points at people cannot be forgotten by either the download or the erasure.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import LargeBinary, Table, func, or_, select

from consult.accounts import services as accounts
from consult.accounts.models import User
from consult.audit.models import AuditEvent
from consult.audit.services import record
from consult.extensions import db
from consult.mail import OutboxMessage
from consult.organisations.models import Invitation, Membership, Organisation
from consult.signing import services as signing
from consult.signing.models import ConsentRecord, Signature
from consult.timeutil import isoformat, utcnow

FORMER_MEMBER = "Former member"
ERASED_DOMAIN = "erased.invalid"  # .invalid never routes (RFC 2606): nothing can be sent


@dataclass(frozen=True)
class Link:
    """A column that points at a person: by user id (`by` "id") or by e-mail address."""

    table: str
    column: str
    section: str  # the key of the download that lists these rows
    erasure: str  # "delete" the rows, "clear" the column, or "keep" (the row is no one's now)
    by: str = "id"


LINKS: tuple[Link, ...] = (
    Link("memberships", "user_id", "memberships", "delete"),
    Link("user_sessions", "user_id", "sessions", "delete"),
    Link("api_tokens", "user_id", "api_tokens", "delete"),
    Link("email_links", "user_id", "email_links", "delete"),
    Link("email_links", "new_email", "email_links", "delete", by="email"),
    Link("recovery_codes", "user_id", "recovery_codes", "delete"),
    Link("pending_logins", "user_id", "pending_logins", "delete"),
    Link("presence", "user_id", "presence", "delete"),
    Link("outbox_messages", "to", "emails_sent_to_you", "delete", by="email"),
    Link("sections", "assignee_id", "sections_assigned", "clear"),
    Link("signatures", "user_id", "signatures", "clear"),
    Link("signatures", "email", "signatures", "clear", by="email"),
    Link("invitations", "email", "invitations_received", "clear", by="email"),
    Link("invitations", "accepted_by_id", "invitations_received", "keep"),
    Link("invitations", "invited_by_id", "invitations_sent", "keep"),
    Link("audit_events", "actor_id", "audit_events", "keep"),
    Link("consultations", "created_by_id", "consultations_created", "keep"),
    Link("responses", "created_by_id", "responses_created", "keep"),
    Link("versions", "created_by_id", "versions_frozen", "keep"),
    Link("revisions", "author_id", "revisions", "keep"),
    Link("comments", "author_id", "comments", "keep"),
    Link("comments", "resolved_by_id", "comments_resolved", "keep"),
    Link("suggestions", "author_id", "suggestions", "keep"),
    Link("suggestions", "decided_by_id", "suggestions_decided", "keep"),
    Link("clash_settlements", "settled_by_id", "clashes_settled", "keep"),
    Link("export_jobs", "requested_by_id", "exports_requested", "keep"),
    Link("bills", "created_by_id", "bills_imported", "keep"),
    Link("bill_prints", "imported_by_id", "bill_prints_imported", "keep"),
    # Who typed last in a section's live document (a freeze writes their words as theirs).
    Link("live_documents", "last_editor_id", "live_documents_last_edited", "clear"),
    # Notices to the person (and their e-mail choices) go; in others' notices, the person
    # who acted is forgotten (the notice then reads "Someone ...").
    Link("notifications", "recipient_id", "notifications", "delete"),
    Link("notifications", "actor_id", "notifications_caused", "clear"),
    Link("notification_preferences", "user_id", "notification_preferences", "delete"),
)

# Never part of a download: secrets (only their hashes are stored, useless to anyone) and
# rendered files (the organisation's documents, not data about the person).
_SECRET_COLUMNS = {"password_hash", "totp_secret"}


def _is_secret(column) -> bool:
    return (
        column.name in _SECRET_COLUMNS
        or column.name.endswith("_hash")
        or isinstance(column.type, LargeBinary)
    )


def _plain(value: Any) -> Any:
    return isoformat(value) if isinstance(value, datetime) else value


def _rows(table: Table, condition) -> list[dict[str, Any]]:
    columns = [column for column in table.columns if not _is_secret(column)]
    order = table.primary_key.columns  # `id`, or the section's id for a live document
    result = db.session.execute(select(*columns).where(condition).order_by(*order))
    return [{key: _plain(value) for key, value in row._mapping.items()} for row in result]


def _condition(link: Link, user: User):
    column = db.metadata.tables[link.table].c[link.column]
    return column == (user.email if link.by == "email" else user.id)


# --- download my data -----------------------------------------------------------------------


def download(user: User, via: str | None = None) -> dict[str, Any]:
    """The person's data (personal_data), with the audit event that they downloaded it
    (`via` "api" when asked through the API)."""
    data = personal_data(user)
    record("account.data_downloaded", actor=user, subject=user, **({"via": via} if via else {}))
    return data


def personal_data(user: User) -> dict[str, Any]:
    """Everything the platform holds about the person, as JSON-ready data: their account and,
    for each kind of row that points at them, the rows (secrets' hashes left out), with the
    organisation's name where a row belongs to one."""
    account_table = db.metadata.tables["users"]
    [account] = _rows(account_table, account_table.c.id == user.id)
    data: dict[str, Any] = {
        "format": "consult-personal-data/1",
        "generated_at": isoformat(utcnow()),
        "account": account
        | {
            "two_factor": user.has_two_factor,
            "organisations": [
                {"slug": m.organisation.slug, "name": m.organisation.name, "role": m.role}
                for m in user.memberships
            ],
        },
    }
    by_section: dict[str, list] = {}
    for link in LINKS:
        by_section.setdefault(link.section, []).append(_condition(link, user))
    tables = {link.section: db.metadata.tables[link.table] for link in LINKS}
    for section, conditions in by_section.items():
        data[section] = _rows(tables[section], or_(*conditions))
    subject_events = _rows(
        AuditEvent.__table__,
        (AuditEvent.subject_type == "User") & (AuditEvent.subject_id == user.id),
    )
    known = {event["id"] for event in data["audit_events"]}
    data["audit_events"] += [event for event in subject_events if event["id"] not in known]
    _add_consent_records(data["signatures"])
    _add_organisation_names(data)
    return data


def _add_consent_records(signatures: list[dict]) -> None:
    """Each signature with the consent statements the person was shown, and when."""
    ids = [signature["id"] for signature in signatures]
    records = _rows(ConsentRecord.__table__, ConsentRecord.signature_id.in_(ids)) if ids else []
    for signature in signatures:
        signature["consent_records"] = [r for r in records if r["signature_id"] == signature["id"]]


def _add_organisation_names(data: dict[str, Any]) -> None:
    ids = {
        row["organisation_id"]
        for rows in data.values()
        if isinstance(rows, list)
        for row in rows
        if isinstance(row, dict) and row.get("organisation_id")
    }
    if not ids:
        return
    names = dict(
        db.session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
        ).all()
    )
    for rows in data.values():
        if isinstance(rows, list):
            for row in rows:
                if isinstance(row, dict) and row.get("organisation_id") in names:
                    row["organisation_name"] = names[row["organisation_id"]]


# --- erasure --------------------------------------------------------------------------------


class ErasureRefused(accounts.AccountError):
    """Erasing now would leave an organisation with members but no owner."""


def organisations_blocking_erasure(user: User) -> list[Organisation]:
    """Organisations where the person is the last owner and others are members: someone else
    must be made an owner first, or the organisation's members would be locked out of it."""
    blocking = []
    for membership in user.memberships:
        if membership.role != "owner":
            continue
        organisation = membership.organisation
        owners, members = db.session.execute(
            select(
                func.count().filter(Membership.role == "owner"),
                func.count(),
            ).where(Membership.organisation_id == organisation.id)
        ).one()
        if owners <= 1 and members > 1:
            blocking.append(organisation)
    return blocking


def organisations_deleted_with(user: User) -> list[Organisation]:
    """Organisations where the person is the only member: nobody could reach them after the
    erasure, so they are deleted with everything in them."""
    alone = []
    for membership in user.memberships:
        organisation = membership.organisation
        count = db.session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.organisation_id == organisation.id)
        )
        if count == 1:
            alone.append(organisation)
    return alone


def erase_account(user: User, password: str | None = None, confirm_email: str | None = None) -> int:
    """Erase the person: confirmed by their password (pages) or by typing their e-mail address
    (the API, whose token already proves who is asking). Returns the account's id.

    Personal fields are blanked (the row stays, named "Former member", so the organisation's
    texts keep an author); sessions, API tokens, e-mailed links, recovery codes, presence and
    memberships go; signatures are withdrawn and their names and addresses erased (the consent
    history stays, without them); organisations where they were alone are deleted. Copies of a
    response already sent to Parliament or published cannot be recalled."""
    if user.erased_at is not None:
        raise accounts.AccountError("This account has already been erased.")
    if password is not None and not accounts.verify_password(user, password):
        raise accounts.WrongPassword("Your password is not right.")
    if confirm_email is not None and (accounts.normalise_email(confirm_email) != user.email):
        raise accounts.AccountError("Type the e-mail address of your account to confirm.")
    if password is None and confirm_email is None:
        raise accounts.AccountError("Confirm with your password.")
    blocking = organisations_blocking_erasure(user)
    if blocking:
        names = ", ".join(organisation.name for organisation in blocking)
        raise ErasureRefused(
            f"You are the last owner of {names}. Make another member an owner first, "
            "then delete your account."
        )
    email = user.email
    alone = {organisation.id for organisation in organisations_deleted_with(user)}
    for membership in user.memberships:
        if membership.organisation_id not in alone:
            # The owners' audit log says a member left by erasure, naming no one.
            record("account.erased", actor=user, organisation=membership.organisation, subject=user)
    if alone:
        db.session.execute(db.delete(Organisation).where(Organisation.id.in_(alone)))
    _erase_signatures(user, email)
    placeholder = _placeholder(user)
    _erase_invitations(email, placeholder=placeholder)
    _scrub_outbox(user.name, email, placeholder=placeholder)
    for link in LINKS:
        table = db.metadata.tables[link.table]
        condition = _condition(link, user)
        if link.erasure == "delete":
            db.session.execute(db.delete(table).where(condition))
        elif link.erasure == "clear" and link.by == "id":
            db.session.execute(db.update(table).where(condition).values({link.column: None}))
    db.session.expire(user, ["memberships"])
    user.email = placeholder
    user.name = FORMER_MEMBER
    user.password_hash = "!erased"  # noqa: S105  # nosec B105 (no password can match it)
    user.email_confirmed_at = None
    user.last_login_at = None
    user.current_organisation_id = None
    user.totp_secret = None
    user.two_factor_enabled_at = None
    user.totp_last_step = None
    user.erased_at = utcnow()
    record("account.erased", actor=user, subject=user)
    db.session.flush()
    return user.id


def _placeholder(user: User) -> str:
    """A unique address that reaches no one. The random part means nobody can take it first
    (by signing up with it) and so make the erasure fail on the unique e-mail index."""
    return f"erased-{user.id}-{secrets.token_hex(8)}@{ERASED_DOMAIN}"


def _erase_signatures(user: User, email: str) -> None:
    """The person's own signatures (from their account or the public form with their address)
    are withdrawn and stripped of who they were; an organisation's co-signature they gave
    stays the organisation's, without their name or address on it."""
    signatures = db.session.scalars(
        select(Signature).where(or_(Signature.user_id == user.id, Signature.email == email))
    )
    for signature in signatures:
        if signature.kind == "organisation":
            signature.email = None
            signature.user_id = None
            continue
        if signature.status != "withdrawn":
            signing.withdraw(signature, "account erased", actor=user)
        signing.erase_public_signer(signature)
        signature.user_id = None


def _erase_invitations(email: str, placeholder: str) -> None:
    """Invitations to the address keep their history under the placeholder address, pending
    ones are revoked, and the address leaves the audit log entries that named it."""
    invitations = list(db.session.scalars(select(Invitation).where(Invitation.email == email)))
    for invitation in invitations:
        if invitation.status == "pending":
            invitation.revoked_at = utcnow()
        invitation.email = placeholder
    if not invitations:
        return
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.subject_type == "Invitation",
            AuditEvent.subject_id.in_([invitation.id for invitation in invitations]),
        )
    )
    for event in events:
        if event.details.get("email") == email:
            event.details = {**event.details, "email": placeholder}


def _scrub_outbox(name: str, email: str, placeholder: str) -> None:
    """The development outbox keeps copies of e-mails to others that named the person (an
    invitation they sent, say): their name and address leave those copies too. (Mail sent
    through SMTP is gone from here already and cannot be recalled.)"""
    messages = db.session.scalars(
        select(OutboxMessage).where(
            or_(
                OutboxMessage.body.contains(name, autoescape=True),
                OutboxMessage.body.contains(email, autoescape=True),
            )
        )
    )
    for message in messages:
        message.body = message.body.replace(name, FORMER_MEMBER).replace(email, placeholder)
