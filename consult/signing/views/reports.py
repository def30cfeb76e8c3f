"""The coordinator's view of a version's signatures: a chart, counts, a filtered, paged list,
and the CSV of signatories (with e-mail addresses, so its download is audited)."""

from __future__ import annotations

from flask import make_response, render_template, request
from flask_login import current_user

from consult.signing import blueprint, presenters, services
from consult.signing.forms import SignatureFilterForm, id_arg
from consult.signing.permissions import load_version
from consult.web import commit


@blueprint.get("/versions/<int:version_id>/signatures")
def signatures(version_id: int):
    found, membership = load_version(version_id, "freeze")
    filters = SignatureFilterForm(request.args)
    valid = filters.validate()
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    shown = presenters.signatures_page(
        found, membership, filters, valid, page=id_arg("page") or 1, args=args
    )
    return render_template("signing/signatures.html", **shown), 200 if valid else 400


@blueprint.get("/versions/<int:version_id>/signatures.csv")
def signatures_csv(version_id: int):
    found, _membership = load_version(version_id, "freeze")
    body = commit(lambda: services.download_signatories_csv(current_user, found)).value
    # A byte-order mark, so spreadsheet programs read names as UTF-8.
    response = make_response("\ufeff" + (body or ""))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    filename = f"signatories-response-{found.response_id}-version-{found.number}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
