"""@mentions: "@" and a member's name, in a comment or a suggested edit's note. Names have
spaces, so the text is matched against the organisation's members' names (longest first, so
"@Mo Member" is not also "@Mo"), not parsed on its own.

A mention tells exactly one person. A name only one member has is that member (typed, or
picked from the list without JavaScript's help). A name two or more members share is the
one(s) the writer picked from the list as they typed (static/js/mentions.js sends their ids
beside the text); a shared name typed without picking tells nobody, and the writer is told
why (`unclear`). A picked id counts only while its member's name is still in the text, and
only for a member of the organisation: it narrows down what the text names, nothing more."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import select

from consult.accounts.models import User
from consult.extensions import db
from consult.organisations.models import Membership


@dataclass
class Mentions:
    ids: list[int] = field(default_factory=list)  # the members told, each once
    unclear: list[str] = field(default_factory=list)  # shared names mentioned, none picked


def resolve(text: str, organisation_id: int, picked: Collection[int] = ()) -> Mentions:
    """Who `text` mentions among the organisation's members (one query for the members,
    only when the text has an "@")."""
    found = Mentions()
    if "@" not in text:
        return found
    by_name: dict[str, list] = {}
    for member in db.session.execute(
        select(User.id, User.name)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, User.erased_at.is_(None))
        .order_by(User.id)
    ):
        by_name.setdefault(member.name.casefold(), []).append(member)
    chosen = set(picked)
    for holders in sorted(by_name.values(), key=lambda same: len(same[0].name), reverse=True):
        pattern = _pattern(holders[0].name)
        text, count = pattern.subn(" ", text)  # a longer name's match is not a shorter one's
        if not count:
            continue
        if len(holders) == 1:
            meant = [holders[0].id]
        else:
            meant = [holder.id for holder in holders if holder.id in chosen]
            if not meant:
                found.unclear.append(holders[0].name)
        found.ids += [user_id for user_id in meant if user_id not in found.ids]
    return found


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w@])@" + re.escape(name) + r"(?!\w)", re.IGNORECASE)


def mentioned(text: str, organisation_id: int, picked: Collection[int] = ()) -> list[int]:
    """The ids of the members `text` mentions (see `resolve`)."""
    return resolve(text, organisation_id, picked).ids


def unclear_message(names: list[str]) -> str | None:
    """What the writer is told of shared names mentioned without picking who."""
    if not names:
        return None
    quoted = ", ".join(f"@{name}" for name in names)
    return (
        f"More than one member is called {', '.join(names)}, so nobody was told of {quoted}. "
        "To tell one of them, mention them again and choose them from the list that opens "
        "as you type."
    )
