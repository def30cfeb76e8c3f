"""Which events an organisation's owners see in its audit log, and how they are filtered.

The organisation's own events, and the account-security events (log-ins, failed log-ins,
two-factor changes) of the people who are its members now. Another organisation's events never
appear, and no event holds a secret (audit.services.record drops them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import and_, func, or_, select

from consult.accounts.models import User
from consult.audit.models import AuditEvent
from consult.extensions import db
from consult.organisations.models import Membership, Organisation

PAGE_SIZE = 50

# Groups for the "kind of event" filter: (label, action prefixes or exact actions).
KINDS = {
    "logins": ("Log-ins and failed log-ins", ("account.logged_in", "account.login_failed")),
    "security": ("Accounts, tokens and two-factor", ("account.", "api_token.", "two_factor.")),
    "members": ("Members, roles and invitations", ("membership.", "invitation.", "organisation.")),
    "drafting": ("Drafting", ("consultation.", "response.", "section.")),
    "signing": ("Versions, signatures and withdrawals", ("version.", "signing.", "signature.")),
    "downloads": ("Exports and CSV downloads", ("export.", "signatures.csv_downloaded")),
    "erasures": ("Erasures", ("account.erased", "signature.erased")),
}

# Account events (no organisation) that an organisation's owners see for their members.
ACCOUNT_SECURITY_ACTIONS = (
    "account.logged_in",
    "account.login_failed",
    "account.password_changed",
    "account.password_reset",
    "account.email_changed",
    "api_token.created",
    "api_token.revoked",
    "two_factor.enabled",
    "two_factor.disabled",
    "two_factor.failed",
    "two_factor.recovery_code_used",
    "two_factor.recovery_codes_replaced",
)


@dataclass(frozen=True)
class Filters:
    """What the owner asked to see: a kind (a key of KINDS), a person (a user id), dates."""

    kind: str | None = None
    person: int | None = None
    since: date | None = None
    until: date | None = None


def _matches(patterns: tuple[str, ...]):
    return or_(
        *(
            AuditEvent.action.startswith(p) if p.endswith(".") else AuditEvent.action == p
            for p in patterns
        )
    )


def _visible_to(organisation: Organisation):
    """The organisation's events, and its current members' account-security events."""
    members = select(Membership.user_id).where(Membership.organisation_id == organisation.id)
    return or_(
        AuditEvent.organisation_id == organisation.id,
        and_(
            AuditEvent.organisation_id.is_(None),
            AuditEvent.action.in_(ACCOUNT_SECURITY_ACTIONS),
            AuditEvent.actor_id.in_(members),
        ),
    )


def people(organisation: Organisation) -> list[tuple[int, str]]:
    """The members, (user id, name) by name: whom the log can be filtered by."""
    rows = db.session.execute(
        select(User.id, User.name)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation.id)
        .order_by(func.lower(User.name))
    ).all()
    return [(user_id, name) for user_id, name in rows]


def events_page(organisation: Organisation, filters: Filters, page: int) -> tuple[list, bool]:
    """One page of the log, newest first: (event, actor's name, actor erased at) rows, and
    whether a next page exists."""
    conditions = [_visible_to(organisation)]
    if filters.kind:
        conditions.append(_matches(KINDS[filters.kind][1]))
    if filters.person:
        conditions.append(AuditEvent.actor_id == filters.person)
    if filters.since:
        conditions.append(AuditEvent.created_at >= datetime.combine(filters.since, time()))
    if filters.until:
        # The whole end day, up to its last instant (the next midnight does not exist after
        # 31 December 9999).
        conditions.append(AuditEvent.created_at <= datetime.combine(filters.until, time.max))
    rows = db.session.execute(
        select(AuditEvent, User.name, User.erased_at)
        .outerjoin(User, AuditEvent.actor_id == User.id)
        .where(*conditions)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    ).all()
    return list(rows[:PAGE_SIZE]), len(rows) > PAGE_SIZE
