"""API v1 endpoints for versions and signing (../shared/API.md, "Versions and signing").

Who sees what. A version, its canonical content, its consent statement and its list of
signatories are visible to the lead organisation's members, and to anyone once the version has
been opened for public signing (signing.services.publicly_visible). Otherwise an anonymous
caller gets 401 (logging in may help) and a signed-in outsider 404 (its existence is not
revealed). Confirming, withdrawing with the e-mailed link and verifying a fingerprint need no
token at all.

Every view has the one shape: load (401/404) -> check the permission (403) -> validate the
body (400/422) -> one service call -> commit once."""

from __future__ import annotations

import base64

from flask import abort, current_app, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from consult.accounts.models import User
from consult.accounts.services import normalise_email
from consult.api import loaders
from consult.api.auth import api_user, current_caller
from consult.api.body import InvalidBody, body, json_body, json_object_or_empty, query, validated
from consult.api.fields import MISSING, NOT_VALID
from consult.api.models.signing import (
    EXPLICIT_CONSENT,
    SEND_TRUE_OR_FALSE,
    SHOW_CONSENT,
    SIGNATORIES_PER_PAGE,
    ConfirmedSignature,
    ConsentStatement,
    LinkToken,
    MemberSignature,
    MemberSignatureRequest,
    NewVersion,
    PendingSignature,
    PublicSignatureRequest,
    Signatures,
    SignaturesQuery,
    SigningChange,
    Verification,
    Version,
    VersionContent,
    VersionDetail,
    WithdrawnSignature,
)
from consult.api.openapi import SIGNING
from consult.api.registry import operation, reply
from consult.api.views import blueprint
from consult.errors import json_error
from consult.extensions import db, limiter
from consult.net import client_ip
from consult.signing import consent
from consult.signing import services as signing

# Public signing, per client address (behind TRUSTED_PROXY_COUNT proxies) and per e-mail
# address. Generous per address, because a mobile network or an office puts many people
# behind one; tight per e-mail address, which nobody needs to use more than a few times and
# which must not be usable to flood someone's inbox. App config can override both.
SIGN_LIMIT_PER_IP = "20 per minute;300 per hour"
SIGN_LIMIT_PER_EMAIL = "3 per hour;10 per day"

NOT_VISIBLE = (
    "No such response (section, revision), or it belongs to an organisation the caller is not "
    "a member of"
)
NOT_MEMBER_VERSION = (
    "No such version, or the caller is not a member of its organisation (and it is not open "
    "to the public)"
)
ANONYMOUS_VERSION = (
    "No or invalid token, and the version is not open to the public (or does not exist)"
)
NOT_COORDINATOR = "Only owners and coordinators freeze versions and open or close signing"
# Anyone may read these of a version open to the public (auth.PUBLIC_VERSION_ENDPOINTS).
VISIBLE_VERSION = {401: ANONYMOUS_VERSION, 404: NOT_MEMBER_VERSION}


# --- rate limits for public signing ---------------------------------------------------------


def _is_public_signing() -> bool:
    """A public signature: an e-mail address in the body, or nobody signed in. Decided from
    the request alone, since the limiter runs before the API authenticates the caller."""
    if "email" in json_object_or_empty():
        return True
    return not request.headers.get("Authorization") and not current_user.is_authenticated


def _email_given() -> bool:
    return _is_public_signing() and isinstance(json_object_or_empty().get("email"), str)


def _ip_limit() -> str:
    return current_app.config.get("SIGN_LIMIT_PER_IP", SIGN_LIMIT_PER_IP)


def _email_limit() -> str:
    return current_app.config.get("SIGN_LIMIT_PER_EMAIL", SIGN_LIMIT_PER_EMAIL)


def _ip_key() -> str:
    return "sign-ip:" + client_ip()


def _email_key() -> str:
    return "sign-email:" + normalise_email(json_object_or_empty().get("email", ""))[:254]


def _required_bool(value: bool | None, name: str) -> bool:
    """A true-or-false field that this request needs although the model lets it be left out."""
    if value is None:
        raise InvalidBody(422, MISSING, {name: SEND_TRUE_OR_FALSE})
    return value


# --- versions -------------------------------------------------------------------------------


@blueprint.post("/responses/<int:response_id>/versions")
@operation(
    "Freeze the response as it is now into a new numbered version with a SHA-256 fingerprint "
    "(owner or coordinator). Drafting goes on; a later version needs new signatures",
    SIGNING,
    body=NewVersion,
    body_required=False,  # no body at all is fine
    responses={
        201: (Version, "Frozen (Location: the version)"),
        403: NOT_COORDINATOR,
        404: NOT_VISIBLE,
        409: "Someone froze the same response at the same moment (code freeze_conflict): try again",
    },
)
def freeze_version(response_id: int):
    response, membership = loaders.response(response_id, "freeze")
    note = body(NewVersion, optional=True).note or ""
    try:
        version = signing.freeze(membership, response, note)
        db.session.commit()
    except IntegrityError:
        # Frozen by someone else at the same moment (SQLite, which has no row locks).
        db.session.rollback()
        return json_error(
            409, "Someone froze this response at the same moment. Try again.", "freeze_conflict"
        )
    answer, status = reply(Version.of(version, membership), 201)
    answer.headers["Location"] = url_for("api.get_version", version_id=version.id)
    return answer, status


@blueprint.get("/responses/<int:response_id>/versions")
@operation(
    "The response's versions, newest first (any member of its organisation)",
    SIGNING,
    responses={200: ([Version], "OK"), 404: NOT_VISIBLE},
)
def list_versions(response_id: int):
    response, membership = loaders.response(response_id, "view")
    return reply([Version.of(version, membership) for version in signing.versions_of(response)])


@blueprint.get("/versions/<int:version_id>")
@operation(
    "A version, its signing state and its signature count (members; anyone once it is open "
    "for public signing)",
    SIGNING,
    responses={200: (VersionDetail, "OK"), **VISIBLE_VERSION},
)
def get_version(version_id: int):
    version, membership = loaders.version(version_id, public=True)
    return reply(VersionDetail.of(version, membership))


@blueprint.get("/versions/<int:version_id>/content")
@operation(
    "The canonical content, byte for byte as fingerprinted: its SHA-256 is the version's "
    "sha256 (also sent as ETag and as a Repr-Digest header). Members; anyone once the version "
    "is open for public signing",
    SIGNING,
    responses={200: (VersionContent, "The canonical bytes"), **VISIBLE_VERSION},
)
def version_content(version_id: int):
    """Exactly the stored canonical bytes, never re-serialised: their SHA-256 is the
    version's fingerprint, so a reader can check what was signed."""
    version, _membership = loaders.version(version_id, public=True)
    data = version.content.encode("utf-8")
    answer = current_app.response_class(data, mimetype="application/json")
    answer.headers["ETag"] = f'"{version.sha256}"'
    digest = base64.b64encode(bytes.fromhex(version.sha256)).decode("ascii")
    answer.headers["Repr-Digest"] = f"sha-256=:{digest}:"  # RFC 9530
    return answer


@blueprint.get("/versions/<int:version_id>/consent")
@operation(
    "The consent statement to show a signer, naming the lead organisation, and its version "
    "(send it back as consent_statement)",
    SIGNING,
    responses={200: (ConsentStatement, "OK"), **VISIBLE_VERSION},
)
def consent_statement(version_id: int):
    version, _membership = loaders.version(version_id, public=True)
    response = version.response
    return reply(
        ConsentStatement(
            version=consent.CURRENT_VERSION,
            text=consent.statement(response.organisation.name, response.consultation.title),
            organisation=response.organisation.name,
        )
    )


# --- opening and closing signing ------------------------------------------------------------


@blueprint.post("/versions/<int:version_id>/signing")
@operation(
    "Open signing (public or members only, with an optional closing time), change it, or "
    'close it with {"open": false} (owner or coordinator). Opening a version for the first '
    "time makes its fingerprint verifiable and e-mails the signers of earlier versions an "
    "invitation to sign again",
    SIGNING,
    body=SigningChange,
    responses={
        200: (Version, "The version with its signing state"),
        403: NOT_COORDINATOR,
        404: NOT_MEMBER_VERSION,
        422: "Invalid fields: `public` missing when opening, or closes_at not an ISO 8601 time "
        "in the future",
    },
)
def set_signing(version_id: int):
    version, membership = loaders.coordinated_version(version_id)
    change = body(SigningChange)
    if not change.open:
        signing.close_signing(membership, version)
    else:
        public = _required_bool(change.public, "public")
        try:
            signing.open_signing(membership, version, public, change.closes_at)
        except signing.SigningError as error:
            db.session.rollback()
            raise InvalidBody(422, str(error), {"closes_at": str(error)}) from None
    db.session.commit()
    return reply(Version.of(version, membership))


# --- signing --------------------------------------------------------------------------------


@blueprint.post("/versions/<int:version_id>/signatures")
@limiter.limit(_ip_limit, key_func=_ip_key, exempt_when=lambda: not _is_public_signing())
@limiter.limit(_email_limit, key_func=_email_key, exempt_when=lambda: not _email_given())
@operation(
    "Sign the version. A body with `email` (or no token) is a public signature: pending until "
    "the e-mailed link is followed, answered 202 whatever the address's state. Otherwise the "
    "caller signs, confirmed at once: as themselves, or with on_behalf_of for an organisation "
    "they own or coordinate. Public signatures are limited to 20 a minute and 300 an hour per "
    "client address, and 3 an hour and 10 a day per e-mail address",
    SIGNING,
    body=(MemberSignatureRequest, PublicSignatureRequest),
    responses={
        201: (MemberSignature, "Signed (again: the same id)"),
        202: (PendingSignature, "Public signature: check your e-mail to confirm"),
        401: ANONYMOUS_VERSION,
        403: "on_behalf_of names an organisation the caller does not own or coordinate",
        404: "With a token: no such version, or it is open only to the members of an "
        "organisation the caller is not in",
        409: "Signing is closed for this version, or (a public signature) open only to members "
        "(code signing_closed)",
        422: "Invalid fields (see error.fields): no explicit consent (consent_statement "
        "missing, false or not the current statement's version), consent_public missing, a "
        "bad e-mail address, or on_behalf_of naming the lead organisation",
        429: "Too many public signatures from this client or for this e-mail address; see "
        "Retry-After",
    },
)
def sign_version(version_id: int):
    """With an e-mail address in the body, or without a caller: a public signature (double
    opt-in). Otherwise the caller signs: as themselves, or for an organisation."""
    data = json_body()
    user = api_user()
    if "email" in data or user is None:
        return _sign_publicly(version_id, data)
    return _sign_as_member(version_id, data, user)


def _closed():
    return json_error(409, "Signing is closed for this version.", "signing_closed")


def _sign_publicly(version_id: int, data: dict):
    version, _membership = loaders.version(version_id, public=True)
    signer = validated(PublicSignatureRequest, data)
    if not (signing.is_open(version) and version.signing_public):
        return _closed()
    try:
        signing.sign_publicly(
            version,
            signer.name,
            signer.email,
            signer.affiliation,
            signer.consent_public,
            signer.consent_statement,
            method="api",
        )
    except signing.SigningError as error:
        db.session.rollback()
        return json_error(409, str(error), "signing_closed")
    db.session.commit()
    # The same answer whether the address is new, pending, confirmed or withdrawn.
    return reply(PendingSignature(status="pending"), 202)


def _sign_as_member(version_id: int, data: dict, user: User):
    version, membership = loaders.version(version_id, public=True)
    signer = validated(MemberSignatureRequest, data)
    partner = None
    if signer.on_behalf_of is not None:
        partner = loaders.partner_organisation(user, signer.on_behalf_of)
    if partner is not None:
        if partner.id == version.response.organisation_id:
            raise InvalidBody(
                422,
                NOT_VALID,
                {"on_behalf_of": "The lead organisation does not co-sign its own response."},
            )
        consent_public = True  # an organisation's co-signature is public
    else:
        consent_public = _required_bool(signer.consent_public, "consent_public")
        # Members of the lead organisation sign as members of a body with political aims;
        # anyone else signs on their explicit consent, like the public.
        if signer.consent_statement is None and membership is None:
            raise InvalidBody(422, EXPLICIT_CONSENT, {"consent_statement": SHOW_CONSENT})
    if not signing.is_open(version):
        return _closed()
    try:
        signature = signing.sign_as_member(
            user,
            version,
            signer.display_name,
            signer.affiliation,
            consent_public,
            partner,
            method="api",
        )
    except signing.NotAllowed as error:
        db.session.rollback()
        return json_error(403, str(error))
    except signing.SigningError as error:
        db.session.rollback()
        return json_error(409, str(error), "signing_closed")
    db.session.commit()
    return reply(
        MemberSignature(id=signature.id, status=signature.status, kind=signature.kind), 201
    )


# --- confirming and withdrawing -------------------------------------------------------------


@blueprint.post("/signatures/confirm")
@operation(
    "Confirm a public signature with the token from the e-mailed link (double opt-in); only "
    "then does it count",
    SIGNING,
    body=LinkToken,
    responses={
        200: (ConfirmedSignature, "Confirmed"),
        404: "The token is not valid, or was already used (code invalid_token)",
        409: "The signature was withdrawn since (code withdrawn), or signing has closed or is "
        "now open to members only (code signing_closed): the signature stays pending and "
        "does not count",
        422: "The link is older than 7 days (code link_expired): sign again; or no token was sent",
    },
)
def confirm_signature():
    token = body(LinkToken).token
    try:
        signing.confirm(token)
    except signing.LinkNotValid as error:
        db.session.rollback()
        return json_error(404, str(error), "invalid_token")
    except signing.LinkExpired as error:
        db.session.rollback()
        return json_error(422, str(error), "link_expired")
    except signing.SigningClosed as error:
        db.session.rollback()
        return json_error(409, str(error), "signing_closed")
    except signing.SigningError as error:
        db.session.rollback()
        return json_error(409, str(error), "withdrawn")
    db.session.commit()
    return reply(ConfirmedSignature(status="confirmed"))


@blueprint.delete("/signatures/<int:signature_id>")
@operation(
    "Withdraw the caller's signature (or their organisation's co-signature, as its owner or "
    "coordinator): counted out at once",
    SIGNING,
    responses={
        200: (WithdrawnSignature, "Withdrawn"),
        404: "No such signature, or not the caller's",
    },
)
def withdraw_signature(signature_id: int):
    signature = loaders.own_signature(signature_id)
    signing.withdraw(signature, "api", actor=current_caller())
    db.session.commit()
    return reply(WithdrawnSignature(id=signature.id, status="withdrawn"))


@blueprint.post("/signatures/withdraw")
@operation(
    "Withdraw a signature with the token from the e-mailed link to manage it: counted out at "
    "once (withdrawing twice is fine)",
    SIGNING,
    body=LinkToken,
    responses={
        200: (WithdrawnSignature, "Withdrawn"),
        404: "The token is not valid (code invalid_token)",
    },
)
def withdraw_by_token():
    signature = signing.signature_for_manage_token(body(LinkToken).token)
    if signature is None:
        return json_error(404, "This link is not valid.", "invalid_token")
    signing.withdraw(signature, "e-mail link (api)")
    db.session.commit()
    return reply(WithdrawnSignature(status="withdrawn"))


# --- who signed, and verification -----------------------------------------------------------


@blueprint.get("/versions/<int:version_id>/signatures")
@operation(
    "The count of confirmed signatures, the co-signing organisations and the people who chose "
    "to publish their name (members; anyone once the version is open for public signing). The "
    "names come a page at a time: organisations first, then people, by name; follow `next` "
    "for more",
    SIGNING,
    query=SignaturesQuery,
    responses={
        200: (Signatures, "OK"),
        **VISIBLE_VERSION,
        422: "page or per_page is not a whole number in range",
    },
)
def list_signatures(version_id: int):
    """The count, and one page of the published signatories (?page, ?per_page): the
    organisations first, then the people, by name; `next` links to the following page."""
    version, _membership = loaders.version(version_id, public=True)
    asked = query(SignaturesQuery)
    page, per_page = asked.page or 1, asked.per_page or SIGNATORIES_PER_PAGE
    organisation_names, people, more = signing.published_signatories(version, page, per_page)
    next_page = None
    if more:
        next_page = url_for(
            "api.list_signatures", version_id=version.id, page=page + 1, per_page=per_page
        )
    return reply(
        Signatures(
            count=signing.confirmed_count(version),
            organisations=[{"name": name} for name in organisation_names],
            public=[{"name": name, "affiliation": affiliation} for name, affiliation in people],
            page=page,
            per_page=per_page,
            next=next_page,
        )
    )


@blueprint.get("/verify/<sha256>")
@operation(
    "Check a fingerprint: the response, organisation, version, date and signature count of the "
    "version that has it, once that version has been exported or opened for signing",
    SIGNING,
    responses={
        200: (Verification, "A published version has it"),
        404: "No published version has this fingerprint",
    },
)
def verify_fingerprint(sha256: str):
    version = signing.find_published(sha256)
    if version is None:
        abort(404, "No published version has this fingerprint.")
    return reply(Verification.of(version))
