"""Drafting rules: responses and their sections, saving with merge, restoring, history,
comments, suggested edits and presence.

Saving is the heart of it. Every save names the revision it started from (its base). The save
first takes the section's row lock (an UPDATE of lock_version: a row lock on PostgreSQL, the
write lock on SQLite), then compares the base with the head: unchanged head -> a plain edit;
moved head -> a three-way merge; overlapping changes -> the person's text is stored as a
`conflict` revision (never the head) and returned with both texts. Nothing is overwritten."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased, defer, joinedload

from consult.accounts.models import User
from consult.audit.services import record
from consult.consultations.models import Consultation, Question
from consult.consultations.profiles import DEFAULT_PROFILE, PROFILES
from consult.drafting import clashes
from consult.drafting.errors import DraftingError
from consult.drafting.markdown import MAX_LENGTH, word_count
from consult.drafting.merge import merge, normalise_newlines
from consult.drafting.models import (
    SECTION_STATUSES,
    Comment,
    Presence,
    Response,
    Revision,
    Section,
    Suggestion,
)
from consult.drafting.titles import default_response_title
from consult.extensions import db
from consult.forms import BIDI_CONTROLS
from consult.organisations.models import Membership, Organisation
from consult.timeutil import utcnow

# Characters; about 30,000 words, far beyond any submission, and the longest text the renderer
# formats (a longer one would only ever be shown as plain text).
MAX_BODY_LENGTH = MAX_LENGTH
MAX_TITLE_LENGTH = 300
PRESENCE_WINDOW = timedelta(seconds=45)


# --- responses ------------------------------------------------------------------------------


def create_response(
    membership: Membership,
    consultation: Consultation,
    title: str,
    profile: str | None = None,
) -> Response:
    """A response with a section for the summary, about us, each question and recommendations."""
    title = title.strip() or default_response_title(consultation)
    profile = profile or DEFAULT_PROFILE
    if profile not in PROFILES:
        raise DraftingError("Choose one of the listed submission profiles.")
    if consultation.organisation_id not in (None, membership.organisation_id):
        # Another organisation's own consultation: callers look it up with find_visible, and
        # this keeps the rule in one place should one forget.
        raise DraftingError("That consultation is not open to this organisation.")
    response = Response(
        organisation_id=membership.organisation_id,
        consultation=consultation,
        title=title[:200],
        profile=profile,
        created_by_id=membership.user_id,
    )
    plan: list[tuple[str, int | None, str, object]] = [
        ("summary", None, "Summary", None),
        ("about", None, f"About {membership.organisation.name}", None),
    ]
    plan += [("question", q.number, q.text, q) for q in consultation.questions]
    plan.append(("recommendations", None, "Recommendations", None))
    for position, (kind, number, section_title, question) in enumerate(plan):
        response.sections.append(
            Section(
                kind=kind,
                number=number,
                title=section_title[:MAX_TITLE_LENGTH],
                question=question,
                position=position,
            )
        )
    db.session.add(response)
    db.session.flush()
    record(
        "response.created",
        actor=membership.user,
        organisation=membership.organisation,
        subject=response,
        consultation=consultation.slug,
    )
    return response


def responses_of(organisation: Organisation) -> list[Response]:
    return list(
        db.session.scalars(
            select(Response)
            .where(Response.organisation_id == organisation.id)
            .options(joinedload(Response.consultation))
            .order_by(Response.updated_at.desc())
        )
    )


def live_sections(response: Response) -> list[Section]:
    """The response's sections in order, with their head revisions (and the heads' authors),
    questions and assignees, in one query however many sections and revisions there are.
    Pages that list sections without their text use `section_overview` instead."""
    return list(
        db.session.scalars(
            select(Section)
            .where(Section.response_id == response.id, Section.removed_at.is_(None))
            .options(
                joinedload(Section.head).joinedload(Revision.author),
                joinedload(Section.question),
                joinedload(Section.assignee),
            )
            .order_by(Section.position)
        ).unique()
    )


class SectionOverview(NamedTuple):
    """One row of the response's overview (the dashboard, the editor's sidebar, the Manage
    page): what a list of sections shows, read as plain values in one query rather than as
    the ORM objects of `live_sections` (a sixth of the time for 40 sections, and nothing for
    the garbage collector to chase). A named tuple: made from a row at the cost of a tuple."""

    id: int
    kind: str
    number: int | None
    title: str
    status: str
    word_count: int
    word_limit: int | None  # the question's, if it has one
    assignee: str | None  # the assignee's name
    changed_at: datetime | None  # when the head revision was saved (None: no text yet)
    changed_by: str | None  # who saved it (None: nobody, or a former member)
    removed_at: datetime | None  # None for a live section


# The two roles of users in an overview row (made once: an alias builds its columns anew).
_ASSIGNEE = aliased(User, name="assignee")
_AUTHOR = aliased(User, name="author")

# The overview's statement, built once (building it is half the cost of running it): every
# section of the response, removed ones included, in order.
_OVERVIEW = (
    select(
        Section.id,
        Section.kind,
        Section.number,
        Section.title,
        Section.status,
        Section.word_count,
        Question.word_limit,
        _ASSIGNEE.name,
        Revision.created_at,
        _AUTHOR.name,
        Section.removed_at,
    )
    .outerjoin(Question, Question.id == Section.question_id)
    .outerjoin(_ASSIGNEE, _ASSIGNEE.id == Section.assignee_id)
    .outerjoin(Revision, Revision.id == Section.head_revision_id)
    .outerjoin(_AUTHOR, _AUTHOR.id == Revision.author_id)
    .where(Section.response_id == bindparam("response_id"))
    .order_by(Section.position)
)


def section_overview(response: Response, *, with_removed: bool = False) -> list[SectionOverview]:
    """The response's live sections in order, as overview rows, in one query; `with_removed`
    adds the removed sections after them, the most recently removed first (the dashboard
    lists both, and one query is cheaper than two)."""
    rows = db.session.execute(_OVERVIEW, {"response_id": response.id})
    overview = [SectionOverview._make(row) for row in rows]
    live = [row for row in overview if row.removed_at is None]
    if not with_removed or len(live) == len(overview):
        return live
    removed = [row for row in overview if row.removed_at is not None]
    removed.sort(key=lambda row: row.removed_at, reverse=True)
    return live + removed


def total_words(sections: list[Section] | list[SectionOverview]) -> int:
    return sum(section.word_count for section in sections)


def total_words_of(responses: list[Response]) -> dict[int, int]:
    """{response id: words in its live sections}, in one query, for listings of responses."""
    if not responses:
        return {}
    rows = db.session.execute(
        select(Section.response_id, func.coalesce(func.sum(Section.word_count), 0))
        .where(
            Section.response_id.in_([response.id for response in responses]),
            Section.removed_at.is_(None),
        )
        .group_by(Section.response_id)
    )
    totals = {response.id: 0 for response in responses}
    totals.update({response_id: int(total) for response_id, total in rows})
    return totals


def word_limit(response: Response) -> int | None:
    return PROFILES[response.profile].word_limit if response.profile in PROFILES else None


def update_response(response: Response, user: User, title: str, profile: str) -> None:
    if profile not in PROFILES:
        raise DraftingError("Choose one of the listed submission profiles.")
    title = title.strip()
    if not title:
        raise DraftingError("Give the response a title.")
    response.title = title[:200]
    response.profile = profile
    response.updated_at = utcnow()
    record("response.updated", actor=user, organisation=response.organisation, subject=response)


# --- saving text ----------------------------------------------------------------------------


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


# consult.forms.has_control_characters as one regular expression: Unicode's control characters
# (category Cc: U+0000-U+001F and U+007F-U+009F) but tab and line breaks, and the bidi
# overrides. That function looks at each character in Python, which for a section of 5,000
# words added 2.5 ms to every save; tests/drafting/test_services_finishing.py checks that the
# two agree on every character.
CONTROL_CHARACTERS = re.compile(
    "["
    + "".join(
        re.escape(chr(code))
        for code in (*range(0x20), *range(0x7F, 0xA0))
        if chr(code) not in "\t\n\r"
    )
    + "".join(re.escape(char) for char in sorted(BIDI_CONTROLS))
    + "]"
)


def has_control_characters(text: str) -> bool:
    """True if the text holds a character that no export could hold, or a bidi override."""
    return CONTROL_CHARACTERS.search(text) is not None


def _is_unicode(text: str) -> bool:
    """False for a lone surrogate (JSON can spell one, "\\ud800"): no database or export can
    store it as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_plain_text(text: str, what: str = "The text") -> None:
    """Refuse what no export could hold: a NUL, other control characters (tabs and line
    breaks aside; XML, which DOCX is made of, cannot hold the rest) and text that is not
    valid Unicode. Bidirectional overrides are refused with them: they make text display as
    something other than what it says, in words that people will sign."""
    if "\x00" in text:
        raise DraftingError(f"{what} contains a NUL character; remove it and save again.")
    if not _is_unicode(text):
        raise DraftingError(f"{what} is not valid Unicode (it holds a lone surrogate).")
    if has_control_characters(text):
        raise DraftingError(
            f"{what} contains invisible control characters; remove them and save again."
        )


def _check_text(section: Section, body: str, choice: str | None) -> str | None:
    if len(body) > MAX_BODY_LENGTH:
        raise DraftingError(f"A section can hold at most {MAX_BODY_LENGTH:,} characters.")
    check_plain_text(body)
    question = section.question
    if choice in ("", None):
        return None
    if question is None or question.kind != "scale":
        raise DraftingError("Only questions with a closed answer take a choice.")
    if choice not in question.options:
        raise DraftingError(f"Choose one of: {', '.join(question.options)}.")
    return choice


def _lock(section: Section) -> None:
    """Take the section's row lock for the rest of the transaction, then reload it so that the
    head we compare against is the committed one."""
    db.session.execute(
        update(Section)
        .where(Section.id == section.id)
        .values(lock_version=Section.lock_version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(section)


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
    return revision


def _revision_of(section: Section, revision_id: int | None) -> Revision | None:
    if revision_id is None:
        return None
    revision = db.session.get(Revision, revision_id)
    if revision is None or revision.section_id != section.id:
        raise DraftingError("The base revision does not belong to this section.")
    return revision


def _refuse_if_removed(section: Section) -> None:
    if section.removed_at is not None:
        raise DraftingError("This section was removed. Restore it before editing.")


def save_section(
    user: User,
    section: Section,
    body: str,
    choice: str | None,
    base_revision_id: int | None,
    clash: Revision | None = None,
) -> SaveOutcome:
    """Save a person's text, made from `base_revision_id`. See the module docstring.

    `choice` is the whole closed answer the person's editor holds: None means "no answer",
    so a caller that did not show the choice must pass the base revision's choice.

    `clash`: the open clash this save settles (the clash screen's, or the API's `clash`).
    The save goes through the same merge as any other, from the base the person saw; a
    clean outcome resolves the clash, an overlap makes a newer clash that replaces it. A
    clash settled already is refused (ClashSettled) before anything is written."""
    _refuse_if_removed(section)
    body = normalise_newlines(body)
    choice = _check_text(section, body, choice)
    _lock(section)
    _refuse_if_removed(section)  # removed by someone else while this save waited for the lock
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

    base = _revision_of(section, base_revision_id)
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


def dismiss_clash(user: User, section: Section, clash: Revision) -> None:
    """Settle an open clash by keeping the current text ("Keep theirs"): nothing is written
    to the section; the clash's text stays in the history."""
    _refuse_if_removed(section)
    _lock(section)  # in turn with saves that might settle the same clash
    clashes.check_open(section, clash)
    clashes.settle(user, section, clash, "dismissed", section.head)


def restore_revision(user: User, section: Section, revision: Revision) -> Revision:
    """Make an earlier revision's text the head again, as a new `restore` revision."""
    if revision.section_id != section.id:
        raise DraftingError("That revision belongs to another section.")
    _refuse_if_removed(section)
    _lock(section)
    _refuse_if_removed(section)
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


def revision_count(section: Section) -> int:
    """How many revisions the section has, clashes included: what History lists and the
    editor's "History (n revisions)" says."""
    return db.session.scalar(
        select(func.count()).select_from(Revision).where(Revision.section_id == section.id)
    )


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


# --- section structure ----------------------------------------------------------------------


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
    _refuse_if_removed(section)
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


# --- comments -------------------------------------------------------------------------------


def add_comment(
    user: User,
    section: Section,
    body: str,
    quote: str | None = None,
    parent: Comment | None = None,
) -> Comment:
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
    user: User, section: Section, body: str, base_revision_id: int | None, note: str = ""
) -> Suggestion:
    _refuse_if_removed(section)
    body = normalise_newlines(body)
    _check_text(section, body, None)
    note = note.strip()[:2000]
    check_plain_text(note, "The note")
    base = _revision_of(section, base_revision_id)
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


# --- presence -------------------------------------------------------------------------------


def heartbeat(user: User, section: Section, editing: bool) -> list[Presence]:
    """Note that the person has the section open; return the others who do."""
    now = utcnow()
    # One statement (an upsert), so two tabs of the same person beating at once cannot both
    # insert and trip the unique constraint.
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(Presence)
        .values(section_id=section.id, user_id=user.id, seen_at=now, editing=editing)
        .on_conflict_do_update(
            index_elements=["section_id", "user_id"],
            set_={"seen_at": now, "editing": editing},
        )
    )
    return others_present(section, user)


_OTHERS_PRESENT = (
    select(Presence)
    .where(
        Presence.section_id == bindparam("section_id"),
        Presence.user_id != bindparam("user_id"),
        Presence.seen_at > bindparam("since"),
    )
    .options(joinedload(Presence.user))
)


def others_present(section: Section, user: User) -> list[Presence]:
    return list(
        db.session.scalars(
            _OTHERS_PRESENT,
            {"section_id": section.id, "user_id": user.id, "since": utcnow() - PRESENCE_WINDOW},
        )
    )


def leave_section(user: User, section: Section) -> None:
    db.session.execute(
        db.delete(Presence).where(Presence.section_id == section.id, Presence.user_id == user.id)
    )


# --- activity -------------------------------------------------------------------------------


class Activity(NamedTuple):
    """One entry of a response's activity feed: a revision, without its text."""

    revision_id: int
    section_id: int
    kind: str  # the revision's kind: edit, merge, conflict or restore
    created_at: datetime
    author: str | None  # the author's name (None: a former member)


# The feed's statement, built once, in two steps: the ids of the newest revisions first,
# which the database sorts from the section index alone, then those few revisions with their
# authors' names. Sorting the revisions' rows themselves would read every revision of the
# response from the table (ten times slower with 2,000 revisions).
_NEWEST_REVISIONS = (
    select(Revision.id)
    .join(Section, Revision.section_id == Section.id)
    .where(Section.response_id == bindparam("response_id"))
    .order_by(Revision.id.desc())
    .limit(bindparam("limit"))
)
_ACTIVITY = (
    select(Revision.id, Revision.section_id, Revision.kind, Revision.created_at, _AUTHOR.name)
    .outerjoin(_AUTHOR, _AUTHOR.id == Revision.author_id)
    .where(Revision.id.in_(_NEWEST_REVISIONS.scalar_subquery()))
    .order_by(Revision.id.desc())
)


def recent_activity(response: Response, limit: int = 20) -> list[Activity]:
    """The newest revisions of the response's sections, newest first, as plain values (the
    caller names each section from the overview rows it already has), in one query."""
    rows = db.session.execute(_ACTIVITY, {"response_id": response.id, "limit": limit})
    return [Activity._make(row) for row in rows]
