"""Who may do what with a response: the organisation's roles, applied to drafting."""

from __future__ import annotations

from consult.drafting.models import Section
from consult.organisations.models import Membership
from consult.organisations.permissions import can


def can_view(membership: Membership | None) -> bool:
    return can(membership, "view")


def can_edit(membership: Membership | None) -> bool:
    """Edit section text, add, rename, reorder and remove sections, assign, set status."""
    return can(membership, "draft")


def can_comment(membership: Membership | None) -> bool:
    return can(membership, "comment")


def can_suggest(membership: Membership | None) -> bool:
    return can(membership, "comment")


def can_decide_suggestion(membership: Membership | None, section: Section) -> bool:
    """The section's assignee (if they may draft) or an owner/coordinator."""
    if membership is None:
        return False
    if can(membership, "manage_members"):
        return True
    return section.assignee_id == membership.user_id and can_edit(membership)
