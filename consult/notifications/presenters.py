"""What a notice says and where it leads: one sentence drawn from the objects it points at
(their names now, not copies), and the link to the exact place (the comment, the suggested
edit, the version), for the page, the API and the e-mails alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import Select
from sqlalchemy.orm import aliased

from consult.accounts.models import User
from consult.drafting.models import Response, Section
from consult.links import public_url
from consult.notifications.models import Notification
from consult.organisations.models import Organisation
from consult.signing.models import Version

SOMEONE = "Someone"


@dataclass(frozen=True)
class Facts:
    """What a notice's sentence and link are made of: names as they are now, and ids. Made
    from a loaded notice (`facts`), or straight from the columns of a query (the digests, for
    thousands of notices at once: FACT_COLUMNS)."""

    kind: str
    detail: str | None = None
    actor: str | None = None
    organisation: str | None = None
    organisation_slug: str | None = None
    response: str | None = None
    section: str | None = None
    version_title: str | None = None
    version_number: int | None = None
    response_id: int | None = None
    section_id: int | None = None
    comment_id: int | None = None
    suggestion_id: int | None = None
    version_id: int | None = None
    revision_id: int | None = None


_actor = aliased(User)
# The columns of Facts, for a select from notifications with fact_joins().
FACT_COLUMNS = (
    Notification.kind,
    Notification.detail,
    _actor.name.label("actor"),
    Organisation.name.label("organisation"),
    Organisation.slug.label("organisation_slug"),
    Response.title.label("response"),
    Section.title.label("section"),
    Version.title.label("version_title"),
    Version.number.label("version_number"),
    Notification.response_id,
    Notification.section_id,
    Notification.comment_id,
    Notification.suggestion_id,
    Notification.version_id,
    Notification.revision_id,
)


def fact_joins(statement: Select) -> Select:
    """`statement` (a select from notifications) joined to what FACT_COLUMNS names."""
    return (
        statement.outerjoin(_actor, Notification.actor_id == _actor.id)
        .outerjoin(Organisation, Notification.organisation_id == Organisation.id)
        .outerjoin(Response, Notification.response_id == Response.id)
        .outerjoin(Section, Notification.section_id == Section.id)
        .outerjoin(Version, Notification.version_id == Version.id)
    )


def facts(notice: Notification | Facts) -> Facts:
    """The facts of a loaded notice (its relationships loaded, or set on an unsaved one)."""
    if isinstance(notice, Facts):
        return notice
    version = notice.version
    return Facts(
        kind=notice.kind,
        detail=notice.detail,
        actor=notice.actor.name if notice.actor is not None else None,
        organisation=notice.organisation.name if notice.organisation is not None else None,
        organisation_slug=notice.organisation.slug if notice.organisation is not None else None,
        response=notice.response.title if notice.response is not None else None,
        section=notice.section.title if notice.section is not None else None,
        version_title=version.title if version is not None else None,
        version_number=version.number if version is not None else None,
        response_id=notice.response_id,
        section_id=notice.section_id,
        comment_id=notice.comment_id,
        suggestion_id=notice.suggestion_id,
        version_id=notice.version_id,
        revision_id=notice.revision_id,
    )


def _quoted(title: str | None) -> str:
    return f"\u201c{title}\u201d" if title else "a section"


def describe(notice: Notification | Facts) -> str:
    """The notice in one sentence, for the page and the e-mails."""
    fact = facts(notice)
    actor = fact.actor or SOMEONE
    section = _quoted(fact.section)
    response = _quoted(fact.response)
    kind = fact.kind
    if kind == "comment":
        return f"{actor} commented on {section} in {response}, which is assigned to you."
    if kind == "reply":
        return f"{actor} replied to a comment of yours on {section} in {response}."
    if kind == "mention":
        return f"{actor} mentioned you on {section} in {response}."
    if kind == "suggestion":
        return f"{actor} suggested an edit to {section} in {response}: it waits for your decision."
    if kind == "suggestion_accepted":
        return f"{actor} accepted your suggested edit to {section} in {response}."
    if kind == "assignment":
        return f"{actor} assigned {section} in {response} to you."
    if kind == "invitation_accepted":
        organisation = fact.organisation or "your organisation"
        return f"{actor} accepted your invitation and joined {organisation}."
    if kind == "signing_opened":
        number = f"Version {fact.version_number}" if fact.version_number else "A version"
        return f"{number} of {_quoted(fact.version_title)} is open for signing."
    if kind == "clash":
        return (
            f"Your edit to {section} in {response} clashed with someone else's and is not in "
            "the text yet: settle the clash to keep your words."
        )
    if kind == "deadline":
        return f"{response} closes {fact.detail}; some of its sections are not finished yet."
    if kind == "security":
        return _security(fact.detail)
    return "Something needs you."


# What each security notice's detail says happened; SECURITY_SUBJECTS its e-mail's subject.
_SECURITY_EVENTS = {
    "two_factor_disabled": "Two-factor authentication was turned off on your account.",
    "password_changed": "Your password was changed and your other browsers were logged out.",
    "password_reset": (
        "Your password was reset with a link sent to your e-mail address, and your other "
        "browsers were logged out."
    ),
    "email_changed": (
        "The e-mail address of your account was changed to this one, and your other browsers "
        "were logged out. Your previous address was told too."
    ),
}
SECURITY_SUBJECTS = {
    "two_factor_disabled": "Two-factor authentication was turned off on your Consult account",
    "password_changed": "Your Consult password was changed",
    "password_reset": "Your Consult password was reset",
    "email_changed": "Your Consult e-mail address was changed",
}
# A password change's detail ends with this when it revoked API tokens.
TOKENS_REVOKED = ":tokens"


def _security(detail: str | None) -> str:
    """A security notice: what happened, and what to do if it was not the person."""
    what, _, revoked = (detail or "").partition(":")
    said = _SECURITY_EVENTS.get(what, "A security setting of your account was changed.")
    if revoked:
        said += " Your API tokens were revoked too: tools using them need new ones."
    advice = (
        "reset your password and turn it on again"
        if what == "two_factor_disabled"
        else "reset your password at once and tell your organisation's coordinator"
    )
    return f"{said} If that was not you, {advice}."


def _target(notice: Notification | Facts) -> tuple[str, dict]:
    """The endpoint and its values for the exact place a notice is about."""
    notice = facts(notice)
    kind = notice.kind
    if kind == "security":
        two_factor = (notice.detail or "").startswith("two_factor")
        return ("accounts.two_factor" if two_factor else "accounts.account"), {}
    if kind == "invitation_accepted" and notice.organisation_slug is not None:
        return "organisations.members", {"slug": notice.organisation_slug}
    if kind == "signing_opened" and notice.version_id is not None:
        return "signing.sign", {"version_id": notice.version_id}
    if kind == "clash" and notice.revision_id is not None and notice.section_id is not None:
        values = {"section_id": notice.section_id, "revision_id": notice.revision_id}
        return "drafting.conflict", values | {"response_id": notice.response_id}
    if notice.section_id is not None and notice.response_id is not None:
        anchor = None
        if notice.comment_id is not None:
            anchor = f"comment-{notice.comment_id}"
        elif notice.suggestion_id is not None and kind in ("suggestion", "mention"):
            anchor = f"suggestion-{notice.suggestion_id}"
        values = {"response_id": notice.response_id, "section_id": notice.section_id}
        return "drafting.editor", values | ({"_anchor": anchor} if anchor else {})
    if notice.response_id is not None:
        return "drafting.dashboard", {"response_id": notice.response_id}
    return "notifications.index", {}


def link(notice: Notification | Facts) -> str:
    """The place on this site (a path), for the page and the API."""
    endpoint, values = _target(notice)
    return url_for(endpoint, **values)


def public_link(notice: Notification | Facts, build: Callable[..., str] = public_url) -> str:
    """The place at the public address, for e-mails (`build`: links.public_urls(), for many)."""
    endpoint, values = _target(notice)
    return build(endpoint, **values)
