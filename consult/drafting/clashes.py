"""Clashes: a save that changed the same part as someone else's is kept as a `conflict`
revision (never the head; see services.save_section), and stays an open clash until it is
settled, once: resolved by a save made from the clash screen (or the API naming the clash),
dismissed ("Keep theirs": the current text stays), or replaced by a newer clash when that
save clashed again. The settlement is its own row (ClashSettlement), one per clash, so the
revisions stay append-only and two people cannot settle one clash twice.

An open clash is shown where people work, to those who may settle it: its author, and the
organisation's owners and coordinators, who may settle it on the author's behalf (someone
away for a month should not leave a clash open on a response that must go out)."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from consult.accounts.models import User
from consult.audit.services import record
from consult.drafting import events
from consult.drafting.errors import ClashSettled
from consult.drafting.models import ClashSettlement, Response, Revision, Section
from consult.extensions import db


class OpenClash(NamedTuple):
    """One open clash, as the editor's banner and the section table show it: plain values
    read in one query for all of a response's (or a section's) open clashes."""

    revision_id: int
    section_id: int
    number: int  # the conflict revision's number in its section
    author_id: int | None
    author: str | None  # the author's name (None: a former member)
    created_at: datetime


def _open_clashes(where) -> Select:
    return (
        select(
            Revision.id,
            Revision.section_id,
            Revision.number,
            Revision.author_id,
            User.name,
            Revision.created_at,
        )
        .join(Section, Section.id == Revision.section_id)
        .outerjoin(User, User.id == Revision.author_id)
        .outerjoin(ClashSettlement, ClashSettlement.revision_id == Revision.id)
        .where(Revision.kind == "conflict", ClashSettlement.id.is_(None), where)
        .order_by(Revision.id)
    )


# Built once (building a statement costs more than running it): a response's or a section's
# open clashes, everyone's or one author's.
_BY_RESPONSE = Section.response_id == bindparam("response_id")
_BY_SECTION = Revision.section_id == bindparam("section_id")
_BY_AUTHOR = Revision.author_id == bindparam("author_id")
_STATEMENTS = {
    ("response", True): _open_clashes(_BY_RESPONSE),
    ("response", False): _open_clashes(_BY_RESPONSE & _BY_AUTHOR),
    ("section", True): _open_clashes(_BY_SECTION),
    ("section", False): _open_clashes(_BY_SECTION & _BY_AUTHOR),
}


def open_clashes(response: Response, user: User, *, everyone: bool) -> list[OpenClash]:
    """The response's open clashes, oldest first: everyone's (for those who may settle any,
    `everyone`), or only `user`'s own."""
    rows = db.session.execute(
        _STATEMENTS["response", everyone], {"response_id": response.id, "author_id": user.id}
    )
    return [OpenClash._make(row) for row in rows]


def open_clashes_in(section: Section, user: User, *, everyone: bool) -> list[OpenClash]:
    """The section's open clashes, oldest first, as `open_clashes` chooses them."""
    rows = db.session.execute(
        _STATEMENTS["section", everyone], {"section_id": section.id, "author_id": user.id}
    )
    return [OpenClash._make(row) for row in rows]


def by_section(found: list[OpenClash]) -> dict[int, list[OpenClash]]:
    """{section id: its open clashes}, for the section table."""
    grouped: dict[int, list[OpenClash]] = {}
    for clash in found:
        grouped.setdefault(clash.section_id, []).append(clash)
    return grouped


_SETTLEMENT = (
    select(ClashSettlement)
    .where(ClashSettlement.revision_id == bindparam("revision_id"))
    .options(joinedload(ClashSettlement.settled_by), joinedload(ClashSettlement.result_revision))
)


def settlement_of(clash: Revision) -> ClashSettlement | None:
    """How the clash was settled (with who settled it and what that made), or None: open."""
    return db.session.scalar(_SETTLEMENT, {"revision_id": clash.id})


def check_open(section: Section, clash: Revision) -> None:
    """Refuse to settle a clash of another section, a revision that is no clash, or one
    settled already. Called with the section's row lock held (saving.lock_section), so a
    settlement made by a request that held it before is seen here."""
    if clash.section_id != section.id or clash.kind != "conflict":
        raise ClashSettled("That is not a clash in this section.")
    if settlement_of(clash) is not None:
        raise ClashSettled(
            "That clash was already settled. Nothing was saved in its name, so nothing "
            "written since was lost."
        )


def settle(
    user: User, section: Section, clash: Revision, outcome: str, result: Revision | None
) -> ClashSettlement:
    """Record how the clash was settled (once: the unique revision_id refuses a second)."""
    settlement = ClashSettlement(
        revision_id=clash.id,
        outcome=outcome,
        settled_by_id=user.id,
        result_revision_id=result.id if result is not None else None,
    )
    db.session.add(settlement)
    db.session.flush()
    record(
        "section.clash_settled",
        actor=user,
        organisation=section.response.organisation,
        subject=section,
        revision=clash.id,
        outcome=outcome,
    )
    events.clash_settled.send(clash, actor=user, outcome=outcome)
    return settlement
