"""A response's sections: adding, renaming, reordering, removing and reinstating them, their
status and who they are assigned to."""

from __future__ import annotations

from sqlalchemy import bindparam, func, select

from consult.accounts.models import User
from consult.audit.services import record
from consult.drafting import events
from consult.drafting.errors import DraftingError
from consult.drafting.models import SECTION_STATUSES, Response, Section
from consult.drafting.services.responses import live_sections
from consult.drafting.services.text import MAX_TITLE_LENGTH
from consult.extensions import db
from consult.organisations.models import Membership
from consult.timeutil import utcnow


def refuse_if_removed(section: Section) -> None:
    """A removed section keeps its text and history but takes no changes until reinstated."""
    if section.removed_at is not None:
        raise DraftingError("This section was removed. Restore it before editing.")


def _clean_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise DraftingError("Give the section a title.")
    if len(title) > MAX_TITLE_LENGTH:
        raise DraftingError(f"Use at most {MAX_TITLE_LENGTH} characters.")
    return title


def add_section(user: User, response: Response, title: str) -> Section:
    """A custom section (an annex, a theme), placed before the recommendations if present."""
    title = _clean_title(title)
    sections = live_sections(response)
    position = len(sections)
    if sections and sections[-1].kind == "recommendations":
        position = sections[-1].position
        sections[-1].position += 1
    section = Section(response_id=response.id, kind="custom", title=title, position=position)
    db.session.add(section)
    response.updated_at = utcnow()
    db.session.flush()
    _renumber(response)
    db.session.expire(response, ["sections"])  # a loaded list would miss the new section
    record("section.added", actor=user, organisation=response.organisation, subject=section)
    return section


def rename_section(user: User, section: Section, title: str) -> None:
    if section.kind == "question":
        raise DraftingError("Question sections keep the consultation's wording.")
    section.title = _clean_title(title)
    section.updated_at = utcnow()
    record(
        "section.renamed",
        actor=user,
        organisation=section.response.organisation,
        subject=section,
    )


def _renumber(response: Response) -> None:
    """Positions 0..n-1 in the current order, with no gaps."""
    for position, section in enumerate(live_sections(response)):
        section.position = position
    db.session.flush()


def move_section(user: User, section: Section, direction: str) -> None:
    """Move a section one place up or down."""
    if direction not in ("up", "down"):
        raise DraftingError("Move a section up or down.")
    refuse_if_removed(section)
    sections = live_sections(section.response)
    index = next(i for i, s in enumerate(sections) if s.id == section.id)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(sections):
        return
    sections[index], sections[other] = sections[other], sections[index]
    for position, item in enumerate(sections):
        item.position = position
    section.response.updated_at = utcnow()


def remove_section(user: User, section: Section) -> None:
    """Hide a section from the response. Its revisions stay, and it can be restored."""
    if section.kind == "question":
        raise DraftingError("Question sections cannot be removed; leave them blank instead.")
    if section.removed_at is not None:
        return
    section.removed_at = utcnow()
    section.response.updated_at = section.removed_at
    _renumber(section.response)
    record(
        "section.removed", actor=user, organisation=section.response.organisation, subject=section
    )


def restore_section(user: User, section: Section) -> None:
    """Bring a removed section back, at the end of the response (its history is intact)."""
    if section.removed_at is None:
        return
    # Counted before the section is live again: counting after would include it, leaving a
    # gap in the positions.
    position = len(live_sections(section.response))
    section.removed_at = None
    section.position = position
    section.response.updated_at = utcnow()
    _renumber(section.response)
    record(
        "section.reinstated",
        actor=user,
        organisation=section.response.organisation,
        subject=section,
    )


def assign_section(user: User, section: Section, assignee: User | None) -> None:
    if assignee is not None:
        is_member = db.session.scalar(
            select(Membership.id).where(
                Membership.organisation_id == section.response.organisation_id,
                Membership.user_id == assignee.id,
            )
        )
        if not is_member:
            raise DraftingError("Assign the section to a member of the organisation.")
    assignee_id = assignee.id if assignee else None
    if assignee_id == section.assignee_id:
        return
    section.assignee_id = assignee_id
    section.updated_at = utcnow()
    record(
        "section.assigned",
        actor=user,
        organisation=section.response.organisation,
        subject=section,
        assignee=assignee_id,
    )
    if assignee is not None:
        events.section_assigned.send(section, actor=user, assignee=assignee)


def set_status(user: User, section: Section, status: str) -> None:
    if status not in SECTION_STATUSES:
        raise DraftingError("Choose one of the listed statuses.")
    if status == section.status:
        return
    previous = section.status
    section.status = status
    section.updated_at = utcnow()
    record(
        "section.status_changed",
        actor=user,
        organisation=section.response.organisation,
        subject=section,
        status=status,
        previous=previous,
    )


def update_section(
    user: User,
    section: Section,
    status: str | None,
    assignee: User | None,
    *,
    assign: bool = True,
) -> None:
    """The section's status and assignee together, as the "Manage" and editor pages set
    them: each change checked and recorded as set_status and assign_section do, nothing
    recorded for what stays the same. `status` None leaves the status alone, `assign` False
    the assignee: a page changes only the fields the person changed, since the others show
    what was true when it was drawn (the first autosave, say, has made the section
    "Drafting" since)."""
    if status is not None and status not in SECTION_STATUSES:
        raise DraftingError("Choose one of the listed statuses.")
    if assign:
        assign_section(user, section, assignee)
    if status is not None:
        set_status(user, section, status)


_ASSIGNABLE_MEMBERS = (
    select(User)
    .join(Membership, Membership.user_id == User.id)
    .where(Membership.organisation_id == bindparam("organisation_id"))
    .order_by(func.lower(User.name), User.id)
)


def assignable_members(response: Response) -> list[User]:
    """The people a section of the response can be assigned to (its organisation's members),
    by name, in one query (built once: the editor asks for them on every page)."""
    return list(
        db.session.scalars(_ASSIGNABLE_MEMBERS, {"organisation_id": response.organisation_id})
    )
