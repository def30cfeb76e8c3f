"""What a notice says and where it leads: one sentence drawn from the objects it points at
(their names now, not copies), and the link to the exact place (the comment, the suggested
edit, the version), for the page, the API and the e-mails alike."""

from __future__ import annotations

from flask import url_for

from consult.links import public_url
from consult.notifications.models import Notification

SOMEONE = "Someone"


def _quoted(title: str | None) -> str:
    return f"\u201c{title}\u201d" if title else "a section"


def describe(notice: Notification) -> str:
    """The notice in one sentence, for the page and the e-mails."""
    actor = notice.actor.name if notice.actor is not None else SOMEONE
    section = _quoted(notice.section.title if notice.section else None)
    response = _quoted(notice.response.title if notice.response else None)
    kind = notice.kind
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
        organisation = notice.organisation.name if notice.organisation else "your organisation"
        return f"{actor} accepted your invitation and joined {organisation}."
    if kind == "signing_opened":
        version = notice.version
        title = _quoted(version.title if version else None)
        number = f"Version {version.number}" if version else "A version"
        return f"{number} of {title} is open for signing."
    if kind == "deadline":
        return f"{response} closes {notice.detail}; some of its sections are not finished yet."
    if kind == "security":
        return (
            "Two-factor authentication was turned off on your account. If that was not you, "
            "reset your password and turn it on again."
        )
    return "Something needs you."


def _target(notice: Notification) -> tuple[str, dict]:
    """The endpoint and its values for the exact place a notice is about."""
    kind = notice.kind
    if kind == "security":
        return "accounts.two_factor", {}
    if kind == "invitation_accepted" and notice.organisation is not None:
        return "organisations.members", {"slug": notice.organisation.slug}
    if kind == "signing_opened" and notice.version_id is not None:
        return "signing.sign", {"version_id": notice.version_id}
    if notice.section_id is not None and notice.response_id is not None:
        anchor = None
        if notice.comment_id is not None:
            anchor = f"comment-{notice.comment_id}"
        elif notice.suggestion_id is not None and kind == "suggestion":
            anchor = f"suggestion-{notice.suggestion_id}"
        values = {"response_id": notice.response_id, "section_id": notice.section_id}
        return "drafting.editor", values | ({"_anchor": anchor} if anchor else {})
    if notice.response_id is not None:
        return "drafting.dashboard", {"response_id": notice.response_id}
    return "notifications.index", {}


def link(notice: Notification) -> str:
    """The place on this site (a path), for the page and the API."""
    endpoint, values = _target(notice)
    return url_for(endpoint, **values)


def public_link(notice: Notification) -> str:
    """The place at the public address, for e-mails."""
    endpoint, values = _target(notice)
    return public_url(endpoint, **values)
