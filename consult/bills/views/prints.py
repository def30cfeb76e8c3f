"""A print's pages: its outline (parts, clauses and schedules, pages), a clause's lines with
their printed page and line numbers and its difference from the print before, one page, and
(after an import) how the amendments moved onto it."""

from __future__ import annotations

from flask import abort, render_template
from flask.typing import ResponseReturnValue

from consult.bills import blueprint, presenters, services
from consult.bills.amendments import provision_name
from consult.bills.permissions import load_print
from consult.organisations.permissions import can


@blueprint.get("/prints/<int:print_id>")
def show_print(print_id: int) -> ResponseReturnValue:
    bill_print, membership = load_print(print_id)
    return render_template(
        "bills/print.html",
        membership=membership,
        organisation=membership.organisation,
        bill=bill_print.bill,
        bill_print=bill_print,
        outline=presenters.outline(bill_print),
        remap=presenters.remap_rows(bill_print),
        status_labels=presenters.STATUS_LABELS,
        can_draft=can(membership, "draft"),
    )


@blueprint.get("/prints/<int:print_id>/clauses/<number>")
def clause(print_id: int, number: str) -> ResponseReturnValue:
    bill_print, membership = load_print(print_id)
    provision = presenters.provision_of(bill_print, number)
    if provision is None:
        abort(404)
    lines = presenters.provision_lines(bill_print, number)
    return render_template(
        "bills/clause.html",
        membership=membership,
        organisation=membership.organisation,
        bill=bill_print.bill,
        bill_print=bill_print,
        provision=provision,
        name=provision_name(provision.number),
        pages=presenters.by_page(lines),
        change=presenters.clause_change(bill_print, number, lines),
        anchor=presenters.line_anchor,
    )


@blueprint.get("/prints/<int:print_id>/pages/<int:page>")
def page(print_id: int, page: int) -> ResponseReturnValue:
    bill_print, membership = load_print(print_id)
    if not 1 <= page <= bill_print.pages:
        abort(404)
    return render_template(
        "bills/page.html",
        membership=membership,
        organisation=membership.organisation,
        bill=bill_print.bill,
        bill_print=bill_print,
        page=page,
        lines=services.lines_on_page(bill_print, page),
        anchor=presenters.line_anchor,
    )
