"""API v1 endpoints for signatures (../shared/API.md, "Versions and signing"): signing a
version, confirming and withdrawing, who signed, and verifying a fingerprint. The versions
themselves, and opening and closing signing, are in consult/api/versions.py.

Who sees what. A version, its canonical content, its consent statement and its list of
signatories are visible to the lead organisation's members, and to anyone once the version has
been opened for public signing (signing.services.publicly_visible). Otherwise an anonymous
caller gets 401 (logging in may help) and a signed-in outsider 404 (its existence is not
revealed). Confirming, withdrawing with the e-mailed link and verifying a fingerprint need no
token at all.

Every view has the one shape: load (401/404) -> check the permission (403) -> validate the
body (400/422) -> one service call -> commit once."""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app, g, request, url_for
from flask_login import current_user
from werkzeug.exceptions import TooManyRequests

from consult.accounts.models import User
from consult.accounts.services import normalise_email
from consult.api import loaders
from consult.api.auth import api_user, current_caller
from consult.api.body import (
    InvalidBody,
    body,
    json_body,
    json_object_or_empty,
    query,
    required_bool,
    validated,
)
from consult.api.fields import NOT_VALID
from consult.api.loaders import ANONYMOUS_VERSION, VISIBLE_VERSION
from consult.api.models.signing import (
    EXPLICIT_CONSENT,
    SHOW_CONSENT,
    SIGNATORIES_PER_PAGE,
    ConfirmedSignature,
    LinkToken,
    MemberSignature,
    MemberSignatureRequest,
    PendingSignature,
    PublicSignatureRequest,
    Signatures,
    SignaturesQuery,
    Verification,
    WithdrawnSignature,
)
from consult.api.openapi import SIGNING
from consult.api.registry import operation, reply
from consult.api.views import blueprint
from consult.errors import json_error
from consult.extensions import db, limiter
from consult.net import client_ip
from consult.ratelimits import count_at_once
from consult.signing import services as signing

# Public signing, per client address (behind TRUSTED_PROXY_COUNT proxies) and per e-mail
# address. Generous per address, because a mobile network or an office puts many people
# behind one; tight per e-mail address, which nobody needs to use more than a few times and
# which must not be usable to flood someone's inbox. App config can override both.
SIGN_LIMIT_PER_IP = "20 per minute;300 per hour"
SIGN_LIMIT_PER_EMAIL = "3 per hour;10 per day"


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


def _counted_at_once() -> bool:
    return g.get("sign_limits_counted", False)


def _public_limits_at_once(view):
    """Count a public signature against both limits in one round trip to Redis
    (consult/ratelimits.py); the limiter's decorators below count it only when that could
    not be done (memory storage, Redis down). Like theirs, a failing test of whether the
    signature is public applies the limits."""

    @wraps(view)
    def counted(*args, **kwargs):
        try:
            public, email = _is_public_signing(), _email_given()
        except Exception:
            current_app.logger.exception("Public signing test failed; limits applied")
            public, email = True, False
        if public:
            limits = [(_ip_limit(), "sign-ip", _ip_key)]
            if email:
                limits.append((_email_limit(), "sign-email", _email_key))
            outcome = count_at_once(limits)
            if outcome is not None:
                g.sign_limits_counted = True
                if outcome.exceeded is not None:
                    raise TooManyRequests(str(outcome.exceeded), retry_after=outcome.retry_after)
        return view(*args, **kwargs)

    return counted


# --- signing --------------------------------------------------------------------------------


@blueprint.post("/versions/<int:version_id>/signatures")
@_public_limits_at_once
@limiter.limit(
    _ip_limit, key_func=_ip_key, exempt_when=lambda: _counted_at_once() or not _is_public_signing()
)
@limiter.limit(
    _email_limit, key_func=_email_key, exempt_when=lambda: _counted_at_once() or not _email_given()
)
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
    version = loaders.signing_target(version_id)
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
    version, membership = loaders.version(version_id)
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
        consent_public = required_bool(signer.consent_public, "consent_public")
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
    version, _membership = loaders.version(version_id)
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
