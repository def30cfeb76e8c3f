"""Who may do what with a response: the organisation's roles, applied to drafting."""

from __future__ import annotations

from consult.drafting.models import Revision, Section
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


def can_settle_any_clash(membership: Membership | None) -> bool:
    """Owners and coordinators may settle anyone's clash on their behalf (and see them all):
    a clash left open by someone away should not hold up the response."""
    return can_edit(membership) and can(membership, "manage_members")


def can_open_clash(membership: Membership | None, clash: Revision) -> bool:
    """A clash (its page, settling it) belongs to its author, if they may still draft; an
    owner or coordinator may open anyone's. Everyone else is told it does not exist."""
    if membership is None or not can_edit(membership):
        return False
    return clash.author_id == membership.user_id or can_settle_any_clash(membership)
