"""Loading what a request names, with the permission check: one function per object. A
signed-in outsider gets 404 (whether it exists is not revealed), the wrong role 403.

Each is one call in its view, so that moving them to the domains' own loaders
(`<domain>/permissions.py`, shared with the pages) changes one line a view."""

from __future__ import annotations

from flask import abort
from sqlalchemy import bindparam, select
from sqlalchemy.orm import defer, joinedload

from consult.accounts.models import User
from consult.api.auth import api_user, current_caller
from consult.drafting.models import Response, Revision, Section
from consult.drafting.permissions import can_edit, can_view
from consult.extensions import db
from consult.forms import MAX_ID
from consult.organisations import services as organisations
from consult.organisations.models import SLUG, Membership, Organisation
from consult.organisations.permissions import can
from consult.signing import services as signing
from consult.signing.models import Signature, Version

# What the loaders' refusals mean, as the OpenAPI document tells it.
NOT_MEMBER = "No such organisation, or the caller is not a member"
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
# Anyone may read these of a version open to the public (auth.PUBLIC_VERSION_ENDPOINTS).
VISIBLE_VERSION = {401: ANONYMOUS_VERSION, 404: NOT_MEMBER_VERSION}


# --- organisations --------------------------------------------------------------------------


def _organisation(slug: str) -> Organisation | None:
    if not SLUG.fullmatch(slug):
        return None
    return db.session.scalar(select(Organisation).where(Organisation.slug == slug))


def organisation_membership(slug: str, action: str = "view") -> Membership:
    """The caller's membership of `slug`: 404 if not a member (or no such organisation),
    403 if the role does not allow the action."""
    user = current_caller()
    organisation = _organisation(slug)
    membership = organisations.membership_of(user, organisation) if organisation else None
    if membership is None:
        abort(404)
    if not can(membership, action):
        abort(403)
    return membership


def partner_organisation(user: User, slug: str) -> Organisation:
    """The organisation `slug` that the caller may sign for (its owner or coordinator); 403
    otherwise, also for an unknown slug: whether an organisation exists is not revealed."""
    organisation = _organisation(slug)
    membership = organisations.membership_of(user, organisation) if organisation else None
    if organisation is None or not can(membership, "sign_for_organisation"):
        abort(403, "Only an owner or coordinator of that organisation can sign on its behalf.")
    return organisation


# --- drafting -------------------------------------------------------------------------------


def _drafting_membership(response: Response | None, *, write: bool) -> Membership:
    """The caller's membership of the response's organisation: 404 when they cannot see it
    (not a member, or no such response), 403 when they may read but not write."""
    user = current_caller()
    membership = None
    if response is not None:
        membership = organisations.membership_of(user, response.organisation)
    if membership is None or not can_view(membership):
        abort(404)
    if write and not can_edit(membership):
        abort(403)
    return membership


def draft(response_id: int, *, write: bool = False) -> tuple[Response, Membership]:
    """A response, to read (any member) or to draft in (`write`: editor and above)."""
    response = db.session.get(Response, response_id) if response_id <= MAX_ID else None
    membership = _drafting_membership(response, write=write)
    assert response is not None  # otherwise a 404 above
    return response, membership


def section(
    response_id: int, section_id: int, *, write: bool = False
) -> tuple[Section, Membership]:
    """A section of that response (another response's section is a 404)."""
    found = None
    if response_id <= MAX_ID and section_id <= MAX_ID:
        found = db.session.scalar(
            select(Section).where(Section.id == section_id, Section.response_id == response_id)
        )
    membership = _drafting_membership(found.response if found else None, write=write)
    assert found is not None
    return found, membership


def revision(revision_id: int) -> Revision:
    """A revision the caller may read."""
    found = db.session.get(Revision, revision_id) if revision_id <= MAX_ID else None
    _drafting_membership(found.section.response if found else None, write=False)
    assert found is not None
    return found


# --- versions and signing -------------------------------------------------------------------


def _viewer(user: User | None, organisation: Organisation) -> Membership | None:
    membership = organisations.membership_of(user, organisation) if user else None
    return membership if can(membership, "view") else None


def response(response_id: int, action: str) -> tuple[Response, Membership]:
    """A response of the caller's organisation whose role allows `action` ("view", "freeze")."""
    user = current_caller()
    found = db.session.get(Response, response_id) if response_id <= MAX_ID else None
    membership = _viewer(user, found.organisation) if found else None
    if membership is None:
        abort(404)
    if not can(membership, action):
        abort(403)
    assert found is not None
    return found, membership


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


def version(version_id: int, *, public: bool) -> tuple[Version, Membership | None]:
    """The version and the caller's membership of its organisation (None for the public).
    `public`: whether anyone may see it once it is publicly visible. Otherwise an anonymous
    caller gets 401 (logging in may help) and a signed-in outsider 404."""
    user = api_user()
    found = None
    if version_id <= MAX_ID:
        found = db.session.scalar(_VERSION_WITH_LEAD, {"version_id": version_id})
    if found is not None:
        membership = _viewer(user, found.response.organisation)
        if membership is not None:
            return found, membership
        if public and signing.publicly_visible(found):
            return found, None
    if user is None:
        abort(401)
    abort(404)


def coordinated_version(version_id: int) -> tuple[Version, Membership]:
    """A version whose signing the caller runs (owner or coordinator)."""
    found, membership = version(version_id, public=False)
    if not can(membership, "freeze"):
        abort(403)
    assert membership is not None
    return found, membership


def _may_withdraw(user: User, signature: Signature) -> bool:
    """The signer: the person (their account), or for an organisation's co-signature any
    current owner or coordinator of that organisation."""
    if signature.kind == "organisation":
        if signature.organisation is None:
            return False
        membership = organisations.membership_of(user, signature.organisation)
        return can(membership, "sign_for_organisation")
    return signature.user_id == user.id


def own_signature(signature_id: int) -> Signature:
    """A signature the caller may withdraw; anyone else's is a 404."""
    user = current_caller()
    found = db.session.get(Signature, signature_id) if signature_id <= MAX_ID else None
    if found is None or not _may_withdraw(user, found):
        abort(404)
    return found
