"""Organisation pages: create, overview, members and roles, invitations, switching."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from consult.extensions import limiter
from consult.forms import ActionForm
from consult.organisations import blueprint, services
from consult.organisations.forms import InvitationForm, OrganisationForm, RoleForm
from consult.organisations.models import Invitation, Membership
from consult.organisations.permissions import (
    PERMISSIONS,
    ROLE_DESCRIPTIONS,
    ROLE_LABELS,
    ROLES,
    assignable_roles,
    can,
    can_manage,
    load_invitation,
    load_invitation_in,
    load_member,
    load_membership,
    load_my_invitation,
)
from consult.web import commit


@blueprint.route("/organisations/new", methods=["GET", "POST"])
def create():
    form = OrganisationForm()
    if form.validate_on_submit() and (
        created := commit(
            lambda: services.create_organisation(current_user, form.name.data),
            success=lambda organisation: (
                f"{organisation.name} is ready. Invite your colleagues next."
            ),
            error_to=form.name,
        )
    ):
        return redirect(url_for("organisations.members", slug=created.value.slug))
    return render_template("organisations/new.html", form=form), 422 if form.errors else 200


@blueprint.get("/o/<slug>")
def show(slug: str):
    membership = load_membership(slug)
    return render_template(
        "organisations/show.html",
        membership=membership,
        organisation=membership.organisation,
        members=services.members(membership.organisation),
        can=can,
    )


def _members_page(membership: Membership, invitation_form: InvitationForm | None = None):
    organisation = membership.organisation
    roles = assignable_roles(membership)
    return render_template(
        "organisations/members.html",
        membership=membership,
        organisation=organisation,
        members=services.members(organisation),
        invitations=services.pending_invitations(organisation) if can(membership, "invite") else [],
        invitation_form=invitation_form or InvitationForm().limit_roles(roles),
        assignable_roles=roles,
        can=can,
        can_manage=can_manage,
        role_labels=ROLE_LABELS,
        role_descriptions=ROLE_DESCRIPTIONS,
        action_form=ActionForm(),
    )


@blueprint.get("/o/<slug>/members")
def members(slug: str):
    return _members_page(load_membership(slug))


@blueprint.post("/o/<slug>/invitations")
@limiter.limit("60 per hour")
def invite(slug: str):
    membership = load_membership(slug, "invite")
    form = InvitationForm().limit_roles(assignable_roles(membership))
    if form.validate_on_submit() and commit(
        lambda: services.invite(membership, form.email.data, form.role.data),
        success=lambda sent: (
            f"Invitation sent to {sent[0].email} as "
            f"{ROLE_LABELS[sent[0].role].lower()}. The link works for 7 days."
        ),
        error_to=form.email,
    ):
        return redirect(url_for("organisations.members", slug=slug))
    return _members_page(membership, invitation_form=form), 422


@blueprint.post("/o/<slug>/invitations/<int:invitation_id>/resend")
@limiter.limit("60 per hour")
def resend_invitation(slug: str, invitation_id: int):
    membership = load_membership(slug, "invite")
    invitation = load_invitation_in(membership, invitation_id)
    if ActionForm().validate_on_submit():
        commit(
            lambda: services.resend_invitation(membership, invitation),
            success=f"A new link has been sent to {invitation.email}.",
        )
    return redirect(url_for("organisations.members", slug=slug))


@blueprint.post("/o/<slug>/invitations/<int:invitation_id>/revoke")
def revoke_invitation(slug: str, invitation_id: int):
    membership = load_membership(slug, "invite")
    invitation = load_invitation_in(membership, invitation_id)
    if ActionForm().validate_on_submit():
        commit(
            lambda: services.revoke_invitation(membership, invitation),
            success=f"The invitation to {invitation.email} was withdrawn.",
        )
    return redirect(url_for("organisations.members", slug=slug))


@blueprint.post("/o/<slug>/members/<int:membership_id>/role")
def change_role(slug: str, membership_id: int):
    membership = load_membership(slug, "manage_members")
    target = load_member(membership, membership_id)
    form = RoleForm()
    if form.validate_on_submit():
        commit(
            lambda: services.change_role(membership, target, form.role.data),
            success=lambda _: f"{target.user.name} is now {ROLE_LABELS[target.role].lower()}.",
            forbidden_is_403=True,
        )
    else:
        flash("Choose one of the listed roles.", "error")
    return redirect(url_for("organisations.members", slug=slug))


@blueprint.post("/o/<slug>/members/<int:membership_id>/remove")
def remove_member(slug: str, membership_id: int):
    membership = load_membership(slug, "manage_members")
    target = load_member(membership, membership_id)
    if target.id == membership.id:
        return redirect(url_for("organisations.members", slug=slug))
    if ActionForm().validate_on_submit():
        commit(
            lambda: services.remove_member(membership, target),
            success=f"{target.user.name} was removed from {membership.organisation.name}.",
            forbidden_is_403=True,
        )
    return redirect(url_for("organisations.members", slug=slug))


@blueprint.post("/o/<slug>/leave")
def leave(slug: str):
    membership = load_membership(slug)
    name = membership.organisation.name
    if ActionForm().validate_on_submit() and not commit(
        lambda: services.remove_member(membership, membership), success=f"You have left {name}."
    ):
        return redirect(url_for("organisations.members", slug=slug))
    return redirect(url_for("main.index"))


@blueprint.post("/o/<slug>/switch")
def switch(slug: str):
    membership = load_membership(slug)
    if ActionForm().validate_on_submit():
        commit(lambda: services.switch_organisation(current_user, membership.organisation))
    return redirect(url_for("organisations.show", slug=slug))


@blueprint.route("/o/<slug>/settings", methods=["GET", "POST"])
def settings(slug: str):
    membership = load_membership(slug, "rename")
    form = OrganisationForm(obj=membership.organisation)
    if form.validate_on_submit() and commit(
        lambda: services.rename_organisation(membership, form.name.data),
        success="The organisation's name has been saved.",
        error_to=form.name,
    ):
        return redirect(url_for("organisations.show", slug=slug))
    return render_template(
        "organisations/settings.html",
        form=form,
        membership=membership,
        organisation=membership.organisation,
    ), 422 if form.errors else 200


@blueprint.get("/roles")
def roles():
    return render_template(
        "organisations/roles.html",
        roles=ROLES,
        permissions=PERMISSIONS,
        role_labels=ROLE_LABELS,
        role_descriptions=ROLE_DESCRIPTIONS,
    )


# --- invitations, as the invitee sees them -------------------------------------------------


@blueprint.get("/invitations/<token>")
def invitation(token: str):
    invitation = load_invitation(token)
    return render_template(
        "organisations/invitation.html",
        invitation=invitation,
        token=token,
        form=ActionForm(),
        role_labels=ROLE_LABELS,
        role_descriptions=ROLE_DESCRIPTIONS,
        email_matches=current_user.is_authenticated and current_user.email == invitation.email,
    )


@blueprint.post("/invitations/<token>/accept")
def accept_invitation(token: str):
    invitation = load_invitation(token)
    if ActionForm().validate_on_submit() and _accepted(invitation):
        return redirect(url_for("organisations.show", slug=invitation.organisation.slug))
    return redirect(url_for("organisations.invitation", token=token))


def _accepted(invitation: Invitation):
    return commit(
        lambda: services.accept_invitation(current_user, invitation),
        success=f"Welcome to {invitation.organisation.name}.",
    )


@blueprint.post("/invitations/<token>/decline")
def decline_invitation(token: str):
    invitation = load_invitation(token)
    if ActionForm().validate_on_submit():
        commit(
            lambda: services.decline_invitation(
                invitation, current_user if current_user.is_authenticated else None
            ),
            success="You have declined the invitation. Nothing else will be sent.",
        )
        return redirect(url_for("main.index"))
    return redirect(url_for("organisations.invitation", token=token))


@blueprint.post("/invitations/mine/<int:invitation_id>/accept")
def accept_my_invitation(invitation_id: int):
    invitation = load_my_invitation(invitation_id)
    if ActionForm().validate_on_submit() and _accepted(invitation):
        return redirect(url_for("organisations.show", slug=invitation.organisation.slug))
    return redirect(url_for("main.index"))


@blueprint.post("/invitations/mine/<int:invitation_id>/decline")
def decline_my_invitation(invitation_id: int):
    invitation = load_my_invitation(invitation_id)
    if ActionForm().validate_on_submit():
        commit(
            lambda: services.decline_invitation(invitation, current_user),
            success=f"You declined the invitation to {invitation.organisation.name}.",
        )
    return redirect(url_for("main.index"))
