"""An organisation's bills and a bill's own page: its stages with dates and what to send at
each, the evidence deadline, its prints, the responses to it, the form that sets the stage,
and starting a response."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from consult.bills import blueprint, presenters, services
from consult.bills.forms import StageForm, StartResponseForm
from consult.bills.models import Bill
from consult.bills.parts import respondables
from consult.bills.permissions import load_bill
from consult.drafting import services as drafting
from consult.forms import choices
from consult.organisations.models import Membership
from consult.organisations.permissions import can, load_membership
from consult.web import commit


@blueprint.get("/o/<slug>/bills")
def index(slug: str) -> ResponseReturnValue:
    membership = load_membership(slug)
    return render_template(
        "bills/index.html",
        membership=membership,
        organisation=membership.organisation,
        rows=presenters.bill_rows(services.bills_of(membership.organisation), membership),
        can_draft=can(membership, "draft"),
    )


def _start_form(bill: Bill) -> StartResponseForm:
    form = StartResponseForm()
    current = bill.current_print
    form.clauses.choices = choices(
        [
            (r.value, f"{r.title} (the whole part)" if r.kind == "part" else r.title)
            for r in respondables(current.provisions if current else [])
        ]
    )
    return form


def _stage_form(bill: Bill) -> StageForm:
    return StageForm().for_house(bill.house)


def _page(
    bill: Bill,
    membership: Membership,
    status: int = 200,
    stage_form: StageForm | None = None,
    start_form: StartResponseForm | None = None,
) -> ResponseReturnValue:
    if stage_form is None:
        stage_form = _stage_form(bill)
        stage_form.fill(bill.stage, bill.stage_dates or {}, bill.evidence_deadline)
    return render_template(
        "bills/show.html",
        membership=membership,
        organisation=membership.organisation,
        bill=bill,
        stages=presenters.stage_rows(bill),
        deadline=presenters.next_deadline(bill),
        responses=presenters.responses_to(bill),
        stage_form=stage_form,
        start_form=start_form or _start_form(bill),
        can_draft=can(membership, "draft"),
    ), status


@blueprint.get("/bills/<int:bill_id>")
def show(bill_id: int) -> ResponseReturnValue:
    bill, membership = load_bill(bill_id)
    return _page(bill, membership)


@blueprint.post("/bills/<int:bill_id>/stage")
def set_stage(bill_id: int) -> ResponseReturnValue:
    bill, membership = load_bill(bill_id, "draft")
    form = _stage_form(bill)
    if form.validate_on_submit() and commit(
        lambda: services.set_stage(
            membership, bill, form.stage.data, form.stage_dates, form.deadline
        ),
        success="The bill's stage and dates are saved.",
        error_to=form.stage,
    ):
        return redirect(url_for("bills.show", bill_id=bill.id, _anchor="stages"))
    return _page(bill, membership, 422, stage_form=form)


@blueprint.post("/bills/<int:bill_id>/responses")
def start_response(bill_id: int) -> ResponseReturnValue:
    bill, membership = load_bill(bill_id, "draft")
    form = _start_form(bill)
    if form.validate_on_submit() and (
        started := commit(
            lambda: drafting.create_bill_response(
                membership, bill, form.title.data or "", clauses=form.clauses.data or None
            ),
            success=(
                "Your response is ready, with a section for each part, clause and schedule "
                "you chose."
            ),
            error_to=form.clauses,
        )
    ):
        return redirect(url_for("drafting.dashboard", response_id=started.value.id))
    return _page(bill, membership, 422, start_form=form)
