"""@mentions: "@" and a member's name, as the picker in the editor writes it (static/js/
mentions.js), in a comment or a suggested edit's note. Names have spaces, so the text is
matched against the organisation's members' names (longest first, so "@Mo Member" is not
also "@Mo"), not parsed on its own."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from consult.accounts.models import User
from consult.extensions import db
from consult.organisations.models import Membership


def mentioned(text: str, organisation_id: int) -> list[int]:
    """The members of the organisation that `text` mentions, in the order of their names'
    length (one query for the members, only when the text has an "@")."""
    if "@" not in text:
        return []
    members = db.session.execute(
        select(User.id, User.name)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, User.erased_at.is_(None))
        .order_by(func.length(User.name).desc())
    ).all()
    found: list[int] = []
    for user_id, name in members:
        pattern = re.compile(r"(?<![\w@])@" + re.escape(name) + r"(?!\w)", re.IGNORECASE)
        text, count = pattern.subn(" ", text)  # a longer name's match is not a shorter one's
        if count:
            found.append(user_id)
    return found
