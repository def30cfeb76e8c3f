"""API v1 endpoints for amendments to a bill (../shared/API.md, "Bills, prints and
amendments"). An amendment is a section of a response to a bill (kind amendment) whose fields
are its revision's text, so it is saved as sections are: from a base revision, merged with
others' edits, a 409 with both texts when they clash (the same answers as the section PUT,
made by the same code). Each is checked against the bill's current print before it is saved,
and comes back in House style."""

from __future__ import annotations

from flask import url_for

from consult.api import loaders
from consult.api.body import SECTION, body
from consult.api.drafting import EDIT_CONFLICT, NOT_EDITOR, clash_of, saved_or_conflict
from consult.api.loaders import NOT_VISIBLE
from consult.api.models.bills import (
    Amendment,
    AmendmentText,
    CheckedAmendment,
    NewAmendment,
    SaveAmendment,
    SavedAmendment,
)
from consult.api.openapi import BILLS
from consult.api.registry import Reply, operation, reply
from consult.api.views import blueprint
from consult.bills import services
from consult.bills.services.amendments import AmendmentRefused
from consult.drafting import services as drafting
from consult.drafting.errors import ClashSettled
from consult.drafting.models import Section
from consult.errors import DomainError, json_error
from consult.extensions import db

NOT_A_BILL_RESPONSE = (
    "Amendments are written to a bill: this response answers a consultation. Start a response "
    "to the bill (POST /api/v1/organisations/{slug}/responses with `bill`)."
)
REFUSED = (
    "The amendment cannot stand as it is (error.fields says what to change): a field its kind "
    "needs is missing, the page, line or clause is not in the bill's current print, the words "
    "are not on that line (or are there more than once: say which with occurrence), an "
    "explanatory statement over 50 words"
)
REFUSED_NEW = REFUSED + "; or (code not_a_bill_response) the response answers a consultation"
REFUSED_SAVE = (
    REFUSED + "; or a base revision of another section, or a `clash` that is not yours on "
    "this amendment"
)


def _not_a_bill_response():
    return json_error(422, NOT_A_BILL_RESPONSE, code="not_a_bill_response")


def _refused(error: DomainError):
    """422 for an amendment the print or the rules refuse: each problem under its field."""
    db.session.rollback()
    if not isinstance(error, AmendmentRefused):
        return json_error(422, str(error))
    fields: dict[str, str] = {}
    for problem in error.problems:
        name = problem.field or "amendment"
        fields[name] = f"{fields[name]} {problem.message}" if name in fields else problem.message
    return json_error(422, str(error), fields=fields)


def _amendment(section: Section) -> Amendment:
    review = services.review_amendment(section)
    return Amendment.of(section, review.amendment, review.rendered, review.problems)


@blueprint.post("/responses/<int:response_id>/amendments")
@operation(
    "Draft an amendment to the bill (editor or above): checked against the bill's current "
    "print (the clause filled in from the page and line) and numbered after the response's "
    "last one",
    BILLS,
    body=NewAmendment,
    body_limit=SECTION,
    responses={
        201: (Amendment, "Created (Location: the amendment)"),
        403: NOT_EDITOR,
        404: NOT_VISIBLE,
        422: REFUSED_NEW,
    },
)
def create_amendment(response_id: int):
    response, membership = loaders.response(response_id, "draft")
    amendment = body(NewAmendment).amendment()
    if response.bill is None:
        return _not_a_bill_response()
    try:
        section, _outcome = services.add_amendment(membership.user, response, amendment)
    except DomainError as error:
        return _refused(error)
    db.session.commit()
    answer, status = reply(_amendment(section), 201)
    answer.headers["Location"] = url_for(
        "api.get_amendment", response_id=response.id, amendment_id=section.id
    )
    return answer, status


@blueprint.get("/responses/<int:response_id>/amendments")
@operation(
    "The response's amendments in order, each in House style with what no longer fits the "
    "current print (empty for a response to a consultation)",
    BILLS,
    responses={200: ([Amendment], "OK"), 404: NOT_VISIBLE},
)
def list_amendments(response_id: int):
    response, _membership = loaders.response(response_id)
    return reply([_amendment(section) for section in services.amendment_sections(response)])


@blueprint.get("/responses/<int:response_id>/amendments/<int:amendment_id>")
@operation(
    "One amendment, in House style, checked against the current print",
    BILLS,
    responses={200: (Amendment, "OK"), 404: NOT_VISIBLE},
)
def get_amendment(response_id: int, amendment_id: int):
    _response, section, _membership = loaders.amendment(response_id, amendment_id)
    return reply(_amendment(section))


@blueprint.put("/responses/<int:response_id>/amendments/<int:amendment_id>")
@operation(
    "Save an amendment's fields from the revision the edit started from (editor or above), as "
    "sections are saved: if others saved since, the changes are merged field by field; if "
    "they changed the same field, the edit is kept as a conflict revision and both texts come "
    "back with a 409",
    BILLS,
    body=SaveAmendment,
    body_limit=SECTION,
    responses={
        200: (SavedAmendment, "Saved (merged: true if merged)"),
        403: NOT_EDITOR,
        404: NOT_VISIBLE,
        409: f"code edit_conflict: {EDIT_CONFLICT} `conflict` holds the three texts. code "
        "clash_settled: the `clash` sent was settled already (on its page, or by someone "
        "else); nothing was saved",
        422: REFUSED_SAVE,
    },
)
def save_amendment(response_id: int, amendment_id: int):
    _response, section, membership = loaders.amendment(response_id, amendment_id, write=True)
    save = body(SaveAmendment)
    clash = clash_of(section, membership, save.clash)
    try:
        outcome = services.save_amendment(
            membership.user, section, save.amendment(), save.base_revision, clash=clash
        )
    except ClashSettled as error:
        db.session.rollback()
        return json_error(409, str(error), code="clash_settled")
    except DomainError as error:
        return _refused(error)
    db.session.commit()  # with a conflict, this keeps the person's text before answering 409
    return saved_or_conflict(
        section, outcome, lambda: SavedAmendment.of(section, outcome, _amendment(section))
    )


@blueprint.delete("/responses/<int:response_id>/amendments/<int:amendment_id>")
@operation(
    "Remove an amendment from the response (editor or above), as the drafting pages remove a "
    "section: it leaves the response, its exports and its amendment paper, and its text and "
    "history are kept, so it can be reinstated from the response's removed sections",
    BILLS,
    responses={204: Reply(None, "Removed"), 403: NOT_EDITOR, 404: NOT_VISIBLE},
)
def delete_amendment(response_id: int, amendment_id: int):
    _response, section, membership = loaders.amendment(response_id, amendment_id, write=True)
    drafting.remove_section(membership.user, section)
    db.session.commit()
    return "", 204


@blueprint.post("/responses/<int:response_id>/amendments/check")
@operation(
    "Check an amendment against the bill's current print and render it in House style, "
    "without saving it (any member): every problem, warnings included",
    BILLS,
    body=NewAmendment,
    body_limit=SECTION,
    responses={
        200: (CheckedAmendment, "Checked (valid: false lists what stops it being saved)"),
        404: NOT_VISIBLE,
        422: "Invalid fields (see error.fields), or (code not_a_bill_response) the response "
        "answers a consultation",
    },
)
def check_amendment(response_id: int):
    response, _membership = loaders.response(response_id)
    amendment = body(NewAmendment).amendment()
    if response.bill is None:
        return _not_a_bill_response()
    preview = services.preview_amendment(response, amendment)
    return reply(
        CheckedAmendment(
            **AmendmentText.fields_of(preview.amendment, preview.rendered, preview.problems),
            valid=preview.rendered is not None,
        )
    )
