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
from datetime import datetime

from flask import abort, current_app, jsonify, request, url_for
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer, joinedload

from consult.accounts.services import normalise_email
from consult.api.auth import api_user
from consult.api.schemas import (
    MAX_ID,
    InvalidBody,
    bool_field,
    email_field,
    json_body,
    json_object_or_empty,
    text_field,
)
from consult.api.views import _SLUG, blueprint, current_caller
from consult.drafting.models import Response
from consult.errors import json_error
from consult.extensions import db, limiter
from consult.net import client_ip
from consult.organisations import services as organisations
from consult.organisations.models import Membership, Organisation
from consult.organisations.permissions import can
from consult.signing import consent
from consult.signing import services as signing
from consult.signing.models import Signature, Version
from consult.timeutil import isoformat, parse_utc, utcnow

# Public signing, per client address (behind TRUSTED_PROXY_COUNT proxies) and per e-mail
# address. Generous per address, because a mobile network or an office puts many people
# behind one; tight per e-mail address, which nobody needs to use more than a few times and
# which must not be usable to flood someone's inbox. App config can override both.
SIGN_LIMIT_PER_IP = "20 per minute;300 per hour"
SIGN_LIMIT_PER_EMAIL = "3 per hour;10 per day"
NOTE_LENGTH = 500
NAME_LENGTH = 200
# The published signatories come a page at a time: a public campaign has thousands.
SIGNATORIES_PER_PAGE = 100
SIGNATORIES_MAX_PER_PAGE = 500


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


# --- loading, with the permission check -----------------------------------------------------


def _membership(user, organisation: Organisation) -> Membership | None:
    membership = organisations.membership_of(user, organisation) if user else None
    return membership if can(membership, "view") else None


def _load_response(response_id: int, action: str) -> tuple[Response, Membership]:
    """401 without a caller, 404 unless they belong to the response's organisation, 403 when
    their role does not allow `action`."""
    user = current_caller()
    response = db.session.get(Response, response_id) if response_id <= MAX_ID else None
    membership = _membership(user, response.organisation) if response else None
    if membership is None:
        abort(404)
    if not can(membership, action):
        abort(403)
    assert response is not None
    return response, membership


# The version with what every signing endpoint reads (the lead organisation and the
# consultation, for the consent statement) in one query, built once: public signing is the
# hot path, and building and keying a statement costs more than running it. Not the canonical
# content (a long response's is 100 KB): the endpoints that show it load it when they do.
_VERSION_WITH_LEAD = (
    select(Version)
    .where(Version.id == bindparam("version_id"))
    .options(
        defer(Version.content),
        joinedload(Version.response).joinedload(Response.organisation),
        joinedload(Version.response).joinedload(Response.consultation),
    )
)


def _load_version(version_id: int, *, public: bool) -> tuple[Version, Membership | None]:
    """The version and the caller's membership of its organisation (None for the public).
    `public`: whether anyone may see it once it is publicly visible."""
    user = api_user()
    version = None
    if version_id <= MAX_ID:
        version = db.session.scalar(_VERSION_WITH_LEAD, {"version_id": version_id})
    if version is not None:
        membership = _membership(user, version.response.organisation)
        if membership is not None:
            return version, membership
        if public and signing.publicly_visible(version):
            return version, None
    if user is None:
        abort(401)
    abort(404)


def _coordinator_version(version_id: int) -> tuple[Version, Membership]:
    version, membership = _load_version(version_id, public=False)
    if not can(membership, "freeze"):
        abort(403)
    assert membership is not None
    return version, membership


def _optional_body() -> dict:
    """An optional JSON body: nothing at all is an empty object."""
    if not request.get_data(cache=True):
        return {}
    return json_body()


def _required_bool(data: dict, name: str) -> bool:
    if name not in data:
        raise InvalidBody(422, "Some fields are missing.", {name: "Send true or false."})
    return bool_field(data, name, default=False)


def _closes_at(data: dict) -> datetime | None:
    """An ISO 8601 time; with no offset it is taken as UTC. Stored as naive UTC."""
    value = data.get("closes_at")
    if value is None:
        return None
    message = {"closes_at": "An ISO 8601 date and time, e.g. 2026-12-01T17:00:00Z, or null."}
    if not isinstance(value, str) or len(value) > 40:
        raise InvalidBody(422, "Some fields are not valid.", message)
    try:
        moment = parse_utc(value.strip())
    except ValueError:
        raise InvalidBody(422, "Some fields are not valid.", message) from None
    if moment <= utcnow():
        raise InvalidBody(
            422, "Some fields are not valid.", {"closes_at": "Must be in the future."}
        )
    return moment


def _consent_statement(data: dict, *, required: bool) -> str:
    """The version of the consent statement the signer was shown and agreed to."""
    value = data.get("consent_statement")
    if value is None and not required:
        return consent.CURRENT_VERSION
    if not isinstance(value, str) or not value:
        raise InvalidBody(
            422,
            "Explicit consent is required.",
            {
                "consent_statement": "Show the signer the consent statement (GET "
                "/api/v1/versions/{id}/consent), and send its version, "
                f'"{consent.CURRENT_VERSION}", once they have agreed to it.'
            },
        )
    if value != consent.CURRENT_VERSION:
        raise InvalidBody(
            422,
            "The consent statement has changed.",
            {
                "consent_statement": f'The current statement is version "'
                f'{consent.CURRENT_VERSION}": show it to the signer and ask again.'
            },
        )
    return value


# --- JSON shapes ----------------------------------------------------------------------------


def _signing_json(version: Version) -> dict:
    return {
        "open": signing.is_open(version),
        "public": version.signing_public,
        "closes_at": isoformat(version.signing_closes_at),
        "opened_at": isoformat(version.signing_opened_at),
    }


def _version_json(version: Version, membership: Membership | None) -> dict:
    """The version as its organisation's members see it; for anyone else (a public version)
    without the coordinators' note, which is for their colleagues."""
    return {
        "id": version.id,
        "number": version.number,
        "sha256": version.sha256,
        "created_at": isoformat(version.created_at),
        "note": version.note if membership is not None else "",
        "response": version.response_id,
        "signing": _signing_json(version),
        "content_url": url_for("api.version_content", version_id=version.id),
    }


# --- versions -------------------------------------------------------------------------------


@blueprint.post("/responses/<int:response_id>/versions")
def freeze_version(response_id: int):
    response, membership = _load_response(response_id, "freeze")
    note = text_field(_optional_body(), "note", max_length=NOTE_LENGTH, required=False) or ""
    try:
        version = signing.freeze(membership, response, note)
        db.session.commit()
    except IntegrityError:
        # Frozen by someone else at the same moment (SQLite, which has no row locks).
        db.session.rollback()
        return json_error(
            409, "Someone froze this response at the same moment. Try again.", "freeze_conflict"
        )
    body = jsonify(_version_json(version, membership))
    body.headers["Location"] = url_for("api.get_version", version_id=version.id)
    return body, 201


@blueprint.get("/responses/<int:response_id>/versions")
def list_versions(response_id: int):
    response, membership = _load_response(response_id, "view")
    return jsonify(
        [_version_json(version, membership) for version in signing.versions_of(response)]
    )


@blueprint.get("/versions/<int:version_id>")
def get_version(version_id: int):
    version, membership = _load_version(version_id, public=True)
    body = _version_json(version, membership)
    body["signatures"] = {"count": signing.confirmed_count(version)}
    return jsonify(body)


@blueprint.get("/versions/<int:version_id>/content")
def version_content(version_id: int):
    """Exactly the stored canonical bytes, never re-serialised: their SHA-256 is the
    version's fingerprint, so a reader can check what was signed."""
    version, _membership = _load_version(version_id, public=True)
    data = version.content.encode("utf-8")
    reply = current_app.response_class(data, mimetype="application/json")
    reply.headers["ETag"] = f'"{version.sha256}"'
    digest = base64.b64encode(bytes.fromhex(version.sha256)).decode("ascii")
    reply.headers["Repr-Digest"] = f"sha-256=:{digest}:"  # RFC 9530
    return reply


@blueprint.get("/versions/<int:version_id>/consent")
def consent_statement(version_id: int):
    version, _membership = _load_version(version_id, public=True)
    response = version.response
    return jsonify(
        {
            "version": consent.CURRENT_VERSION,
            "text": consent.statement(response.organisation.name, response.consultation.title),
            "organisation": response.organisation.name,
        }
    )


# --- opening and closing signing ------------------------------------------------------------


@blueprint.post("/versions/<int:version_id>/signing")
def set_signing(version_id: int):
    version, membership = _coordinator_version(version_id)
    data = json_body()
    if not bool_field(data, "open", default=True):
        signing.close_signing(membership, version)
    else:
        public = _required_bool(data, "public")
        closes_at = _closes_at(data)
        try:
            signing.open_signing(membership, version, public, closes_at)
        except signing.SigningError as error:
            db.session.rollback()
            raise InvalidBody(422, str(error), {"closes_at": str(error)}) from None
    db.session.commit()
    return jsonify(_version_json(version, membership))


# --- signing --------------------------------------------------------------------------------


@blueprint.post("/versions/<int:version_id>/signatures")
@limiter.limit(_ip_limit, key_func=_ip_key, exempt_when=lambda: not _is_public_signing())
@limiter.limit(_email_limit, key_func=_email_key, exempt_when=lambda: not _email_given())
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
    version, _membership = _load_version(version_id, public=True)
    name = text_field(data, "name", max_length=NAME_LENGTH)
    email = email_field(data)
    affiliation = text_field(data, "affiliation", max_length=NAME_LENGTH, required=False)
    consent_public = _required_bool(data, "consent_public")
    statement = _consent_statement(data, required=True)
    if not (signing.is_open(version) and version.signing_public):
        return _closed()
    try:
        signing.sign_publicly(
            version, name, email, affiliation, consent_public, statement, method="api"
        )
    except signing.SigningError as error:
        db.session.rollback()
        return json_error(409, str(error), "signing_closed")
    db.session.commit()
    # The same answer whether the address is new, pending, confirmed or withdrawn.
    return jsonify({"status": "pending"}), 202


def _partner(data: dict, user) -> Organisation | None:
    """The organisation named by on_behalf_of, if the caller is its owner or coordinator."""
    slug = data.get("on_behalf_of")
    if slug is None:
        return None
    if not isinstance(slug, str):
        raise InvalidBody(
            422, "Some fields have the wrong type.", {"on_behalf_of": "An organisation's slug."}
        )
    organisation = None
    if _SLUG.fullmatch(slug):
        organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    membership = organisations.membership_of(user, organisation) if organisation else None
    if not can(membership, "sign_for_organisation"):
        # Also for an unknown slug: whether an organisation exists is not revealed.
        abort(403, "Only an owner or coordinator of that organisation can sign on its behalf.")
    return organisation


def _sign_as_member(version_id: int, data: dict, user):
    version, membership = _load_version(version_id, public=True)
    display_name = text_field(data, "display_name", max_length=NAME_LENGTH, required=False)
    affiliation = text_field(data, "affiliation", max_length=NAME_LENGTH, required=False)
    partner = _partner(data, user)
    if partner is not None:
        if partner.id == version.response.organisation_id:
            raise InvalidBody(
                422,
                "Some fields are not valid.",
                {"on_behalf_of": "The lead organisation does not co-sign its own response."},
            )
        consent_public = True  # an organisation's co-signature is public
    else:
        consent_public = _required_bool(data, "consent_public")
        # Members of the lead organisation sign as members of a body with political aims;
        # anyone else signs on their explicit consent, like the public.
        _consent_statement(data, required=membership is None)
    if not signing.is_open(version):
        return _closed()
    try:
        signature = signing.sign_as_member(
            user, version, display_name, affiliation, consent_public, partner, method="api"
        )
    except signing.NotAllowed as error:
        db.session.rollback()
        return json_error(403, str(error))
    except signing.SigningError as error:
        db.session.rollback()
        return json_error(409, str(error), "signing_closed")
    db.session.commit()
    return jsonify({"id": signature.id, "status": signature.status, "kind": signature.kind}), 201


# --- confirming and withdrawing -------------------------------------------------------------


def _token(data: dict) -> str:
    value = text_field(data, "token", max_length=200)
    assert value is not None
    return value


@blueprint.post("/signatures/confirm")
def confirm_signature():
    token = _token(json_body())
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
    return jsonify({"status": "confirmed"})


def _may_withdraw(user, signature: Signature) -> bool:
    """The signer: the person (their account), or for an organisation's co-signature any
    current owner or coordinator of that organisation."""
    if signature.kind == "organisation":
        if signature.organisation is None:
            return False
        membership = organisations.membership_of(user, signature.organisation)
        return can(membership, "sign_for_organisation")
    return signature.user_id == user.id


@blueprint.delete("/signatures/<int:signature_id>")
def withdraw_signature(signature_id: int):
    user = current_caller()
    signature = db.session.get(Signature, signature_id) if signature_id <= MAX_ID else None
    if signature is None or not _may_withdraw(user, signature):
        abort(404)
    signing.withdraw(signature, "api", actor=user)
    db.session.commit()
    return jsonify({"id": signature.id, "status": "withdrawn"})


@blueprint.post("/signatures/withdraw")
def withdraw_by_token():
    signature = signing.signature_for_manage_token(_token(json_body()))
    if signature is None:
        return json_error(404, "This link is not valid.", "invalid_token")
    signing.withdraw(signature, "e-mail link (api)")
    db.session.commit()
    return jsonify({"status": "withdrawn"})


# --- who signed, and verification -----------------------------------------------------------


def _page_arg(name: str, default: int, maximum: int) -> int:
    """A positive whole number from the query string (422 otherwise)."""
    raw = request.args.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or not 0 < int(raw) <= maximum:
        raise InvalidBody(
            422, "Some fields are not valid.", {name: f"A whole number from 1 to {maximum}."}
        )
    return int(raw)


@blueprint.get("/versions/<int:version_id>/signatures")
def list_signatures(version_id: int):
    """The count, and one page of the published signatories (?page, ?per_page): the
    organisations first, then the people, by name; `next` links to the following page."""
    version, _membership = _load_version(version_id, public=True)
    page = _page_arg("page", 1, MAX_ID)
    per_page = _page_arg("per_page", SIGNATORIES_PER_PAGE, SIGNATORIES_MAX_PER_PAGE)
    organisation_names, people, more = signing.published_signatories(version, page, per_page)
    return jsonify(
        {
            "count": signing.confirmed_count(version),
            "organisations": [{"name": name} for name in organisation_names],
            "public": [{"name": name, "affiliation": affiliation} for name, affiliation in people],
            "page": page,
            "per_page": per_page,
            "next": url_for(
                "api.list_signatures", version_id=version.id, page=page + 1, per_page=per_page
            )
            if more
            else None,
        }
    )


@blueprint.get("/verify/<sha256>")
def verify_fingerprint(sha256: str):
    version = signing.find_published(sha256)
    if version is None:
        abort(404, "No published version has this fingerprint.")
    response = version.response
    return jsonify(
        {
            "sha256": version.sha256,
            "response": {"id": response.id, "title": version.title},
            "organisation": {
                "slug": response.organisation.slug,
                "name": response.organisation.name,
            },
            "consultation": {
                "slug": response.consultation.slug,
                "title": response.consultation.title,
            },
            "version": version.number,
            "created_at": isoformat(version.created_at),
            "signing": _signing_json(version),
            "signatures": {"count": signing.confirmed_count(version)},
        }
    )
