"""Verification: anyone may check that a fingerprint (SHA-256) printed on a response belongs to
a version published by Consult, and read that version's text once it may be read publicly."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from consult.signing import blueprint, presenters, services
from consult.signing.forms import VerifyForm


@blueprint.get("/verify")
def verify():
    form = VerifyForm(request.args)
    if "fingerprint" in request.args and form.validate():
        return redirect(url_for("signing.verify_fingerprint", sha256=form.fingerprint.data))
    return render_template(
        "signing/verify.html", form=form, version=None, searched=None
    ), 400 if form.errors else 200


@blueprint.get("/verify/<sha256>")
def verify_fingerprint(sha256: str):
    fingerprint = sha256.strip().lower()
    form = VerifyForm(formdata=None, fingerprint=fingerprint if len(fingerprint) == 64 else "")
    return render_template(
        "signing/verify.html",
        form=form,
        **presenters.verify_page(fingerprint, services.find_published(fingerprint)),
    )
