"""Who may do what in an organisation: the permission table, as data, pure predicates, the
one loader every domain uses to find the current person's membership (pages and API), and
the loaders of the organisation's other objects (members, invitations).

The README renders PERMISSIONS as its permission table, so the documentation cannot drift
from what the code enforces.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from consult.extensions import db
from consult.forms import MAX_ID
from consult.organisations.models import ROLES, SLUG, Invitation, Membership, Organisation
from consult.tokens import hash_token

if TYPE_CHECKING:
    from consult.accounts.models import User

ROLE_LABELS = {
    "owner": "Owner",
    "coordinator": "Coordinator",
    "editor": "Editor",
    "member": "Member",
}
ROLE_DESCRIPTIONS = {
    "owner": "Everything a coordinator can do, plus appoint owners and rename the organisation.",
    "coordinator": "Manages members and invitations, freezes versions, opens signing, exports.",
    "editor": "Drafts and edits responses.",
    "member": "Reads drafts, comments and signs.",
}

# action -> roles allowed, with a sentence for the documentation.
PERMISSIONS: dict[str, tuple[frozenset[str], str]] = {
    "view": (frozenset(ROLES), "See the organisation, its members and its responses"),
    "comment": (frozenset(ROLES), "Comment on drafts and suggest edits"),
    "sign": (frozenset(ROLES), "Co-sign a frozen version"),
    "draft": (frozenset({"owner", "coordinator", "editor"}), "Start responses and edit sections"),
    "invite": (frozenset({"owner", "coordinator"}), "Invite people, resend or revoke invitations"),
    "manage_members": (
        frozenset({"owner", "coordinator"}),
        "Change roles and remove members (only owners touch owners)",
    ),
    "freeze": (frozenset({"owner", "coordinator"}), "Freeze a version and open or close signing"),
    "export": (frozenset({"owner", "coordinator"}), "Export submissions (PDF, Word, ODT, text)"),
    "sign_for_organisation": (
        frozenset({"owner", "coordinator"}),
        "Co-sign another organisation's response on this organisation's behalf",
    ),
    "view_audit": (frozenset({"owner"}), "Read the organisation's audit log"),
    "rename": (frozenset({"owner"}), "Rename the organisation"),
}


def role_rank(role: str) -> int:
    """Lower is more powerful; unknown roles rank below every real one."""
    return ROLES.index(role) if role in ROLES else len(ROLES)


def can(membership: Membership | None, action: str) -> bool:
    """True when the membership's role allows the action. No membership, no permission."""
    if membership is None:
        return False
    allowed, _ = PERMISSIONS[action]
    return membership.role in allowed


def assignable_roles(actor: Membership | None) -> tuple[str, ...]:
    """Roles the actor may give when inviting or changing a role: only owners create owners."""
    if not can(actor, "invite"):
        return ()
    if actor is not None and actor.role == "owner":
        return ROLES
    return tuple(role for role in ROLES if role != "owner")


def can_manage(actor: Membership | None, target: Membership) -> bool:
    """May the actor change the target's role or remove them? Only owners manage owners;
    anyone may manage (leave) their own membership."""
    if actor is None:
        return False
    if actor.id == target.id:
        return True
    if not can(actor, "manage_members"):
        return False
    return target.role != "owner" or actor.role == "owner"


def permission_table_markdown() -> str:
    """The permission table as Markdown, as the README shows it (a test keeps them equal)."""
    lines = [
        "| Action | " + " | ".join(ROLE_LABELS[role] for role in ROLES) + " |",
        "|---|" + "---|" * len(ROLES),
    ]
    for allowed, description in PERMISSIONS.values():
        marks = " | ".join("yes" if role in allowed else "-" for role in ROLES)
        lines.append(f"| {description} | {marks} |")
    return "\n".join(lines)


def membership_of(user: User | None, organisation: Organisation) -> Membership | None:
    """`user`'s membership of `organisation`, or None (also for anonymous visitors)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Membership).where(
            Membership.organisation_id == organisation.id, Membership.user_id == user.id
        )
    )


def load_membership(slug: str, action: str = "view", user: User | None = None) -> Membership:
    """`user`'s membership (the logged-in person's unless given: the API passes its caller) of
    the organisation at `slug`.

    404 when the slug cannot be one, the organisation does not exist or the user is not a
    member (a foreign organisation's existence is not revealed); 403 when their role does not
    allow `action`."""
    if not SLUG.fullmatch(slug):
        abort(404)
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if organisation is None:
        abort(404)
    return require_membership(current_user if user is None else user, organisation, action)


def require_membership(user: User | None, organisation: Organisation, action: str) -> Membership:
    """`user`'s membership of `organisation` if their role allows `action`: 404 when they are
    not a member (the object they reached it through is not revealed), 403 for the role. Every
    loader of an organisation's objects ends here."""
    membership = membership_of(user, organisation)
    if membership is None:
        abort(404)
    if not can(membership, action):
        abort(403)
    return membership


def load_member(membership: Membership, membership_id: int) -> Membership:
    """Another membership of the same organisation as `membership`; 404 for any other."""
    target = db.session.get(Membership, membership_id) if 0 < membership_id <= MAX_ID else None
    if target is None or target.organisation_id != membership.organisation_id:
        abort(404)
    return target


def load_invitation_in(membership: Membership, invitation_id: int) -> Invitation:
    """An invitation of `membership`'s organisation (to resend or revoke); 404 for any other."""
    invitation = db.session.get(Invitation, invitation_id) if 0 < invitation_id <= MAX_ID else None
    if invitation is None or invitation.organisation_id != membership.organisation_id:
        abort(404)
    return invitation


def find_invitation(token: str) -> Invitation | None:
    """The invitation whose link carries `token`, if any (only its hash is stored)."""
    if len(token) > 200:
        return None
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))


def load_invitation(token: str) -> Invitation:
    """The invitation behind an e-mailed link, for anyone holding it; 404 for a wrong link."""
    invitation = find_invitation(token)
    if invitation is None:
        abort(404)
    return invitation


def load_my_invitation(invitation_id: int) -> Invitation:
    """An invitation addressed to the logged-in person's (confirmed) address; 404 for others."""
    invitation = db.session.get(Invitation, invitation_id) if 0 < invitation_id <= MAX_ID else None
    if invitation is None or invitation.email != current_user.email:
        abort(404)
    return invitation
