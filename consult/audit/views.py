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
from consult.extensions import db
from consult.organisations.models import Membership, Organisation
from consult.organisations.views import load_membership

blueprint = Blueprint("audit", __name__)

PAGE_SIZE = 50

# What each event means, for a person reading the log ("<who> <did this>").
DESCRIPTIONS = {
    "account.signed_up": "signed up",
    "account.created": "was given an account",
    "account.email_confirmed": "confirmed their e-mail address",
    "account.logged_in": "logged in",
    "account.login_failed": "failed to log in (wrong password)",
    "account.password_changed": "changed their password",
    "account.password_reset_requested": "asked for a password reset link",
    "account.password_reset": "reset their password",
    "account.email_changed": "changed their e-mail address",
    "account.data_downloaded": "downloaded their personal data",
    "account.erased": "erased their account",
    "api_token.created": "created an API token",
    "api_token.revoked": "revoked an API token",
    "two_factor.enabled": "turned two-factor authentication on",
    "two_factor.disabled": "turned two-factor authentication off",
    "two_factor.failed": "gave a wrong two-factor code",
    "two_factor.recovery_code_used": "logged in with a recovery code",
    "two_factor.recovery_codes_replaced": "made new recovery codes",
    "organisation.created": "created the organisation",
    "organisation.renamed": "renamed the organisation",
    "membership.role_changed": "changed a member's role",
    "membership.removed": "removed a member",
    "membership.left": "left the organisation",
    "invitation.sent": "sent an invitation",
    "invitation.resent": "sent an invitation again",
    "invitation.revoked": "revoked an invitation",
    "invitation.accepted": "accepted an invitation",
    "invitation.declined": "declined an invitation",
    "consultation.created": "added a consultation",
    "response.created": "started a response",
    "response.updated": "changed a response's settings",
    "section.added": "added a section",
    "section.renamed": "renamed a section",
    "section.removed": "removed a section",
    "section.reinstated": "put a section back",
    "section.restored": "restored an earlier revision",
    "section.assigned": "assigned a section",
    "section.status_changed": "changed a section's status",
    "section.edit_conflict": "saved an edit that clashed with another",
    "version.frozen": "froze a version",
    "signing.opened": "opened signing",
    "signing.closed": "closed signing",
    "signing.partner_link_replaced": "replaced the partner signing link",
    "signing.resign_invited": "invited earlier signers to sign again",
    "signature.pending": "signed (waiting for e-mail confirmation)",
    "signature.confirmed": "confirmed a signature",
    "signature.withdrawn": "withdrew a signature",
    "signature.erased": "erased a signer's details",
    "signatures.csv_downloaded": "downloaded the signatories (CSV)",
    "export.requested": "asked for an export",
    "export.downloaded": "downloaded an export",
}

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

# Details worth showing, with their labels; anything else stays out of the page.
DETAIL_LABELS = {
    "old": "from",
    "new": "to",
    "role": "role",
    "email": "address",
    "number": "version",
    "kind": "kind",
    "method": "how",
    "public": "public",
    "format": "format",
    "profile": "profile",
    "reason": "reason",
    "remaining": "recovery codes left",
    "via": "via",
    "status": "status",
}


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


def describe(event: AuditEvent) -> str:
    """A sentence for the event, without its actor."""
    return DESCRIPTIONS.get(event.action, event.action.replace("_", " ").replace(".", ": "))


# Details that name a person by account id: shown by name (an erased one as "a former member").
PERSON_DETAILS = {"member": "member", "assignee": "assigned to"}


def _people_named(events: list[AuditEvent]) -> dict[int, str]:
    ids = {
        value
        for event in events
        for key in PERSON_DETAILS
        if isinstance(value := (event.details or {}).get(key), int)
    }
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.name, User.erased_at).where(User.id.in_(ids)))
    return {user_id: "a former member" if erased else name for user_id, name, erased in rows}


def shown_details(event: AuditEvent, names: dict[int, str]) -> list[tuple[str, str]]:
    details = event.details or {}
    people = [
        (label, names[details[key]])
        for key, label in PERSON_DETAILS.items()
        if details.get(key) in names
    ]
    return people + [
        (label, str(details[key])) for key, label in DETAIL_LABELS.items() if key in details
    ]


def _page_number() -> int:
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


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
    page = _page_number()
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
        names=_people_named([event for event, _name, _erased in rows[:PAGE_SIZE]]),
        page=page,
        has_next=len(rows) > PAGE_SIZE,
        filters=filters,
        describe=describe,
        shown_details=shown_details,
    ), status
