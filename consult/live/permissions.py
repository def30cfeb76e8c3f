"""Who may join a section's live document, and who may write to it. The same rules as the
editor page (consult/drafting/permissions.py): outsiders are told nothing exists (404);
members who may not draft get a read-only live view."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from consult.accounts.models import ApiToken, User, UserSession
from consult.drafting.models import Section
from consult.drafting.permissions import can_edit, can_view, load_response, valid_id
from consult.extensions import db
from consult.organisations.models import Membership


def may_write(membership: Membership | None, section: Section) -> bool:
    """Editors and above, on a section that takes edits (an amendment too: its fields are
    edited live, each its own text: documents.py)."""
    return can_edit(membership) and section.removed_at is None


def load_live_section(section_id: int, user: User) -> tuple[Section, Membership]:
    """The section, if the person can see its response (404 otherwise, as for one that does
    not exist)."""
    section = db.session.get(Section, valid_id(section_id))
    if section is None:
        abort(404)
    _response, membership = load_response(section.response_id, user=user)
    return section, membership


def rights_now(organisation_id: int, section_id: int, user_ids: set[int]) -> dict[int, str]:
    """For each person: "write", "read" or "none", as their membership says now (checked
    again while they are connected: a member removed is disconnected)."""
    section = db.session.get(Section, section_id)
    memberships = {
        membership.user_id: membership
        for membership in db.session.scalars(
            select(Membership).where(
                Membership.organisation_id == organisation_id,
                Membership.user_id.in_(user_ids),
            )
        )
    }
    rights = {}
    for user_id in user_ids:
        membership = memberships.get(user_id)
        if section is None or not can_view(membership):
            rights[user_id] = "none"
        else:
            rights[user_id] = "write" if may_write(membership, section) else "read"
    return rights


def credentials_alive(credentials: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of these ("session" or "token", hash) still let their holder in: a session not
    ended (logging out, here or everywhere, deletes it), a token not revoked."""
    sessions = {value for kind, value in credentials if kind == "session"}
    tokens = {value for kind, value in credentials if kind == "token"}
    alive = set()
    if sessions:
        found = db.session.scalars(
            select(UserSession.token_hash).where(UserSession.token_hash.in_(sessions))
        )
        alive |= {("session", value) for value in found}
    if tokens:
        found = db.session.scalars(
            select(ApiToken.token_hash).where(
                ApiToken.token_hash.in_(tokens), ApiToken.revoked_at.is_(None)
            )
        )
        alive |= {("token", value) for value in found}
    return alive
