"""Organisation rules: creating one, roles, invitations, leaving, switching."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta

from flask import render_template
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import contains_eager

from consult.accounts.models import User
from consult.accounts.services import normalise_email
from consult.audit.services import record
from consult.errors import DomainError
from consult.extensions import db
from consult.links import public_url
from consult.mail import send_email
from consult.organisations import events
from consult.organisations.models import Invitation, Membership, Organisation
from consult.organisations.permissions import (
    ROLES,
    assignable_roles,
    can,
    can_manage,
    membership_of,
)
from consult.timeutil import utcnow
from consult.tokens import new_token

INVITATION_LIFETIME = timedelta(days=7)


class OrganisationError(DomainError):
    """A rule was broken; the message is safe to show to the person."""


class NotAllowed(OrganisationError):
    """The actor's role does not allow this."""

    forbidden = True


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:60].strip("-") or "organisation"


def _unique_slug(name: str) -> str:
    base = slugify(name)
    taken = set(
        db.session.scalars(
            select(Organisation.slug).where(
                (Organisation.slug == base) | Organisation.slug.like(f"{base}-%")
            )
        )
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def create_organisation(user: User, name: str) -> Organisation:
    """Create an organisation with its creator as owner, and make it their current one."""
    name = name.strip()
    if not name:
        raise OrganisationError("Give the organisation a name.")
    organisation = Organisation(name=name, slug=_unique_slug(name))
    db.session.add(organisation)
    db.session.add(Membership(organisation=organisation, user=user, role="owner"))
    db.session.flush()
    user.current_organisation_id = organisation.id
    record("organisation.created", actor=user, organisation=organisation, subject=organisation)
    return organisation


def rename_organisation(actor: Membership, name: str) -> None:
    if not can(actor, "rename"):
        raise NotAllowed("Only an owner can rename the organisation.")
    name = name.strip()
    if not name:
        raise OrganisationError("Give the organisation a name.")
    old = actor.organisation.name
    actor.organisation.name = name
    record(
        "organisation.renamed",
        actor=actor.user,
        organisation=actor.organisation,
        subject=actor.organisation,
        old=old,
        new=name,
    )


_MEMBERSHIPS_OF = (
    select(Membership)
    .join(Organisation)
    .options(contains_eager(Membership.organisation))
    .where(Membership.user_id == bindparam("user_id"))
    .order_by(func.lower(Organisation.name))
)


def memberships_of(user: User) -> list[Membership]:
    """The person's memberships with their organisations, by organisation name (one query:
    every page's header lists them)."""
    return list(db.session.scalars(_MEMBERSHIPS_OF, {"user_id": user.id}))


def members(organisation: Organisation) -> list[Membership]:
    """Members, most powerful role first, then by name."""
    rows = db.session.scalars(
        select(Membership)
        .join(User, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation.id)
        .order_by(func.lower(User.name))
    )
    return sorted(rows, key=lambda membership: ROLES.index(membership.role))


def current_organisation(
    user: User, memberships: list[Membership] | None = None
) -> Organisation | None:
    """The organisation the person last chose, or their first one (among `memberships`, when
    the caller has them already: the header of every page does)."""
    if memberships is None:
        memberships = memberships_of(user)
    for membership in memberships:
        if membership.organisation_id == user.current_organisation_id:
            return membership.organisation
    return memberships[0].organisation if memberships else None


def switch_organisation(user: User, organisation: Organisation) -> None:
    if membership_of(user, organisation) is None:
        raise NotAllowed("You are not a member of that organisation.")
    user.current_organisation_id = organisation.id


def _owner_count(organisation: Organisation) -> int:
    """How many owners the organisation has, counted under a lock on the organisation's row:
    two owners demoting each other (or leaving) at once must not both see "another owner
    exists" and leave none. (SQLite serialises writers anyway and ignores FOR UPDATE.)"""
    db.session.execute(
        select(Organisation.id).where(Organisation.id == organisation.id).with_for_update()
    )
    return db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.organisation_id == organisation.id, Membership.role == "owner")
    )


def change_role(actor: Membership, target: Membership, role: str) -> None:
    if role not in ROLES:
        raise OrganisationError("Choose one of the listed roles.")
    if actor.id == target.id and role != target.role and target.role != "owner":
        raise NotAllowed("You cannot change your own role.")
    if not can_manage(actor, target) or role not in assignable_roles(actor):
        raise NotAllowed("Your role does not allow that change.")
    if target.role == role:
        return
    if target.role == "owner" and _owner_count(target.organisation) <= 1:
        raise OrganisationError(
            "An organisation needs at least one owner. Make someone else an owner first."
        )
    old = target.role
    target.role = role
    record(
        "membership.role_changed",
        actor=actor.user,
        organisation=target.organisation,
        subject=target,
        member=target.user_id,
        old=old,
        new=role,
    )
    events.membership_changed.send(target.organisation_id)


def remove_member(actor: Membership, target: Membership) -> None:
    """Remove someone (or leave, when actor is target). The last owner cannot go."""
    if not can_manage(actor, target):
        raise NotAllowed("Your role does not allow removing this person.")
    if target.role == "owner" and _owner_count(target.organisation) <= 1:
        raise OrganisationError("The last owner cannot leave. Make someone else an owner first.")
    organisation = target.organisation
    user = target.user
    action = "membership.left" if actor.id == target.id else "membership.removed"
    record(action, actor=actor.user, organisation=organisation, subject=target, member=user.id)
    db.session.delete(target)
    if user.current_organisation_id == organisation.id:
        user.current_organisation_id = None
    db.session.flush()
    events.membership_changed.send(organisation.id)


# --- invitations ----------------------------------------------------------------------------


def _send_invitation(invitation: Invitation, token: str) -> None:
    inviter = invitation.invited_by
    body = render_template(
        "mail/invitation.txt",
        invitation=invitation,
        inviter=inviter,
        url=public_url("organisations.invitation", token=token),
    )
    send_email(
        invitation.email,
        f"You are invited to join {invitation.organisation.name} on Consult",
        body,
    )


def invite(actor: Membership, email: str, role: str) -> tuple[Invitation, str]:
    """Invite an address with a role; returns the invitation and its one-time token."""
    if not can(actor, "invite"):
        raise NotAllowed("Your role does not allow inviting people.")
    if role not in assignable_roles(actor):
        raise NotAllowed("Only an owner can invite another owner.")
    email = normalise_email(email)
    organisation = actor.organisation
    already_member = db.session.scalar(
        select(Membership)
        .join(User, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation.id, User.email == email)
    )
    if already_member is not None:
        raise OrganisationError(f"{email} is already a member of {organisation.name}.")
    # A new invitation replaces any pending one for the same address: its link stops working.
    for pending in pending_invitations(organisation):
        if pending.email == email:
            pending.revoked_at = utcnow()
            record(
                "invitation.revoked",
                actor=actor.user,
                organisation=organisation,
                subject=pending,
                reason="replaced",
            )
    token, token_hash = new_token()
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=token_hash,
        invited_by=actor.user,
        expires_at=utcnow() + INVITATION_LIFETIME,
    )
    db.session.add(invitation)
    db.session.flush()
    _send_invitation(invitation, token)
    record(
        "invitation.sent",
        actor=actor.user,
        organisation=organisation,
        subject=invitation,
        email=email,
        role=role,
    )
    return invitation, token


def resend_invitation(actor: Membership, invitation: Invitation) -> str:
    """Send a fresh link (the old one stops working) and extend the expiry."""
    if not can(actor, "invite"):
        raise NotAllowed("Your role does not allow inviting people.")
    if invitation.status not in {"pending", "expired"}:
        raise OrganisationError(f"This invitation was {invitation.status}; send a new one.")
    token, token_hash = new_token()
    invitation.token_hash = token_hash
    invitation.expires_at = utcnow() + INVITATION_LIFETIME
    invitation.invited_by = actor.user
    _send_invitation(invitation, token)
    record(
        "invitation.resent",
        actor=actor.user,
        organisation=invitation.organisation,
        subject=invitation,
    )
    return token


def revoke_invitation(actor: Membership, invitation: Invitation) -> None:
    if not can(actor, "invite"):
        raise NotAllowed("Your role does not allow managing invitations.")
    if invitation.status != "pending":
        raise OrganisationError(f"This invitation was already {invitation.status}.")
    invitation.revoked_at = utcnow()
    record(
        "invitation.revoked",
        actor=actor.user,
        organisation=invitation.organisation,
        subject=invitation,
    )


def pending_invitations(organisation: Organisation) -> list[Invitation]:
    rows = db.session.scalars(
        select(Invitation)
        .where(
            Invitation.organisation_id == organisation.id,
            Invitation.accepted_at.is_(None),
            Invitation.declined_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .order_by(Invitation.created_at.desc())
    )
    return list(rows)


def invitations_for(user: User) -> list[Invitation]:
    """Live invitations addressed to this person's e-mail, to show on their dashboard."""
    rows = db.session.scalars(
        select(Invitation).where(
            Invitation.email == user.email,
            Invitation.accepted_at.is_(None),
            Invitation.declined_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
    )
    return [row for row in rows if membership_of(user, row.organisation) is None]


def _check_open(invitation: Invitation) -> None:
    """Refuse a closed invitation. The row is re-read under a lock first, so that two requests
    using the same link at once cannot both find it open: the link works exactly once."""
    db.session.execute(
        select(Invitation)
        .where(Invitation.id == invitation.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    status = invitation.status
    if status == "expired":
        raise OrganisationError("This invitation has expired. Ask for a new one.")
    if status != "pending":
        raise OrganisationError(f"This invitation was already {status}.")


def accept_invitation(user: User, invitation: Invitation) -> Membership:
    """Join the organisation. The invitation was sent to an address: it must be this user's."""
    _check_open(invitation)
    if normalise_email(user.email) != invitation.email:
        raise NotAllowed(
            "This invitation was sent to a different e-mail address. Log in with that "
            "address, or ask for an invitation to yours."
        )
    existing = membership_of(user, invitation.organisation)
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    if existing is not None:
        return existing
    membership = Membership(organisation=invitation.organisation, user=user, role=invitation.role)
    db.session.add(membership)
    db.session.flush()
    user.current_organisation_id = invitation.organisation_id
    record(
        "invitation.accepted",
        actor=user,
        organisation=invitation.organisation,
        subject=invitation,
        role=invitation.role,
    )
    events.invitation_accepted.send(invitation, actor=user)
    return membership


def decline_invitation(invitation: Invitation, user: User | None = None) -> None:
    """Anyone holding the link may decline it: it was sent to them."""
    _check_open(invitation)
    invitation.declined_at = utcnow()
    record(
        "invitation.declined",
        actor=user,
        organisation=invitation.organisation,
        subject=invitation,
    )


def purge_ended_invitations(expired_before: datetime) -> int:
    """Storage limitation: forget invitations (an invitee's e-mail address) whose link expired
    before `expired_before`, whatever became of them; members keep their membership. The
    grace period lets coordinators still see and resend a recently expired invitation."""
    result = db.session.execute(db.delete(Invitation).where(Invitation.expires_at < expired_before))
    return result.rowcount or 0
