"""The versions of a response: the list (and freezing a new version), one version with its
signing controls, the differences between two versions, and what changed for signers."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for

from consult.drafting.models import Response
from consult.drafting.permissions import load_response
from consult.exports import services as export_services
from consult.forms import ActionForm
from consult.organisations.models import Membership
from consult.organisations.permissions import can
from consult.signing import blueprint, presenters, services
from consult.signing.forms import FreezeForm, OpenSigningForm, id_arg
from consult.signing.models import Version
from consult.signing.permissions import load_other_version, load_signable, load_version
from consult.web import commit


def _versions_page(
    response: Response, membership: Membership, form: FreezeForm | None = None, status: int = 200
):
    # Before freezing, the same check as before exporting: a warning, not a block (answering
    # only some questions is a choice an organisation may make).
    check = export_services.check_draft(response) if can(membership, "freeze") else (None, ())
    return render_template(
        "signing/versions.html",
        **presenters.versions_page(response, membership, check),
        form=form or FreezeForm(formdata=None),
    ), status


@blueprint.get("/responses/<int:response_id>/versions")
def versions(response_id: int):
    response, membership = load_response(response_id)
    return _versions_page(response, membership)


@blueprint.post("/responses/<int:response_id>/versions")
def freeze(response_id: int):
    response, membership = load_response(response_id, "freeze")
    form = FreezeForm()
    if form.validate_on_submit() and (
        frozen := commit(
            lambda: services.freeze(membership, response, form.note.data or ""),
            success=lambda version: (
                f"Version {version.number} is frozen. Its text will never change; drafting "
                "goes on in the response as before."
            ),
        )
    ):
        return redirect(url_for("signing.version", version_id=frozen.value.id))
    return _versions_page(response, membership, form=form, status=422)


def _version_page(
    version: Version,
    membership: Membership,
    form: OpenSigningForm | None = None,
    status: int = 200,
):
    if form is None and can(membership, "freeze"):
        form = OpenSigningForm.as_set_for(version)
    return render_template(
        "signing/version.html",
        **presenters.version_page(version, membership),
        form=form,
        action_form=ActionForm(formdata=None),
    ), status


@blueprint.get("/versions/<int:version_id>")
def version(version_id: int):
    found, membership = load_version(version_id)
    return _version_page(found, membership)


@blueprint.post("/versions/<int:version_id>/signing")
def update_signing(version_id: int):
    found, membership = load_version(version_id, "freeze")
    form = OpenSigningForm()
    if form.validate_on_submit() and _update_signing(form, membership, found):
        return redirect(url_for("signing.version", version_id=found.id, _anchor="signing"))
    return _version_page(found, membership, form=form, status=422)


def _update_signing(form: OpenSigningForm, membership: Membership, version: Version):
    """Close signing, or open it (to whom, until when): the closing time is what can fail."""
    if form.operation.data == "close":
        return commit(
            lambda: services.close_signing(membership, version),
            success=f"Signing of version {version.number} is closed. Signatures already given "
            "still count.",
        )
    return commit(
        lambda: services.open_signing(
            membership,
            version,
            public=form.audience.data == "public",
            closes_at=form.closes_at_utc(),
        ),
        success=lambda _: (
            f"Version {version.number} is open for signing by "
            f"{'anyone with the link' if version.signing_public else 'members'}."
        ),
        error_to=form.closes_at,
    )


@blueprint.get("/versions/<int:version_id>/diff")
def diff(version_id: int):
    found, membership = load_version(version_id)
    against = id_arg("against")
    if against is False:
        abort(404)
    other = load_other_version(found, against) if against else services.previous_version(found)
    return render_template("signing/diff.html", **presenters.diff_page(found, other, membership))


@blueprint.get("/versions/<int:version_id>/changes")
def changes(version_id: int):
    found, membership = load_signable(version_id)
    return render_template("signing/changes.html", **presenters.changes_page(found, membership))
