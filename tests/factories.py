"""Factories as plain callables: each makes one thing, flushed and committed, with sensible
defaults so a test only states what it cares about."""

from __future__ import annotations

import itertools
import re

from consult.accounts import services as accounts
from consult.accounts.models import User
from consult.audit.models import AuditEvent
from consult.extensions import db
from consult.mail import OutboxMessage
from consult.organisations.models import Membership, Organisation
from consult.organisations.services import create_organisation
from consult.timeutil import utcnow

PASSWORD = "correct horse battery"
_numbers = itertools.count(1)


def make_user(
    email: str | None = None,
    name: str | None = None,
    password: str = PASSWORD,
    confirmed: bool = True,
) -> User:
    number = next(_numbers)
    email = email or f"person{number}@example.org"
    user = User(
        email=accounts.normalise_email(email),
        name=name or f"Person {number}",
        password_hash=accounts.hash_password(password),
    )
    if confirmed:
        user.email_confirmed_at = utcnow()
    db.session.add(user)
    db.session.commit()
    return user


def make_organisation(owner: User | None = None, name: str | None = None) -> Organisation:
    owner = owner or make_user()
    organisation = create_organisation(owner, name or f"Group {next(_numbers)}")
    db.session.commit()
    return organisation


def add_member(organisation: Organisation, user: User | None = None, role: str = "member") -> User:
    user = user or make_user()
    db.session.add(Membership(organisation=organisation, user=user, role=role))
    db.session.commit()
    return user


def emails_to(address: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            db.select(OutboxMessage)
            .where(OutboxMessage.to == address.lower())
            .order_by(OutboxMessage.id)
        )
    )


def link_in_last_email(address: str, path_fragment: str) -> str:
    """The path of the first link containing `path_fragment` in the newest e-mail to address."""
    messages = emails_to(address)
    assert messages, f"no e-mail was sent to {address}"
    for url in re.findall(r"https?://\S+", messages[-1].body):
        if path_fragment in url:
            return re.sub(r"^https?://[^/]+", "", url)
    raise AssertionError(f"no link with {path_fragment!r} in: {messages[-1].body}")


def newest_audit_event() -> AuditEvent:
    """The audit event written last (audit.services.record returns nothing: it INSERTs)."""
    return db.session.scalar(db.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
