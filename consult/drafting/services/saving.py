"""Saving a section's text, with merge; restoring an earlier revision; reading the history.

Saving is the heart of drafting. Every save names the revision it started from (its base). The
save first takes the section's row lock (an UPDATE of lock_version: a row lock on PostgreSQL,
the write lock on SQLite), then compares the base with the head: unchanged head -> a plain
edit; moved head -> a three-way merge; overlapping changes -> the person's text is stored as a
`conflict` revision (never the head) and returned with both texts. Nothing is overwritten."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Literal

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import defer, joinedload

from consult.accounts.models import User
from consult.audit.services import record
from consult.bills import amendment_text
from consult.drafting import clashes, events
from consult.drafting.errors import DraftingError
from consult.drafting.markdown import word_count
from consult.drafting.merge import merge, normalise_newlines
from consult.drafting.models import CLAUSE_POSITIONS, POSITION_LABELS, Revision, Section
from consult.drafting.services.sections import refuse_if_removed
from consult.drafting.services.text import MAX_BODY_LENGTH, check_plain_text
from consult.extensions import db
from consult.timeutil import utcnow


@dataclass(frozen=True)
class Conflict:
    base: Revision | None
    theirs: Revision | None
    yours: Revision


@dataclass(frozen=True)
class SaveOutcome:
    """`revision` is the new head, or (with a conflict) the stored conflict revision."""

    revision: Revision | None
    merged: bool = False
    conflict: Conflict | None = None
    unchanged: bool = False


class Keep(Enum):
    """KEEP_CHOICE: what a save passes as its choice when the person was not changing the
    closed answer (an API call that leaves `choice` out, an editor form that did not send
    it): the answer stays as it was in the text they started from."""

    CHOICE = "the base revision's choice"


KEEP_CHOICE = Keep.CHOICE


def check_text(section: Section, body: str, choice: str | None) -> str | None:
    if len(body) > MAX_BODY_LENGTH:
        raise DraftingError(f"A section can hold at most {MAX_BODY_LENGTH:,} characters.")
    check_plain_text(body)
    if section.kind == "amendment":
        amendment_text.load(body)  # refuses, saying which line, text that is no amendment
    question = section.question
    if choice in ("", None):
        return None
    if section.kind == "clause":
        if choice not in CLAUSE_POSITIONS:
            raise DraftingError(
                "Choose a position on the clause: "
                + ", ".join(POSITION_LABELS[position] for position in CLAUSE_POSITIONS)
                + "."
            )
        return choice
    if question is None or question.kind != "scale":
        raise DraftingError("Only questions with a closed answer take a choice.")
    if choice not in question.options:
        raise DraftingError(f"Choose one of: {', '.join(question.options)}.")
    return choice


def _choice_of_base(section: Section, base_revision_id: int | None) -> str | None:
    """The closed answer of the revision a save started from (None for no base, or a base of
    another section, which the save then refuses)."""
    base = db.session.get(Revision, base_revision_id) if base_revision_id is not None else None
    return base.choice if base is not None and base.section_id == section.id else None


def lock_section(section: Section, *, catch_up_live: bool = True) -> None:
    """Take the section's row lock for the rest of the transaction, then reload it so that the
    head we compare against is the committed one (with words typed live made a revision
    first, unless this is the live document's own write: events.section_locked)."""
    db.session.execute(
        update(Section)
        .where(Section.id == section.id)
        .values(lock_version=Section.lock_version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(section)
    if catch_up_live:
        events.section_locked.send(section)


def _append(
    section: Section,
    author: User | None,
    kind: str,
    body: str,
    choice: str | None,
    parent: Revision | None,
    make_head: bool = True,
) -> Revision:
    number = (
        db.session.scalar(
            select(func.max(Revision.number)).where(Revision.section_id == section.id)
        )
        or 0
    ) + 1
    revision = Revision(
        section_id=section.id,
        number=number,
        kind=kind,
        parent_id=parent.id if parent else None,
        author_id=author.id if author else None,
        body=body,
        choice=choice,
        title=section.title,
        word_count=word_count(body),
    )
    db.session.add(revision)
    db.session.flush()
    if make_head:
        now = utcnow()
        section.head_revision_id = revision.id
        section.word_count = revision.word_count
        section.updated_at = now
        if section.status == "not_started" and body.strip():
            section.status = "drafting"
        section.response.updated_at = now
        db.session.flush()
        db.session.refresh(section, ["head"])
        events.head_moved.send(section, revision=revision)
    return revision


def base_revision_of(section: Section, revision_id: int | None) -> Revision | None:
    if revision_id is None:
        return None
    revision = db.session.get(Revision, revision_id)
    if revision is None or revision.section_id != section.id:
        raise DraftingError("The base revision does not belong to this section.")
    return revision


def save_section(
    user: User,
    section: Section,
    body: str,
    choice: str | Literal[Keep.CHOICE] | None,
    base_revision_id: int | None,
    clash: Revision | None = None,
) -> SaveOutcome:
    """Save a person's text, made from `base_revision_id`. See the module docstring.

    `choice` is the whole closed answer the person's editor holds: None means "no answer";
    KEEP_CHOICE, that they did not send one: the base revision's answer stays (a caller
    that did not show the choice must not clear it).

    `clash`: the open clash this save settles (the clash screen's, or the API's `clash`).
    The save goes through the same merge as any other, from the base the person saw; a
    clean outcome resolves the clash, an overlap makes a newer clash that replaces it. A
    clash settled already is refused (ClashSettled) before anything is written."""
    refuse_if_removed(section)
    if choice is KEEP_CHOICE:
        choice = _choice_of_base(section, base_revision_id)
    body = normalise_newlines(body)
    choice = check_text(section, body, choice)
    lock_section(section)
    refuse_if_removed(section)  # removed by someone else while this save waited for the lock
    if clash is not None:
        clashes.check_open(section, clash)
    outcome = _save_locked(user, section, body, choice, base_revision_id, clash)
    if clash is not None and outcome.revision is not clash:
        settled = "replaced" if outcome.conflict is not None else "resolved"
        clashes.settle(user, section, clash, settled, outcome.revision)
    return outcome


def _save_locked(
    user: User,
    section: Section,
    body: str,
    choice: str | None,
    base_revision_id: int | None,
    clash: Revision | None,
) -> SaveOutcome:
    """save_section's work, with the section's row lock held."""
    head = section.head
    if base_revision_id == section.head_revision_id:
        if head is not None and head.body == body and head.choice == choice:
            return SaveOutcome(revision=head, unchanged=True)
        if head is None and not body and choice is None:
            return SaveOutcome(revision=None, unchanged=True)
        return SaveOutcome(revision=_append(section, user, "edit", body, choice, head))

    base = base_revision_of(section, base_revision_id)
    base_pair = (base.body, base.choice) if base else ("", None)
    head_pair = (head.body, head.choice) if head else ("", None)
    result = merge(base_pair, head_pair, (body, choice))
    if result.clean:
        assert result.body is not None
        if len(result.body) > MAX_BODY_LENGTH:
            # Each text fits, but both people's additions together do not: nothing is saved,
            # and the person keeps their text to shorten it.
            raise DraftingError(
                f"Together with the changes saved meanwhile, this section would be longer than "
                f"{MAX_BODY_LENGTH:,} characters. Shorten your text and save again."
            )
        if (result.body, result.choice) == head_pair:
            return SaveOutcome(revision=head, merged=True, unchanged=True)
        merged = _append(section, user, "merge", result.body, result.choice, head)
        return SaveOutcome(revision=merged, merged=True)
    if (
        clash is not None
        and clash.parent_id == base_revision_id
        and (clash.body, clash.choice) == (body, choice)
    ):
        # The same text from the same base again (the clash screen or the editor sent what
        # the clash already holds): that clash, not a copy of it.
        return SaveOutcome(revision=clash, conflict=Conflict(base=base, theirs=head, yours=clash))
    yours = _append(section, user, "conflict", body, choice, base, make_head=False)
    record(
        "section.edit_conflict",
        actor=user,
        organisation=section.response.organisation,
        subject=section,
        revision=yours.id,
    )
    return SaveOutcome(revision=yours, conflict=Conflict(base=base, theirs=head, yours=yours))


def save_live_text(
    user: User | None, section: Section, body: str, choice: str | None
) -> Revision | None:
    """Write what live editors typed as a revision by `user` (the person whose burst of edits
    ended), with the section's row lock held by the caller: the live document already holds
    everyone's edits merged, so there is nothing to merge here. None if the text is the
    head's already, or could not be saved (the live room refuses such text before it gets
    here; the check stays as the last guard): the words stay in the live document."""
    if section.removed_at is not None:
        return None
    body = normalise_newlines(body)
    try:
        choice = check_text(section, body, choice)
    except DraftingError:
        try:
            choice = check_text(section, body, section.choice)
        except DraftingError:
            return None
    head = section.head
    if ((head.body, head.choice) if head is not None else ("", None)) == (body, choice):
        return None
    return _append(section, user, "edit", body, choice, head)


def restore_revision(user: User, section: Section, revision: Revision) -> Revision:
    """Make an earlier revision's text the head again, as a new `restore` revision."""
    if revision.section_id != section.id:
        raise DraftingError("That revision belongs to another section.")
    refuse_if_removed(section)
    lock_section(section)
    refuse_if_removed(section)
    restored = _append(section, user, "restore", revision.body, revision.choice, section.head)
    record(
        "section.restored",
        actor=user,
        organisation=section.response.organisation,
        subject=section,
        revision=revision.id,
    )
    return restored


def revisions_of(section: Section) -> list[Revision]:
    """Every revision of the section, newest first, with its author."""
    return list(
        db.session.scalars(
            select(Revision)
            .where(Revision.section_id == section.id)
            .options(joinedload(Revision.author))
            .order_by(Revision.number.desc())
        )
    )


_REVISION_COUNT = (
    select(func.count()).select_from(Revision).where(Revision.section_id == bindparam("section_id"))
)


def revision_count(section: Section) -> int:
    """How many revisions the section has, clashes included: what History lists and the
    editor's "History (n revisions)" says (built once: the editor asks on every page)."""
    return db.session.scalar(_REVISION_COUNT, {"section_id": section.id})


def revision_page(section: Section, page: int, per_page: int) -> tuple[list[Revision], int]:
    """One page of the section's revisions, newest first, with their authors but not their
    text (a history of 2,000 revisions of 5,000 words is not read to show 50 rows), and the
    number of revisions in all. `page` counts from 1; a page past the end is the last one."""
    total = revision_count(section)
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    rows = db.session.scalars(
        select(Revision)
        .where(Revision.section_id == section.id)
        .options(defer(Revision.body), joinedload(Revision.author))
        .order_by(Revision.number.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return list(rows), total


def find_revision(section: Section, revision_id: int) -> Revision | None:
    """A revision of this section with its author, or None (also for another section's)."""
    return db.session.scalar(
        select(Revision)
        .where(Revision.id == revision_id, Revision.section_id == section.id)
        .options(joinedload(Revision.author))
    )
