"""The bills part of the access matrix's world (tests/security/test_access_matrix.py): a bill
of the team's organisation with its print (the generated illustrative bill, tests/bills/
corpus.py), a response to it and two amendments (one to read and save, one to remove); and
the same print as a file, for the routes that upload one (a print that changes nothing, so
the amendment still fits after it)."""

from __future__ import annotations

from functools import cache
from typing import Any

from consult.bills import services
from consult.bills.amendments import Amendment
from consult.bills.importers import read_print
from consult.drafting import services as drafting
from consult.extensions import db
from tests.bills import corpus
from tests.organisations.support import membership

BILL_TITLE = "Matrix Bill Title (illustrative)"
AMENDMENT = {
    "kind": "leave_out_insert",
    "page": 1,
    "line": 14,
    "leave_out": "consult the Commissioner",
    "insert": "notify the Commissioner",
    "explanatory_statement": "This amendment would replace consultation with notice.",
}


@cache
def print_file() -> bytes:
    """A small print as a text file (two clauses and a schedule)."""
    return corpus.to_text(corpus.make_print(seed=3, clauses=2, schedules=1)).encode()


def build_bills(team) -> tuple[dict[str, Any], list[str]]:
    """The organisation's bill, its print, a response to it and an amendment in it. Returns
    (World values, secrets: names someone outside must never see)."""
    coordinator = membership(team.organisation, team.coordinator)
    bill = services.create_bill(
        coordinator,
        read_print(print_file()),
        title=BILL_TITLE,
        source_kind="text",
        illustrative=True,
    )
    response = drafting.create_bill_response(coordinator, bill, "Matrix Bill Response")
    section, _outcome = services.add_amendment(
        team.editor, response, Amendment.from_dict(AMENDMENT)
    )
    # A second amendment for the route that removes one (the first is read and saved later).
    removable, _outcome = services.add_amendment(
        team.editor, response, Amendment.from_dict({**AMENDMENT, "insert": "tell the Commissioner"})
    )
    db.session.commit()
    values = {
        "bill_id": bill.id,
        "print_id": bill.current_print.id,
        "bill_response_id": response.id,
        "amendment_id": section.id,
        "removable_amendment_id": removable.id,
    }
    return values, [BILL_TITLE, "Matrix Bill Response"]
