"""Who may see and do what with versions and signatures: pure predicates, and one loader per
object with its check, used by the signing pages and the JSON API alike.

A loader answers 404 for anything missing or hidden from the caller (another organisation's
version, a version not open to them, someone else's signature), 403 when the caller's role does
not allow the action, and 401 when there is no caller and logging in might help (the API says
so in JSON; the signing pages send the visitor to log in: views/__init__.py). Each takes the
caller as `user` (None for nobody), by default the person logged in (flask_login's
current_user); the API passes its own caller, who may have come with a bearer token instead.

The partner link lives here too: holding it is what lets the owners and coordinators of other
organisations reach a version and co-sign it."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Literal

from flask import abort, current_app
from flask_login import current_user
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import ColumnElement, and_, bindparam, func, select
from sqlalchemy.orm import defer, joinedload

from consult.accounts.models import User
from consult.bills.models import Bill
from consult.consultations.models import Consultation
from consult.drafting.models import Response
from consult.extensions import db
from consult.forms import MAX_ID
from consult.organisations.models import SLUG, Membership, Organisation
from consult.organisations.permissions import can, membership_of, require_membership
from consult.organisations.services import memberships_of
from consult.signing.models import Signature, Version
from consult.timeutil import utcnow

# --- the state of a version -----------------------------------------------------------------


def is_open(version: Version | SigningTarget, now: datetime | None = None) -> bool:
    """Does the version take signatures now (opened, and its closing time not reached)?"""
    if not version.signing_open:
        return False
    return version.signing_closes_at is None or (now or utcnow()) < version.signing_closes_at


def open_to_public(version: Version | SigningTarget) -> bool:
    """May anyone sign it now, without belonging to the lead organisation?"""
    return version.signing_public and is_open(version)


def publicly_visible(version: Version | SigningTarget) -> bool:
    """May anyone read the version, its consent statement and its public list of signatories?
    Yes once it has been opened for public signing, also after signing closed (what people
    signed stays readable); no while it is members-only or was never opened."""
    return version.signing_public and version.signing_opened_at is not None


def publicly_visible_clause() -> ColumnElement[bool]:
    """The condition of publicly_visible() in SQL, for lists of versions."""
    return and_(Version.signing_public.is_(True), Version.signing_opened_at.is_not(None))


def text_public(version: Version) -> bool:
    """May someone who verifies the version's fingerprint read its text? Yes once it was
    opened for public signing (anyone could read it there) or exported (a copy went out, and
    whoever holds it can compare it with the original); never for a version only opened to
    members."""
    return publicly_visible(version) or version.exported_at is not None


# --- who may do what ------------------------------------------------------------------------


def can_coordinate(membership: Membership | None, response: Response) -> bool:
    """Freeze versions of the response, open and close signing, replace the partner link, read
    the signatures: the owners and coordinators of the response's own organisation."""
    return (
        membership is not None
        and can(membership, "freeze")
        and membership.organisation_id == response.organisation_id
    )


def can_sign_for(membership: Membership | None) -> bool:
    """Co-sign (or withdraw the co-signature) on behalf of the membership's organisation."""
    return can(membership, "sign_for_organisation")


def can_withdraw(user: User, signature: Signature) -> bool:
    """A person's own signature: the signer. An organisation's co-signature: whoever is an
    owner or coordinator of that organisation now (someone removed from it no longer may)."""
    if signature.kind == "organisation":
        if signature.organisation is None:
            return False
        return can_sign_for(membership_of(user, signature.organisation))
    return signature.user_id == user.id


# --- the partner link -----------------------------------------------------------------------


def _partner_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="partner-link")


def partner_token(version: Version) -> str:
    """The secret part of the link partner organisations sign with: valid until replaced."""
    return _partner_serializer().dumps({"v": version.id, "n": version.partner_link_nonce})


def partner_token_valid(version: Version, token: str) -> bool:
    """Is `token` the version's current partner link (not an old, replaced one)?"""
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


# --- loaders --------------------------------------------------------------------------------


class _Caller(Enum):
    CURRENT_USER = "current_user"


# The default caller of every loader: the person logged in, if anyone.
CURRENT_USER = _Caller.CURRENT_USER
Caller = User | None | Literal[_Caller.CURRENT_USER]


# The version with what every signing page and endpoint reads (the lead organisation, and the
# consultation for the consent statement) in one query, built once: public signing is a hot
# path. Not the canonical content (a long response's is 100 KB), read when it is shown.
_VERSION_WITH_LEAD = (
    select(Version)
    .where(Version.id == bindparam("version_id"))
    .options(
        defer(Version.content),
        joinedload(Version.response).joinedload(Response.organisation),
        joinedload(Version.response).joinedload(Response.consultation),
    )
)


def _who(user: Caller) -> User | None:
    if user is CURRENT_USER:
        return current_user._get_current_object() if current_user.is_authenticated else None
    return user


def _signed_in(user: Caller) -> User:
    """The caller, or 401: what follows is only ever shown to someone logged in."""
    who = _who(user)
    if who is None:
        abort(401)
    return who


def find_version(version_id: int) -> Version | None:
    """The version with its lead organisation and consultation (None for an id that cannot
    be one): the lookup under every loader below."""
    if not 0 < version_id <= MAX_ID:
        return None
    return db.session.scalar(_VERSION_WITH_LEAD, {"version_id": version_id})


def load_version(
    version_id: int, action: str = "view", *, user: Caller = CURRENT_USER
) -> tuple[Version, Membership]:
    """A version seen from inside its organisation: 401 without a caller, 404 for anyone
    else, 403 when their role does not allow `action` ("freeze" for the coordinators' pages)."""
    who = _signed_in(user)
    version = find_version(version_id)
    if version is None:
        abort(404)
    return version, require_membership(who, version.response.organisation, action)


@dataclass(frozen=True)
class SigningTarget:
    """What a public signature needs of a version (its state, and the names its consent
    statement, confirmation e-mail and audit event use), read as one row: public signing is
    the hot path that a campaign sends thousands of people to at once, and loading the version,
    its response, organisation and consultation as ORM objects cost a quarter of its time."""

    id: int
    number: int
    title: str
    signing_open: bool
    signing_public: bool
    signing_closes_at: datetime | None
    signing_opened_at: datetime | None
    organisation_id: int
    organisation_name: str
    subject_title: str

    @classmethod
    def of(cls, version: Version) -> SigningTarget:
        """The same facts from a version already loaded (the signing form, a member's call)."""
        response = version.response
        return cls(
            id=version.id,
            number=version.number,
            title=version.title,
            signing_open=version.signing_open,
            signing_public=version.signing_public,
            signing_closes_at=version.signing_closes_at,
            signing_opened_at=version.signing_opened_at,
            organisation_id=response.organisation_id,
            organisation_name=response.organisation.name,
            subject_title=response.subject.title,
        )


# SigningTarget's columns, in its order: one row by the versions' primary key and the keys of
# its response, organisation and consultation or bill (a response answers exactly one).
_SIGNING_TARGET = (
    select(
        Version.id,
        Version.number,
        Version.title,
        Version.signing_open,
        Version.signing_public,
        Version.signing_closes_at,
        Version.signing_opened_at,
        Response.organisation_id,
        Organisation.name,
        func.coalesce(Consultation.title, Bill.title),
    )
    .join(Response, Response.id == Version.response_id)
    .join(Organisation, Organisation.id == Response.organisation_id)
    .outerjoin(Consultation, Consultation.id == Response.consultation_id)
    .outerjoin(Bill, Bill.id == Response.bill_id)
    .where(Version.id == bindparam("version_id"))
)


def load_visible_signing_target(version_id: int, *, user: Caller = CURRENT_USER) -> SigningTarget:
    """What load_visible_version answers, as a SigningTarget: for nobody in particular (the
    public signing API) read in one Core query, and 401 unless the version is publicly
    visible; for a caller, their version as load_visible_version finds it (401/404 alike)."""
    who = _who(user)
    if who is not None:
        return SigningTarget.of(load_visible_version(version_id, user=who)[0])
    row = None
    if 0 < version_id <= MAX_ID:
        row = db.session.connection().execute(_SIGNING_TARGET, {"version_id": version_id}).first()
    if row is None:
        abort(401)
    target = SigningTarget(*row)
    if not publicly_visible(target):
        abort(401)
    return target


def load_visible_version(
    version_id: int, *, user: Caller = CURRENT_USER
) -> tuple[Version, Membership | None]:
    """A version to read: its organisation's members (with their membership), and anyone once
    it is publicly visible (membership None). Otherwise 401 without a caller, else 404."""
    who = _who(user)
    version = find_version(version_id)
    if version is not None:
        membership = membership_of(who, version.response.organisation)
        if membership is not None:
            return version, membership
        if publicly_visible(version):
            return version, None
    if who is None:
        abort(401)
    abort(404)


def load_signable(
    version_id: int, *, user: Caller = CURRENT_USER
) -> tuple[Version, Membership | None]:
    """The signing page's audience: anyone while the version is open to the public; the lead
    organisation's members otherwise (they also see it closed, as signers will). Anyone else
    gets a 404, and nobody logged in a 401 whether or not the version exists (asked to log in
    first, so that the answer tells a stranger nothing)."""
    who = _who(user)
    version = find_version(version_id)
    if version is not None and open_to_public(version):
        return version, membership_of(who, version.response.organisation)
    if who is None:
        abort(401)
    if version is None:
        abort(404)
    membership = membership_of(who, version.response.organisation)
    if membership is None:
        abort(404)
    return version, membership


def load_public_version(version_id: int, *, open_now: bool = True) -> Version:
    """A version the public may sign now, else 404; with `open_now` false, any version whose
    signing was made public (the page after signing stays, whatever happened since)."""
    version = find_version(version_id)
    if version is None or not (open_to_public(version) if open_now else version.signing_public):
        abort(404)
    return version


def load_other_version(version: Version, other_id: int) -> Version:
    """Another version of the same response (to compare with), else 404."""
    other = find_version(other_id)
    if other is None or other.response_id != version.response_id:
        abort(404)
    return other


def load_partner_version(version_id: int, token: str) -> Version:
    """A version reached with its current partner link, else 404 (also for a replaced link)."""
    version = find_version(version_id)
    if version is None or not partner_token_valid(version, token):
        abort(404)
    return version


def partner_memberships(user: User, version: Version) -> list[Membership]:
    """The caller's memberships through which they may co-sign the version for an
    organisation: those with the role for it, in organisations other than the lead one."""
    lead_id = version.response.organisation_id
    return [
        membership
        for membership in memberships_of(user)
        if membership.organisation_id != lead_id and can_sign_for(membership)
    ]


def load_partner_organisation(slug: str, *, user: Caller = CURRENT_USER) -> Organisation:
    """The organisation the caller co-signs for, by slug: 403 unless they are its owner or
    coordinator, also for an unknown slug (whether an organisation exists is not revealed)."""
    who = _signed_in(user)
    organisation = None
    if SLUG.fullmatch(slug):
        organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if organisation is None or not can_sign_for(membership_of(who, organisation)):
        abort(403, "Only an owner or coordinator of that organisation can sign on its behalf.")
    return organisation


def load_signature(signature_id: int, *, user: Caller = CURRENT_USER) -> Signature:
    """A signature the caller may withdraw (can_withdraw): 401 without a caller, 404 for
    anyone else's, so that other people's signatures are not revealed."""
    who = _signed_in(user)
    signature = db.session.get(Signature, signature_id) if 0 < signature_id <= MAX_ID else None
    if signature is None or not can_withdraw(who, signature):
        abort(404)
    return signature


def load_confirmed_signature(signature_id: object) -> Signature:
    """A confirmed signature by id (as kept in the session of the browser that confirmed
    it), else 404."""
    signature = db.session.get(Signature, signature_id) if isinstance(signature_id, int) else None
    if signature is None or signature.status != "confirmed":
        abort(404)
    return signature
