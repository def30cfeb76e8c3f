"""Talking about a section's text: comments (threads with replies, resolved or reopened) and
suggested edits, which the section's assignee or a coordinator accepts (through the same
merge as any save) or rejects."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from consult.accounts.models import User
from consult.drafting import events
from consult.drafting.errors import DraftingError
from consult.drafting.merge import normalise_newlines
from consult.drafting.models import Comment, Revision, Section, Suggestion
from consult.drafting.services.saving import (
    SaveOutcome,
    base_revision_of,
    check_text,
    save_section,
)
from consult.drafting.services.sections import refuse_if_removed
from consult.drafting.services.text import check_plain_text
from consult.extensions import db
from consult.timeutil import utcnow


def add_comment(
    user: User,
    section: Section,
    body: str,
    quote: str | None = None,
    parent: Comment | None = None,
    picked: list[int] | None = None,
) -> Comment:
    """Add a comment or a reply. `picked`: the members the writer chose from the @mention
    list, so that a mention of a name two members share tells the one meant."""
    body = body.strip()
    if not body:
        raise DraftingError("Write a comment first.")
    if len(body) > 10_000 or (quote and len(quote) > 5_000):
        raise DraftingError("That comment is too long.")
    check_plain_text(body, "The comment")
    if quote:
        check_plain_text(quote, "The quoted passage")
    if parent is not None:
        if parent.section_id != section.id:
            raise DraftingError("You can only reply to a comment on the same section.")
        parent = parent if parent.parent_id is None else db.session.get(Comment, parent.parent_id)
    comment = Comment(
        section_id=section.id,
        parent_id=parent.id if parent else None,
        author_id=user.id,
        body=body,
        quote=(quote or "").strip() or None,
    )
    db.session.add(comment)
    db.session.flush()
    events.comment_added.send(comment, actor=user, picked=picked or [])
    return comment


# The editor's statements are built once, here, with their parameters left open: building
# an ORM statement with its eager loads costs more than running it (tests/drafting's query
# tests hold the editor to a fixed number of them).
_THREADS = (
    select(Comment)
    .where(Comment.section_id == bindparam("section_id"), Comment.parent_id.is_(None))
    .options(
        joinedload(Comment.author),
        joinedload(Comment.replies).joinedload(Comment.author),
    )
    .order_by(Comment.id)
)


def comment_threads(section: Section) -> list[Comment]:
    """Top-level comments with their replies, oldest first."""
    return list(db.session.scalars(_THREADS, {"section_id": section.id}).unique())


def set_comment_resolved(user: User, comment: Comment, resolved: bool) -> None:
    """Resolve or reopen a thread (a reply stands for its thread)."""
    if comment.parent_id is not None:
        comment = db.session.get(Comment, comment.parent_id) or comment
    comment.resolved_at = utcnow() if resolved else None
    comment.resolved_by_id = user.id if resolved else None


# --- suggestions ----------------------------------------------------------------------------


def suggest(
    user: User,
    section: Section,
    body: str,
    base_revision_id: int | None,
    note: str = "",
    picked: list[int] | None = None,
) -> Suggestion:
    """Suggest a new text for the section; `picked` as for add_comment (mentions in the
    note)."""
    refuse_if_removed(section)
    body = normalise_newlines(body)
    check_text(section, body, None)
    note = note.strip()[:2000]
    check_plain_text(note, "The note")
    base = base_revision_of(section, base_revision_id)
    if (base.body if base else "") == body:
        raise DraftingError("The suggestion is the same as the text it starts from.")
    suggestion = Suggestion(
        section_id=section.id,
        author_id=user.id,
        base_revision_id=base.id if base else None,
        body=body,
        note=note,
    )
    db.session.add(suggestion)
    db.session.flush()
    events.suggestion_made.send(suggestion, actor=user, picked=picked or [])
    return suggestion


_OPEN_SUGGESTIONS = (
    select(Suggestion)
    .where(Suggestion.section_id == bindparam("section_id"), Suggestion.status == "open")
    .options(joinedload(Suggestion.author), joinedload(Suggestion.base_revision))
    .order_by(Suggestion.id)
)


def open_suggestions(section: Section) -> list[Suggestion]:
    return list(db.session.scalars(_OPEN_SUGGESTIONS, {"section_id": section.id}))


def accept_suggestion(user: User, suggestion: Suggestion) -> SaveOutcome:
    """Apply the suggestion through the same merge as any save (against the text it was
    made from), so later edits by others are kept."""
    if suggestion.status != "open":
        raise DraftingError(f"This suggestion was already {suggestion.status}.")
    section = suggestion.section
    base = suggestion.base_revision
    outcome = save_section(
        user, section, suggestion.body, base.choice if base else None, suggestion.base_revision_id
    )
    if outcome.conflict is None:
        _decide(user, suggestion, "accepted", outcome.revision)
    return outcome


def accept_resolved_suggestion(user: User, suggestion: Suggestion, revision: Revision) -> None:
    """A suggestion whose acceptance clashed (accept_suggestion returned a conflict), accepted
    now that the clash is resolved: `revision` is the head the resolving save made."""
    if suggestion.status != "open":
        raise DraftingError(f"This suggestion was already {suggestion.status}.")
    if revision.section_id != suggestion.section_id:
        raise DraftingError("That revision belongs to another section.")
    _decide(user, suggestion, "accepted", revision)


def reject_suggestion(user: User, suggestion: Suggestion) -> None:
    if suggestion.status != "open":
        raise DraftingError(f"This suggestion was already {suggestion.status}.")
    _decide(user, suggestion, "rejected", None)


def _decide(user: User, suggestion: Suggestion, status: str, revision: Revision | None) -> None:
    suggestion.status = status
    suggestion.decided_by_id = user.id
    suggestion.decided_at = utcnow()
    suggestion.result_revision_id = revision.id if revision else None
    events.suggestion_decided.send(suggestion, actor=user)
