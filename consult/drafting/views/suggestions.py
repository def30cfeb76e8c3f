"""Suggested edits, in the editor: a member suggests a new text for a section; its assignee
or a coordinator accepts it (through the same merge as any save) or rejects it."""

from __future__ import annotations

from flask import flash
from flask.typing import ResponseReturnValue
from flask_login import current_user

from consult.drafting import blueprint, services
from consult.drafting.forms import SuggestionForm, strip_control_characters
from consult.drafting.permissions import load_section, load_suggestion
from consult.drafting.views.comments import said
from consult.drafting.views.editor import render_editor, to_clash, to_editor
from consult.forms import ActionForm
from consult.web import commit

SUGGESTION_CLASHED = (
    "The suggestion changes the same part as a later edit. Both versions are kept: choose "
    "what the section should say. Saving the text accepts the suggestion; keeping the current "
    "text rejects it."
)


@blueprint.post("/responses/<int:response_id>/sections/<int:section_id>/suggestions")
def suggest(response_id: int, section_id: int) -> ResponseReturnValue:
    response, section, membership = load_section(response_id, section_id, "suggest")
    form = SuggestionForm()
    if form.validate_on_submit() and commit(
        lambda: services.suggest(
            current_user,
            section,
            form.suggestion.data or "",
            form.suggestion_base.data,
            form.note.data or "",
            picked=form.note_mentions.data,
        ),
        success=said(
            "Suggestion sent. The section's assignee or a coordinator will accept or reject it.",
            form.note.data or "",
            response,
            form.note_mentions.data,
        ),
        error_to=form.suggestion,
    ):
        return to_editor(response, section, "suggestions")
    strip_control_characters(form)
    return render_editor(response, section, membership, 422, suggestion_form=form)


@blueprint.post(
    "/responses/<int:response_id>/sections/<int:section_id>/suggestions/<int:suggestion_id>/accept"
)
def accept_suggestion(response_id: int, section_id: int, suggestion_id: int) -> ResponseReturnValue:
    response, section, _membership, suggestion = load_suggestion(
        response_id, section_id, suggestion_id
    )
    if ActionForm().validate_on_submit() and (
        accepted := commit(lambda: services.accept_suggestion(current_user, suggestion))
    ):
        outcome = accepted.value
        if outcome.conflict is not None:
            flash(SUGGESTION_CLASHED, "warning")
            return to_clash(response, section, outcome.conflict.yours, suggestion)
        if outcome.merged:
            flash(
                "Suggestion accepted and merged with the edits made since it was written.",
                "success",
            )
        else:
            flash("Suggestion accepted: it is now the section's text.", "success")
    return to_editor(response, section, "suggestions")


@blueprint.post(
    "/responses/<int:response_id>/sections/<int:section_id>/suggestions/<int:suggestion_id>/reject"
)
def reject_suggestion(response_id: int, section_id: int, suggestion_id: int) -> ResponseReturnValue:
    response, section, _membership, suggestion = load_suggestion(
        response_id, section_id, suggestion_id
    )
    if ActionForm().validate_on_submit():
        commit(
            lambda: services.reject_suggestion(current_user, suggestion),
            success="Suggestion rejected. It stays on record.",
        )
    return to_editor(response, section, "suggestions")
