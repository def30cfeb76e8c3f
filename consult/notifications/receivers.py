"""Who is told of what: the notifications domain listens to the other domains' events
(consult/*/events.py) and makes the notices, so drafting, organisations, signing and accounts
need not know that anyone is told. Each handler names the candidates; `notify` keeps those who
may see the object and drops the actor. Importing this module connects the handlers (once a
process: the app factory imports it)."""

from __future__ import annotations

from collections.abc import Collection

from flask import render_template
from sqlalchemy import select, update

from consult.accounts import events as account_events
from consult.accounts.models import User
from consult.drafting import events as drafting_events
from consult.drafting.models import Comment, Revision, Section, Suggestion
from consult.drafting.permissions import can_decide_suggestion
from consult.extensions import db
from consult.mail import send_email
from consult.notifications.mentions import mentioned
from consult.notifications.models import Notification
from consult.notifications.presenters import SECURITY_SUBJECTS, TOKENS_REVOKED
from consult.notifications.services import notify
from consult.organisations import events as organisation_events
from consult.organisations.models import Invitation, Membership
from consult.organisations.permissions import PERMISSIONS
from consult.signing import events as signing_events
from consult.signing.models import Version
from consult.timeutil import utcnow


def _where(section: Section) -> dict:
    response = section.response
    return {"organisation_id": response.organisation_id, "response": response, "section": section}


@drafting_events.comment_added.connect
def on_comment_added(comment: Comment, actor: User, picked: Collection[int] = (), **_extra) -> None:
    """Those mentioned hear of the mention; a reply tells those earlier in the thread; any
    comment tells the section's assignee. Each person once, by the most particular notice."""
    section = comment.section
    where = _where(section)
    told = set(
        notify(
            "mention",
            mentioned(comment.body, section.response.organisation_id, picked),
            actor=actor,
            comment=comment,
            **where,
        )
    )
    if comment.parent_id is not None:
        earlier = db.session.scalars(
            select(Comment.author_id).where(
                (Comment.id == comment.parent_id) | (Comment.parent_id == comment.parent_id),
                Comment.id != comment.id,
            )
        )
        others = [user_id for user_id in earlier if user_id not in told]
        told |= set(notify("reply", others, actor=actor, comment=comment, **where))
    if section.assignee_id is not None and section.assignee_id not in told:
        notify("comment", [section.assignee_id], actor=actor, comment=comment, **where)


def _deciders(section: Section) -> list[int]:
    """Who decides a suggestion: the section's assignee when they may (an editor or above),
    otherwise the organisation's owners and coordinators."""
    if section.assignee_id is not None:
        assignee = db.session.scalar(
            select(Membership).where(
                Membership.organisation_id == section.response.organisation_id,
                Membership.user_id == section.assignee_id,
            )
        )
        if assignee is not None and can_decide_suggestion(assignee, section):
            return [section.assignee_id]
    managers, _ = PERMISSIONS["manage_members"]
    return list(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.organisation_id == section.response.organisation_id,
                Membership.role.in_(managers),
            )
        )
    )


@drafting_events.suggestion_made.connect
def on_suggestion_made(
    suggestion: Suggestion, actor: User, picked: Collection[int] = (), **_extra
) -> None:
    """Those who decide it are told it waits for them; anyone else mentioned in its note
    hears of the mention."""
    section = suggestion.section
    where = _where(section)
    told = set(
        notify(
            "suggestion",
            _deciders(section),
            actor=actor,
            may_see=lambda membership: can_decide_suggestion(membership, section),
            suggestion=suggestion,
            **where,
        )
    )
    others = [
        user_id
        for user_id in mentioned(suggestion.note, section.response.organisation_id, picked)
        if user_id not in told
    ]
    notify("mention", others, actor=actor, suggestion=suggestion, **where)


@drafting_events.suggestion_decided.connect
def on_suggestion_decided(suggestion: Suggestion, actor: User, **_extra) -> None:
    if suggestion.status == "accepted":
        notify(
            "suggestion_accepted",
            [suggestion.author_id],
            actor=actor,
            suggestion=suggestion,
            **_where(suggestion.section),
        )


@drafting_events.clash_settled.connect
def on_clash_settled(clash: Revision, **_extra) -> None:
    """A settled clash needs nobody: a reminder of it already made is marked read, so the
    bell stops counting it and the digest leaves it out."""
    db.session.execute(
        update(Notification)
        .where(
            Notification.kind == "clash",
            Notification.revision_id == clash.id,
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )


@drafting_events.section_assigned.connect
def on_section_assigned(section: Section, actor: User, assignee: User, **_extra) -> None:
    notify("assignment", [assignee], actor=actor, **_where(section))


@organisation_events.invitation_accepted.connect
def on_invitation_accepted(invitation: Invitation, actor: User, **_extra) -> None:
    notify(
        "invitation_accepted",
        [invitation.invited_by_id],
        actor=actor,
        organisation_id=invitation.organisation_id,
        detail=invitation.role,
    )


@signing_events.signing_opened.connect
def on_signing_opened(version: Version, actor: User, **_extra) -> None:
    """Every member may sign: all of the organisation's members are told (but the one who
    opened it)."""
    response = version.response
    members = db.session.scalars(
        select(Membership.user_id).where(Membership.organisation_id == response.organisation_id)
    )
    signers, _ = PERMISSIONS["sign"]
    notify(
        "signing_opened",
        list(members),
        actor=actor,
        organisation_id=response.organisation_id,
        may_see=lambda membership: membership.role in signers,
        response=response,
        version=version,
    )


@account_events.two_factor_disabled.connect
def on_two_factor_disabled(user: User, **_extra) -> None:
    notify("security", [user], actor=user, detail="two_factor_disabled")


@account_events.password_changed.connect
def on_password_changed(user: User, reset: bool, tokens_revoked: int, **_extra) -> None:
    detail = "password_reset" if reset else "password_changed"
    notify(
        "security", [user], actor=user, detail=detail + (TOKENS_REVOKED if tokens_revoked else "")
    )


@account_events.email_changed.connect
def on_email_changed(user: User, old_email: str, **_extra) -> None:
    """The account is told at its new address (and in the app), and the old address too: if
    someone took the account over, the old address is where its owner still reads."""
    notify("security", [user], actor=user, detail="email_changed")
    send_email(
        old_email,
        SECURITY_SUBJECTS["email_changed"],
        render_template("mail/email_changed.txt", user=user),
    )
