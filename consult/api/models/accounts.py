"""Accounts and organisations: the caller, organisations, invitations, and the caller's rights
over their data (API.md, "Accounts and organisations")."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from consult.api.fields import Choice, Email, Text, Time
from consult.api.models.base import ReplyModel, RequestModel
from consult.organisations.models import ROLES, Membership

Role = Literal[ROLES]


# --- requests -------------------------------------------------------------------------------


class NewOrganisation(RequestModel):
    name: Annotated[str, Text(160)]


class NewInvitation(RequestModel):
    email: Annotated[str, Email()]
    role: Annotated[str, Choice(ROLES)] = "member"


class EraseAccount(RequestModel):
    confirm: Annotated[
        str, Text(254, format="email", description="The account's e-mail address, typed to confirm")
    ]
    password: Annotated[
        str | None, Text(256, required=False, description="Optional: checked too when sent")
    ] = None


# --- replies --------------------------------------------------------------------------------


class OrganisationMembership(ReplyModel):
    slug: str
    name: str
    role: Role

    @classmethod
    def of(cls, membership: Membership) -> OrganisationMembership:
        organisation = membership.organisation
        return cls(slug=organisation.slug, name=organisation.name, role=membership.role)


class Me(ReplyModel):
    id: int
    email: str = Field(json_schema_extra={"format": "email"})
    name: str
    organisations: list[OrganisationMembership]


class Member(ReplyModel):
    inline = True
    id: int
    name: str
    role: Role


class OrganisationDetail(OrganisationMembership):
    members: list[Member]


class Invitation(ReplyModel):
    id: int
    token: str = Field(description="Shown once; also e-mailed as a link")
    email: str = Field(json_schema_extra={"format": "email"})
    role: Role
    expires_at: Time


class OrganisationRef(ReplyModel):
    inline = True
    slug: str
    name: str


class AcceptedInvitation(ReplyModel):
    organisation: OrganisationRef
    role: Role


_ROWS = list[dict[str, Any]]


class PersonalData(ReplyModel):
    """Everything held about the caller: the account, then for each kind of row that points at
    them, the rows (hashes of secrets left out). Keys may be added."""

    model_config = ConfigDict(extra="allow", frozen=True)
    format: Literal["consult-personal-data/1"]
    generated_at: str = Field(json_schema_extra={"format": "date-time"})
    account: dict[str, Any]
    memberships: _ROWS
    revisions: _ROWS
    comments: _ROWS
    sessions: _ROWS = None
    api_tokens: _ROWS = None
    suggestions: _ROWS = None
    signatures: _ROWS = Field(None, description="Each with its consent_records")
    invitations_sent: _ROWS = None
    invitations_received: _ROWS = None
    audit_events: _ROWS = None


class Erased(ReplyModel):
    id: int
    status: Literal["erased"]
