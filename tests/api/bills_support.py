"""Helpers for the bills API tests: the generated illustrative bill (tests/bills/corpus.py) as
files to upload, a second print of it with a line inserted and words changed, and short calls
for uploading and drafting amendments."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from functools import cache

from consult.bills import services
from consult.bills.importers import read_print
from consult.drafting import services as drafting
from consult.extensions import db
from consult.organisations.services import membership_of
from tests.bills import corpus

SLUG = "northtown-residents"
TITLE = "Police Reform Bill (illustrative)"
# Words on the generated bill's lines (seed 5, 6 clauses): page 1 line 31 is in clause 1,
# page 2 line 8 in clause 2; "independently" (page 1 line 14) is reworded in the second print.
LEAVE_OUT = {
    "kind": "leave_out_insert",
    "page": 1,
    "line": 31,
    "leave_out": "live identification",
    "insert": "authorised",
    "explanatory_statement": "This amendment would limit the use to authorised recognition.",
}
ON_PAGE_TWO = {
    "kind": "leave_out",
    "page": 2,
    "line": 8,
    "leave_out": "notwithstanding",
    "explanatory_statement": "This amendment would remove an exception.",
}
REWORDED = {
    "kind": "leave_out",
    "page": 1,
    "line": 14,
    "leave_out": "independently",
    "explanatory_statement": "This amendment would remove the word independently.",
}


@cache
def bill() -> corpus.Print:
    return corpus.make_print(seed=5, clauses=6)


@cache
def text_print() -> bytes:
    return corpus.to_text(bill()).encode()


@cache
def pdf_print() -> bytes:
    return corpus.to_pdf(bill())


@cache
def second_print() -> bytes:
    """The next print as text: a line inserted after page 1 line 13 (so the rest of page 1
    moves down one line), "independently" reworded; the other pages as they were."""
    lines: list[corpus.Line] = []
    for line in bill().lines:
        moved = line.page == 1 and line.line > 13
        lines.append(
            replace(
                line,
                text=line.text.replace("independently", "properly"),
                line=line.line + 1 if moved else line.line,
            )
        )
        if line.page == 1 and line.line == 13:
            lines.append(
                replace(line, text="A line new in the second print.", style="text", line=14)
            )
    return corpus.to_text(corpus.Print(bill().title, lines)).encode()


@dataclass
class BillIds:
    bill: int
    print: int
    response: int  # a response to the bill, made by the editor
    clause_section: int  # its section on clause 1


def make_bill(team, organisation=None) -> BillIds:
    """The generated bill imported for the team's organisation (or another), and a response
    to it, through the services (the API's own import is tested on its own)."""
    organisation = organisation or team.organisation
    owner = team.outsider if organisation is team.other_organisation else team.coordinator
    membership = membership_of(owner, organisation)
    made = services.create_bill(
        membership, read_print(text_print()), title=TITLE, source_kind="text"
    )
    response = drafting.create_bill_response(membership, made, "Our evidence on the bill")
    db.session.commit()
    clause = next(s for s in response.sections if s.kind == "clause" and s.clause == "1")
    return BillIds(made.id, made.current_print.id, response.id, clause.id)


def upload(client, url: str, headers: dict, data: bytes, name: str = "print.txt", **fields):
    """POST a multipart form with the file and fields."""
    form = {"file": (io.BytesIO(data), name), **fields}
    return client.post(url, data=form, headers=headers, content_type="multipart/form-data")


def amendments_url(response_id: int, tail: str = "") -> str:
    return f"/api/v1/responses/{response_id}/amendments{tail}"
