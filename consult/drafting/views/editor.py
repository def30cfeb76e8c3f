"""The section editor: its page (text, comments, suggested edits, who else is there) and the
no-script save, which merges or clashes exactly like the API's autosave. The comment and
suggestion forms live on this page too: their views re-render it when a form fails."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from consult.drafting import blueprint, presenters, services
from consult.drafting.forms import SectionForm, strip_control_characters
from consult.drafting.models import Response, Revision, Section, Suggestion
from consult.drafting.permissions import load_section
from consult.drafting.presenters import bills as bill_presenters
from consult.organisations.models import Membership
from consult.web import commit

MERGED_MESSAGE = (
    "Saved. Someone else edited this section meanwhile; your changes were merged with theirs."
)
CONFLICT_MESSAGE = (
    "Someone else changed the same part while you were editing. Both versions are kept: "
    "choose what the section should say."
)


def render_editor(
    response: Response, section: Section, membership: Membership, status: int = 200, **forms
) -> ResponseReturnValue:
    """The editor page, with any form that failed (`form`, `comment_form`, `suggestion_form`,
    `reply`) showing the person's input and its message."""
    page = presenters.editor_page(response, section, membership, current_user, **forms)
    return render_template("drafting/editor.html", **page), status


def to_editor(response: Response, section: Section, anchor: str | None = None) -> WerkzeugResponse:
    """Back to the section's editor (at `anchor`: "comments", "suggestions")."""
    return redirect(
        url_for("drafting.editor", response_id=response.id, section_id=section.id, _anchor=anchor)
    )


def to_clash(
    response: Response, section: Section, clash: Revision, suggestion: Suggestion | None = None
) -> WerkzeugResponse:
    """To the screen of a clash a save made (carrying the suggestion whose acceptance
    clashed, if that is what clashed)."""
    return redirect(
        url_for(
            "drafting.conflict",
            response_id=response.id,
            section_id=section.id,
            revision_id=clash.id,
            suggestion=suggestion.id if suggestion else None,
        )
    )


def after_save(
    response: Response,
    section: Section,
    outcome: services.SaveOutcome,
    saved: str,
    suggestion: Suggestion | None = None,
) -> ResponseReturnValue:
    """Where a save leads: the clash screen (carrying the suggestion being accepted, if
    that is what clashed), or back to the editor with what happened."""
    if outcome.conflict is not None:
        flash(CONFLICT_MESSAGE, "warning")
        return to_clash(response, section, outcome.conflict.yours, suggestion)
    if outcome.merged:
        flash(MERGED_MESSAGE, "success")
    elif outcome.unchanged:
        flash("Saved. Nothing had changed since the last save.", "success")
    else:
        flash(saved, "success")
    return to_editor(response, section)


@blueprint.route("/responses/<int:response_id>/sections/<int:section_id>", methods=["GET", "POST"])
def editor(response_id: int, section_id: int) -> ResponseReturnValue:
    """GET: the editor, for anyone who may see the response. POST: save the text (draft)."""
    action = "view" if request.method == "GET" else "draft"
    response, section, membership = load_section(response_id, section_id, action)
    if request.method == "GET":
        # "Quote" beside a line of the bill opens the comment form quoting that line.
        quote = bill_presenters.quote_from_args(
            response, request.args.get("quote_page", ""), request.args.get("quote_line", "")
        )
        return render_editor(response, section, membership, quote=quote)
    form = SectionForm()
    if form.validate_on_submit():
        saved = commit(
            lambda: services.save_section(
                current_user,
                section,
                form.body.data or "",
                form.choice_to_save(),
                form.base_revision.data,
            ),
            error_to=form.body,
        )
        if saved:
            return after_save(response, section, saved.value, "Saved")
        form.place_refusal()
    strip_control_characters(form)
    return render_editor(response, section, membership, 422, form=form)
