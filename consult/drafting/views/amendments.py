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
from werkzeug.datastructures import MultiDict

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
from consult.extensions import limiter
from consult.web import commit

# How often one person's page may ask for an amendment being typed live, in House style: a
# request at most every 400 ms while someone types (live-editor.js), with room to spare.
SHOWN_LIMIT = "200 per minute"


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


def _typed_form(payload: object) -> AmendmentForm | None:
    """The amendment form filled with what a live document holds ({"values": {field: text or
    true/false}}), so it is checked exactly as a typed form is; None if it is not that."""
    values = payload.get("values") if isinstance(payload, dict) else None
    if not isinstance(values, dict):
        return None
    known = ("kind", *FIELD_KINDS)
    if not all(isinstance(values.get(name, ""), str | bool) for name in known):
        return None
    data = MultiDict()
    for name in known:
        value = values.get(name, "")
        if value is True:
            data[name] = "y"
        elif value:
            data[name] = value
    return AmendmentForm(formdata=data, meta={"csrf": False})


@blueprint.post("/responses/<int:response_id>/sections/<int:section_id>/amendment/shown")
@limiter.limit(SHOWN_LIMIT, key_func=lambda: f"user:{current_user.id}")
def amendment_shown(response_id: int, section_id: int) -> ResponseReturnValue:
    """The amendment in House style as its live document holds it now, for someone reading it
    live (live-editor.js sends the document's fields): nothing is saved, and only those who
    may read the section are answered. 204 (nothing to show) while what is typed makes no
    amendment a save would take: the page keeps what it shows, marked as being changed; a
    4xx would be logged as an error in the reader's browser at every pause. 400 for a body
    that is not the fields."""
    response, section, _membership = load_section(response_id, section_id)
    if section.kind != "amendment" or response.bill is None or response.bill.current_print is None:
        abort(404)
    form = _typed_form(request.get_json(silent=True))
    if form is None:
        return {"error": 'Send the amendment\'s fields as {"values": {...}}.'}, 400
    entry = (
        bill_presenters.typed_amendment_entry(response, section, form.values())
        if form.validate()
        else None
    )
    if entry is None:
        return "", 204
    return render_template("drafting/amendment_shown.html", entry=entry)
