"""The organisation's audit log, for its owners: newest first, paged, filtered.

It shows the organisation's own events, and the account-security events (log-ins, failed
log-ins, two-factor changes) of the people who are its members now. Another organisation's
events never appear, and no event holds a secret (audit.services.record drops them)."""

from __future__ import annotations

from datetime import datetime, time

from flask import Blueprint, render_template, request
from sqlalchemy import and_, func, or_, select

from consult.accounts.models import User
from consult.audit.forms import AuditFilterForm
from consult.audit.models import AuditEvent
from consult.audit.presenters import describe, load_context, shown_details
from consult.extensions import db
from consult.forms import page_number
from consult.organisations.models import Membership, Organisation
from consult.organisations.permissions import load_membership

blueprint = Blueprint("audit", __name__)

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


def _people(organisation: Organisation) -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(User.id, User.name)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation.id)
        .order_by(func.lower(User.name))
    ).all()
    return [(user_id, name) for user_id, name in rows]


@blueprint.get("/o/<slug>/audit")
def organisation_log(slug: str):
    membership = load_membership(slug, "view_audit")
    organisation = membership.organisation
    people = _people(organisation)
    form = AuditFilterForm(request.args)
    form.kind.choices = [("", "All events")] + [(key, label) for key, (label, _) in KINDS.items()]
    form.person.choices = [("", "Everyone")] + [(str(i), name) for i, name in people]

    conditions = [_visible_to(organisation)]
    if form.validate():
        if form.kind.data:
            conditions.append(_matches(KINDS[form.kind.data][1]))
        if form.person.data:
            conditions.append(AuditEvent.actor_id == int(form.person.data))
        if form.since.data:
            conditions.append(AuditEvent.created_at >= datetime.combine(form.since.data, time()))
        if form.until.data:
            # The whole end day, up to its last instant (the next midnight does not exist
            # after 31 December 9999).
            end = datetime.combine(form.until.data, time.max)
            conditions.append(AuditEvent.created_at <= end)
    page = page_number()
    rows = db.session.execute(
        select(AuditEvent, User.name, User.erased_at)
        .outerjoin(User, AuditEvent.actor_id == User.id)
        .where(*conditions)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    ).all()
    filters = {
        key: request.args[key][:40]
        for key in ("kind", "person", "since", "until")
        if request.args.get(key)
    }
    status = 422 if form.errors else 200
    return render_template(
        "audit/log.html",
        organisation=organisation,
        form=form,
        events=rows[:PAGE_SIZE],
        context=load_context(event for event, _name, _erased in rows[:PAGE_SIZE]),
        page=page,
        has_next=len(rows) > PAGE_SIZE,
        filters=filters,
        describe=describe,
        shown_details=shown_details,
    ), status
