"""The clash screen: a person's edit that changed the same part as someone else's (a stored
`conflict` revision, see ../clashes.py) compared with the current text, and settled once.

A clash page belongs to its author; owners and coordinators may open it too and settle it on
the author's behalf, and the page says whose edit it is. Everyone else gets a 404.

Settling goes through the same merge as any save, from the head the page showed (the form's
base_revision): if others saved since, the resolution is merged with their work, or, if it
overlaps, kept as a newer clash that replaces this one. A clash that is settled already
(reached again with Back, from the history or a bookmark) says so and shows the current text;
a form posted from such a page saves nothing in the clash's name and gives back the text it
carried, with a button that saves it as an ordinary edit (merged, like any other)."""

from __future__ import annotations

from flask import flash, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from consult.drafting import blueprint, clashes, presenters, services
from consult.drafting.forms import ConflictForm, id_arg, strip_control_characters
from consult.drafting.models import ClashSettlement, Response, Revision, Section, Suggestion
from consult.drafting.permissions import load_clash, suggestion_to_settle
from consult.drafting.views.editor import after_save, to_clash, to_editor
from consult.organisations.models import Membership
from consult.web import commit


def _conflict(
    response: Response,
    section: Section,
    membership: Membership,
    yours: Revision,
    status: int = 200,
    **shown,
) -> ResponseReturnValue:
    page = presenters.conflict_page(response, section, membership, current_user, yours, **shown)
    return render_template("drafting/conflict.html", **page), status


def _settled(
    response: Response,
    section: Section,
    membership: Membership,
    clash: Revision,
    settlement: ClashSettlement,
    sent: ConflictForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    page = presenters.settled_page(
        response, section, membership, current_user, clash, settlement, sent
    )
    return render_template("drafting/clash_settled.html", **page), status


def _posted_to_settled(
    response: Response,
    section: Section,
    membership: Membership,
    clash: Revision,
    settlement: ClashSettlement,
    form: ConflictForm,
) -> ResponseReturnValue:
    """A form posted for a clash settled already: nothing is saved in its name. "Keep
    theirs" had nothing to do; any other button gets its text back, to save as an edit."""
    if (form.resolution.data or "edited") == "theirs":
        flash("This clash was already settled, so nothing changed.", "info")
        return to_clash(response, section, clash)
    return _settled(response, section, membership, clash, settlement, sent=form, status=409)


def _after_settling(
    response: Response,
    section: Section,
    clash: Revision,
    outcome: services.SaveOutcome | None,
    suggestion: Suggestion | None,
) -> ResponseReturnValue:
    """Back to the editor with what happened: the current text kept, or the save's outcome
    (which may be a newer clash)."""
    if outcome is None:
        flash(presenters.kept_theirs_message(clash, suggestion, current_user), "success")
        return to_editor(response, section)
    saved = "Saved. The clash is resolved."
    if suggestion is not None and outcome.conflict is None:
        saved += " The suggestion is accepted."
    return after_save(response, section, outcome, saved, suggestion)


@blueprint.route(
    "/responses/<int:response_id>/sections/<int:section_id>/conflict/<int:revision_id>",
    methods=["GET", "POST"],
)
def conflict(response_id: int, section_id: int, revision_id: int) -> ResponseReturnValue:
    response, section, membership, yours = load_clash(response_id, section_id, revision_id)
    settlement = clashes.settlement_of(yours)
    if settlement is not None:
        if request.method == "GET":
            return _settled(response, section, membership, yours, settlement)
        form = ConflictForm()
        if form.validate_on_submit():
            return _posted_to_settled(response, section, membership, yours, settlement, form)
        strip_control_characters(form)
        return _settled(response, section, membership, yours, settlement, sent=form, status=422)
    if request.method == "GET":
        suggestion = suggestion_to_settle(section, membership, id_arg("suggestion"))
        return _conflict(response, section, membership, yours, suggestion=suggestion)
    form = ConflictForm()
    suggestion = None
    if form.validate_on_submit():
        suggestion = suggestion_to_settle(section, membership, form.suggestion.data)
        settled = commit(
            lambda: services.settle_clash(
                current_user,
                section,
                yours,
                form.resolution.data or "edited",
                form.body.data or "",
                form.choice.data or None,
                form.base_revision.data,
                suggestion,
            ),
            error_to=form.body,
        )
        if settled:
            return _after_settling(response, section, yours, settled.value, suggestion)
        # Refused. Settled by someone else while this request waited (ClashSettled)?
        settlement = clashes.settlement_of(yours)
        if settlement is not None:
            return _posted_to_settled(response, section, membership, yours, settlement, form)
        form.place_refusal()
    strip_control_characters(form)
    return _conflict(response, section, membership, yours, 422, form=form, suggestion=suggestion)
