"""API v1 endpoints for accounts, organisations and invitations."""

from __future__ import annotations

import re

from flask import Blueprint, abort, jsonify
from sqlalchemy import select

from consult.api.auth import api_caller_key, api_user, authenticate
from consult.api.openapi import openapi_document
from consult.api.schemas import (
    InvalidBody,
    choice_field,
    email_field,
    json_body,
    limit_body_size,
    text_field,
)
from consult.errors import json_error
from consult.extensions import csrf, db, limiter
from consult.organisations import services as organisations
from consult.organisations.models import Membership, Organisation
from consult.organisations.permissions import ROLES, can
from consult.timeutil import isoformat

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(blueprint)  # api.auth.authenticate applies CSRF to cookie-session requests itself
limiter.limit("300 per minute", key_func=api_caller_key)(blueprint)
# A ceiling per client address as well, so that made-up tokens cannot dodge the limit.
limiter.limit("1200 per minute")(blueprint)

# What a slug can look like (organisations.services.slugify makes them); anything else, such as a
# NUL byte that PostgreSQL would refuse, cannot name an organisation and is a 404 at once.
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")


@blueprint.before_request
def _authenticate():
    return authenticate()


@blueprint.before_request
def _limit_body_size():
    limit_body_size()


@blueprint.errorhandler(InvalidBody)
def _invalid_body(error: InvalidBody):
    extra = {"fields": error.fields} if error.fields else {}
    return json_error(error.status, error.message, **extra)


def current_caller():
    """The authenticated caller, or a 401 in JSON."""
    user = api_user()
    if user is None:
        abort(401)
    return user


def caller_membership(slug: str, action: str = "view") -> Membership:
    """The caller's membership of `slug`: 404 if not a member (or no such organisation),
    403 if the role does not allow the action."""
    user = current_caller()
    if not _SLUG.fullmatch(slug):
        abort(404)
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    membership = organisations.membership_of(user, organisation) if organisation else None
    if membership is None:
        abort(404)
    if not can(membership, action):
        abort(403)
    return membership


def _organisation_json(membership: Membership) -> dict:
    return {
        "slug": membership.organisation.slug,
        "name": membership.organisation.name,
        "role": membership.role,
    }


@blueprint.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@blueprint.get("/me")
def me():
    user = current_caller()
    return jsonify(
        {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "organisations": [_organisation_json(m) for m in organisations.memberships_of(user)],
        }
    )


@blueprint.get("/organisations")
def list_organisations():
    user = current_caller()
    return jsonify([_organisation_json(m) for m in organisations.memberships_of(user)])


@blueprint.post("/organisations")
def create_organisation():
    user = current_caller()
    name = text_field(json_body(), "name", max_length=160)
    organisation = organisations.create_organisation(user, name)
    db.session.commit()
    return jsonify({"slug": organisation.slug, "name": organisation.name, "role": "owner"}), 201


@blueprint.get("/organisations/<slug>")
def get_organisation(slug: str):
    membership = caller_membership(slug)
    body = _organisation_json(membership)
    body["members"] = [
        {"id": m.user_id, "name": m.user.name, "role": m.role}
        for m in organisations.members(membership.organisation)
    ]
    return jsonify(body)


@blueprint.post("/organisations/<slug>/invitations")
@limiter.limit("60 per hour")
def create_invitation(slug: str):
    membership = caller_membership(slug, "invite")
    data = json_body()
    email = email_field(data)
    role = choice_field(data, "role", ROLES, default="member")
    try:
        invitation, token = organisations.invite(membership, email, role)
    except organisations.NotAllowed as error:
        return json_error(403, str(error))
    except organisations.OrganisationError as error:
        return json_error(409, str(error), code="already_member")
    db.session.commit()
    return jsonify(
        {
            "id": invitation.id,
            "token": token,
            "email": invitation.email,
            "role": invitation.role,
            "expires_at": isoformat(invitation.expires_at),
        }
    ), 201


@blueprint.post("/invitations/<token>/accept")
def accept_invitation(token: str):
    user = current_caller()
    invitation = organisations.find_invitation(token)
    if invitation is None:
        abort(404)
    try:
        membership = organisations.accept_invitation(user, invitation)
    except organisations.NotAllowed as error:
        return json_error(403, str(error), code="wrong_invitee")
    except organisations.OrganisationError as error:
        return json_error(409, str(error), code="invitation_closed")
    db.session.commit()
    return jsonify(
        {
            "organisation": {
                "slug": membership.organisation.slug,
                "name": membership.organisation.name,
            },
            "role": membership.role,
        }
    )
