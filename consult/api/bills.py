"""API v1 endpoints for bills and their prints (../shared/API.md, "Bills, prints and
amendments"): importing a bill from its first print and later prints (which move every
amendment onto them), and reading a bill's stages, a print's clauses and its lines page by page.

An upload is read in a child process with memory and time limits
(bills/importers/isolated.py): a hostile file is refused with its reason (413 for one too
large, 422 for one that is no bill it can read), never a hang or a 500."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from flask import url_for
from flask.typing import ResponseReturnValue

from consult.api import loaders
from consult.api.auth import api_caller_key
from consult.api.body import MULTIPART, UPLOAD, InvalidBody, body, form_body, query
from consult.api.fields import MISSING, NOT_VALID, UploadedFile
from consult.api.loaders import NOT_MEMBER, NOT_VISIBLE_BILL
from consult.api.models.bills import (
    Bill,
    BillStageUpdate,
    BillSummary,
    Clause,
    CreatedBill,
    LinesQuery,
    NewBill,
    NewPrint,
    PrintDetail,
)
from consult.api.models.bills import Line as PrintLine
from consult.api.openapi import BILLS
from consult.api.registry import operation, reply
from consult.api.views import blueprint
from consult.bills import services
from consult.bills.errors import BillError
from consult.bills.importers import ImportRefused, kind_of
from consult.bills.importers.isolated import read_print_isolated
from consult.bills.stages import stages_for
from consult.bills.structure import ParsedPrint
from consult.errors import json_error
from consult.extensions import db, limiter
from consult.timeutil import end_of_day

# Each upload runs a reader in a child process for up to a minute: a few a minute per caller
# is more than a person importing prints needs.
UPLOAD_LIMIT = "20 per minute"
UPLOAD_LIMITED = "More than 20 uploads a minute by this caller; see Retry-After"
NOT_DRAFTER = "The caller's role cannot import prints (owners, coordinators and editors can)"
NOT_DRAFTER_BILL = "The caller's role cannot change bills (owners, coordinators and editors can)"
UNREADABLE = (
    "Not a print it can read (code unreadable_print; the message says why: damaged, protected "
    "by a password, a scan without text, no clauses ...), or invalid fields (see error.fields)"
)
TOO_LARGE = (
    "The file is too large: over the upload limit, or (code too_large) more pages or lines "
    "than a print may have, or a Word file that unpacks to too much (a zip bomb)"
)


def _read(upload: UploadedFile, title: str | None) -> tuple[ParsedPrint, str]:
    """The print in an uploaded file and its kind, read in a child process: ImportRefused
    when it cannot or must not be read."""
    kind = kind_of(upload.data)
    return read_print_isolated(upload.data, title=title), kind


def _refused(error: ImportRefused):
    db.session.rollback()
    if error.too_large:
        return json_error(413, str(error), code="too_large")
    return json_error(422, str(error), code="unreadable_print")


def _bill_error(error: BillError):
    db.session.rollback()
    return json_error(422, str(error))


# --- bills ----------------------------------------------------------------------------------

T = TypeVar("T")


def _imported(
    upload: UploadedFile, title: str | None, work: Callable[[ParsedPrint, str], T]
) -> tuple[T | None, ResponseReturnValue | None]:
    """Both uploads: read the file (in the child process), store what `work` makes of it and
    commit: (what was made, None); or (None, the 413/422 answer saying why nothing was)."""
    try:
        made = work(*_read(upload, title))
    except ImportRefused as error:
        return None, _refused(error)
    except BillError as error:
        return None, _bill_error(error)
    db.session.commit()
    return made, None


@blueprint.post("/organisations/<slug>/bills")
@limiter.limit(UPLOAD_LIMIT, key_func=api_caller_key)
@operation(
    "Import a bill from its first print (owner, coordinator or editor): the file's every line "
    "with its printed page and line number, clauses and schedules; `problems` lists what "
    "could not be placed",
    BILLS,
    body=NewBill,
    media_type=MULTIPART,
    body_limit=UPLOAD,
    responses={
        201: (CreatedBill, "Imported (Location: the bill)"),
        403: NOT_DRAFTER,
        404: NOT_MEMBER,
        413: TOO_LARGE,
        422: UNREADABLE,
        429: UPLOAD_LIMITED,
    },
)
def create_bill(slug: str):
    membership = loaders.organisation_membership(slug, "draft")
    new = form_body(NewBill)

    def work(parsed: ParsedPrint, kind: str):
        return services.create_bill(
            membership,
            parsed,
            title=new.title or "",
            label=new.print_label or "",
            source_kind=kind,
            source_name=new.file.name,
            session=new.session or "",
            house=new.house or "commons",
        )

    bill, refusal = _imported(new.file, new.title, work)
    if refusal is not None:
        return refusal
    answer, status = reply(CreatedBill.of(bill), 201)
    answer.headers["Location"] = url_for("api.get_bill", bill_id=bill.id)
    return answer, status


@blueprint.get("/organisations/<slug>/bills")
@operation(
    "The organisation's bills, by title",
    BILLS,
    responses={200: ([BillSummary], "OK"), 404: NOT_MEMBER},
)
def list_bills(slug: str):
    membership = loaders.organisation_membership(slug, "view")
    return reply([BillSummary.of(bill) for bill in services.bills_of(membership.organisation)])


@blueprint.get("/bills/<int:bill_id>")
@operation(
    "A bill: its stages in order (the current one marked, with dates where known and what a "
    "campaign sends at each) and its prints, oldest first",
    BILLS,
    responses={200: (Bill, "OK"), 404: NOT_VISIBLE_BILL},
)
def get_bill(bill_id: int):
    bill, _membership = loaders.bill(bill_id)
    return reply(Bill.of(bill))


@blueprint.patch("/bills/<int:bill_id>")
@operation(
    "Set the bill's current stage, the dates of its stages and the evidence deadline (owner, "
    "coordinator or editor), as the bill's page does: only the fields sent change",
    BILLS,
    body=BillStageUpdate,
    responses={
        200: (Bill, "Saved: the bill as it is now"),
        403: NOT_DRAFTER_BILL,
        404: NOT_VISIBLE_BILL,
        422: "Invalid fields: a stage or stage date that is not one of the stages of a bill "
        "introduced in its House, a date that is not YYYY-MM-DD, or nothing to change",
    },
)
def update_bill(bill_id: int):
    bill, membership = loaders.bill(bill_id, "draft")
    update = body(BillStageUpdate)
    sent = update.model_fields_set & {"stage", "stage_dates", "evidence_deadline"}
    if not sent:
        raise InvalidBody(
            422,
            MISSING,
            {"stage": "Send at least one of stage, stage_dates and evidence_deadline."},
        )
    keys = [stage.key for stage in stages_for(bill.house)]
    others = f"One of: {', '.join(keys)}."
    if update.stage is not None and update.stage not in keys:
        raise InvalidBody(422, NOT_VALID, {"stage": f"Not a stage of this bill. {others}"})
    strange = [key for key in update.stage_dates or {} if key not in keys]
    if strange:
        raise InvalidBody(
            422, NOT_VALID, {"stage_dates": f"No stage {strange[0][:30]!r}. {others}"}
        )
    dates = {key: date.fromisoformat(value) for key, value in (bill.stage_dates or {}).items()}
    dates.update(update.stage_dates or {})
    deadline = (
        end_of_day(update.evidence_deadline)
        if "evidence_deadline" in sent
        else bill.evidence_deadline
    )
    try:
        services.set_stage(membership, bill, update.stage or bill.stage, dates, deadline)
    except BillError as error:
        return _bill_error(error)
    db.session.commit()
    return reply(Bill.of(bill))


# --- prints ---------------------------------------------------------------------------------


@blueprint.post("/bills/<int:bill_id>/prints")
@limiter.limit(UPLOAD_LIMIT, key_func=api_caller_key)
@operation(
    "Import the bill's next print (owner, coordinator or editor). Every amendment of every "
    "response to the bill is re-mapped onto it by matching text; `remap` reports each one: "
    "unchanged, moved (a new revision holds its new reference) or needs_attention (its words "
    "changed or went; kept as written, never mapped silently)",
    BILLS,
    body=NewPrint,
    media_type=MULTIPART,
    body_limit=UPLOAD,
    responses={
        201: (PrintDetail, "Imported (Location: the print)"),
        403: NOT_DRAFTER,
        404: NOT_VISIBLE_BILL,
        413: TOO_LARGE,
        422: UNREADABLE,
        429: UPLOAD_LIMITED,
    },
)
def add_print(bill_id: int):
    bill, membership = loaders.bill(bill_id, "draft")
    new = form_body(NewPrint)

    def work(parsed: ParsedPrint, kind: str):
        return services.add_print(
            membership,
            bill,
            parsed,
            label=new.label or "",
            source_kind=kind,
            source_name=new.file.name,
        )

    bill_print, refusal = _imported(new.file, bill.title, work)
    if refusal is not None:
        return refusal
    answer, status = reply(PrintDetail.of(bill_print), 201)
    answer.headers["Location"] = url_for("api.get_print", print_id=bill_print.id)
    return answer, status


@blueprint.get("/prints/<int:print_id>")
@operation(
    "A print: its size, what the importer could not place, and how the amendments moved onto "
    "it from the print before",
    BILLS,
    responses={200: (PrintDetail, "OK"), 404: NOT_VISIBLE_BILL},
)
def get_print(print_id: int):
    return reply(PrintDetail.of(loaders.bill_print(print_id)))


@blueprint.get("/prints/<int:print_id>/clauses")
@operation(
    "The print's clauses and schedules in order, each with the page and line it starts and ends on",
    BILLS,
    responses={200: ([Clause], "OK"), 404: NOT_VISIBLE_BILL},
)
def print_clauses(print_id: int):
    bill_print = loaders.bill_print(print_id)
    return reply([Clause.of(provision) for provision in bill_print.provisions])


@blueprint.get("/prints/<int:print_id>/lines")
@operation(
    "The lines printed on one page, in order, with their margin line numbers and the clause "
    "each is in",
    BILLS,
    query=LinesQuery,
    responses={
        200: ([PrintLine], "OK"),
        404: "No such print visible to the caller, or the print has no such page (code "
        "no_such_page: the message says how many pages it has)",
        422: "`page` is missing or not a whole number from 1",
    },
)
def print_lines(print_id: int):
    bill_print = loaders.bill_print(print_id)
    page = query(LinesQuery).page
    if page > bill_print.pages:
        return json_error(
            404,
            f"The print has {bill_print.pages} pages: there is no page {page}.",
            code="no_such_page",
        )
    return reply([PrintLine.of(line) for line in services.lines_on_page(bill_print, page)])
