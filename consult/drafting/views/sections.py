"""Managing one section: its Manage page (status and assignee, title, place in the response),
moving it, removing it and reinstating it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from consult.drafting import blueprint, presenters, services
from consult.drafting.forms import MoveSectionForm, RenameSectionForm, SectionDetailsForm
from consult.drafting.models import STATUS_LABELS, Response, Section
from consult.drafting.permissions import load_section
from consult.drafting.views.editor import to_editor
from consult.forms import ActionForm
from consult.organisations.models import Membership
from consult.web import commit


def _manage(
    response: Response, section: Section, membership: Membership, status: int = 200, **forms
) -> ResponseReturnValue:
    """The Manage page, with any form that failed (`details_form`, `rename_form`)."""
    page = presenters.manage_page(response, section, membership, **forms)
    return render_template("drafting/manage.html", **page), status


def _back_to(response: Response, section: Section) -> ResponseReturnValue:
    """After a change to a section go back where it was made: the editor (`?back=editor`)
    or the section's Manage page."""
    if request.args.get("back") == "editor":
        return to_editor(response, section)
    return redirect(
        url_for("drafting.manage_section", response_id=response.id, section_id=section.id)
    )


@blueprint.route(
    "/responses/<int:response_id>/sections/<int:section_id>/manage", methods=["GET", "POST"]
)
def manage_section(response_id: int, section_id: int) -> ResponseReturnValue:
    """GET: the Manage page. POST: its main form, the section's status and assignee (also
    sent from the editor page, with `?back=editor`)."""
    response, section, membership = load_section(response_id, section_id, "draft")
    if request.method == "GET":
        return _manage(response, section, membership)
    members = services.assignable_members(response)
    form = SectionDetailsForm().limit_to(members)
    if form.validate_on_submit():
        assignee = next((user for user in members if str(user.id) == form.assignee.data), None)
        status_changed, assignee_changed = form.changed()
        who = f"assigned to {assignee.name}" if assignee else "not assigned to anyone"
        if commit(
            lambda: services.update_section(
                current_user,
                section,
                form.status.data if status_changed else None,
                assignee,
                assign=assignee_changed,
            ),
            success=lambda _: (
                f"“{presenters.section_label(section)}” is "
                f"{STATUS_LABELS[section.status].lower()} and {who}."
            ),
            error_to=form.assignee,
        ):
            return _back_to(response, section)
    return _manage(response, section, membership, 422, details_form=form)


@blueprint.post("/responses/<int:response_id>/sections/<int:section_id>/rename")
def rename_section(response_id: int, section_id: int) -> ResponseReturnValue:
    response, section, membership = load_section(response_id, section_id, "draft")
    form = RenameSectionForm()
    if form.validate_on_submit() and commit(
        lambda: services.rename_section(current_user, section, form.title.data),
        success=lambda _: f"Section renamed to “{section.title}”.",
        error_to=form.title,
    ):
        return _back_to(response, section)
    return _manage(response, section, membership, 422, rename_form=form)


@blueprint.post("/responses/<int:response_id>/sections/<int:section_id>/move")
def move_section(response_id: int, section_id: int) -> ResponseReturnValue:
    """One form with two buttons, "Move up" and "Move down" (the button sends `direction`)."""
    response, section, _membership = load_section(response_id, section_id, "draft")
    form = MoveSectionForm()
    if not form.validate_on_submit():
        flash("Move a section with its “Move up” and “Move down” buttons.", "error")
    elif section.removed_at is None:
        commit(
            lambda: services.move_section(current_user, section, form.direction.data),
            success=lambda _: f"“{presenters.section_label(section)}” moved {form.direction.data}.",
        )
    return _back_to(response, section)


@blueprint.post("/responses/<int:response_id>/sections/<int:section_id>/remove")
def remove_section(response_id: int, section_id: int) -> ResponseReturnValue:
    response, section, _membership = load_section(response_id, section_id, "draft")
    if ActionForm().validate_on_submit() and not commit(
        lambda: services.remove_section(current_user, section),
        success=lambda _: (
            f"“{section.title}” was removed. Its text and history are kept: reinstate it "
            "from “Removed sections”."
        ),
    ):
        return _back_to(response, section)
    return redirect(url_for("drafting.dashboard", response_id=response.id, _anchor="removed"))


@blueprint.post("/responses/<int:response_id>/sections/<int:section_id>/reinstate")
def reinstate_section(response_id: int, section_id: int) -> ResponseReturnValue:
    response, section, _membership = load_section(response_id, section_id, "draft")
    if ActionForm().validate_on_submit() and section.removed_at is not None:
        commit(
            lambda: services.restore_section(current_user, section),
            success=lambda _: f"“{section.title}” is back, at the end of the response.",
        )
    return redirect(
        url_for("drafting.dashboard", response_id=response.id, _anchor=f"s{section.id}")
    )
