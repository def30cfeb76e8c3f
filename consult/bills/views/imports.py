"""Importing a print: a new bill (/o/<slug>/bills/import) or a bill's next print
(/bills/<id>/prints/import). Step one reads the upload or the pasted text in a child process
with the import limits (importers/isolated.py) and keeps what it read on the server
(../pending.py); step two shows it for checking, and "Save" stores exactly that.

Why the request limit is raised here: the app refuses bodies over 2 MB, but a bill's PDF can
be larger. The import pages alone accept up to BILL_UPLOAD_MAX_BYTES, raised before anything
(the CSRF check included) reads the body, so a larger request is a 413 page that says the
limit, before a byte of it is read."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from consult.bills import blueprint, pending, presenters, services
from consult.bills.forms import (
    ConfirmBillForm,
    ConfirmImportForm,
    ImportBillForm,
    NextPrintForm,
    PrintSourceForm,
)
from consult.bills.importers import kind_of
from consult.bills.importers.isolated import read_print_isolated
from consult.bills.importers.limits import DEFAULT_LIMITS, ImportRefused, Limits, megabytes
from consult.bills.models import Bill
from consult.bills.pending import PendingImport, PendingImportGone, PendingImportNotYours
from consult.bills.permissions import load_bill
from consult.bills.structure import UNTITLED, ParsedPrint
from consult.extensions import limiter
from consult.organisations.models import Membership
from consult.organisations.permissions import load_membership
from consult.web import commit

IMPORT_ENDPOINTS = frozenset({"bills.import_bill", "bills.import_print"})
FORM_OVERHEAD = 64 * 1024  # the other fields and the multipart framing around the file
IMPORT_RATE = "30 per hour"  # each import starts a process: enough for a person, not a flood


def upload_limit() -> int:
    return int(current_app.config.get("BILL_UPLOAD_MAX_BYTES", DEFAULT_LIMITS.max_bytes))


@blueprint.url_value_preprocessor
def _allow_print_sized_bodies(endpoint: str | None, _values) -> None:
    """Runs before every before_request function (the CSRF check reads the form)."""
    if endpoint in IMPORT_ENDPOINTS and request.method == "POST":
        request.max_content_length = upload_limit() + FORM_OVERHEAD
        request.max_form_memory_size = 4 * 1024 * 1024  # pasted text, in UTF-8


@blueprint.errorhandler(413)
def _too_large(_error) -> ResponseReturnValue:
    return render_template(
        "bills/too_large.html",
        message=f"The upload is larger than {megabytes(upload_limit())}, the most a bill "
        "print may be, so it was not read. Please upload the bill's own PDF as published, "
        "or paste its text.",
    ), 413


def _read(form: PrintSourceForm) -> tuple[ParsedPrint, str]:
    """What the importer read (in a child process, within the limits) and the source kind."""
    limits = Limits(max_bytes=upload_limit())
    data = form.data_bytes
    if data is None:
        data = form.text.data.encode("utf-8")
        kind = "text"
    else:
        kind = kind_of(data)
    title = getattr(form, "title", None)
    return read_print_isolated(
        data, title=(title.data if title else None) or None, limits=limits
    ), kind


def _read_or_refuse(form: PrintSourceForm) -> tuple[ParsedPrint, str] | int:
    """The print read, or the status of the refusal (shown on the form's source field)."""
    try:
        return _read(form)
    except ImportRefused as refused:
        field = form.upload if form.data_bytes is not None else form.text
        field.errors = [*field.errors, str(refused)]
        return 413 if refused.too_large else 422


def _waiting(token: str, membership: Membership, bill: Bill | None) -> PendingImport:
    """The import waiting under `token`, or a page that says why it is not (410, 403)."""
    try:
        return pending.load(
            token, current_user.id, membership.organisation_id, bill.id if bill else None
        )
    except PendingImportNotYours as error:
        status, message = 403, str(error)
    except PendingImportGone as error:
        status, message = 410, str(error)
    back = (
        url_for("bills.import_print", bill_id=bill.id)
        if bill
        else url_for("bills.import_bill", slug=membership.organisation.slug)
    )
    abort(
        make_response(render_template("bills/import_gone.html", message=message, back=back), status)
    )


def _source_page(template: str, form: PrintSourceForm, status: int, **page) -> ResponseReturnValue:
    return render_template(
        template, form=form, max_upload=megabytes(upload_limit()), **page
    ), status


def _upload(
    form: PrintSourceForm,
    membership: Membership,
    bill: Bill | None,
    preview_url: Callable[[str], str],
    **kept: str,
) -> ResponseReturnValue:
    """Both upload pages: read what was sent (in the child process, with the limits), keep it
    for its uploader while they check it, and go to the preview; or show the form again with
    what went wrong. `kept` holds what the preview will save besides the print."""
    form.max_bytes = upload_limit()
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        read = _read_or_refuse(form)
        if not isinstance(read, int):
            parsed, kind = read
            waiting = PendingImport(
                token="",
                user_id=current_user.id,
                organisation_id=membership.organisation_id,
                bill_id=bill.id if bill else None,
                source_kind=kind,
                source_name=form.source_name,
                label=form.label.data or "",
                **kept,
            )
            return redirect(preview_url(pending.keep(waiting, parsed)))
        status = read
    return _source_page(
        "bills/import.html",
        form,
        status,
        membership=membership,
        organisation=membership.organisation,
        bill=bill,
    )


@blueprint.route("/o/<slug>/bills/import", methods=["GET", "POST"])
@limiter.limit(IMPORT_RATE, methods=["POST"])
def import_bill(slug: str) -> ResponseReturnValue:
    membership = load_membership(slug, "draft")
    form = ImportBillForm()
    return _upload(
        form,
        membership,
        None,
        lambda token: url_for("bills.preview_bill", slug=slug, token=token),
        title=form.title.data or "",
        house=form.house.data,
        session=form.session.data or "",
    )


@blueprint.route("/o/<slug>/bills/import/<token>", methods=["GET", "POST"])
def preview_bill(slug: str, token: str) -> ResponseReturnValue:
    membership = load_membership(slug, "draft")
    waiting = _waiting(token, membership, None)
    form = ConfirmBillForm()
    if request.method == "GET":
        form.title.data = _read_title(waiting)
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit() and (
        saved := commit(
            lambda: services.create_bill(
                membership,
                waiting.parsed,
                title=form.title.data,
                label=waiting.label,
                source_kind=waiting.source_kind,
                source_name=waiting.source_name,
                session=waiting.session,
                house=waiting.house,
            ),
            success=lambda bill: f"“{bill.title}” is saved with its first print.",
        )
    ):
        pending.discard(token)
        return redirect(url_for("bills.show", bill_id=saved.value.id))
    return _preview_page(membership, waiting, form, None, status)


@blueprint.route("/bills/<int:bill_id>/prints/import", methods=["GET", "POST"])
@limiter.limit(IMPORT_RATE, methods=["POST"])
def import_print(bill_id: int) -> ResponseReturnValue:
    bill, membership = load_bill(bill_id, "draft")
    return _upload(
        NextPrintForm(),
        membership,
        bill,
        lambda token: url_for("bills.preview_print", bill_id=bill.id, token=token),
        house=bill.house,
    )


@blueprint.route("/bills/<int:bill_id>/prints/import/<token>", methods=["GET", "POST"])
def preview_print(bill_id: int, token: str) -> ResponseReturnValue:
    bill, membership = load_bill(bill_id, "draft")
    waiting = _waiting(token, membership, bill)
    form = ConfirmImportForm()
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit() and (
        saved := commit(
            lambda: services.add_print(
                membership,
                bill,
                waiting.parsed,
                label=waiting.label,
                source_kind=waiting.source_kind,
                source_name=waiting.source_name,
            ),
            success=lambda added: f"“{added.label}” is saved as print {added.number}.",
        )
    ):
        pending.discard(token)
        return redirect(url_for("bills.show_print", print_id=saved.value.id))
    return _preview_page(membership, waiting, form, bill, status)


def _read_title(waiting: PendingImport) -> str:
    """The title typed on the import form, else the one the file says; "" when neither did
    (the importer's stand-in, "Untitled bill", is not a title to save)."""
    found = waiting.parsed.title if waiting.parsed else ""
    return waiting.title or ("" if found == UNTITLED else found)


def _preview_page(
    membership: Membership,
    waiting: PendingImport,
    form: ConfirmImportForm,
    bill: Bill | None,
    status: int,
) -> ResponseReturnValue:
    return render_template(
        "bills/preview.html",
        membership=membership,
        organisation=membership.organisation,
        bill=bill,
        waiting=waiting,
        preview=presenters.preview(waiting.parsed),
        title=bill.title if bill else _read_title(waiting) or "A new bill",
        form=form,
    ), status
