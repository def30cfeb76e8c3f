"""Versions and signing (API.md, "Versions and signing")."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from flask import url_for
from pydantic import ConfigDict, Field

from consult.api.fields import (
    SEND_TRUE_OR_FALSE,
    Bool,
    Check,
    Email,
    FutureTime,
    NullableString,
    QueryNumber,
    Text,
    Time,
    refuse,
)
from consult.api.models.base import NullableStr, ReplyModel, RequestModel
from consult.drafting.models import SECTION_KINDS
from consult.forms import MAX_ID
from consult.organisations.models import Membership
from consult.signing import consent
from consult.signing import models as signed
from consult.signing import services as signing

NAME_LENGTH = 200
# The published signatories come a page at a time: a public campaign has thousands.
SIGNATORIES_PER_PAGE = 100
SIGNATORIES_MAX_PER_PAGE = 500

# --- consent --------------------------------------------------------------------------------

EXPLICIT_CONSENT = "Explicit consent is required."
SHOW_CONSENT = (
    "Show the signer the consent statement (GET /api/v1/versions/{id}/consent), and send its "
    f'version, "{consent.CURRENT_VERSION}", once they have agreed to it.'
)


def _consent_version(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise refuse(EXPLICIT_CONSENT, SHOW_CONSENT)
    if value != consent.CURRENT_VERSION:
        raise refuse(
            "The consent statement has changed.",
            f'The current statement is version "{consent.CURRENT_VERSION}": show it to the '
            "signer and ask again.",
        )
    return value


_CONSENT_DESCRIPTION = (
    "The version of the consent statement the signer was shown and agreed to: `version` from "
    "GET /api/v1/versions/{version_id}/consent, shown with its `text` next to an unticked box. "
    "Anything else (missing, false, true, an older version) is a 422: explicit consent names "
    "the statement agreed to, and the consent record keeps it."
)


def ConsentVersion(*, required: bool, description: str = _CONSENT_DESCRIPTION) -> Check:
    """The consent statement's version, as the signer agreed to it."""
    schema: dict[str, Any] = {"type": "string" if required else ["string", "null"]}
    return Check(
        _consent_version if required else lambda v: None if v is None else _consent_version(v),
        schema,
        missing=SHOW_CONSENT,
        missing_summary=EXPLICIT_CONSENT,
        extra={"examples": [consent.CURRENT_VERSION], "description": description},
    )


# --- requests -------------------------------------------------------------------------------


class NewVersion(RequestModel):
    note: Annotated[str | None, Text(500, required=False)] = None


class SigningChange(RequestModel):
    """Open signing (with `public`), change it, or close it with {"open": false}."""

    model_config = ConfigDict(
        extra="ignore",
        frozen=True,
        json_schema_extra={
            "oneOf": [
                {"title": "Open", "required": ["public"], "properties": {"open": {"const": True}}},
                {"title": "Close", "required": ["open"], "properties": {"open": {"const": False}}},
            ]
        },
    )
    open: Annotated[bool, Bool()] = True
    public: Annotated[
        bool | None,
        Bool(
            description="Required to open: true, anyone may sign (with e-mail confirmation); "
            "false, members only"
        ),
    ] = None
    closes_at: Annotated[
        Any,
        FutureTime(description="ISO 8601; without an offset, UTC. null: open until closed"),
    ] = None


class MemberSignatureRequest(RequestModel):
    """With a token (or session): the caller signs as themselves, or for an organisation they
    own or coordinate (on_behalf_of). Leave out `email`: a body with an e-mail address is a
    public signature."""

    model_config = ConfigDict(
        extra="ignore",
        frozen=True,
        json_schema_extra={
            "not": {"required": ["email"]},
            # consent_public is required, except for an organisation's co-signature.
            "anyOf": [
                {"required": ["consent_public"]},
                {"required": ["on_behalf_of"], "properties": {"on_behalf_of": {"type": "string"}}},
            ],
        },
    )
    display_name: Annotated[
        str | None,
        Text(
            NAME_LENGTH,
            required=False,
            description="Default (left out or null): the account's name",
        ),
    ] = None
    affiliation: Annotated[str | None, Text(NAME_LENGTH, required=False)] = None
    consent_public: Annotated[
        bool | None,
        Bool(
            description="Publish my name and affiliation with the response. Required, except "
            "with on_behalf_of (an organisation's name is public)"
        ),
    ] = None
    on_behalf_of: Annotated[
        str | None,
        NullableString(
            message="An organisation's slug.",
            description="The slug of an organisation the caller owns or coordinates (not the "
            "lead organisation): a coalition co-signature (left out or null: the caller signs "
            "as themselves)",
        ),
    ] = None
    consent_statement: Annotated[
        str | None,
        ConsentVersion(
            required=False,
            description="Required when the caller is not a member of the lead organisation "
            "(they sign on explicit consent, like the public); optional, but checked, for its "
            "members. " + _CONSENT_DESCRIPTION,
        ),
    ] = None


class PublicSignatureRequest(RequestModel):
    """No token needed. Answered 202 whatever the address's state (new, already pending,
    confirmed or withdrawn): one signature per e-mail address, and an e-mail to the address,
    which only its owner reads"""

    name: Annotated[str, Text(NAME_LENGTH)]
    email: Annotated[str, Email(description="Compared without case and surrounding spaces")]
    affiliation: Annotated[str | None, Text(NAME_LENGTH, required=False)] = None
    consent_public: Annotated[
        bool,
        Bool(
            missing=SEND_TRUE_OR_FALSE,
            description="Publish my name and affiliation with the response (off unless the "
            "signer chose it); the e-mail address is never published",
        ),
    ]
    consent_statement: Annotated[str, ConsentVersion(required=True)]


class LinkToken(RequestModel):
    token: Annotated[str, Text(200)]


class SignaturesQuery(RequestModel):
    page: Annotated[
        int | None, QueryNumber(MAX_ID, description="Which page of names, from 1 (default 1)")
    ] = None
    per_page: Annotated[
        int | None,
        QueryNumber(
            SIGNATORIES_MAX_PER_PAGE,
            description=f"Names per page (default {SIGNATORIES_PER_PAGE}, at most "
            f"{SIGNATORIES_MAX_PER_PAGE})",
        ),
    ] = None


# --- versions -------------------------------------------------------------------------------


class SigningState(ReplyModel):
    open: bool = Field(
        description="Signatures are accepted now (opened, not closed, and before closes_at)"
    )
    public: bool = Field(
        description="Open to the public (anyone, with e-mail confirmation); false: members of "
        "the organisation (and co-signing organisations) only"
    )
    closes_at: Time | None = Field(description="Signing closes by itself then")
    opened_at: Time | None = Field(description="When signing was first opened")

    @classmethod
    def of(cls, version: signed.Version) -> SigningState:
        return cls(
            open=signing.is_open(version),
            public=version.signing_public,
            closes_at=version.signing_closes_at,
            opened_at=version.signing_opened_at,
        )


SHA256 = Field(pattern="^[0-9a-f]{64}$", description="SHA-256 hex digest of the canonical content")


class Version(ReplyModel):
    id: int
    number: int = Field(ge=1)
    sha256: str = SHA256
    created_at: Time
    note: str = Field(
        description="The coordinators' note for their colleagues; empty for callers outside "
        "the organisation"
    )
    response: int = Field(description="The response's id")
    signing: SigningState
    content_url: str = Field(description="Where the canonical content is (same site)")

    @classmethod
    def fields_of(cls, version: signed.Version, membership: Membership | None) -> dict:
        """The version as its organisation's members see it; for anyone else (a public
        version) without the coordinators' note, which is for their colleagues."""
        return {
            "id": version.id,
            "number": version.number,
            "sha256": version.sha256,
            "created_at": version.created_at,
            "note": version.note if membership is not None else "",
            "response": version.response_id,
            "signing": SigningState.of(version),
            "content_url": url_for("api.version_content", version_id=version.id),
        }

    @classmethod
    def of(cls, version: signed.Version, membership: Membership | None) -> Version:
        return cls(**cls.fields_of(version, membership))


class SignatureCount(ReplyModel):
    inline = True
    count: int = Field(ge=0)

    @classmethod
    def of(cls, version: signed.Version) -> SignatureCount:
        return cls(count=signing.confirmed_count(version))


class VersionDetail(Version):
    signatures: SignatureCount

    @classmethod
    def of(cls, version: signed.Version, membership: Membership | None) -> VersionDetail:
        return cls(**cls.fields_of(version, membership), signatures=SignatureCount.of(version))


class _Titled(ReplyModel):
    inline = True
    id: int
    title: str


class _Named(ReplyModel):
    inline = True
    slug: str
    name: str


class _FrozenConsultation(ReplyModel):
    inline = True
    slug: str
    title: str
    publisher: str


class _FrozenSection(ReplyModel):
    inline = True
    kind: Literal[SECTION_KINDS]
    number: int | None
    title: str
    choice: NullableStr
    body: str = Field(description="Markdown")


class VersionContent(ReplyModel):
    """The canonical content. The body is exactly the bytes of json.dumps(content,
    sort_keys=True, separators=(",", ":"), ensure_ascii=False) in UTF-8, whose SHA-256 is the
    version's sha256: hash the bytes as received, do not parse and re-serialise them first."""

    format: Literal["consult-version/1"]
    response: _Titled
    organisation: _Named
    consultation: _FrozenConsultation
    version: int = Field(ge=1)
    frozen_at: Time
    sections: list[_FrozenSection]


class ConsentStatement(ReplyModel):
    version: str = Field(description="Send it back as consent_statement when the signer agrees")
    text: str = Field(
        description="Show it in full, next to an unticked box, apart from any other terms"
    )
    organisation: str = Field(description="The lead organisation")


# --- signatures -----------------------------------------------------------------------------


class MemberSignature(ReplyModel):
    id: int = Field(description="DELETE /api/v1/signatures/{id} withdraws it")
    status: Literal["confirmed"]
    kind: Literal[signed.SIGNATURE_KINDS]


class PendingSignature(ReplyModel):
    status: Literal["pending"]


class ConfirmedSignature(ReplyModel):
    status: Literal["confirmed"]


class WithdrawnSignature(ReplyModel):
    status: Literal["withdrawn"]
    id: int | None = None


class _Organisation(ReplyModel):
    inline = True
    name: str


class _Signer(ReplyModel):
    inline = True
    name: str
    affiliation: str


class Signatures(ReplyModel):
    count: int = Field(
        ge=0,
        description="Confirmed signatures, not withdrawn (people and organisations); pending "
        "ones never count",
    )
    organisations: list[_Organisation] = Field(description="Co-signing organisations")
    public: list[_Signer] = Field(
        description="Only the people who chose to publish their name, by name; e-mail "
        "addresses never appear"
    )
    page: int = Field(ge=1)
    per_page: int = Field(ge=1, le=SIGNATORIES_MAX_PER_PAGE)
    next: str | None = Field(description="The URL of the next page of names, or null on the last")


class _VerifiedResponse(ReplyModel):
    inline = True
    id: int
    title: str = Field(
        description="The title as frozen in this version (the draft's may have changed since)"
    )


class _VerifiedConsultation(ReplyModel):
    inline = True
    slug: str
    title: str


class Verification(ReplyModel):
    sha256: str
    response: _VerifiedResponse
    organisation: _Named
    consultation: _VerifiedConsultation
    version: int = Field(description="The version's number")
    created_at: Time = Field(description="When the version was frozen")
    signing: SigningState
    signatures: SignatureCount

    @classmethod
    def of(cls, version: signed.Version) -> Verification:
        response = version.response
        return cls(
            sha256=version.sha256,
            response=_VerifiedResponse(id=response.id, title=version.title),
            organisation=_Named(slug=response.organisation.slug, name=response.organisation.name),
            consultation=_VerifiedConsultation(
                slug=response.subject.slug, title=response.subject.title
            ),
            version=version.number,
            created_at=version.created_at,
            signing=SigningState.of(version),
            signatures=SignatureCount.of(version),
        )
