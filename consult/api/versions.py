"""API v1 endpoints for versions (../shared/API.md, "Versions and signing"): freezing a
response into a numbered, fingerprinted version, reading it (members; anyone once it is open
for public signing), and opening and closing signing. Signatures are in consult/api/signing.py.

Every view has the one shape: load (401/404) -> check the permission (403) -> validate the
body (400/422) -> one service call -> commit once."""

from __future__ import annotations

import base64

from flask import current_app, url_for
from sqlalchemy.exc import IntegrityError

from consult.api import loaders
from consult.api.body import InvalidBody, body, required_bool
from consult.api.loaders import NOT_MEMBER_VERSION, NOT_VISIBLE, VISIBLE_VERSION
from consult.api.models.signing import (
    ConsentStatement,
    NewVersion,
    SigningChange,
    Version,
    VersionContent,
    VersionDetail,
)
from consult.api.openapi import SIGNING
from consult.api.registry import operation, reply
from consult.api.views import blueprint
from consult.errors import json_error
from consult.extensions import db
from consult.signing import consent
from consult.signing import services as signing

NOT_COORDINATOR = "Only owners and coordinators freeze versions and open or close signing"


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
    version, membership = loaders.version(version_id)
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
    version, _membership = loaders.version(version_id)
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
    version, _membership = loaders.version(version_id)
    response = version.response
    return reply(
        ConsentStatement(
            version=consent.CURRENT_VERSION,
            text=consent.statement(response.organisation.name, response.subject.title),
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
        public = required_bool(change.public, "public")
        try:
            signing.open_signing(membership, version, public, change.closes_at)
        except signing.SigningError as error:
            db.session.rollback()
            raise InvalidBody(422, str(error), {"closes_at": str(error)}) from None
    db.session.commit()
    return reply(Version.of(version, membership))
