"""Comments on a section, in the editor: adding one (optionally quoting a passage), replying,
and resolving or reopening a thread."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash
from flask.typing import ResponseReturnValue
from flask_login import current_user

from consult.drafting import blueprint, services
from consult.drafting.forms import CommentForm, ReplyForm, ResolveForm, strip_control_characters
from consult.drafting.models import Response
from consult.drafting.permissions import load_comment, load_section
from consult.drafting.views.editor import render_editor, to_editor
from consult.notifications.mentions import resolve, unclear_message
from consult.web import commit


def said(message: str, text: str, response: Response, picked: list[int]) -> Callable:
    """The `success` of a comment, reply or suggestion: `message`, then, if the text mentions
    a name more than one member has without the writer having picked which from the list,
    that nobody was told of it (so a mention is never dropped without a word)."""

    def flash_both(_value: object) -> None:
        flash(message, "success")
        unclear = unclear_message(resolve(text, response.organisation_id, picked).unclear)
        if unclear:
            flash(unclear, "warning")

    return flash_both


@blueprint.post("/responses/<int:response_id>/sections/<int:section_id>/comments")
def add_comment(response_id: int, section_id: int) -> ResponseReturnValue:
    response, section, membership = load_section(response_id, section_id, "comment")
    form = CommentForm()
    if form.validate_on_submit() and commit(
        lambda: services.add_comment(
            current_user,
            section,
            form.comment.data,
            form.quote.data or None,
            picked=form.comment_mentions.data,
        ),
        success=said("Comment added.", form.comment.data, response, form.comment_mentions.data),
        error_to=form.comment,
    ):
        return to_editor(response, section, "comments")
    strip_control_characters(form)
    return render_editor(response, section, membership, 422, comment_form=form)


@blueprint.post(
    "/responses/<int:response_id>/sections/<int:section_id>/comments/<int:comment_id>/replies"
)
def reply_to_comment(response_id: int, section_id: int, comment_id: int) -> ResponseReturnValue:
    response, section, membership, comment = load_comment(response_id, section_id, comment_id)
    form = ReplyForm()
    if form.validate_on_submit() and commit(
        lambda: services.add_comment(
            current_user, section, form.reply.data, parent=comment, picked=form.reply_mentions.data
        ),
        success=said("Reply added.", form.reply.data, response, form.reply_mentions.data),
        error_to=form.reply,
    ):
        return to_editor(response, section, "comments")
    strip_control_characters(form)
    return render_editor(response, section, membership, 422, reply=(comment.id, form))


@blueprint.post(
    "/responses/<int:response_id>/sections/<int:section_id>/comments/<int:comment_id>/resolve"
)
def resolve_comment(response_id: int, section_id: int, comment_id: int) -> ResponseReturnValue:
    response, section, _membership, comment = load_comment(response_id, section_id, comment_id)
    form = ResolveForm()
    if form.validate_on_submit():
        resolved = form.resolved.data == "yes"
        commit(
            lambda: services.set_comment_resolved(current_user, comment, resolved),
            success="Comment resolved." if resolved else "Comment reopened.",
        )
    else:
        flash("Resolve or reopen a comment with its button.", "error")
    return to_editor(response, section, "comments")
