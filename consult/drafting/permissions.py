"""Who may do what with a response, and the one loader per drafting object that pages and the
JSON API both use: load the object, find the person's membership of its organisation, then
check. A missing object, or one of an organisation the person does not belong to, is a 404
(its existence is not revealed); a role that does not allow the action is a 403.

The loaders abort with HTTP errors: the pages show them as error pages, and the API blueprint
answers them in JSON. They check the current user unless given `user` (the API passes its
caller)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import abort
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from consult.drafting.models import Comment, Response, Revision, Section, Suggestion
from consult.extensions import db
from consult.forms import MAX_ID
from consult.organisations.models import Membership
from consult.organisations.permissions import can

if TYPE_CHECKING:
    from consult.accounts.models import User

# --- the rules: pure predicates on a membership -----------------------------------------------


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


# The drafting actions a loader checks on a response or section, by name; any other action
# is an organisation permission (freeze, export ...: organisations.permissions.PERMISSIONS).
ACTIONS = {"view": can_view, "draft": can_edit, "comment": can_comment, "suggest": can_suggest}


def allows(membership: Membership | None, action: str) -> bool:
    """Whether the membership's role allows `action` on a response: one of ACTIONS, or any
    organisation permission (so signing and exports can load a response with this too)."""
    check = ACTIONS.get(action)
    return check(membership) if check is not None else can(membership, action)


# --- the loaders --------------------------------------------------------------------------------

# Every drafting page starts with these statements, built once here (building an ORM
# statement with its eager loads costs more than running it): the response with the person's
# membership of its organisation, in one query; then the section with what the section pages
# show of it: its head revision (text included) and the head's author, its question and its
# assignee.
_RESPONSE_AND_MEMBERSHIP = (
    select(Response, Membership)
    .outerjoin(
        Membership,
        (Membership.organisation_id == Response.organisation_id)
        & (Membership.user_id == bindparam("user_id")),
    )
    .where(Response.id == bindparam("response_id"))
    .options(
        joinedload(Response.organisation),
        joinedload(Response.consultation),
        joinedload(Response.bill),
    )
)
_SECTION = (
    select(Section)
    .where(Section.id == bindparam("section_id"))
    .options(
        joinedload(Section.head).joinedload(Revision.author),
        joinedload(Section.question),
        joinedload(Section.assignee),
    )
)
_CLASH = (
    select(Revision)
    .where(Revision.id == bindparam("revision_id"))
    .options(joinedload(Revision.author))
)


def valid_id(value: int) -> int:
    """`value` if it can name a row, a 404 otherwise."""
    if not 0 < value <= MAX_ID:
        abort(404)
    return value


def _require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def _user_id(user: User | None) -> int | None:
    person = current_user if user is None else user
    return person.id if getattr(person, "is_authenticated", False) else None


def _visible_response(response_id: int, user: User | None) -> tuple[Response, Membership]:
    """The response and the person's membership of its organisation, or 404."""
    found = db.session.execute(
        _RESPONSE_AND_MEMBERSHIP,
        {"response_id": valid_id(response_id), "user_id": _user_id(user)},
    ).first()
    if found is None:
        abort(404)
    response, membership = found
    if membership is None or not can_view(membership):
        abort(404)
    return response, membership


def load_response(
    response_id: int, action: str = "view", *, user: User | None = None
) -> tuple[Response, Membership]:
    """A response the person may see (404 otherwise), if their role allows `action` (403
    otherwise; see `allows`)."""
    response, membership = _visible_response(response_id, user)
    _require(allows(membership, action))
    return response, membership


def load_section(
    response_id: int, section_id: int, action: str = "view", *, user: User | None = None
) -> tuple[Response, Section, Membership]:
    """A section of a response the person can see (404 otherwise, also for another
    response's section), then the permission for `action` (403)."""
    response, membership = _visible_response(response_id, user)
    section = db.session.scalar(_SECTION, {"section_id": valid_id(section_id)})
    if section is None or section.response_id != response.id:
        abort(404)
    _require(allows(membership, action))
    return response, section, membership


def load_revision(
    response_id: int,
    section_id: int,
    revision_id: int,
    action: str = "view",
    *,
    user: User | None = None,
) -> tuple[Response, Section, Membership, Revision]:
    """A revision of the section, after load_section's checks for `action` (404 for a
    revision of another section)."""
    response, section, membership = load_section(response_id, section_id, action, user=user)
    revision = db.session.get(Revision, valid_id(revision_id))
    if revision is None or revision.section_id != section.id:
        abort(404)
    return response, section, membership, revision


def load_revision_by_id(
    revision_id: int, action: str = "view", *, user: User | None = None
) -> tuple[Revision, Membership]:
    """A revision named by its id alone (the API's /revisions/<id>): 404 unless the person
    can see its response, 403 if the role does not allow `action`."""
    revision = db.session.get(Revision, valid_id(revision_id))
    if revision is None:
        abort(404)
    _response, membership = load_response(revision.section.response_id, action, user=user)
    return revision, membership


def load_comment(
    response_id: int,
    section_id: int,
    comment_id: int,
    action: str = "comment",
    *,
    user: User | None = None,
) -> tuple[Response, Section, Membership, Comment]:
    """A comment on the section, for someone whose role allows `action` on it (403 first,
    then 404 for a comment on another section)."""
    response, section, membership = load_section(response_id, section_id, action, user=user)
    comment = db.session.get(Comment, valid_id(comment_id))
    if comment is None or comment.section_id != section.id:
        abort(404)
    return response, section, membership, comment


def load_suggestion(
    response_id: int, section_id: int, suggestion_id: int, *, user: User | None = None
) -> tuple[Response, Section, Membership, Suggestion]:
    """A suggested edit of the section, for someone who may decide it (accept or reject):
    404 for what they cannot see, then 403 unless can_decide_suggestion."""
    response, section, membership = load_section(response_id, section_id, user=user)
    suggestion = db.session.get(Suggestion, valid_id(suggestion_id))
    if suggestion is None or suggestion.section_id != section.id:
        abort(404)
    _require(can_decide_suggestion(membership, section))
    return response, section, membership, suggestion


def clash_for(membership: Membership, section: Section, revision_id: int) -> Revision | None:
    """The clash (a conflict revision of the section) if this person may open it; None for
    anything else: not there, another section's, no clash, or not theirs to settle."""
    if not 0 < revision_id <= MAX_ID:
        return None
    clash = db.session.scalar(_CLASH, {"revision_id": revision_id})
    if (
        clash is None
        or clash.section_id != section.id
        or clash.kind != "conflict"
        or not can_open_clash(membership, clash)
    ):
        return None
    return clash


def load_clash(
    response_id: int, section_id: int, revision_id: int, *, user: User | None = None
) -> tuple[Response, Section, Membership, Revision]:
    """The clash for its author, or for an owner or a coordinator; a 404 for anyone else, as
    for something that does not exist."""
    response, section, membership = load_section(response_id, section_id, user=user)
    clash = clash_for(membership, section, valid_id(revision_id))
    if clash is None:
        abort(404)
    return response, section, membership, clash


def suggestion_to_settle(
    section: Section, membership: Membership, suggestion_id: int | bool | None
) -> Suggestion | None:
    """The open suggestion of this section whose acceptance clashed, if the clash screen was
    opened for one and the person may decide it; None otherwise (the screen then settles the
    clash as any other)."""
    if not suggestion_id:
        return None
    suggestion = db.session.get(Suggestion, suggestion_id)
    if (
        suggestion is None
        or suggestion.section_id != section.id
        or suggestion.status != "open"
        or not can_decide_suggestion(membership, section)
    ):
        return None
    return suggestion
