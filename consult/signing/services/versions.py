"""Versions: freezing a response into a numbered, fingerprinted version; opening and closing
signing (and inviting the earlier versions' signers to sign the new one); publication, which
makes a fingerprint verifiable; finding versions before and after one another."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime

from flask import current_app
from sqlalchemy import and_, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from consult.accounts.services import normalise_email
from consult.audit.services import record
from consult.drafting import events
from consult.drafting.models import Response, Section
from consult.drafting.services import live_sections
from consult.extensions import db
from consult.links import public_url
from consult.mail import send_emails, shorten
from consult.organisations.models import Membership
from consult.organisations.services import NotAllowed
from consult.signing import events as signing_events
from consult.signing.models import ResignInvitation, Signature, Version
from consult.signing.permissions import (
    SigningTarget,
    can_coordinate,
    partner_token,
    publicly_visible_clause,
)
from consult.signing.services.errors import SigningError
from consult.timeutil import isoformat, utcnow
from consult.tokens import hash_token

# A title quoted in an e-mail's subject is cut to this many characters (the body has it whole):
# a subject is read in a list of e-mails, and must fit the outbox's column.
SUBJECT_TITLE_LENGTH = 80
_UPSERT_DIALECTS = {"postgresql": postgresql, "sqlite": sqlite}

# --- freezing -------------------------------------------------------------------------------


def canonical_content(response: Response, number: int, frozen_at: datetime) -> dict:
    """What a version is: the words people sign, and who and what they answer."""
    return {
        "format": "consult-version/1",
        "response": {"id": response.id, "title": response.title},
        "organisation": {
            "slug": response.organisation.slug,
            "name": response.organisation.name,
        },
        **_answered(response),
        "version": number,
        "frozen_at": isoformat(frozen_at),
        "sections": [_frozen_section(section) for section in live_sections(response)],
    }


def _answered(response: Response) -> dict:
    """What the response answers: {"consultation": ...}, or for a bill {"bill": ...} with the
    print its clauses and amendments cite (their page and line numbers are that print's)."""
    if response.bill is None:
        consultation = response.consultation
        return {
            "consultation": {
                "slug": consultation.slug,
                "title": consultation.title,
                "publisher": consultation.publisher,
            }
        }
    bill = response.bill
    current = bill.current_print
    return {
        "bill": {
            "slug": bill.slug,
            "title": bill.title,
            "session": bill.session,
            "house": bill.house,
            "publisher": bill.publisher,
            "illustrative": bill.illustrative,
            "print": {"label": current.label, "number": current.number} if current else None,
        }
    }


def _frozen_section(section: Section) -> dict:
    """A section as a version holds it; a clause section also names its clause."""
    frozen = {
        "kind": section.kind,
        "number": section.number,
        "title": section.title,
        "choice": section.choice,
        "body": section.body,
    }
    if section.kind == "clause":
        frozen["clause"] = section.clause
    return frozen


def canonical_bytes(content: dict) -> bytes:
    """Exactly the bytes API.md defines; their SHA-256 is the fingerprint."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def require_coordinator(membership: Membership, response: Response, action: str) -> None:
    """Refuse (NotAllowed) anyone but the response's own owners and coordinators."""
    if not can_coordinate(membership, response):
        raise NotAllowed(f"Only owners and coordinators can {action}.")


def freeze(membership: Membership, response: Response, note: str = "") -> Version:
    """Freeze the response as it is now into a new, numbered, fingerprinted version."""
    require_coordinator(membership, response, "freeze a version")
    events.response_freezing.send(response)
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
    """The version's canonical content (what was signed), parsed."""
    return json.loads(version.content)


def versions_of(response: Response) -> list[Version]:
    """The response's versions, newest first."""
    return list(
        db.session.scalars(
            select(Version)
            .where(Version.response_id == response.id)
            .order_by(Version.number.desc())
        )
    )


def previous_version(version: Version, *, public_only: bool = False) -> Version | None:
    """The latest version frozen before this one; for a viewer from outside the organisation
    (`public_only`), the latest earlier one that was itself opened to the public, since the
    others (members-only, or never opened) are not theirs to read, nor to compare with."""
    query = select(Version).where(
        Version.response_id == version.response_id, Version.number < version.number
    )
    if public_only:
        query = query.where(publicly_visible_clause())
    return db.session.scalar(query.order_by(Version.number.desc()).limit(1))


def latest_version_after(version: Version, *, public_only: bool = False) -> Version | None:
    """The newest version of the same response frozen after this one, if any; for a viewer
    from outside the organisation (`public_only`), only one opened to the public: that a
    draft was frozen again is the organisation's business until it is published."""
    query = select(Version).where(
        Version.response_id == version.response_id, Version.number > version.number
    )
    if public_only:
        query = query.where(publicly_visible_clause())
    return db.session.scalar(query.order_by(Version.number.desc()).limit(1))


# --- opening signing ------------------------------------------------------------------------


def open_signing(
    membership: Membership, version: Version, public: bool, closes_at: datetime | None
) -> None:
    """Open (or change) signing. The first opening makes the fingerprint verifiable; each
    opening invites the earlier versions' signers who may sign now and were not invited yet
    (members-only first, the public if and when it opens to the public)."""
    response = version.response
    require_coordinator(membership, response, "open signing")
    if closes_at is not None and closes_at <= utcnow():
        raise SigningError("The closing time must be in the future.")
    # Two coordinators opening at once queue on the version's row lock (PostgreSQL); the
    # invitations' unique (version, invitee) constraint keeps each one to a single e-mail.
    db.session.execute(select(Version.id).where(Version.id == version.id).with_for_update())
    db.session.refresh(version, ["signing_opened_at"])
    first_opening = version.signing_opened_at is None
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
    if first_opening:
        signing_events.signing_opened.send(version, actor=membership.user)


def close_signing(membership: Membership, version: Version) -> None:
    """Stop taking signatures; those already given still count."""
    require_coordinator(membership, version.response, "close signing")
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


def invitee_key(kind: str, email: str, organisation_id: int | None) -> str:
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
        invitees.setdefault(invitee_key(row.kind, row.email, row.organisation_id), row)
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


def _upsert(model):
    """INSERT with ON CONFLICT for the database in use (both speak it, with RETURNING)."""
    return _UPSERT_DIALECTS[db.session.get_bind().dialect.name].insert(model)


def subject_title(version: Version | SigningTarget) -> str:
    """The version's frozen title as an e-mail subject quotes it (shortened at a word)."""
    return shorten(version.title, SUBJECT_TITLE_LENGTH)


# --- publication and verification -----------------------------------------------------------


def mark_published(version: Version) -> None:
    """An exported copy carries the fingerprint: from now on the verification page answers
    for it (as it does once signing is opened), and shows its text (text_public)."""
    now = utcnow()
    version.published_at = version.published_at or now
    version.exported_at = version.exported_at or now


def find_published(sha256: str) -> Version | None:
    """A version whose fingerprint may be confirmed publicly (exported or opened for signing)."""
    sha256 = sha256.strip().lower()
    if len(sha256) != 64 or any(char not in "0123456789abcdef" for char in sha256):
        return None
    return db.session.scalar(
        select(Version).where(Version.sha256 == sha256, Version.published_at.is_not(None))
    )
