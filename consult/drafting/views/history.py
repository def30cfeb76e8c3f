"""A section's history: its revisions, page by page, the word diff between any two of them,
and restoring an earlier one (as a new revision: nothing is deleted)."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from consult.drafting import blueprint, presenters, services
from consult.drafting.forms import id_arg
from consult.drafting.permissions import load_revision, load_section
from consult.drafting.views.editor import to_editor
from consult.forms import ActionForm
from consult.web import commit


@blueprint.get("/responses/<int:response_id>/sections/<int:section_id>/history")
def history(response_id: int, section_id: int) -> ResponseReturnValue:
    """One page of revisions and the diff between `from` and `to` (by default the head and
    the revision it was made from); 400 when those two cannot be compared."""
    response, section, membership = load_section(response_id, section_id)
    page = presenters.history_page(
        response, section, membership, id_arg("page") or 1, id_arg("from"), id_arg("to")
    )
    return render_template("drafting/history.html", **page), 400 if page["problem"] else 200


@blueprint.post("/responses/<int:response_id>/sections/<int:section_id>/restore/<int:revision_id>")
def restore(response_id: int, section_id: int, revision_id: int) -> ResponseReturnValue:
    response, section, _membership, revision = load_revision(
        response_id, section_id, revision_id, "draft"
    )
    if ActionForm().validate_on_submit() and commit(
        lambda: services.restore_revision(current_user, section, revision),
        success=lambda restored: (
            f"Revision {revision.number} is the current text again "
            f"(saved as revision {restored.number}; nothing was deleted)."
        ),
    ):
        return to_editor(response, section)
    return redirect(url_for("drafting.history", response_id=response.id, section_id=section.id))
