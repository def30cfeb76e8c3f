"""An organisation's responses, starting one, and a response's own pages: the dashboard (with
its settings and adding a section) and the preview of the whole text."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from consult.bills.services import bills_of
from consult.consultations.profiles import BILL_PROFILE
from consult.consultations.services import visible_consultations
from consult.drafting import blueprint, presenters, services
from consult.drafting.forms import (
    BILL_CHOICE,
    AddSectionForm,
    NewResponseForm,
    ResponseSettingsForm,
    choices,
)
from consult.drafting.models import Response
from consult.drafting.permissions import (
    can_edit,
    load_response,
)
from consult.organisations.models import Membership
from consult.organisations.permissions import load_membership
from consult.web import commit


@blueprint.get("/o/<slug>/responses")
def responses(slug: str) -> ResponseReturnValue:
    membership = load_membership(slug, "view")
    return render_template(
        "drafting/list.html",
        membership=membership,
        organisation=membership.organisation,
        responses=services.responses_of(membership.organisation),
        can_edit=can_edit(membership),
    )


@blueprint.route("/o/<slug>/responses/new", methods=["GET", "POST"])
def new_response(slug: str) -> ResponseReturnValue:
    """Start a response to a consultation, or to one of the organisation's bills (with a
    section per clause, or per clause ticked)."""
    membership = load_membership(slug, "draft")
    consultations = visible_consultations(membership.organisation)
    bills = [bill for bill in bills_of(membership.organisation) if bill.current_print]
    form = NewResponseForm()
    form.consultation.choices = choices(
        [(c.slug, c.title) for c in consultations]
        + [(BILL_CHOICE + bill.slug, bill.title) for bill in bills]
    )
    if request.method == "GET":
        _preselect(form, consultations, bills)
    if form.validate_on_submit():
        chosen = form.consultation.data or ""
        if chosen.startswith(BILL_CHOICE):
            bill = next(b for b in bills if BILL_CHOICE + b.slug == chosen)
            clauses = form.clauses_of(bill.slug)
            created = commit(
                lambda: services.create_bill_response(
                    membership, bill, form.title.data or "", form.profile.data, clauses
                ),
                success=lambda response: (
                    f"Your response to the bill is ready, with a section for each of the "
                    f"{sum(1 for s in response.sections if s.kind == 'clause')} parts, clauses "
                    "and schedules you chose. Give your position on each, and add amendments."
                ),
                error_to=form.clauses,
            )
        else:
            consultation = next(c for c in consultations if c.slug == chosen)
            created = commit(
                lambda: services.create_response(
                    membership, consultation, form.title.data or "", form.profile.data
                ),
                success=(
                    f"Your response is ready, with a section for each of the "
                    f"{len(consultation.questions)} questions. Assign sections to share the work."
                ),
                error_to=form.profile,
            )
        if created:
            return redirect(url_for("drafting.dashboard", response_id=created.value.id))
    page = presenters.new_response_page(membership, consultations, form, bills)
    return render_template("drafting/new.html", **page), 422 if form.errors else 200


def _preselect(form: NewResponseForm, consultations: list, bills: list) -> None:
    """What the page starts with chosen: `?consultation=` or `?bill=` (a slug) if listed,
    else the first consultation (or bill); a bill's responses go to its committee."""
    wanted_bill = BILL_CHOICE + request.args.get("bill", "")
    values = [c.slug for c in consultations] + [BILL_CHOICE + b.slug for b in bills]
    wanted = request.args.get("consultation", "")
    if wanted_bill in values:
        form.consultation.data = wanted_bill
    else:
        form.consultation.data = wanted if wanted in values else (values[0] if values else None)
    if (form.consultation.data or "").startswith(BILL_CHOICE):
        form.profile.data = BILL_PROFILE


def _dashboard(
    response: Response, membership: Membership, status: int = 200, **forms
) -> ResponseReturnValue:
    page = presenters.dashboard_page(response, membership, current_user, **forms)
    return render_template("drafting/dashboard.html", **page), status


@blueprint.get("/responses/<int:response_id>")
def dashboard(response_id: int) -> ResponseReturnValue:
    response, membership = load_response(response_id)
    return _dashboard(response, membership)


@blueprint.post("/responses/<int:response_id>/settings")
def update_settings(response_id: int) -> ResponseReturnValue:
    response, membership = load_response(response_id, "draft")
    form = ResponseSettingsForm()
    if form.validate_on_submit() and commit(
        lambda: services.update_response(
            response, current_user, form.title.data, form.profile.data
        ),
        success="The response's settings are saved.",
        error_to=form.title,
    ):
        return redirect(url_for("drafting.dashboard", response_id=response.id))
    return _dashboard(response, membership, 422, settings_form=form)


@blueprint.post("/responses/<int:response_id>/sections")
def add_section(response_id: int) -> ResponseReturnValue:
    response, membership = load_response(response_id, "draft")
    form = AddSectionForm()
    if form.validate_on_submit() and (
        added := commit(
            lambda: services.add_section(current_user, response, form.new_title.data),
            success=lambda section: f"Section “{section.title}” added.",
            error_to=form.new_title,
        )
    ):
        return redirect(
            url_for("drafting.dashboard", response_id=response.id, _anchor=f"s{added.value.id}")
        )
    return _dashboard(response, membership, 422, add_form=form)


@blueprint.get("/responses/<int:response_id>/preview")
def preview(response_id: int) -> ResponseReturnValue:
    """The whole response as the recipient reads it."""
    response, membership = load_response(response_id)
    return render_template("drafting/preview.html", **presenters.preview_page(response, membership))
