"""Who else has a section open (and whether they are editing it): a heartbeat from each
person's editor, forgotten after PRESENCE_WINDOW without one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload

from consult.accounts.models import User
from consult.drafting.models import Presence, Section
from consult.extensions import db
from consult.timeutil import utcnow

PRESENCE_WINDOW = timedelta(seconds=45)


def heartbeat(user: User, section: Section, editing: bool) -> list[Presence]:
    """Note that the person has the section open; return the others who do."""
    mark_present(section.id, {user.id: editing})
    return others_present(section, user)


def mark_present(section_id: int, editing_by_user: Mapping[int, bool]) -> None:
    """Note that these people have the section open (and whether each edits it), in one
    statement: an upsert, so two tabs of one person beating at once cannot both insert and
    trip the unique constraint, and the live hub notes a whole room at once."""
    if not editing_by_user:
        return
    now = utcnow()
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(Presence).values(
        [
            {"section_id": section_id, "user_id": user_id, "seen_at": now, "editing": editing}
            for user_id, editing in sorted(editing_by_user.items())
        ]
    )
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["section_id", "user_id"],
            set_={"seen_at": statement.excluded.seen_at, "editing": statement.excluded.editing},
        )
    )


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


_PRESENT_IN_RESPONSE = (
    select(Presence)
    .join(Section, Section.id == Presence.section_id)
    .where(
        Section.response_id == bindparam("response_id"),
        Section.removed_at.is_(None),
        Presence.user_id != bindparam("user_id"),
        Presence.seen_at > bindparam("since"),
    )
    .options(joinedload(Presence.user), joinedload(Presence.section))
    .order_by(Section.position, Presence.editing.desc(), Presence.id)
)


def present_in_response(response_id: int, viewer: User) -> list[Presence]:
    """Who else has a section of the response open, and which (the dashboard's "Here now")."""
    return list(
        db.session.scalars(
            _PRESENT_IN_RESPONSE,
            {"response_id": response_id, "user_id": viewer.id, "since": utcnow() - PRESENCE_WINDOW},
        )
    )


def leave_section(user: User, section: Section) -> None:
    db.session.execute(
        db.delete(Presence).where(Presence.section_id == section.id, Presence.user_id == user.id)
    )
