"""The API blueprint: what runs before every API view (authenticate, deny by default, refuse
a body too large), how a refused body is answered, the OpenAPI document, and the endpoints for
the caller, organisations and invitations."""

from __future__ import annotations

from flask import Blueprint, current_app

from consult.api import loaders
from consult.api.auth import api_caller_key, authenticate, current_caller, deny_by_default
from consult.api.body import InvalidBody, body, limit_body_size
from consult.api.models.accounts import (
    AcceptedInvitation,
    Invitation,
    Me,
    Member,
    NewInvitation,
    NewOrganisation,
    OrganisationDetail,
    OrganisationMembership,
    OrganisationRef,
)
from consult.api.openapi import ACCOUNTS, HEALTH, openapi_json
from consult.api.registry import Reply, operation, reply
from consult.errors import json_error
from consult.extensions import csrf, db, limiter
from consult.organisations import services as organisations
from consult.organisations.permissions import load_invitation

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(blueprint)  # api.auth.authenticate applies CSRF to cookie-session requests itself
limiter.limit("300 per minute", key_func=api_caller_key)(blueprint)
# A ceiling per client address as well, so that made-up tokens cannot dodge the limit.
limiter.limit("1200 per minute")(blueprint)


@blueprint.before_request
def _before_every_view():
    """Who is calling (401 for a bad token), then 401 without a caller unless the endpoint is
    public, then 413 for a body larger than the endpoint takes: all before the view runs."""
    refused = authenticate()
    if refused is not None:
        return refused
    deny_by_default()
    limit_body_size()
    return None


@blueprint.errorhandler(InvalidBody)
def _invalid_body(error: InvalidBody):
    extra = {"fields": error.fields} if error.fields else {}
    return json_error(error.status, error.message, **extra)


@blueprint.get("/openapi.json")
@operation(
    "This document",
    HEALTH,
    responses={
        200: Reply(None, "The OpenAPI 3.1 document", ("application/json",), {"type": "object"})
    },
)
def openapi():
    return current_app.response_class(openapi_json(), mimetype="application/json")


@blueprint.get("/me")
@operation("The caller's account and organisations", ACCOUNTS, responses={200: (Me, "OK")})
def me():
    user = current_caller()
    memberships = organisations.memberships_of(user)
    return reply(
        Me(
            id=user.id,
            email=user.email,
            name=user.name,
            organisations=[OrganisationMembership.of(m) for m in memberships],
        )
    )


@blueprint.get("/organisations")
@operation(
    "The caller's organisations with their role",
    ACCOUNTS,
    responses={200: ([OrganisationMembership], "OK")},
)
def list_organisations():
    memberships = organisations.memberships_of(current_caller())
    return reply([OrganisationMembership.of(m) for m in memberships])


@blueprint.post("/organisations")
@operation(
    "Create an organisation; the caller becomes its owner",
    ACCOUNTS,
    body=NewOrganisation,
    responses={201: (OrganisationMembership, "Created")},
)
def create_organisation():
    user = current_caller()
    new = body(NewOrganisation)
    organisation = organisations.create_organisation(user, new.name)
    db.session.commit()
    return reply(
        OrganisationMembership(slug=organisation.slug, name=organisation.name, role="owner"), 201
    )


@blueprint.get("/organisations/<slug>")
@operation(
    "An organisation the caller belongs to, with its members",
    ACCOUNTS,
    responses={200: (OrganisationDetail, "OK"), 404: loaders.NOT_MEMBER},
)
def get_organisation(slug: str):
    membership = loaders.organisation_membership(slug)
    members = organisations.members(membership.organisation)
    return reply(
        OrganisationDetail(
            **OrganisationMembership.of(membership).model_dump(),
            members=[Member(id=m.user_id, name=m.user.name, role=m.role) for m in members],
        )
    )


@blueprint.post("/organisations/<slug>/invitations")
@limiter.limit("60 per hour")
@operation(
    "Invite an e-mail address with a role (owner or coordinator); e-mails the link",
    ACCOUNTS,
    body=NewInvitation,
    responses={
        201: (Invitation, "Invited"),
        403: "The caller's role cannot invite, or cannot give that role (only owners invite "
        "owners)",
        404: loaders.NOT_MEMBER,
        409: "The address already belongs to a member (code already_member)",
        429: "Too many invitations (60 an hour); see Retry-After",
    },
)
def create_invitation(slug: str):
    membership = loaders.organisation_membership(slug, "invite")
    new = body(NewInvitation)
    try:
        invitation, token = organisations.invite(membership, new.email, new.role)
    except organisations.NotAllowed as error:
        return json_error(403, str(error))
    except organisations.OrganisationError as error:
        return json_error(409, str(error), code="already_member")
    db.session.commit()
    answer = Invitation(
        id=invitation.id,
        token=token,
        email=invitation.email,
        role=invitation.role,
        expires_at=invitation.expires_at,
    )
    return reply(answer, 201)


@blueprint.post("/invitations/<token>/accept")
@operation(
    "Accept an invitation; the caller's e-mail must be the invited one",
    ACCOUNTS,
    responses={
        200: (AcceptedInvitation, "Joined"),
        403: "The invitation was sent to another address (code wrong_invitee)",
        404: "No such invitation",
        409: "The invitation expired, or was accepted, declined or revoked (code "
        "invitation_closed)",
    },
)
def accept_invitation(token: str):
    user = current_caller()
    invitation = load_invitation(token)
    try:
        membership = organisations.accept_invitation(user, invitation)
    except organisations.NotAllowed as error:
        return json_error(403, str(error), code="wrong_invitee")
    except organisations.OrganisationError as error:
        return json_error(409, str(error), code="invitation_closed")
    db.session.commit()
    organisation = membership.organisation
    return reply(
        AcceptedInvitation(
            organisation=OrganisationRef(slug=organisation.slug, name=organisation.name),
            role=membership.role,
        )
    )
