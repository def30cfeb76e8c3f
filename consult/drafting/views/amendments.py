"""Amendments to a bill, drafted in a response to it: adding one (its own page) and editing one
(its section's editor page, where the comments and suggested edits are). Both take the
structured form, can show a House style preview without saving, and save through the bill
services, which check the amendment against the bill's current print: a refusal puts each
problem beside its field, and everything typed stays. An edit names the revision it was drawn
from, so two people's edits merge, or clash, as any section's do."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from consult.bills import services as bills
from consult.bills.amendments import FIELD_KINDS, Amendment, blocking
from consult.bills.services.amendments import AmendmentRefused
from consult.bills.validation import completed
from consult.drafting import blueprint
from consult.drafting.forms import AmendmentForm, strip_control_characters
from consult.drafting.models import Response
from consult.drafting.permissions import load_response, load_section
from consult.drafting.presenters import bills as bill_presenters
from consult.drafting.views.editor import after_save, render_editor
from consult.errors import DomainError
from consult.web import commit


class _Problems:
    """Where consult.web.commit puts a refusal's message; the view spreads it over the
    fields itself (AmendmentRefused names each problem's field)."""

    def __init__(self) -> None:
        self.errors: list[str] = []


def _bill_response(response_id: int, action: str) -> tuple:
    response, membership = load_response(response_id, action)
    if response.bill is None or response.bill.current_print is None:
        abort(404)  # amendments are to a bill: a consultation's response has none
    return response, membership


def _place(form: AmendmentForm, refusal: DomainError | None) -> list[str]:
    """A refusal's problems beside their fields; those of no field returned, for the top."""
    general: list[str] = []
    if isinstance(refusal, AmendmentRefused):
        for problem in refusal.problems:
            if problem.field in FIELD_KINDS:
                field = form[problem.field]
                field.errors = [*field.errors, problem.message]
            else:
                general.append(problem.message)
    elif refusal is not None:
        general.append(str(refusal))
    return general


def _warn(response: Response, amendment: Amendment) -> None:
    """After a save, what is worth a second look (warnings never stop a save)."""
    warnings = [p.message for p in bills.check_amendment(response, amendment) if p.warning]
    if warnings:
        flash("Worth a second look: " + " ".join(warnings), "warning")


def _preview(response: Response, form: AmendmentForm) -> dict:
    """The House style the form's amendment would have, with every problem it has now
    (blocking ones beside their fields, as a save would show them); nothing saved."""
    amendment = Amendment.from_dict(form.values())
    problems = bills.check_amendment(response, amendment)
    general = _place(form, AmendmentRefused(blocking(problems))) if blocking(problems) else []
    # As a save would store it: with the clause the print says its line is in.
    amendment = completed(amendment, bills.parsed_print(response.bill.current_print))
    return bill_presenters.amendment_form_context(
        response,
        form,
        preview=bills.house_style(response, amendment),
        warnings=[problem for problem in problems if problem.warning],
        general=general,
    )


def _render_new(response, membership, form, status: int, **context) -> ResponseReturnValue:
    page = {
        "response": response,
        "membership": membership,
        "organisation": response.organisation,
        **(context or bill_presenters.amendment_form_context(response, form)),
    }
    return render_template("drafting/amendment_new.html", **page), status


@blueprint.route("/responses/<int:response_id>/amendments/new", methods=["GET", "POST"])
def new_amendment(response_id: int) -> ResponseReturnValue:
    """GET: the form for a new amendment. POST: preview it, or add it at the end."""
    response, membership = _bill_response(response_id, "draft")
    form = AmendmentForm()
    if not form.is_submitted():
        # "Propose an amendment to this clause" from a clause section names its clause.
        clause = request.args.get("clause", "")[:30]
        form = AmendmentForm(formdata=None, data={"kind": "leave_out_insert", "clause": clause})
        return _render_new(response, membership, form, 200)
    if not form.validate_on_submit():
        strip_control_characters(form)
        return _render_new(response, membership, form, 422)
    if form.previewing:
        return _render_new(response, membership, form, 200, **_preview(response, form))
    amendment = Amendment.from_dict(form.values())
    problems = _Problems()
    added = commit(
        lambda: bills.add_amendment(current_user, response, amendment),
        success=lambda made: f"{made[0].title} added.",
        error_to=problems,
    )
    if added:
        section, _outcome = added.value
        _warn(response, bills.amendment_of(section))
        return redirect(url_for("drafting.editor", response_id=response.id, section_id=section.id))
    context = bill_presenters.amendment_form_context(
        response, form, general=_place(form, added.refusal)
    )
    return _render_new(response, membership, form, 422, **context)


@blueprint.post("/responses/<int:response_id>/sections/<int:section_id>/amendment")
def edit_amendment(response_id: int, section_id: int) -> ResponseReturnValue:
    """Save (or preview) an edit of an amendment, from the revision the form was drawn from:
    merged with anyone else's edit meanwhile, or a clash with both kept."""
    response, section, membership = load_section(response_id, section_id, "draft")
    if section.kind != "amendment" or response.bill is None:
        abort(404)
    form = AmendmentForm()
    if not form.validate_on_submit():
        strip_control_characters(form)
        context = bill_presenters.amendment_form_context(response, form)
        return render_editor(response, section, membership, 422, amendment=context)
    if form.previewing:
        return render_editor(response, section, membership, amendment=_preview(response, form))
    amendment = Amendment.from_dict(form.values())
    problems = _Problems()
    saved = commit(
        lambda: bills.save_amendment(current_user, section, amendment, form.base_revision.data),
        error_to=problems,
    )
    if saved:
        if saved.value.conflict is None:
            _warn(response, amendment)
        return after_save(response, section, saved.value, f"{section.title} saved.")
    context = bill_presenters.amendment_form_context(
        response, form, general=_place(form, saved.refusal)
    )
    return render_editor(response, section, membership, 422, amendment=context)
